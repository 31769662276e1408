"""What the plan pages show about delivery: roll-ups, filters, overdue items, timelines.

These functions take a user and return plain data for templates (and CSV tables), so that
views stay a few lines long and every rule is testable without HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from cyplan.accounts import permissions
from cyplan.accounts.models import normalise_role, registered_role_names
from cyplan.core.demo_mode import real_only
from cyplan.core.tables import Table
from cyplan.delivery.models import ProgressUpdate, Status
from cyplan.delivery.rollup import (
    FINISHED,
    NO_UPDATE,
    RETURNED,
    STATUS_LABELS,
    LatestUpdate,
    Rollup,
    is_overdue,
    latest_updates,
    leaf_ids,
    leaf_status,
    plan_rollup,
    total,
)
from cyplan.plans.models import Board, BoardMonitoring, Plan, PlanNode
from cyplan.plans.nodes import NodeInfo, plan_nodes


@dataclass(slots=True)
class LeafRow:
    node: NodeInfo
    update: LatestUpdate | None
    status: str
    overdue: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def leads(self) -> str:
        return "; ".join(lead.role for lead in self.node.leads)


@dataclass
class PlanOverview:
    plan: Plan
    nodes: list[NodeInfo]
    rollups: dict[int, Rollup]
    total: Rollup
    rows: list[LeafRow]
    has_examples: bool
    public: bool

    def rollup(self, node) -> Rollup:
        return self.rollups[node.id]

    @property
    def top_level(self) -> list[tuple[NodeInfo, Rollup]]:
        return [(n, self.rollups[n.id]) for n in self.nodes if n.parent_id is None]

    @property
    def overdue_rows(self) -> list[LeafRow]:
        return [row for row in self.rows if row.overdue]


def plan_overview(plan: Plan, user, today: date | None = None) -> PlanOverview:
    today = today or timezone.localdate()
    public = not permissions.can_see_unpublished(user, plan)
    nodes = plan_nodes(plan)
    leaves = leaf_ids(nodes)
    latest = latest_updates(leaves, public=public)
    rollups = plan_rollup(nodes, latest, today)
    rows = []
    for node in nodes:
        if node.id in leaves:
            update = latest.get(node.id)
            status = leaf_status(update)
            rows.append(LeafRow(node, update, status, is_overdue(node.target_date, status, today)))
    return PlanOverview(
        plan=plan,
        nodes=nodes,
        rollups=rollups,
        total=total(rollups, nodes),
        rows=rows,
        has_examples=any(u.is_example for u in latest.values()),
        public=public,
    )


def filter_rows(overview: PlanOverview, params) -> list[LeafRow]:
    """Apply the plan page's filters: status, lead, organisation, board, target date."""
    rows = overview.rows
    status = params.get("status")
    if status == "overdue":
        rows = [r for r in rows if r.overdue]
    elif status:
        rows = [r for r in rows if r.status == status]
    lead = (params.get("lead") or "").strip().casefold()
    if lead:
        registry = registered_role_names()
        wanted = {lead, registry.get(normalise_role(lead), "").casefold()} - {""}
        rows = [
            r
            for r in rows
            if any(
                w in x.role.casefold() or w in x.registered_role.casefold()
                for w in wanted
                for x in r.node.leads
            )
        ]
    organisation = params.get("organisation")
    if organisation:
        rows = [r for r in rows if any(x.organisation_key == organisation for x in r.node.leads)]
    board = params.get("board")
    if board:
        monitored = monitored_node_ids(overview, board)
        rows = [r for r in rows if monitored is None or r.node.id in monitored]
    due_by = params.get("due_by")
    if due_by:
        try:
            limit = date.fromisoformat(due_by)
        except ValueError:
            limit = None
        if limit:
            rows = [r for r in rows if r.node.target_date and r.node.target_date <= limit]
    return rows


def monitored_node_ids(overview: PlanOverview, board_key: str) -> set[int] | None:
    """Leaf ids a board monitors in this plan (None = the whole plan)."""
    rows = BoardMonitoring.objects.filter(plan=overview.plan, board__key=board_key)
    if rows.filter(node__isnull=True).exists():
        return None
    chosen = set(rows.values_list("node_id", flat=True))
    by_parent: dict[int | None, list[NodeInfo]] = {}
    for node in overview.nodes:
        by_parent.setdefault(node.parent_id, []).append(node)
    result, stack = set(), list(chosen)
    while stack:
        current = stack.pop()
        result.add(current)
        stack.extend(child.id for child in by_parent.get(current, []))
    return result


def filter_choices(overview: PlanOverview) -> dict:
    organisations = {}
    for row in overview.rows:
        for lead in row.node.leads:
            if lead.organisation_key:
                organisations[lead.organisation_key] = lead.organisation_name
    boards = Board.objects.filter(monitoring__plan=overview.plan).distinct().order_by("name")
    return {
        "statuses": [(s, STATUS_LABELS[s]) for s in [*Status.values, RETURNED, NO_UPDATE]]
        + [("overdue", "Overdue")],
        "organisations": sorted(organisations.items(), key=lambda item: item[1]),
        "boards": [(b.key, b.name) for b in boards],
    }


def actions_table(plan: Plan, rows: list[LeafRow]) -> Table:
    table = Table(
        caption=f"Actions of {plan.title}",
        headers=[
            "Id",
            "Number",
            "Action",
            "Lead",
            "Target date",
            "Status",
            "Overdue",
            "Latest period",
        ],
        filename=f"{plan.slug}-actions.csv",
    )
    for row in rows:
        table.rows.append(
            [
                row.node.key,
                row.node.number,
                row.node.title,
                row.leads,
                row.node.target_date_text
                or (row.node.target_date.isoformat() if row.node.target_date else ""),
                row.status_label,
                "Yes" if row.overdue else "No",
                row.update.period if row.update else "",
            ]
        )
    return table


def visible_updates(node: PlanNode, user):
    """The node's updates a user may read, latest period first."""
    updates = real_only(node.updates.select_related("author", "reviewed_by").order_by("-period"))
    if permissions.can_see_unpublished(user, node.plan):
        return updates
    if permissions.leads_node(user, node):
        return updates.filter(state=ProgressUpdate.State.APPROVED) | updates.filter(author=user)
    return updates.filter(state=ProgressUpdate.State.APPROVED)


def node_is_finished(status: str) -> bool:
    return status in FINISHED
