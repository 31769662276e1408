"""Who owes updates: leaves with no submitted or approved update for the current period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from cyplan.accounts.models import Profile, Role, normalise_role
from cyplan.delivery.models import ProgressUpdate
from cyplan.delivery.periods import Period, current_period
from cyplan.delivery.rollup import FINISHED, latest_updates, leaf_ids
from cyplan.plans.models import Plan, PlanNode


@dataclass
class Owed:
    node: PlanNode
    period: Period
    overdue: bool
    leads: list[str]
    people: list = field(default_factory=list)


def owed_updates(plan: Plan, today: date | None = None) -> list[Owed]:
    """Every leaf of a published plan that owes an update for the plan's current period.

    A draft plan's actions are owed nothing (nor are its leads emailed about them): nothing of
    a draft reaches its leads before it is published; an archived plan is finished.
    """
    today = today or timezone.localdate()
    if plan.status != Plan.Status.PUBLISHED:
        return []
    period = current_period(plan.period_start, plan.period_end, plan.reporting_period, today)
    nodes = list(plan.nodes.prefetch_related("leads__organisation").order_by("position"))
    leaves = leaf_ids(nodes)
    latest = latest_updates(leaves, public=False)
    reported = set(
        ProgressUpdate.objects.filter(
            node_id__in=leaves,
            period=period.key,
            state__in=[ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED],
        ).values_list("node_id", flat=True)
    )
    leads_people = _lead_people()
    owed = []
    for node in nodes:
        if node.id not in leaves or node.id in reported:
            continue
        update = latest.get(node.id)
        if update and update.status in FINISHED and update.state == ProgressUpdate.State.APPROVED:
            continue
        roles = [lead.role for lead in node.leads.all()]
        people = []
        for lead in node.leads.all():
            candidates = leads_people.get(normalise_role(lead.role), []) + leads_people.get(
                normalise_role(lead.registered_role), []
            )
            for profile in candidates:
                if (
                    lead.organisation_id is None
                    or profile.organisation_id is None
                    or lead.organisation_id == profile.organisation_id
                ) and profile.user not in people:
                    people.append(profile.user)
        overdue = node.target_date is not None and node.target_date < today
        owed.append(Owed(node, period, overdue, roles, people))
    return owed


def _lead_people() -> dict[str, list[Profile]]:
    people: dict[str, list[Profile]] = {}
    active = get_user_model().objects.filter(is_active=True)
    for profile in Profile.objects.filter(role=Role.ACTION_LEAD, user__in=active).select_related(
        "user"
    ):
        for role in profile.normalised_lead_roles:
            people.setdefault(role, []).append(profile)
    return people
