"""A plan's nodes as light rows, for pages and exports that show many nodes at once.

Loading hundreds of full ``PlanNode`` instances (with their texts and JSON fields) costs
more than the page around them; these rows carry what overviews, filters, tables and the
JSON export need, from two queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cyplan.plans.models import Lead, Plan, PlanNode

KIND_LABELS = dict(PlanNode.Kind.choices)


@dataclass(frozen=True, slots=True)
class LeadInfo:
    role: str
    organisation_id: int | None
    organisation_key: str | None
    organisation_name: str | None
    role_name: str = ""

    @property
    def registered_role(self) -> str:
        """The role's name in the area's role registry (the role as written if none)."""
        return self.role_name or self.role


@dataclass(slots=True)
class NodeInfo:
    """The light facts about a node that overviews, filters and tables need."""

    id: int
    key: str
    parent_id: int | None
    kind: str
    number: str
    title: str
    target_date: date | None
    target_date_text: str
    leads: list[LeadInfo]
    parent: NodeInfo | None = None

    def get_kind_display(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def label(self) -> str:
        """e.g. "8 a)" for an action, "3.2" for a commitment, "Priority 1" for a top node."""
        if self.parent is None:
            return f"{self.get_kind_display()} {self.number}".strip()
        if self.kind == "action":
            return f"{self.parent.number} {self.number})"
        return f"{self.parent.number}.{self.number}"


def node_leads(plan: Plan) -> dict[int, list[LeadInfo]]:
    """Each node's leads, in order, keyed by node id (one query)."""
    leads: dict[int, list[LeadInfo]] = {}
    for node_id, *lead in (
        Lead.objects.filter(node__plan=plan)
        .order_by("node_id", "position")
        .values_list(
            "node_id",
            "role",
            "organisation_id",
            "organisation__key",
            "organisation__name",
            "role_name",
        )
    ):
        leads.setdefault(node_id, []).append(LeadInfo(*lead))
    return leads


def plan_nodes(plan: Plan) -> list[NodeInfo]:
    """The plan's nodes in document order, as light rows (two queries, no model instances)."""
    leads = node_leads(plan)
    fields = [
        "id",
        "key",
        "parent_id",
        "kind",
        "number",
        "title",
        "target_date",
        "target_date_text",
    ]
    nodes = [
        NodeInfo(*row, leads=leads.get(row[0], []))
        for row in plan.nodes.order_by("position").values_list(*fields)
    ]
    by_id = {node.id: node for node in nodes}
    for node in nodes:
        node.parent = by_id.get(node.parent_id)
    return nodes
