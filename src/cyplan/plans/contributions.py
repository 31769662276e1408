"""Which actions of other plans deliver a plan's priorities, from the links between plans.

A link says that a node of one plan (an ambition, commitment or action) supports a node of
another plan, either because a document says so (*stated*) or because cyplan's reading of the
two plans found they share a subject (*inferred*). An action delivers the priorities that the
nearest linked node above it (or the action itself) points to: a commitment's own link
overrides its ambition's broader one, so an action is not listed under every priority that
its ambition mentions when its commitment names one. Only published plans' links count.

Plain functions over light rows: the board pack and the plan pages share them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyplan.delivery.rollup import leaf_ids
from cyplan.plans.models import Plan, PlanLink
from cyplan.plans.nodes import NodeInfo, plan_nodes

STATED = PlanLink.Basis.STATED
INFERRED = PlanLink.Basis.INFERRED


@dataclass(frozen=True)
class Contribution:
    """An action of ``plan`` that delivers the priority ``target`` of another plan."""

    plan: Plan
    action: NodeInfo
    target: NodeInfo  # the top-level node (priority) of the plan being delivered
    basis: str  # "stated" or "inferred"
    via: NodeInfo | None  # the node whose link places the action (None: the whole plan)
    note: str

    @property
    def explanation(self) -> str:
        """Why the action is listed, in words a board member reads without a glossary."""
        where = f"{self.via.get_kind_display()} {self.via.label}" if self.via else "The plan"
        if self.basis == STATED:
            return f"Stated in the {self.plan.title}: {where} supports this priority"
        return (
            f"Our reading of the plans: {where} of the {self.plan.title} works towards this "
            "priority, though neither plan says so in words"
        )

    @property
    def basis_label(self) -> str:
        return "Stated in the plan" if self.basis == STATED else "Our reading of the plans"


def _top(node: NodeInfo) -> NodeInfo:
    while node.parent is not None:
        node = node.parent
    return node


def delivering_actions(plan: Plan, nodes: list[NodeInfo] | None = None) -> list[Contribution]:
    """Every (action of another published plan, priority of ``plan``) pair a link makes.

    In the other plan's document order, then the priority's. An action whose nearest link
    is both stated and inferred for the same priority counts as stated.
    """
    nodes = nodes if nodes is not None else plan_nodes(plan)
    by_key = {node.key: node for node in nodes}
    links = (
        PlanLink.objects.filter(to_plan_slug=plan.slug, plan__status=Plan.Status.PUBLISHED)
        .exclude(plan=plan)
        .exclude(to_node_key="")
        .order_by("plan_id", "position")
        .values_list("plan_id", "from_node_id", "to_node_key", "basis", "note")
    )
    by_plan: dict[int, dict[int | None, dict[str, tuple[str, str]]]] = {}
    for plan_id, from_id, to_key, basis, note in links:
        target = by_key.get(to_key)
        if target is None:
            continue  # a link to a node this plan no longer has
        targets = by_plan.setdefault(plan_id, {}).setdefault(from_id, {})
        top = _top(target).key
        if top not in targets or basis == STATED:
            targets[top] = (basis, note)
    result: list[Contribution] = []
    order = {node.key: i for i, node in enumerate(nodes)}
    for other in Plan.objects.filter(id__in=by_plan).order_by("period_start", "title"):
        linked = by_plan[other.id]
        other_nodes = plan_nodes(other)
        leaves = leaf_ids(other_nodes)
        for node in other_nodes:
            if node.id not in leaves:
                continue
            via = node
            while via is not None and via.id not in linked:
                via = via.parent
            targets = linked.get(via.id if via else None)
            if not targets:
                continue
            for top_key in sorted(targets, key=order.__getitem__):
                basis, note = targets[top_key]
                result.append(Contribution(other, node, by_key[top_key], basis, via, note))
    return result
