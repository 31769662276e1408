"""Rolling statuses up the plan's tree, and finding what is overdue or due.

The rule (also in docs/delivery.md):

- A *leaf* is a commitment or action with no children: that is what people report on.
- A leaf's status is the status of its latest update (latest period); for the public only
  approved updates count. A leaf with no update is "no update".
- A leaf is **overdue** when its target date has passed and its status is not complete or
  dropped. It is **due** when it has no submitted or approved update for the current period
  and is not complete or dropped.
- A leaf whose latest update was returned to its lead (staff see these; the public sees
  approved updates only) is "returned": what it reported is not yet accepted, so it counts
  as returned, never as the status it claimed.
- A parent's roll-up counts its leaves' statuses. Its overall status is the worst that
  applies: off track if any leaf is off track; else at risk if any is at risk; else, when
  more than half of its leaves have no accepted update (no update, or returned), "no update"
  ("returned" when returned ones are the more); else complete if every leaf is complete or
  dropped (and at least one is complete); else on track if any is on track or complete;
  else not started (or no update, when none has one).
- Progress is the share of leaves (not dropped) that are complete.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Subquery

from cyplan.core.demo_mode import real_only
from cyplan.delivery.models import ProgressUpdate, Status
from cyplan.plans.models import PlanNode

NO_UPDATE = "no_update"
RETURNED = "returned"
STATUS_LABELS = dict(Status.choices) | {
    NO_UPDATE: "No update yet",
    RETURNED: "Returned to the lead",
}
#: Worst first: the order a board wants to read them in.
STATUS_ORDER = [
    Status.OFF_TRACK,
    Status.AT_RISK,
    RETURNED,
    NO_UPDATE,
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.COMPLETE,
    Status.DROPPED,
]
FINISHED = {Status.COMPLETE, Status.DROPPED}


@dataclass
class Rollup:
    counts: Counter = field(default_factory=Counter)
    overdue: int = 0
    leaves: int = 0

    @property
    def status(self) -> str:
        c = self.counts
        if not self.leaves:
            return NO_UPDATE
        if c[Status.OFF_TRACK]:
            return Status.OFF_TRACK
        if c[Status.AT_RISK]:
            return Status.AT_RISK
        if 2 * (c[NO_UPDATE] + c[RETURNED]) > self.leaves:  # mostly unknown: say so
            return RETURNED if c[RETURNED] > c[NO_UPDATE] else NO_UPDATE
        if c[Status.COMPLETE] and c[Status.COMPLETE] + c[Status.DROPPED] == self.leaves:
            return Status.COMPLETE
        if c[Status.ON_TRACK] or c[Status.COMPLETE]:
            return Status.ON_TRACK
        if c[Status.NOT_STARTED]:
            return Status.NOT_STARTED
        return RETURNED if c[RETURNED] > c[NO_UPDATE] else NO_UPDATE

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def percent_complete(self) -> int:
        live = self.leaves - self.counts[Status.DROPPED]
        return round(100 * self.counts[Status.COMPLETE] / live) if live else 0

    @property
    def without_update(self) -> int:
        """Leaves with no accepted update: none at all, or returned to the lead."""
        return self.counts[NO_UPDATE] + self.counts[RETURNED]

    def ordered_counts(self) -> list[tuple[str, str, int]]:
        return [(s, STATUS_LABELS[s], self.counts[s]) for s in STATUS_ORDER if self.counts[s]]

    def add(self, other: Rollup) -> None:
        self.counts.update(other.counts)
        self.overdue += other.overdue
        self.leaves += other.leaves


def is_overdue(target: date | None, status: str, today: date) -> bool:
    return target is not None and target < today and status not in FINISHED


def leaf_ids(nodes) -> set[int]:
    parents = {n.parent_id for n in nodes if n.parent_id}
    return {n.id for n in nodes if n.id not in parents and n.kind in ("commitment", "action")}


@dataclass(frozen=True, slots=True)
class LatestUpdate:
    """The few facts about a node's latest update that overviews need."""

    id: int
    node_id: int
    period: str
    status: str
    state: str
    is_example: bool


def latest_updates(node_ids, *, public: bool) -> dict[int, LatestUpdate]:
    """The latest update of each node (latest period), approved ones only when public.

    For each node the database walks the (node, period) index backwards to its latest
    update, so a plan with tens of thousands of updates costs one index probe per node.
    """
    updates = real_only(ProgressUpdate.objects.filter(node_id=OuterRef("pk")))
    if public:
        updates = updates.filter(state=ProgressUpdate.State.APPROVED)
    latest_ids = (
        PlanNode.objects.filter(id__in=list(node_ids))
        .annotate(latest=Subquery(updates.order_by("-period").values("id")[:1]))
        .exclude(latest=None)
        .values_list("latest", flat=True)
    )
    fields = ["id", "node_id", "period", "status", "state", "is_example"]
    rows = ProgressUpdate.objects.filter(id__in=list(latest_ids)).values_list(*fields)
    return {row[1]: LatestUpdate(*row) for row in rows}


def leaf_status(update: LatestUpdate | None) -> str:
    """What a leaf counts as: its latest update's status, "returned" when that update was
    returned to the lead, "no update" when it has none."""
    if update is None:
        return NO_UPDATE
    if update.state == ProgressUpdate.State.RETURNED:
        return RETURNED
    return update.status


def plan_rollup(nodes, latest: dict[int, LatestUpdate], today: date) -> dict[int, Rollup]:
    """A Rollup for every node id (leaves included), from the given latest updates."""
    leaves = leaf_ids(nodes)
    by_id = {n.id: n for n in nodes}
    rollups = {n.id: Rollup() for n in nodes}
    for node in nodes:
        if node.id not in leaves:
            continue
        status = leaf_status(latest.get(node.id))
        own = Rollup(counts=Counter({status: 1}), leaves=1)
        own.overdue = int(is_overdue(node.target_date, status, today))
        current = node
        while current is not None:
            rollups[current.id].add(own)
            current = by_id.get(current.parent_id)
    return rollups


def total(rollups: dict[int, Rollup], nodes) -> Rollup:
    """The whole plan: the sum over top-level nodes."""
    result = Rollup()
    for node in nodes:
        if node.parent_id is None:
            result.add(rollups[node.id])
    return result
