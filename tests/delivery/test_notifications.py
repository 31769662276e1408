"""Emails about updates go through the outbox: to approvers on submit, to leads on return
(with the comment) and on approval; one email for a workbook's worth of submissions."""

import pytest
from django.core import mail

from cyplan.accounts.models import Role
from cyplan.core.models import OutboxEmail
from cyplan.core.outbox import send_due
from cyplan.delivery import services
from cyplan.delivery.services import UpdateInput
from cyplan.plans.models import Organisation, PlanNode
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    make_plan()
    council = Organisation.objects.get(key="council")
    return {
        "lead": make_user(
            "lead",
            Role.ACTION_LEAD,
            lead_roles=["Head of Early Help"],
            organisation=council,
            email="lead@example.org",
        ),
        "co_lead": make_user(
            "co", Role.ACTION_LEAD, lead_roles=["head of early help"], email="co@example.org"
        ),
        "send_lead": make_user(
            "send", Role.ACTION_LEAD, lead_roles=["Head of SEND"], email="send@example.org"
        ),
        "manager": make_user("manager", Role.PLAN_MANAGER, email="manager@example.org"),
        "quiet_manager": make_user("quiet", Role.PLAN_MANAGER),  # no address: skipped
    }


def sent():
    send_due()
    return list(mail.outbox)


def test_submit_tells_the_approvers_and_nothing_waits_on_the_mail_server(people):
    node = PlanNode.objects.get(key="p1-c1-a")
    services.save_update(
        people["lead"], node, UpdateInput("2024-25-Q3", "at_risk", "Venue lost."), submit=True
    )
    assert mail.outbox == []  # only queued: the worker sends it
    (email,) = sent()
    assert email.to == ["manager@example.org"]
    assert "Update to approve: Run parenting courses (Q3 2024/25)" == email.subject
    assert "Venue lost." in email.body and "/review/" in email.body
    # a draft tells no one
    services.save_update(
        people["lead"], node, UpdateInput("2024-25-Q4", "on_track", "x"), submit=False
    )
    assert OutboxEmail.objects.count() == 1


def test_return_and_approve_tell_the_leads_with_the_comment(people):
    node = PlanNode.objects.get(key="p1-c1-a")
    update = services.save_update(
        people["lead"], node, UpdateInput("2024-25-Q3", "at_risk", "Venue lost."), submit=True
    )
    OutboxEmail.objects.all().delete()
    services.return_update(people["manager"], update, "Which venue, and what instead?")
    (email,) = sent()
    # the author and the co-lead of "Head of Early Help"; not the SEND lead
    assert sorted(email.to) == ["co@example.org", "lead@example.org"]
    assert "was returned" in email.subject
    assert "Which venue, and what instead?" in email.body
    assert "/plans/test-plan/p1-c1-a/update/?period=2024-25-Q3" in email.body
    mail.outbox.clear()
    update.refresh_from_db()
    update = services.save_update(
        people["lead"],
        node,
        UpdateInput("2024-25-Q3", "at_risk", "The library, from March."),
        submit=True,
        expected_version=update.version,
    )
    services.approve(people["manager"], update)
    subjects = sorted(e.subject for e in sent())
    assert subjects == [
        "Update to approve: Run parenting courses (Q3 2024/25)",
        "Your Q3 2024/25 update was approved: Run parenting courses",
    ]


def test_a_refused_review_sends_nothing(people):
    node = PlanNode.objects.get(key="p1-c1-a")
    update = services.save_update(
        people["lead"], node, UpdateInput("2024-25-Q3", "at_risk", "x"), submit=True
    )
    OutboxEmail.objects.all().delete()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.return_update(people["manager"], update, "")
    assert not OutboxEmail.objects.exists()


def test_a_workbook_of_submissions_is_one_email(people):
    entries = [
        (PlanNode.objects.get(key=key), UpdateInput("2024-25-Q3", "on_track", f"{key} fine."))
        for key in ("p1-c1-a", "p1-c1-b", "p1-c2-a")
    ]
    services.save_updates(people["manager"], entries, submit=True)
    (email,) = sent()
    assert email.subject == "3 updates to approve (Q3 2024/25)"
    assert email.body.count("/review/") == 3


def test_the_reminder_digest_goes_once_in_the_week_before_the_deadline(people, settings):
    """Q3 2024/25 ends on 31 December 2024. On 20 December (11 days before) --due-within 7
    sends nothing; on 26 December (5 days before) each lead with owed updates gets one
    digest; run again the next day, nobody gets a second one."""
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    def run_on(day):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        original = timezone.now
        timezone.now = lambda: moment
        try:
            call_command("reminders", "--plan", "test-plan", "--send", "--due-within", "7")
        finally:
            timezone.now = original

    run_on(datetime.date(2024, 12, 20))
    assert not OutboxEmail.objects.filter(kind="delivery-reminder").exists()
    run_on(datetime.date(2024, 12, 26))
    digests = OutboxEmail.objects.filter(kind="delivery-reminder")
    # lead and co-lead (early help, 2 actions) and the SEND lead (1 action)
    assert sorted(e.to[0] for e in digests) == [
        "co@example.org",
        "lead@example.org",
        "send@example.org",
    ]
    run_on(datetime.date(2024, 12, 27))
    assert OutboxEmail.objects.filter(kind="delivery-reminder").count() == 3
