"""Roll-up from actions to commitments, priorities and the plan; overdue and due; reminders."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from cyplan.accounts.models import Role
from cyplan.core.outbox import send_due
from cyplan.delivery import services
from cyplan.delivery.dashboard import filter_rows, plan_overview
from cyplan.delivery.owing import owed_updates
from cyplan.delivery.rollup import NO_UPDATE, Rollup
from cyplan.delivery.services import UpdateInput
from cyplan.plans.models import Organisation, PlanNode
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db


def rollup_of(**counts):
    from collections import Counter

    return Rollup(counts=Counter(counts), leaves=sum(counts.values()))


def test_rollup_rule():
    """The worst status wins; complete only when every leaf is complete or dropped."""
    assert rollup_of(on_track=3, off_track=1).status == "off_track"
    assert rollup_of(on_track=3, at_risk=1, complete=2).status == "at_risk"
    assert rollup_of(complete=2, dropped=1).status == "complete"
    assert rollup_of(dropped=2).status != "complete"
    assert rollup_of(complete=1, no_update=1).status == "on_track"
    assert rollup_of(not_started=2, no_update=1).status == "not_started"
    assert rollup_of(no_update=2).status == NO_UPDATE
    # Progress: 1 complete of 3 live leaves (the dropped one does not count) = 33%.
    assert rollup_of(complete=1, on_track=2, dropped=1).percent_complete == 33


@pytest.fixture
def plan_with_updates():
    plan = make_plan()
    council = Organisation.objects.get(key="council")
    lead = make_user(
        "lead",
        Role.ACTION_LEAD,
        lead_roles=["Head of Early Help"],
        organisation=council,
        email="lead@example.org",
    )
    manager = make_user("manager", Role.PLAN_MANAGER)
    a = PlanNode.objects.get(key="p1-c1-a")
    b = PlanNode.objects.get(key="p1-c1-b")
    approved = services.save_update(
        lead, a, UpdateInput("2024-25-Q2", "at_risk", "Fewer courses."), submit=True
    )
    services.approve(manager, approved)
    services.save_update(
        lead, b, UpdateInput("2024-25-Q2", "off_track", "Hub delayed."), submit=True
    )
    return plan, lead, manager


def test_public_rollup_counts_approved_updates_only(plan_with_updates):
    """The public sees p1 at risk (one approved update); staff also see the submitted off-track one."""
    plan, lead, manager = plan_with_updates
    from django.contrib.auth.models import AnonymousUser

    today = date(2025, 1, 15)
    public = plan_overview(plan, AnonymousUser(), today)
    p1 = PlanNode.objects.get(key="p1")
    assert public.rollup(p1).status == "at_risk"
    assert public.rollup(p1).counts == {"at_risk": 1, NO_UPDATE: 2}
    staff = plan_overview(plan, manager, today)
    assert staff.rollup(p1).status == "off_track"
    # p1-c1-a was due in Sept 2024 and is at risk: overdue on 15 January 2025; the others are not due yet.
    assert public.rollup(p1).overdue == 1 and public.total.overdue == 1
    assert public.total.leaves == 4  # three actions and the commitment without actions


def test_filters(plan_with_updates):
    """Filters by status, lead, organisation, board and target date."""
    plan, lead, manager = plan_with_updates
    overview = plan_overview(plan, manager, date(2025, 1, 15))
    keys = lambda params: [r.node.key for r in filter_rows(overview, params)]  # noqa: E731
    assert keys({"status": "off_track"}) == ["p1-c1-b"]
    assert keys({"status": "overdue"}) == ["p1-c1-a"]
    assert keys({"lead": "send"}) == ["p1-c2-a"]
    assert keys({"organisation": "council"}) == ["p1-c1-a", "p1-c1-b"]
    assert keys({"board": "send-board"}) == ["p1-c2-a"]
    assert keys({"board": "ceb"}) == ["p1-c1-a", "p1-c1-b", "p1-c2-a", "p2-c1"]
    assert keys({"due_by": "2024-12-31"}) == ["p1-c1-a"]


def test_who_owes_updates_and_reminder_emails(plan_with_updates):
    """For Q3 2024/25 every leaf owes an update; reminders go to leads with an account."""
    plan, lead, manager = plan_with_updates
    owed = owed_updates(plan, today=date(2024, 11, 1))
    assert [o.node.key for o in owed] == ["p1-c1-a", "p1-c1-b", "p1-c2-a", "p2-c1"]
    assert owed[0].period.key == "2024-25-Q3"
    assert [u.username for u in owed[0].people] == ["lead"] and owed[2].people == []
    # In Q2 the two submitted or approved updates count as reported.
    assert [o.node.key for o in owed_updates(plan, today=date(2024, 8, 1))] == ["p1-c2-a", "p2-c1"]

    from cyplan.core.models import OutboxEmail

    OutboxEmail.objects.all().delete()  # the fixture's "update submitted" notices
    mail.outbox.clear()
    call_command("reminders", "--plan", "test-plan", "--send")
    assert mail.outbox == []  # queued in the outbox, sent by the worker
    send_due()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lead@example.org"]
    assert "Run parenting courses" in message.body and "Open a family hub" in message.body
    assert "/plans/test-plan/p1-c1-a/update/" in message.body
