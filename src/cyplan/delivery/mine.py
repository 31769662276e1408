"""A signed-in person's work: what they lead, what is due and overdue, what awaits review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from cyplan.accounts import permissions
from cyplan.delivery.models import ProgressUpdate
from cyplan.delivery.periods import Period, current_period, period_by_key
from cyplan.delivery.rollup import FINISHED, NO_UPDATE, STATUS_LABELS, latest_updates, leaf_ids
from cyplan.plans.models import Plan
from cyplan.plans.nodes import NodeInfo, plan_nodes


@dataclass
class WorkItem:
    plan: Plan
    node: NodeInfo
    status: str
    update: ProgressUpdate | None
    due_period: Period
    due: bool
    overdue: bool
    returned: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class MyWork:
    items: list[WorkItem] = field(default_factory=list)
    to_review: list[ProgressUpdate] = field(default_factory=list)

    @property
    def due(self):
        return [i for i in self.items if i.due]

    @property
    def overdue(self):
        return [i for i in self.items if i.overdue]

    @property
    def returned(self):
        return [i for i in self.items if i.returned]


def my_work(user, today: date | None = None) -> MyWork:
    today = today or timezone.localdate()
    work = MyWork()
    manager = permissions.is_manager(user)
    plans = Plan.objects.exclude(status=Plan.Status.ARCHIVED)
    leads = permissions.lead_matcher(user)
    for plan in plans:
        if not permissions.can_view_plan(user, plan):  # a draft: not the lead's work yet
            continue
        nodes = plan_nodes(plan)
        leaves = leaf_ids(nodes)
        mine = [n for n in nodes if n.id in leaves and leads(n.leads)]
        if not mine:
            continue
        period = current_period(plan.period_start, plan.period_end, plan.reporting_period, today)
        readable = ProgressUpdate.objects.filter(node_id__in=[n.id for n in mine])
        if manager:
            latest = latest_updates([n.id for n in mine], public=False)
        else:  # a co-lead's unapproved update is theirs: its status is not shown here
            readable = readable.filter(
                Q(state=ProgressUpdate.State.APPROVED) | Q(author=user) | Q(author__isnull=True)
            )
            latest = {}
            for update in readable.order_by("node_id", "-period"):
                latest.setdefault(update.node_id, update)
        this_period = {u.node_id: u for u in readable.filter(period=period.key)}
        for node in mine:
            update = latest.get(node.id)
            status = update.status if update else NO_UPDATE
            current = this_period.get(node.id)
            finished = status in FINISHED
            due = not finished and (
                current is None
                or current.state in (ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED)
            )
            overdue = node.target_date is not None and node.target_date < today and not finished
            returned = current is not None and current.state == ProgressUpdate.State.RETURNED
            work.items.append(
                WorkItem(plan, node, status, current or update, period, due, overdue, returned)
            )
        # An update returned (or left as a draft) for an earlier period stays here until it is
        # dealt with, whatever the current period.
        by_id = {n.id: n for n in mine}
        outstanding = ProgressUpdate.objects.filter(
            node_id__in=list(by_id),
            state__in=[ProgressUpdate.State.RETURNED, ProgressUpdate.State.DRAFT],
        ).exclude(period=period.key)
        if not manager:  # a co-lead's unfinished update is theirs to finish
            outstanding = outstanding.filter(Q(author=user) | Q(author__isnull=True))
        for earlier in outstanding.order_by("period"):
            earlier_period = period_by_key(
                earlier.period, plan.reporting_period, plan.period_start, plan.period_end
            )
            if earlier_period is None:
                continue
            node = by_id[earlier.node_id]
            work.items.append(
                WorkItem(
                    plan,
                    node,
                    earlier.status,
                    earlier,
                    earlier_period,
                    True,
                    node.target_date is not None and node.target_date < today,
                    earlier.state == ProgressUpdate.State.RETURNED,
                )
            )
    if manager:
        work.to_review = list(
            ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED)
            .select_related("node__plan", "author")
            .order_by("submitted_at")
        )
    return work
