"""The publication rules, in one place that every public page, CSV and report uses.

An item is public only when staff approved it, it has moderated words to show, it is not
flagged for safeguarding, and its plan (if it has one) is published. A response is public
only when it is approved and its item is public. Contact details and the original words
are never part of anything public: public outputs read ``published_text`` only.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from cyplan.plans.models import Plan, PlanNode
from cyplan.voice.models import Feedback, Response


def public_responses() -> QuerySet[Response]:
    return Response.objects.filter(state=Response.State.APPROVED).order_by("responded_on", "id")


def public_items() -> QuerySet[Feedback]:
    """Every item the public may read, with its public responses, themes and nodes."""
    return (
        Feedback.objects.filter(state=Feedback.State.APPROVED, safeguarding=False)
        .exclude(published_text="")
        .filter(Q(plan__isnull=True) | Q(plan__status=Plan.Status.PUBLISHED))
        .select_related("plan")
        .prefetch_related(
            "themes",
            Prefetch("nodes", queryset=PlanNode.objects.select_related("plan")),
            "promises",
            Prefetch(
                "responses",
                queryset=public_responses().prefetch_related("actions__plan"),
                to_attr="public_responses",
            ),
        )
        .order_by("-said_on", "-id")
    )


def is_public(item: Feedback) -> bool:
    return public_items().filter(pk=item.pk).exists()


def latest_status(item: Feedback) -> str:
    """The status of the item's latest public response, or 'none' when it has none yet."""
    responses = getattr(item, "public_responses", None)
    if responses is None:
        responses = list(public_responses().filter(feedback=item))
    return responses[-1].status if responses else "none"


STATUS_LABELS = {**dict(Response.Status.choices), "none": "No response yet"}


def descendants(node_ids: set[int], plan_nodes: list[PlanNode]) -> set[int]:
    """The nodes given and every node under them (plans are small trees)."""
    children: dict[int | None, list[int]] = {}
    for node in plan_nodes:
        children.setdefault(node.parent_id, []).append(node.id)
    found, todo = set(), list(node_ids)
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(children.get(current, []))
    return found


def top_node_of(node: PlanNode, by_id: dict[int, PlanNode]) -> PlanNode:
    while node.parent_id is not None and node.parent_id in by_id:
        node = by_id[node.parent_id]
    return node


def filter_items(items: QuerySet[Feedback], *, plan=None, theme="", priority="", year=""):
    """Narrow public items by plan, theme slug, top-level node key (with its subtree) and year."""
    if plan is not None:
        items = items.filter(plan=plan)
    if theme:
        items = items.filter(themes__slug=theme)
    if year and str(year).isdigit():
        if not 1 <= int(year) <= 9999:  # no date has such a year: nothing matches
            return items.none()
        items = items.filter(said_on__year=int(year))
    if priority and plan is not None:
        nodes = list(PlanNode.objects.filter(plan=plan).only("id", "parent_id", "key"))
        top = [n.id for n in nodes if n.key == priority]
        items = items.filter(nodes__in=descendants(set(top), nodes))
    return items.distinct()
