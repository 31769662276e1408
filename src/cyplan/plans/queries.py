"""Named queries for the plan pages: each owns its select_related / prefetch_related."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from cyplan.accounts import permissions
from cyplan.plans import models as m


def visible_plans(user):
    """Plans a user may read: published ones, and drafts they may see."""
    plans = m.Plan.objects.select_related("area", "owner_board").order_by(
        "area__name", "-period_start", "title"
    )
    if permissions.is_manager(user):
        return plans
    # A board member also reads an archived plan their boards monitored; a draft, never.
    return plans.filter(
        Q(status=m.Plan.Status.PUBLISHED)
        | Q(status=m.Plan.Status.ARCHIVED, id__in=permissions.monitored_plan_ids(user))
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


def links_from(node: m.PlanNode, user=None) -> list[dict]:
    """The node's links to other plans, named (plan title, node number and title), never by
    their slugs and keys. A link to a plan the user may not see, or that is not loaded, is
    named by what the plan file says, without a link."""
    links = list(node.links_out.all())
    if not links:
        return []
    plans = {
        p.slug: p for p in visible_plans(user).filter(slug__in={k.to_plan_slug for k in links})
    }
    targets = {
        (n.plan.slug, n.key): n
        for n in m.PlanNode.objects.filter(
            plan__in=plans.values(), key__in={k.to_node_key for k in links if k.to_node_key}
        ).select_related("plan")
    }
    named = []
    for link in links:
        plan = plans.get(link.to_plan_slug)
        target = targets.get((link.to_plan_slug, link.to_node_key)) if link.to_node_key else None
        if plan is None or (link.to_node_key and target is None):
            name, url = "a plan that is not published here", None
        elif target is not None:
            label = f"{target.get_kind_display()} {target.number}".strip()
            name = f"{plan.title}, {label}: {target.title}"
            url = reverse("plans:node", args=[plan.slug, target.key])
        else:
            name, url = plan.title, reverse("plans:plan", args=[plan.slug])
        named.append({"link": link, "name": name, "url": url, "inferred": link.basis == "inferred"})
    return named
