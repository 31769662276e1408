"""Entering and correcting a figure by hand: validation, one transaction, and its history."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cyplan.accounts.models import Role
from cyplan.core.models import AuditEntry
from cyplan.outcomes.entry import ValueInput, history, save_value
from cyplan.outcomes.models import IndicatorValue
from tests.factories import make_plan, make_user

from .helpers import value

pytestmark = pytest.mark.django_db
AREA = "E06000099"


def figure(**changes):
    data = {
        "area_code": AREA,
        "area_name": "Testshire",
        "period": "2024",
        "value": None,
        "numerator": 30.0,
        "denominator": 7300.0,
        "symbol": "",
        "source": "DfE CLA 2024 table A1",
        "note": "",
    }
    data.update(changes)
    return ValueInput(**data)


@pytest.fixture
def manager():
    make_plan()
    return make_user("manager", Role.PLAN_MANAGER)


def test_entering_a_rate_from_its_counts_works_out_the_value(manager):
    """30 children of 7,300 is 30 / 7300 x 10,000 = 41.1 per 10,000, worked out when the value is blank."""
    saved = save_value(manager, "cla-rate", figure())
    assert saved.value == pytest.approx(41.1)
    assert saved.area_level == "local_authority" and saved.is_total and saved.entered_by == manager
    [entry] = history(saved)
    assert (
        entry.action == "value entered"
        and entry.before is None
        and entry.after["numerator"] == 30.0
    )


def test_every_problem_is_reported_and_nothing_written(manager):
    """A bad code, a blank period, more children than the total and no source: all four listed, no row."""
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        save_value(
            manager,
            "cla-3plus-placements",
            figure(area_code="Bromley", period=" ", numerator=9.0, denominator=5.0, source=""),
        )
    assert set(caught.value.message_dict) == {"area_code", "period", "numerator", "source"}
    assert IndicatorValue.objects.count() == 0 and AuditEntry.objects.count() == entries


def test_a_correction_needs_a_reason_and_keeps_the_history(manager):
    """Correcting an imported figure: refused without a reason; with one, before and after are kept."""
    imported = value("cla-rate", AREA, "2024", 43.0, 31, 7300, name="Testshire")
    with pytest.raises(ValidationError) as caught:
        save_value(manager, "cla-rate", figure(numerator=32.0), value=imported)
    assert "note" in caught.value.message_dict
    imported.refresh_from_db()
    assert imported.numerator == 31
    corrected = save_value(
        manager, "cla-rate", figure(numerator=32.0, note="Typo in the return"), value=imported
    )
    assert corrected.pk == imported.pk and corrected.value == pytest.approx(
        43.8
    )  # 32/7300*10000 = 43.84
    [entry] = history(corrected)
    assert entry.action == "value corrected"
    assert (entry.before["numerator"], entry.after["numerator"]) == (31, 32.0)
    assert entry.after["note"] == "Typo in the return"


def test_entering_a_figure_that_exists_is_a_correction(manager):
    """A second figure for the same area and period updates the first (with a reason), never duplicates it."""
    save_value(manager, "cla-rate", figure())
    with pytest.raises(ValidationError):
        save_value(manager, "cla-rate", figure(numerator=35.0))
    save_value(manager, "cla-rate", figure(numerator=35.0, note="Revised publication"))
    assert IndicatorValue.objects.filter(indicator__code="cla-rate").count() == 1


def test_a_symbol_without_a_value(manager):
    """'x' (not available) can be entered with no figure; 'x' with a figure is refused."""
    saved = save_value(manager, "cla-rate", figure(numerator=None, denominator=None, symbol="x"))
    assert saved.value is None and saved.symbol == "x"
    with pytest.raises(ValidationError) as caught:
        save_value(manager, "cla-rate", figure(period="2023", value=40.0, symbol="x"))
    assert "symbol" in caught.value.message_dict


def test_the_form_pages_save_and_show_history(manager):
    """Through the site: the manager corrects a figure; the page then shows the change and who made it."""
    imported = value("cla-rate", AREA, "2024", 43.0, 31, 7300, name="Testshire")
    client = Client()
    client.force_login(manager)
    page = client.get(f"/indicators/cla-rate/?area={AREA}").content.decode()
    assert f"/indicators/values/{imported.pk}/" in page and "Enter a figure" in page
    bad = client.post(
        f"/indicators/values/{imported.pk}/",
        {"area_code": AREA, "period": "2024", "numerator": "lots", "source": "x"},
    )
    assert bad.status_code == 400 and "Numerator must be a number" in bad.content.decode()
    response = client.post(
        f"/indicators/values/{imported.pk}/",
        {
            "area_code": AREA,
            "area_name": "Testshire",
            "period": "2024",
            "numerator": "32",
            "denominator": "7300",
            "source": "DfE CLA 2024",
            "note": "Typo in the return",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/indicators/values/{imported.pk}/").content.decode()
    assert "Value corrected: Typo in the return" in html and "manager" in html


def test_the_public_never_sees_the_staff_section(manager):
    """Public indicator pages have no correction links."""
    value("cla-rate", AREA, "2024", 43.0, 31, 7300, name="Testshire")
    html = Client().get(f"/indicators/cla-rate/?area={AREA}").content.decode()
    assert "Figures held for" not in html and "/values/" not in html


def test_a_target_rates_the_figure(manager):
    """cla-3plus-placements (lower is better) at 4.0%: target 5 is met (green); target 3.9 is missed by
    0.1, within 5% of 3.9 (0.195), so amber; target 3 is missed by 1.0, red."""
    from cyplan.outcomes.comparison import compare
    from cyplan.outcomes.entry import set_target

    value("cla-3plus-placements", AREA, "2024", 4.0, 12, 300, name="Testshire")
    set_target(manager, "cla-3plus-placements", AREA, 5.0)
    assert compare("cla-3plus-placements", AREA, "2024").target["rag"] == "green"
    set_target(manager, "cla-3plus-placements", AREA, 3.9, period="2024")  # this period's wins
    result = compare("cla-3plus-placements", AREA, "2024")
    assert result.target == {"value": 3.9, "period": "2024", "rag": "amber", "note": ""}
    assert "Target 3.9%: not met (amber)" in result.sentence
    set_target(manager, "cla-3plus-placements", AREA, 3.0, period="2024", note="Plan measure")
    assert compare("cla-3plus-placements", AREA, "2024").target["rag"] == "red"
    assert AuditEntry.objects.filter(action="target set").count() == 3


def test_a_target_needs_a_direction_and_a_number(manager):
    """A percentage target over 100 is refused, as is any target for an indicator with no better direction."""
    from cyplan.outcomes.entry import set_target

    with pytest.raises(ValidationError) as caught:
        set_target(manager, "cla-3plus-placements", AREA, 140.0)
    assert "value" in caught.value.message_dict
    with pytest.raises(ValidationError):
        set_target(manager, "cla-count", AREA, 300.0)  # a count of children: neither way is better


def test_the_target_form_and_scorecard(manager):
    """Through the site: the manager sets a target; the scorecard CSV shows it and its rating."""
    import csv
    import io

    value("cla-3plus-placements", AREA, "2024", 4.0, 12, 300, name="Testshire")
    client = Client()
    client.force_login(manager)
    assert (
        client.post(
            "/indicators/cla-3plus-placements/target/", {"area_code": AREA, "value": "ten"}
        ).status_code
        == 400
    )
    response = client.post(
        "/indicators/cla-3plus-placements/target/", {"area_code": AREA, "value": "5"}
    )
    assert response.status_code == 302
    rows = list(
        csv.reader(
            io.StringIO(client.get("/plans/test-plan/scorecard/?format=csv").content.decode())
        )
    )
    mine = [r for r in rows if r[0].startswith("Children looked after with 3 or more")]
    assert mine[0][-2:] == ["5", "green"]
