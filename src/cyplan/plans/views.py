"""Plan pages. Views stay thin: a named query or service, then a template."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cyplan.accounts import permissions
from cyplan.core.tables import Table, query_without, query_without_format, wants_csv
from cyplan.delivery import dashboard
from cyplan.delivery.services import due_period
from cyplan.outcomes.pages import node_indicators
from cyplan.outcomes.presentation import present
from cyplan.plans import area as area_figures
from cyplan.plans import models as m
from cyplan.plans import queries
from cyplan.plans import search as site_search
from cyplan.plans import strategies as strategy_periods
from cyplan.plans.diagram import governance_svg

ACTIONS_PER_PAGE = 50


def _plan(request, slug: str) -> m.Plan:
    return get_object_or_404(queries.visible_plans(request.user), slug=slug)


def home(request):
    plans = [
        (plan, dashboard.plan_overview(plan, request.user))
        for plan in queries.visible_plans(request.user)
    ]
    return render(request, "plans/home.html", {"plans": plans})


def plan_detail(request, slug: str):
    plan = _plan(request, slug)
    overview = dashboard.plan_overview(plan, request.user)
    rows = dashboard.filter_rows(overview, request.GET)
    if wants_csv(request):
        return dashboard.actions_table(plan, rows).csv_response()
    page = Paginator(rows, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/plan.html",
        {
            "plan": plan,
            "overview": overview,
            "page": page,
            "page_query": query_without(request, "page", "format"),
            "filters": dashboard.filter_choices(overview),
            "chosen": request.GET,
            "filtered": any(
                request.GET.get(k) for k in ("status", "lead", "organisation", "board", "due_by")
            ),
            "query": query_without_format(request),
        },
    )


def node_detail(request, slug: str, key: str):
    plan = _plan(request, slug)
    node = get_object_or_404(
        m.PlanNode.objects.select_related("plan", "parent__parent__parent").prefetch_related(
            "leads__organisation", "strategies", "promises", "links_out"
        ),
        plan=plan,
        key=key,
    )
    overview = dashboard.plan_overview(plan, request.user)
    updates = list(dashboard.visible_updates(node, request.user))
    children = [
        (child, overview.rollup(child)) for child in overview.nodes if child.parent_id == node.id
    ]
    leaf = next((row for row in overview.rows if row.node.id == node.id), None)
    staff = permissions.can_see_unpublished(request.user, plan)
    timeline = Table(
        caption=f"Progress updates for {node.get_kind_display().lower()} {node.number}",
        headers=["Period", "Status", "RAG", "Narrative", "State"]
        + (["Recorded by"] if staff else []),
        filename=f"{plan.slug}-{node.key}-updates.csv",
        rows=[
            [
                u.period_label,
                u.get_status_display(),
                u.rag_shown,
                u.narrative,
                u.get_state_display(),
            ]
            # Who recorded an update is for staff: the public CSV names no one.
            + (
                [
                    (u.author.get_username() if u.author else "")
                    + (f" for {u.on_behalf_of}" if u.on_behalf_of else "")
                ]
                if staff
                else []
            )
            for u in updates
        ],
    )
    if wants_csv(request):
        return timeline.csv_response()
    public = not permissions.is_manager(request.user)
    indicators = [
        (row, present(row.comparison.area, row.unit, public=public) if row.comparison else None)
        for row in node_indicators(plan, node.key, plan.area.code)
    ]
    return render(
        request,
        "plans/node.html",
        {
            "indicators": indicators,
            "plan": plan,
            "node": node,
            "ancestors": queries.ancestors(node),
            "rollup": overview.rollup(node),
            "leaf": leaf,
            "children": children,
            "updates": updates,
            "latest": updates[0] if updates else None,
            "has_examples": any(u.is_example for u in updates)
            or any(
                row.update and row.update.is_example
                for row in overview.rows
                if row.node.parent_id == node.id
            ),
            "can_update": leaf is not None and permissions.can_record_update(request.user, node),
            "staff_view": permissions.can_see_unpublished(request.user, plan)
            or permissions.leads_node(request.user, node),
            "due_period": due_period(node) if leaf else None,
            "links_in": queries.links_to(plan, node, request.user),
            "links_out": queries.links_from(node, request.user),
            "query": query_without_format(request),
        },
    )


def strategies(request, slug: str):
    plan = _plan(request, slug)
    top = list(plan.nodes.filter(parent__isnull=True).order_by("position"))
    rows = []
    today = timezone.localdate()
    for strategy in plan.strategies.prefetch_related("aligned_to"):
        strategy.ended = strategy_periods.has_ended(strategy.period, today)
        aligned = {n.id for n in strategy.aligned_to.all()}
        rows.append((strategy, [(node, node.id in aligned) for node in top]))
    table = Table(
        caption=f"Partner strategies and the {top[0].get_kind_display().lower() if top else 'priorit'}ies they support",
        headers=["Strategy", "Period", "Ended"]
        + [f"{n.get_kind_display()} {n.number}: {n.title}" for n in top],
        filename=f"{plan.slug}-strategies.csv",
        rows=[
            [s.title, s.period, "Yes" if s.ended else "No"]
            + ["Yes" if t else "No" for _, t in cells]
            for s, cells in rows
        ],
    )
    if wants_csv(request):
        return table.csv_response()
    gaps = [(strategy, [node for node, ticked in cells if not ticked]) for strategy, cells in rows]
    coverage = [
        (node, sum(1 for _, cells in rows for n, t in cells if n.id == node.id and t))
        for node in top
    ]
    return render(
        request,
        "plans/strategies.html",
        {
            "plan": plan,
            "top": top,
            "rows": rows,
            "gaps": [g for g in gaps if g[1]],
            "coverage": coverage,
            "strategy_count": len(rows),
            "ended": [s for s, _ in rows if s.ended],
            "query": "",
        },
    )


# How pages say that a link is not printed in the plan but is our reading of it.
READING = "a reading of the plan, which does not say so in words"


def area(request, slug: str):
    plan = _plan(request, slug)
    groups = area_figures.figure_groups(plan)
    table = Table(
        caption=f"Key figures quoted in {plan.title}",
        headers=["Group", "Figure", "Value", "Date", "Benchmarks", "Source"],
        filename=f"{plan.slug}-key-figures.csv",
        rows=[
            [
                group.title,
                f.label,
                f.value_text,
                f.date_text,
                "; ".join(area_figures.benchmark_text(b) for b in f.benchmarks),
                f.source,
            ]
            for group in groups
            for f in group.figures
        ],
    )
    if wants_csv(request):
        return table.csv_response()
    return render(
        request,
        "plans/area.html",
        {"plan": plan, "groups": groups, "query": query_without_format(request)},
    )


def governance(request, slug: str):
    plan = _plan(request, slug)
    boards = list(
        m.Board.objects.filter(plans=plan)
        .select_related("reports_to")
        .prefetch_related("members")
        .order_by("name")
    )
    monitoring = m.BoardMonitoring.objects.filter(plan=plan).select_related("board", "node")
    monitors: dict[int, list[str]] = {}
    for row in monitoring:
        label = (
            "the whole plan"
            if row.node is None
            else f"{row.node.get_kind_display()} {row.node.number}: {row.node.title}"
        )
        if row.basis == m.Basis.INFERRED:
            label += f" ({READING})"
        monitors.setdefault(row.board_id, []).append(label)
    members: dict[int, list[str]] = {}
    for row in m.BoardMember.objects.filter(board__in=boards).select_related("organisation"):
        name = row.organisation.name
        members.setdefault(row.board_id, []).append(
            f"{name} ({READING})" if row.basis == m.Basis.INFERRED else name
        )
    for board in boards:
        board.member_names = members.get(board.id, [])
        board.reports_to_label = (
            board.reports_to.name
            + (f" ({READING})" if board.reports_to_basis == m.Basis.INFERRED else "")
            if board.reports_to
            else ""
        )
        board.became = board.succession_text()
    keys = {b.id for b in boards}
    children: dict[int | None, list[m.Board]] = {}
    for board in boards:
        parent = board.reports_to_id if board.reports_to_id in keys else None
        children.setdefault(parent, []).append(board)
    table = Table(
        caption="Boards, partnerships and forums",
        headers=["Name", "Kind", "Reports to", "Members", "Monitors"],
        filename=f"{plan.slug}-governance.csv",
        rows=[
            [
                b.name,
                b.kind,
                b.reports_to_label,
                "; ".join(b.member_names),
                "; ".join(monitors.get(b.id, [])),
            ]
            for b in boards
        ],
    )
    if wants_csv(request):
        return table.csv_response()
    tree = _board_tree(children, None)
    return render(
        request,
        "plans/governance.html",
        {
            "plan": plan,
            "boards": boards,
            "tree": tree,
            "diagram": governance_svg(
                tree, title=f"Governance structure of {plan.title}", owner_id=plan.owner_board_id
            ),
            "monitors": monitors,
            "organisations": plan.organisations.order_by("planorganisation__position"),
            "query": "",
        },
    )


def _board_tree(children, parent):
    return [{"board": b, "children": _board_tree(children, b.id)} for b in children.get(parent, [])]


def search(request):
    text = (request.GET.get("q") or "").strip()[:200]
    results, corrections = site_search.search(request.user, text) if text else ([], [])
    table = Table(
        caption=f"Results for {text}",
        headers=["Type", "Title", "Where", "Link"],
        filename="search.csv",
        rows=[[r.kind, r.title, r.context, request.build_absolute_uri(r.url)] for r in results],
    )
    if wants_csv(request) and text:
        return table.csv_response()
    return render(
        request,
        "plans/search.html",
        {
            "text": text,
            "results": results,
            "corrections": corrections,
            "query": query_without_format(request),
        },
    )
