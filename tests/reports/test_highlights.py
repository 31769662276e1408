"""A board pack's "you said, we did" and disproportionality highlights."""

import pytest

from cyplan.reports import content, render
from tests.disproportionality.helpers import make_cohort
from tests.voice import helpers as voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack_world():
    voice.voice_plan()
    staff = voice.manager()
    item = voice.published_item(staff)
    voice.response(staff, item)
    hidden = voice.published_item(staff, published_text="Someone at home hurts me.")
    from cyplan.voice import services

    services.flag_for_safeguarding(staff, hidden, "possible disclosure")
    make_cohort()
    return item


def sections(public):
    part = content.board_pack("ceb", "2024-25-Q3", public=public).plans[0]
    return {s.title: s for s in part.sections}


def test_voice_highlights_show_published_items_and_never_a_flagged_one(pack_world):
    """The published item and its response appear; the safeguarding item never does, in any format."""
    found = sections(public=True)['"You said, we did": highlights']
    assert found.rows == [
        [
            "May 2024",
            "11 to 15",
            "The youth club closed and there is nowhere to go.",
            "We opened the library in the evenings.",
            "Done",
        ]
    ]
    # One published item: a count of 1 is a small number, so the public pack shows "c".
    assert found.paragraphs[0].startswith("c published items")
    for public in (True, False):
        html = render.pack_html(content.board_pack("ceb", "2024-25-Q3", public=public))
        assert "Someone at home hurts me." not in html


def test_disproportionality_highlights_worked_by_hand(pack_world):
    """2024: White British 200 of 40,000 (50 per 10,000). Black Caribbean 50 and Black African 3
    (too small, so merged): Black 53 of 5,000 = 106 per 10,000, RRI 106 / 50 = 2.12.
    ln 2.12 = 0.7514; SE = sqrt(1/53 - 1/5000 + 1/200 - 1/40000) = 0.1538; 95% limits
    exp(0.7514 -/+ 1.96 x 0.1538) = 1.57 to 2.87."""
    found = sections(public=True)["Disproportionality: groups over- or under-represented"]
    [row] = [r for r in found.rows if "Black" in r[2]]
    assert row[0] == "Children in care" and row[1] == "2024"
    assert (row[3], row[4], row[5]) == ("2.1", "1.6 to 2.9", "over-represented")


def test_a_staff_pack_says_when_its_highlights_hold_small_numbers(pack_world):
    """One published item is a count of 1: the staff pack's cover warns; the public pack shows c."""
    staff = content.board_pack("ceb", "2024-25-Q3", public=False)
    assert staff.contains_unsuppressed
    assert "contains unsuppressed figures" in render.pack_html(staff)
    assert not content.board_pack("ceb", "2024-25-Q3", public=True).contains_unsuppressed
