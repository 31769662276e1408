"""Every form, posted hostile values: the form again with its errors (400; 200 when nothing
at all was posted), a refusal (403) or a redirect after saving (302), never a server error;
anything but the redirect has written nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from cyplan.reports import jobs
from tests.security.conftest import fuzz, ran
from tests.security.mutations import hostile_text
from tests.security.world import build_world, signed_in, state

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
MISSING = object()
SAVED, ERRORS, REFUSED, SHOWN = 302, 400, 403, 200


@pytest.fixture
def world(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(jobs, "start", lambda job: None)  # the form is under test, not the pack
    return build_world()


def field(good, bad=()):
    """A form field: the values a careful person would send, and wrong ones."""
    return (list(good), list(bad))


def form_data(draw, fields: dict) -> dict:
    """Most fields as a careful person fills them in; one to three fields corrupted: left
    out, a wrong value, or hostile text."""
    names = sorted(fields)
    corrupt = draw(st.sets(st.sampled_from(names), max_size=3))
    data = {}
    for name in names:
        good, bad = fields[name]
        if name in corrupt:
            options = [st.just(MISSING), hostile_text] + ([st.sampled_from(bad)] if bad else [])
            value = draw(st.one_of(options))
        else:
            value = draw(st.sampled_from(good))
        if value is not MISSING:
            data[name] = value
    return data


def post_and_check(client, url, data, name, allowed=(SAVED, ERRORS, SHOWN)):
    """POST; a refusal leaves every table as it was."""
    before = state()
    response = client.post(url, data)
    ran(name, response.status_code)
    assert response.status_code in allowed, (response.status_code, data)
    if response.status_code != SAVED:
        assert state() == before, data
    return response


UPLOAD_NAMES = ["notes.pdf", "notes.txt", "run.exe", "page.html", "image.svg", "x.pdf.exe",
                "../../etc/passwd", "notes", "a" * 300 + ".pdf", "données.csv"]  # fmt: skip
UPLOAD_HEADS = [b"%PDF-1.4\n", b"MZ\x90\x00", b"<html><script>", b"\x89PNG\r\n\x1a\n",
                b"PK\x03\x04", b"plain text\n", b"\x00\x01\x02", b""]  # fmt: skip


def test_progress_update_form(world):
    """The lead's update form (with links and an evidence file)."""
    client = signed_in(world["lead"])
    url = "/plans/test-plan/p1-c1-a/update/"

    @fuzz("progress update form", 100)
    @given(data=st.data())
    def case(data):
        fields = {
            "period": field(
                ["2024-25-Q1", "2024-25-Q3", "2025-26-Q4"], ["1999-00-Q1", "2024-25-Q5"]
            ),
            "status": field(["on_track", "at_risk", "complete"], ["late"]),
            "rag": field(["", "red", "amber", "green"], ["blue"]),
            "narrative": field(["Four courses ran.", "<b>Bold</b> & done"], ["x" * 5001, "   "]),
            "link_url_1": field(
                ["", "https://example.org/report"], ["javascript:alert(1)", "ftp://x"]
            ),
            "link_title_1": field(["", "Report"]),
            "link_url_2": field(["", "http://example.org"], ["//evil.example"]),
            "on_behalf_of": field([MISSING, "Head of Early Help"]),
            "version": field([MISSING], ["1", "-1", "99999999999999999999"]),
            "submit": field([MISSING, "1"]),
        }
        payload = form_data(data.draw, fields)
        if data.draw(st.integers(0, 3)) == 0:
            name = data.draw(st.sampled_from(UPLOAD_NAMES))
            body = data.draw(st.sampled_from(UPLOAD_HEADS)) + data.draw(st.binary(max_size=64))
            payload["evidence_file"] = SimpleUploadedFile(name, body)
        # An approved update cannot be edited by its lead: 403 is a refusal too.
        post_and_check(
            client, url, payload, "progress update form", (SAVED, ERRORS, REFUSED, SHOWN)
        )

    case()


def test_review_form(world):
    """The manager's approve-or-return form."""
    client = signed_in(world["manager"])

    @fuzz("review form", 40)
    @given(data=st.data())
    def case(data):
        payload = form_data(
            data.draw,
            {
                "approve": field([MISSING]),
                "comment": field(["Say when the hub opens"], ["x" * 6000, " "]),
                "version": field([MISSING], ["2", "0", "abc"]),
            },
        )
        update = world["update"]
        post_and_check(client, f"/updates/{update.pk}/review/", payload, "review form")

    case()


def test_value_entry_form(world):
    """The manager's figure form: a new figure, and a correction of the one held."""
    client = signed_in(world["manager"])
    urls = ["/indicators/cla-rate/values/new/", f"/indicators/values/{world['value'].pk}/"]

    @fuzz("value entry form", 80)
    @given(data=st.data(), url=st.sampled_from(urls))
    def case(data, url):
        bad_numbers = ["-3", "1e309", "nan", "inf", "ten"]
        payload = form_data(
            data.draw,
            {
                "area_code": field(["E06000099", "E09000006", "e09000006"], ["X1"]),
                "area_name": field(["", "Testshire"]),
                "period": field(["2024", "2023/24", "2025"]),
                "value": field(["", "41", "12.5"], bad_numbers),
                "numerator": field([""], bad_numbers),
                "denominator": field([""], bad_numbers + ["0"]),
                "symbol": field([""], ["q"]),
                "source": field(["Hand entry"], ["x" * 400]),
                "note": field(["typo"], ["x" * 1200]),
            },
        )
        post_and_check(client, url, payload, "value entry form")

    case()


def test_target_form(world):
    """The manager's target form."""
    client = signed_in(world["manager"])

    @fuzz("target form", 50)
    @given(data=st.data(), code=st.sampled_from(["cla-3plus-placements", "cla-rate", "nope"]))
    def case(data, code):
        payload = form_data(
            data.draw,
            {
                "area_code": field(["E06000099", "E09000006"], ["X"]),
                "period": field(["", "2024"]),
                "value": field(["5", "3.5"], ["-1", "101", "1e309", "nan"]),
                "note": field(["", "plan target"]),
            },
        )
        allowed = (SAVED, ERRORS, SHOWN, 404)  # an indicator not in the catalogue has no page
        post_and_check(client, f"/indicators/{code}/target/", payload, "target form", allowed)

    case()


def test_report_request_form(world):
    """The manager's board pack and scrutiny report request form."""
    client = signed_in(world["manager"])

    @fuzz("report request form", 50)
    @given(data=st.data())
    def case(data):
        payload = form_data(
            data.draw,
            {
                "kind": field(["board-pack", "scrutiny"], ["other"]),
                "board": field(["ceb", "send-board"], ["nope"]),
                "plan": field(["test-plan"], ["nope"]),
                "period": field(["", "2024-25-Q3"], ["2099-00-Q9"]),
                "format": field(["html", "pdf", "docx", "xlsx"], ["exe"]),
                "audience": field(["staff", "public"], ["root"]),
            },
        )
        post_and_check(client, "/reports/", payload, "report request form")

    case()


def test_have_your_say_form(world):
    """The public form (no account): hostile text is stored for moderation only, never
    published; a filled honeypot keeps nothing; a bad email or empty text keeps nothing."""
    from django.core.cache import cache
    from django.test import Client

    from cyplan.voice.models import Feedback
    from cyplan.voice.publication import public_items

    client = Client()

    @fuzz("have your say form", 60)
    @given(data=st.data(), easy=st.booleans())
    def case(data, easy):
        cache.clear()  # the per-address limit is tested in tests/voice; here, the form itself
        fields = {
            "text": field(["The youth club closed.", "More buses please"], ["", " "]),
            "age_band": field(["", "11_15", "adult"], ["12", "old"]),
            "about_me": field(["care_experienced", "send"], ["everything"]),
            "contact_name": field(["", "Sam"], ["x" * 200]),
            "contact_email": field(["", "sam@example.org"], ["not an email", "a@"]),
            "follow": field(["", "on"]),
            "website": field([""], ["https://spam.example"]),
        }
        posted = form_data(data.draw, fields)
        before = Feedback.objects.count()
        url = "/have-your-say/easy-read/" if easy else "/have-your-say/"
        response = client.post(url, posted)
        ran("have your say form", response.status_code)
        assert response.status_code in (SAVED, ERRORS), (response.status_code, posted)
        kept = Feedback.objects.count() - before
        robot = bool(posted.get("website", "").strip())
        assert kept == (1 if response.status_code == SAVED and not robot else 0), posted
        assert not public_items().exists()  # nothing is ever published automatically

    case()
