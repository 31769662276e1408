"""Publication rules: only approved, unflagged items reach public pages, CSV and the report,
and never with the original words or contact details."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from cyplan.voice import publication, services
from cyplan.voice.models import Feedback
from cyplan.voice.report import build_report, render_html

from .helpers import (
    SECRET_EMAIL,
    SECRET_NAME,
    SECRET_WORDS,
    details,
    manager,
    node,
    published_item,
    response,
    theme,
    voice_plan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    voice_plan()
    return manager()


@pytest.fixture
def mixed(staff):
    """One item in every state, each with words that must or must not appear in public."""
    public = published_item(
        staff,
        original_text=SECRET_WORDS,
        published_text="PUBLIC-WORDS the youth club closed",
        nodes=[node("p1-c1")],
        themes=[theme("things-to-do")],
    )
    public.contact_name, public.contact_email, public.follow = SECRET_NAME, SECRET_EMAIL, True
    public.save()
    response(staff, public, text="PUBLIC-RESPONSE evenings at the library")
    response(staff, public, status="agreed", approve=False, text="DRAFT-RESPONSE not yet")
    waiting = services.record_feedback(
        staff, details(original_text="WAITING-WORDS", published_text="WAITING-PUBLISHED")
    )
    rejected = services.record_feedback(staff, details(published_text="REJECTED-WORDS"))
    services.reject_feedback(staff, rejected)
    flagged = published_item(staff, published_text="FLAGGED-WORDS")
    services.flag_for_safeguarding(staff, flagged, "Possible disclosure")
    return {"public": public, "waiting": waiting, "rejected": rejected, "flagged": flagged}


NEVER_PUBLIC = [
    SECRET_WORDS,
    SECRET_NAME,
    SECRET_EMAIL,
    "DRAFT-RESPONSE",
    "WAITING-WORDS",
    "WAITING-PUBLISHED",
    "REJECTED-WORDS",
    "FLAGGED-WORDS",
]


def test_public_items_are_only_approved_and_unflagged(mixed):
    """The one public queryset holds the approved item alone."""
    assert list(publication.public_items()) == [mixed["public"]]


def test_no_public_page_csv_or_report_shows_anything_private(mixed, client, tmp_path):
    """Every public page, the CSV, and the report (HTML and PDF text) leave out every private word."""
    public = mixed["public"]
    outputs = {}
    for url in [
        "/you-said-we-did/",
        "/you-said-we-did/?theme=things-to-do",
        "/you-said-we-did/?priority=test-plan:p1&year=2024",
        "/you-said-we-did/?format=csv",
        f"/you-said-we-did/{public.pk}/",
        "/have-your-say/",
        "/have-your-say/easy-read/",
        "/have-your-say/thank-you/",
        "/",
        "/plans/test-plan/",
    ]:
        got = client.get(url)
        assert got.status_code == 200, url
        outputs[url] = got.content.decode()
    outputs["report"] = render_html(build_report(voice_plan(), 2024))
    call_command(
        "report",
        "you-said-we-did",
        "--plan=test-plan",
        "--year=2024",
        "--format=pdf",
        f"--output={tmp_path / 'r.pdf'}",
        stdout=open("/dev/null", "w"),
    )
    import subprocess

    outputs["pdf"] = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    for name, text in outputs.items():
        for secret in NEVER_PUBLIC:
            assert secret not in text, (name, secret)
    for name in ["/you-said-we-did/", "/you-said-we-did/?format=csv", "report", "pdf"]:
        assert "PUBLIC-WORDS" in outputs[name], name
        assert "PUBLIC-RESPONSE" in outputs[name], name


@pytest.mark.parametrize("which", ["waiting", "rejected", "flagged"])
def test_unpublished_item_pages_are_not_found(mixed, client, which):
    """An item that is not public has no public page: 404, not even a title."""
    assert client.get(f"/you-said-we-did/{mixed[which].pk}/").status_code == 404


def test_approval_needs_words_to_publish(staff):
    """An item with no moderated words cannot be approved: the original is never published."""
    item = services.record_feedback(staff, details(published_text=""))
    with pytest.raises(ValidationError) as error:
        services.approve_feedback(staff, item)
    assert "published_text" in error.value.message_dict
    item.refresh_from_db()
    assert item.state == Feedback.State.NEW


def test_a_flagged_item_cannot_be_approved(staff):
    """Approving a flagged item is refused, even by a manager."""
    item = services.record_feedback(staff, details())
    services.flag_for_safeguarding(staff, item, "worried")
    with pytest.raises(ValidationError):
        services.approve_feedback(staff, Feedback.objects.get(pk=item.pk))
    item.refresh_from_db()
    assert item.state == Feedback.State.NEW and item.safeguarding


def test_response_to_an_unapproved_item_cannot_be_published(staff):
    """A response is public only under a public item; approving it first is refused."""
    item = services.record_feedback(staff, details())
    made = response(staff, item, approve=False)
    with pytest.raises(ValidationError):
        services.approve_response(staff, made)


def test_an_item_of_a_draft_plan_is_not_public(staff):
    """Items of an unpublished plan stay off the public pages."""
    item = published_item(staff)
    plan = voice_plan()
    plan.status = "draft"
    plan.save()
    assert not publication.is_public(item)


def test_filters_by_theme_priority_and_year(staff, client):
    """Theme, priority (with its subtree) and year each narrow the public list."""
    published_item(staff, published_text="A-2024-p1", nodes=[node("p1-c1-a")])
    published_item(
        staff,
        published_text="B-2023-p2",
        said_on=date(2023, 3, 1),
        nodes=[node("p2-c1")],
        themes=[theme("school")],
    )

    def shown(query):
        return client.get("/you-said-we-did/" + query).content.decode()

    assert "A-2024-p1" in shown("?priority=test-plan:p1") and "B-2023" not in shown(
        "?priority=test-plan:p1"
    )
    assert "B-2023-p2" in shown("?year=2023") and "A-2024" not in shown("?year=2023")
    assert "B-2023-p2" in shown("?theme=school") and "A-2024" not in shown("?theme=school")


def test_only_managers_record_feedback():
    """A person without a staff role cannot record an item."""
    from cyplan.accounts.models import Role
    from tests.factories import make_user

    voice_plan()
    with pytest.raises(PermissionDenied):
        services.record_feedback(make_user("lead-x", Role.ACTION_LEAD), details())
