"""Named queries for the plan pages: each owns its select_related / prefetch_related."""

from __future__ import annotations

from django.db.models import Count, Q

from cyplan.plans import models as m


def visible_plans():
    """Plans the public may read (published), with their area and node counts by kind."""
    return (
        m.Plan.objects.filter(status=m.Plan.Status.PUBLISHED)
        .select_related("area", "owner_board")
        .annotate(
            priorities=Count("nodes", filter=Q(nodes__parent__isnull=True)),
            actions=Count("nodes", filter=Q(nodes__kind="action")),
            commitments=Count("nodes", filter=Q(nodes__kind="commitment")),
        )
        .order_by("area__name", "-period_start", "title")
    )


def plan_tree(plan: m.Plan) -> list[dict]:
    """The plan's nodes as a nested list of ``{"node": PlanNode, "children": [...]}``."""
    nodes = list(plan.nodes.prefetch_related("leads").order_by("position"))
    items = {node.id: {"node": node, "children": []} for node in nodes}
    roots = []
    for node in nodes:
        item = items[node.id]
        if node.parent_id and node.parent_id in items:
            items[node.parent_id]["children"].append(item)
        else:
            roots.append(item)
    return roots
