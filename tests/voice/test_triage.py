"""Triage before moderation, the safeguarding trail, escalation, and the child's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cyplan.core.models import OutboxEmail
from cyplan.core.outbox import send_due
from cyplan.voice import services, triage
from cyplan.voice.models import Feedback, SafeguardingEvent

from .helpers import manager, safeguarding_lead, voice_plan

pytestmark = pytest.mark.django_db
ORDINARY = "The skate park needs a roof for when it rains"
DISCLOSURE = "Someone at home hurts me when mum is out"


@pytest.fixture
def people(settings):
    settings.CYPLAN_SAFEGUARDING_EMAIL = "sg@council.example"
    settings.CYPLAN_SAFEGUARDING_ACK_MINUTES = 30
    voice_plan()
    admin = manager("admin-person")
    admin.is_superuser = True
    admin.save()
    return {"manager": manager(), "admin": admin, "lead": safeguarding_lead()}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def submit(text):
    Client().post("/have-your-say/", {"text": text})
    return Feedback.objects.latest("id")


def test_no_manager_or_administrator_reads_a_submission_before_triage(people):
    """Every new submission, ordinary or not, waits for a lead: managers and administrators
    neither list nor open it (finding 1: it went to the queue every plan manager reads)."""
    item = submit(ORDINARY)
    assert item.triage == Feedback.Triage.WAITING and not item.urgent
    for who in ("manager", "admin"):
        staff = signed_in(people[who])
        for state in ("new", "approved", "rejected", "all"):
            assert ORDINARY not in staff.get(f"/voice/?state={state}").content.decode()
        assert staff.get(f"/voice/{item.pk}/").status_code == 404
        assert staff.get(f"/voice/{item.pk}/responses/new/").status_code == 404
        assert staff.get("/voice/safeguarding/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.approve_feedback(people["manager"], item)
    with pytest.raises(PermissionDenied):
        services.reject_feedback(people["manager"], item)
    lead = signed_in(people["lead"])
    assert f"#{item.pk}" in lead.get("/voice/safeguarding/").content.decode()
    assert ORDINARY in lead.get(f"/voice/{item.pk}/").content.decode()


def test_the_triage_queue_shows_urgent_first_and_each_age(people):
    routine = submit(ORDINARY)
    urgent = submit(DISCLOSURE)
    Feedback.objects.filter(pk=routine.pk).update(created_on=timezone.now() - timedelta(hours=3))
    assert list(triage.triage_queue()) == [urgent, routine]
    page = signed_in(people["lead"]).get("/voice/safeguarding/").content.decode()
    assert "Urgent" in page and "3 hours" in page
    assert page.index(f"#{urgent.pk}") < page.index(f"#{routine.pk}")


def test_passing_to_moderation_lets_managers_read_it(people):
    item = submit(ORDINARY)
    lead = signed_in(people["lead"])
    got = lead.post(f"/voice/{item.pk}/", {"action": "pass", "version": item.version})
    assert got.status_code == 302
    item.refresh_from_db()
    assert item.triage == Feedback.Triage.PASSED and not item.safeguarding
    assert ORDINARY in signed_in(people["manager"]).get(f"/voice/{item.pk}/").content.decode()
    assert [e.action for e in item.trail.all()] == ["passed"]


def test_keeping_it_hides_it_for_good(people):
    item = submit(ORDINARY)
    lead = signed_in(people["lead"])
    lead.post(f"/voice/{item.pk}/", {"action": "keep", "version": item.version,
                                     "reason": "Mentions a worrying adult"})  # fmt: skip
    item.refresh_from_db()
    assert item.safeguarding and item.triage == Feedback.Triage.KEPT
    assert signed_in(people["manager"]).get(f"/voice/{item.pk}/").status_code == 404


def test_only_leads_triage(people):
    item = submit(ORDINARY)
    with pytest.raises(PermissionDenied):
        services.pass_to_moderation(people["manager"], item)
    with pytest.raises(PermissionDenied):
        services.keep_as_safeguarding(people["admin"], item, "reason")


def test_the_harm_check_sets_urgency_and_alerts_at_once(people):
    """An urgent item alerts the contact and leads at once (queued in the same transaction);
    a routine one does not."""
    submit(ORDINARY)
    assert OutboxEmail.objects.count() == 0
    item = submit(DISCLOSURE)
    assert item.urgent and item.safeguarding_notified_at is not None
    send_due()
    assert [m.to for m in mail.outbox] == [["sg@council.example", "lead@example.org"]]
    assert DISCLOSURE not in mail.outbox[0].body


def test_a_mail_server_that_never_answers_does_not_hold_up_the_child(people, settings):
    """Finding 5: with a mail server that never answered the child waited 21 s and got a
    bare 500. Now the request only writes the outbox: the thank-you page comes at once, and
    the alert waits in the outbox until the server answers."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "192.0.2.1", 25  # would never answer
    got = Client().post("/have-your-say/", {"text": DISCLOSURE})
    assert got.status_code == 302 and got["Location"] == "/have-your-say/thank-you/"
    row = OutboxEmail.objects.get(kind="safeguarding")
    assert row.attempts == 0 and row.state == OutboxEmail.State.PENDING


def test_an_alert_not_acknowledged_in_time_is_sent_again_and_escalated(people):
    """30 minutes without acknowledgement: sent again, to the contact too, once only."""
    item = submit(DISCLOSURE)
    send_due()
    mail.outbox.clear()
    notified = item.safeguarding_notified_at
    assert services.escalate_unacknowledged(now=notified + timedelta(minutes=29)) == []
    assert services.escalate_unacknowledged(now=notified + timedelta(minutes=31)) == [item.pk]
    assert services.escalate_unacknowledged(now=notified + timedelta(minutes=90)) == []
    send_due()
    assert len(mail.outbox) == 1
    assert "sg@council.example" in mail.outbox[0].to
    assert "NOT YET ACKNOWLEDGED" in mail.outbox[0].subject
    assert [e.action for e in item.trail.all()] == ["alerted", "escalated"]


def test_an_acknowledged_alert_is_not_escalated(people):
    item = submit(DISCLOSURE)
    services.acknowledge(people["lead"], item)
    later = item.safeguarding_notified_at + timedelta(hours=2)
    assert services.escalate_unacknowledged(now=later) == []


def test_the_escalate_command(people, capsys):
    item = submit(DISCLOSURE)
    Feedback.objects.filter(pk=item.pk).update(
        safeguarding_notified_at=timezone.now() - timedelta(hours=1)
    )
    call_command("safeguarding", "escalate")
    assert "Escalated 1 alert(s)" in capsys.readouterr().out


def test_acknowledge_record_and_close_with_a_trail_only_leads_see(people):
    item = submit(DISCLOSURE)
    lead_user = people["lead"]
    lead = signed_in(lead_user)
    lead.post(f"/voice/{item.pk}/", {"action": "acknowledge"})
    lead.post(f"/voice/{item.pk}/", {"action": "keep", "version": item.version + 1,
                                     "reason": "Disclosure of physical harm"})  # fmt: skip
    item.refresh_from_db()
    assert item.safeguarding and item.acknowledged_by == lead_user
    # Closing before an action is recorded is refused.
    with pytest.raises(ValidationError):
        services.close_matter(lead_user, item)
    got = lead.post(f"/voice/{item.pk}/", {"action": "record", "action_taken": "social_care",
                                           "note": "Referred to the front door, ref 123"})  # fmt: skip
    assert got.status_code == 302
    lead.post(f"/voice/{item.pk}/", {"action": "close"})
    item.refresh_from_db()
    assert item.closed_at is not None
    assert [e.action for e in item.trail.all()] == [
        "alerted",
        "acknowledged",
        "kept",
        "social_care",
        "closed",
    ]
    page = lead.get(f"/voice/{item.pk}/").content.decode()
    assert "Referred to children&#x27;s social care" in page and "ref 123" in page
    # No one else sees the trail: not the item, not the list, not the audit log.
    assert signed_in(people["manager"]).get(f"/voice/{item.pk}/").status_code == 404
    audit = signed_in(people["manager"]).get("/audit/").content.decode()
    assert "ref 123" not in audit


def test_an_action_needs_a_reason_and_a_known_outcome(people):
    item = submit(DISCLOSURE)
    with pytest.raises(ValidationError) as error:
        services.record_action(people["lead"], item, "made_up", "")
    assert set(error.value.message_dict) == {"action", "note"}
    assert not SafeguardingEvent.objects.filter(action__in=SafeguardingEvent.OUTCOMES).exists()


def test_time_to_acknowledge_is_reported_to_leads(people):
    """Two alerts acknowledged after 10 and 50 minutes, one not yet: median 30 minutes
    ((10 + 50) / 2), longest 50."""
    now = timezone.now()
    for minutes in (10, 50, None):
        item = submit(DISCLOSURE)
        sent = now - timedelta(hours=2)
        acked = sent + timedelta(minutes=minutes) if minutes else None
        Feedback.objects.filter(pk=item.pk).update(
            safeguarding_notified_at=sent, acknowledged_at=acked
        )
    report = triage.acknowledgement_report(now=now)
    assert (report.alerts, report.acknowledged, report.waiting) == (3, 2, 1)
    assert (report.median_minutes, report.longest_minutes) == (30.0, 50.0)
    page = signed_in(people["lead"]).get("/voice/safeguarding/").content.decode()
    assert "median 30 minutes, longest 50 minutes" in page


def test_after_a_disclosure_the_child_is_told_who_will_read_it(people, settings):
    """Finding 6: the page after a disclosure says a trained person will read it soon, gives
    999, Childline and the area's social care number, and promises nothing about publishing."""
    settings.CYPLAN_SOCIAL_CARE_CONTACT = "Test children's social care|020 7946 0000"
    child = Client()
    got = child.post("/have-your-say/", {"text": DISCLOSURE}, follow=True)
    page = got.content.decode().split('id="main-content"', 1)[1]
    assert "A trained person will read it soon" in page
    assert 'href="tel:999"' in page and "0800 1111" in page and "020 7946 0000" in page
    assert "you said, we did" not in page.lower() and "publish" not in page.lower()
    # Reloading the page, or anyone else, sees the ordinary page: nothing stays on screen.
    again = child.get("/have-your-say/thank-you/").content.decode()
    assert "A trained person" not in again


def test_after_ordinary_feedback_the_usual_page(people):
    page = Client().post("/have-your-say/", {"text": ORDINARY}, follow=True).content.decode()
    page = page.split('id="main-content"', 1)[1]
    assert "A trained person" not in page and "you said, we did" in page


def test_have_your_say_is_linked_from_home_and_navigation(people):
    """Finding 7."""
    page = Client().get("/").content.decode()
    nav = page.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    assert 'href="/have-your-say/">Have your say</a>' in nav
    body = page.split('id="main-content"', 1)[1]
    assert 'href="/have-your-say/"' in body


def test_a_robot_field_with_harm_words_is_kept(people):
    """A submission with harm signals is never refused, even when the honeypot is filled."""
    Client().post("/have-your-say/", {"text": DISCLOSURE, "website": "x"})
    item = Feedback.objects.get()
    assert item.urgent and item.held_as_spam
