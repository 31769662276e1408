"""Named queries for the plan pages: each owns its select_related / prefetch_related."""

from __future__ import annotations

from django.db.models import Q

from cyplan.accounts import permissions
from cyplan.plans import models as m


def visible_plans(user):
    """Plans a user may read: published ones, and drafts they may see."""
    plans = m.Plan.objects.select_related("area", "owner_board").order_by(
        "area__name", "-period_start", "title"
    )
    if permissions.is_manager(user):
        return plans
    return plans.filter(
        Q(status=m.Plan.Status.PUBLISHED) | Q(id__in=permissions.monitored_plan_ids(user))
    )


def plan_tree(nodes: list[m.PlanNode]) -> list[dict]:
    """Nodes as a nested list of ``{"node": PlanNode, "children": [...]}``."""
    items = {node.id: {"node": node, "children": []} for node in nodes}
    roots = []
    for node in nodes:
        item = items[node.id]
        if node.parent_id and node.parent_id in items:
            items[node.parent_id]["children"].append(item)
        else:
            roots.append(item)
    return roots


def ancestors(node: m.PlanNode) -> list[m.PlanNode]:
    chain = []
    current = node.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def links_to(plan: m.Plan, node: m.PlanNode | None = None, user=None):
    """Links to this plan (or one of its nodes) from the other plans ``user`` may see."""
    links = m.PlanLink.objects.filter(
        to_plan_slug=plan.slug, plan__in=visible_plans(user)
    ).select_related("plan", "from_node")
    if node is not None:
        links = links.filter(to_node_key=node.key)
    return links


def search(user, text: str, limit: int = 100) -> list[m.PlanNode]:
    """Nodes of visible plans whose title, text or measures mention every word searched for."""
    words = [w for w in text.split() if w][:8]
    if not words:
        return []
    nodes = m.PlanNode.objects.filter(plan__in=visible_plans(user)).select_related("plan", "parent")
    for word in words:
        nodes = nodes.filter(
            Q(title__icontains=word)
            | Q(text__icontains=word)
            | Q(measures__icontains=word)
            | Q(sections__icontains=word)
        )
    return list(nodes.order_by("plan__title", "position")[:limit])
