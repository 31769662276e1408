"""The demo: an account for each role and a few example progress updates.

Used by ``cyplan demo`` (and so ``make run``), by the browser tests and by the benchmark.
Development only: ``cyplan demo`` refuses to run in production. Every update made here is
marked ``is_example`` and every page that shows one says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from cyplan.accounts.models import Profile, Role
from cyplan.delivery import services
from cyplan.delivery.models import ProgressUpdate
from cyplan.plans.models import Board, Organisation, Plan, PlanNode
from cyplan.voice.demo import create_example_voice


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    description: str
    lead_roles: tuple[str, ...] = ()
    boards: tuple[str, ...] = ()


DEMO_ACCOUNTS = [
    DemoAccount(
        "admin", "demo-admin-2024", Role.ADMINISTRATOR, "administrator: everything, and /admin/"
    ),
    DemoAccount(
        "manager",
        "demo-manager-2024",
        Role.PLAN_MANAGER,
        "plan manager: approves updates, sees everything",
    ),
    DemoAccount(
        "lead",
        "demo-lead-2024",
        Role.ACTION_LEAD,
        "action lead (Director Education): records updates for education actions",
        lead_roles=("Director Education", "Director of Education"),
    ),
    DemoAccount(
        "lead2",
        "demo-lead2-2024",
        Role.ACTION_LEAD,
        "action lead (Assistant Director Specialist Services)",
        lead_roles=("Assistant Director Specialist Services",),
    ),
    DemoAccount(
        "board",
        "demo-board-2024",
        Role.BOARD_MEMBER,
        "board member (scrutiny committee, Children's Executive Board): reads unapproved updates",
        boards=("cef-pds-committee", "childrens-executive-board"),
    ),
    DemoAccount(
        "data",
        "demo-data-2024",
        Role.DATA_OFFICER,
        "data officer: loads the statutory returns (SSDA903, CIN census, Annex A) in the site",
    ),
]

PORTFOLIO = "bromley-cef-portfolio-2024-2025"
CYPP = "bromley-cypp-2021-2024"

# (plan, node, period, status, narrative, final state, who records it)
EXAMPLE_UPDATES = [
    (
        PORTFOLIO,
        "a1-c8-a",
        "2024-25-Q3",
        "on_track",
        "Example: 61% of new EHC plans were issued within 20 weeks this quarter, up from 52%.",
        "approved",
        "lead",
    ),
    (
        PORTFOLIO,
        "a1-c8-a",
        "2024-25-Q4",
        "at_risk",
        "Example: timeliness fell back to 48% as requests rose by a third; extra educational "
        "psychology capacity starts in May.",
        "approved",
        "lead",
    ),
    (
        PORTFOLIO,
        "a1-c2-c",
        "2024-25-Q4",
        "on_track",
        "Example: the SEN Free School building is complete and places are being offered for September.",
        "submitted",
        "lead",
    ),
    (
        PORTFOLIO,
        "a1-c1-a",
        "2024-25-Q4",
        "on_track",
        "Example: the Early Years directory was published in April and updated monthly.",
        "returned",
        "lead",
    ),
    (
        PORTFOLIO,
        "a1-c13-a",
        "2024-25-Q4",
        "off_track",
        "Example: first-time entrants rose this year; a new prevention offer is being commissioned.",
        "approved",
        "lead2",
    ),
    (
        PORTFOLIO,
        "a1-c14-a",
        "2024-25-Q4",
        "complete",
        "Example: the youth services review is complete and the new offer is operational.",
        "approved",
        "lead2",
    ),
    (
        CYPP,
        "priority-2-c4",
        "2023-24-Q4",
        "complete",
        "Example: the new domestic abuse strategy was adopted and its first year delivered.",
        "approved",
        "manager",
    ),
    (
        CYPP,
        "priority-4-c2",
        "2023-24-Q4",
        "at_risk",
        "Example: the Youth Justice Strategy review found disproportionality has not narrowed.",
        "approved",
        "manager",
    ),
]


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    User = get_user_model()
    council = Organisation.objects.filter(key="london-borough-of-bromley").first()
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.is_staff = user.is_superuser = account.role == Role.ADMINISTRATOR
        user.set_password(account.password)
        user.save()
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.role = account.role
        profile.lead_roles = list(account.lead_roles)
        profile.organisation = council if account.role == Role.ACTION_LEAD else None
        profile.is_example = True
        profile.save()
        profile.boards.set(Board.objects.filter(key__in=account.boards))
    return DEMO_ACCOUNTS


@transaction.atomic
def create_example_updates() -> int:
    """Make the example updates once; return how many were made."""
    create_example_voice()  # the "you said, we did" examples (cyplan.voice.demo)
    if ProgressUpdate.objects.filter(is_example=True).exists():
        return 0
    User = get_user_model()
    users = {
        u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    }
    manager = users["manager"]
    made = 0
    for slug, key, period, status, narrative, state, who in EXAMPLE_UPDATES:
        node = PlanNode.objects.filter(plan__slug=slug, key=key).select_related("plan").first()
        if node is None or node.plan.status == Plan.Status.ARCHIVED:
            continue
        update = services.save_update(
            users[who],
            node,
            services.UpdateInput(period=period, status=status, narrative=narrative),
            submit=state != "draft",
            is_example=True,
        )
        if state == "approved":
            services.approve(manager, update)
        elif state == "returned":
            services.return_update(
                manager, update, "Example: how many families used the directory this year?"
            )
        made += 1
    return made
