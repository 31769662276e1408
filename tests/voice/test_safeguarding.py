"""Safeguarding: flagging hides an item from all but the named leads and emails the contact."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client

from cyplan.core.outbox import send_due
from cyplan.voice import services
from cyplan.voice.harm_words import harm_signals
from cyplan.voice.models import Feedback

from .helpers import details, manager, published_item, safeguarding_lead, voice_plan

pytestmark = pytest.mark.django_db
CHILD_WORDS = "Someone at home hurts me when mum is out"


@pytest.fixture
def people(settings):
    settings.CYPLAN_SAFEGUARDING_EMAIL = "safeguarding@council.example"
    voice_plan()
    return {"manager": manager(), "lead": safeguarding_lead()}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_staff_flag_emails_the_contact_and_leads_without_the_childs_words(people):
    """Flagging sends one email to the configured contact and each lead; it names the item only."""
    item = published_item(people["manager"], original_text="I am worried about my friend")
    mail.outbox.clear()
    services.flag_for_safeguarding(people["manager"], item, "Mentions a friend at risk")
    send_due()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"safeguarding@council.example", "lead@example.org"}
    assert f"#{item.pk}" in message.subject
    assert f"/voice/{item.pk}/" in message.body
    assert "worried about my friend" not in message.body
    assert "Mentions a friend at risk" not in message.body  # a reason may quote the child
    item.refresh_from_db()
    assert item.safeguarding and item.safeguarding_notified_at is not None
    assert item.state == Feedback.State.NEW  # and so off the public page at once


def test_public_form_disclosure_is_flagged_and_notified_on_submission(people, client):
    """Harm words in a form submission flag it at once and email the contact; the child is thanked."""
    mail.outbox.clear()
    response = client.post("/have-your-say/", {"text": CHILD_WORDS, "age_band": "11_15"})
    assert response.status_code == 302 and response["Location"] == "/have-your-say/thank-you/"
    item = Feedback.objects.get()
    assert item.urgent and item.flagged_automatically
    assert item.triage == Feedback.Triage.WAITING  # the lead decides; the check sets urgency
    send_due()
    assert [m.to for m in mail.outbox] == [["safeguarding@council.example", "lead@example.org"]]
    assert "hurts me" not in mail.outbox[0].body  # not even the words that matched


def test_flagged_item_is_hidden_from_managers_and_shown_to_leads(people):
    """Managers get 404 for a flagged item and do not see it listed; a lead sees and opens it."""
    item = services.record_feedback(people["manager"], details(original_text=CHILD_WORDS))
    assert item.urgent and item.triage == Feedback.Triage.WAITING  # the harm check matched
    services.keep_as_safeguarding(people["lead"], item, "A disclosure")
    as_manager = signed_in(people["manager"])
    assert as_manager.get(f"/voice/{item.pk}/").status_code == 404
    assert as_manager.get(f"/voice/{item.pk}/responses/new/").status_code == 404
    for state in ("new", "approved", "rejected"):
        assert CHILD_WORDS not in as_manager.get(f"/voice/?state={state}").content.decode()
    assert as_manager.get("/voice/safeguarding/").status_code == 403
    as_lead = signed_in(people["lead"])
    assert CHILD_WORDS in as_lead.get(f"/voice/{item.pk}/").content.decode()
    assert f"#{item.pk}" in as_lead.get("/voice/safeguarding/").content.decode()


def test_only_a_lead_can_clear_a_flag_and_it_returns_to_moderation(people):
    """A manager cannot clear a flag; a lead can, with a reason, and the item is back in the queue."""
    item = services.record_feedback(people["manager"], details(original_text=CHILD_WORDS))
    services.keep_as_safeguarding(people["lead"], item, "A disclosure")
    with pytest.raises(PermissionDenied):
        services.clear_safeguarding_flag(people["manager"], item, "not a concern")
    services.clear_safeguarding_flag(people["lead"], item, "Song lyrics, checked with school")
    item.refresh_from_db()
    assert not item.safeguarding and item.state == Feedback.State.NEW


def test_audit_log_never_holds_the_words(people):
    """The audit entries for a flagged item record the flag, not the child's words."""
    from cyplan.core.models import AuditEntry

    services.record_feedback(people["manager"], details(original_text=CHILD_WORDS))
    for entry in AuditEntry.objects.all():
        assert CHILD_WORDS not in f"{entry.object_repr} {entry.before} {entry.after}"


def test_without_anyone_to_tell_the_item_is_still_flagged(settings):
    """With no contact configured and no leads, nothing is sent but the item is kept and hidden."""
    settings.CYPLAN_SAFEGUARDING_EMAIL = ""
    voice_plan()
    mail.outbox.clear()
    item = services.submit_public_feedback(services.PublicFeedback(text=CHILD_WORDS))
    assert item.urgent and item.triage == Feedback.Triage.WAITING
    assert item.safeguarding_notified_at is None
    send_due()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("My stepdad hits me", ["my stepdad hits me"]),
        ("I want to KILL   MYSELF", ["kill myself"]),
        ("I self-harm sometimes and I was abused", ["self harm", "i was abused"]),
        ("The youth club closed and there is nowhere to go", []),
        ("Whitehits menu", []),  # whole words only
    ],
)
def test_harm_signals(text, found):
    """The automatic check finds harm phrases in context, whatever the case and spacing."""
    assert harm_signals(text) == found


def test_the_form_says_what_to_do_in_danger_before_the_text_box(client, settings):
    """999 and the configured helplines come before the question on both forms."""
    settings.CYPLAN_HELPLINES = "Childline|0800 1111|free, any time;Local helpline|01234 567890|"
    for url in ("/have-your-say/", "/have-your-say/easy-read/"):
        page = client.get(url).content.decode()
        assert page.index("999") < page.index('id="id_text"'), url
        assert 'href="tel:08001111"' in page and "01234 567890" in page, url


def test_production_warns_without_a_safeguarding_contact(settings):
    """The system check warns when production has no safeguarding email."""
    from cyplan.voice.checks import safeguarding_contact

    settings.PRODUCTION = True
    settings.CYPLAN_SAFEGUARDING_EMAIL = ""
    assert [w.id for w in safeguarding_contact(None)] == ["cyplan.voice.W001"]
    settings.CYPLAN_SAFEGUARDING_EMAIL = "sg@council.example"
    assert safeguarding_contact(None) == []


def test_the_admin_does_not_open_feedback():
    """Feedback is not in the Django admin (so a superuser cannot read flagged items there)."""
    from django.contrib import admin

    from cyplan.voice.models import Response, Theme

    assert Theme in admin.site._registry
    assert Feedback not in admin.site._registry and Response not in admin.site._registry
