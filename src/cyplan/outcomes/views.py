"""Outcomes pages: the catalogue, an indicator's page, a plan's scorecard."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from cyplan.accounts import permissions
from cyplan.core.tables import Table, query_without_format, wants_csv
from cyplan.outcomes import chart_views
from cyplan.outcomes.catalogue_sync import catalogue, definition
from cyplan.outcomes.comparison import format_number
from cyplan.outcomes.pages import home_area, indicator_page, scorecard
from cyplan.outcomes.presentation import SYMBOL_WORDS, present
from cyplan.plans.queries import visible_plans


def _public(request) -> bool:
    """Staff with permission see unsuppressed figures (marked); everyone else the public view."""
    return not permissions.is_manager(request.user)


def index(request):
    groups: dict[str, list] = {}
    for entry in catalogue():
        groups.setdefault(entry.source, []).append(entry)
    table = Table(
        caption="Indicator catalogue",
        headers=["Code", "Title", "Unit", "Polarity", "Source"],
        filename="indicators.csv",
        rows=[[e.code, e.title, e.unit, e.polarity, e.source] for e in catalogue()],
    )
    if wants_csv(request):
        return table.csv_response()
    return render(request, "outcomes/index.html", {"groups": sorted(groups.items()), "query": ""})


def indicator(request, code: str):
    if definition(code) is None:
        raise Http404("No such indicator")
    area = home_area(request.GET.get("area"))
    if area is None:
        raise Http404("No such area")
    public = _public(request)
    page = indicator_page(code, area[0], area[1], request.GET.get("period"), public=public)
    if wants_csv(request) and page.table is not None:
        return page.table.csv_response()
    charts = chart_views.indicator_charts(page, public=public)
    shown = (
        present(page.comparison.area, page.entry.unit, public=public) if page.comparison else None
    )
    return render(
        request,
        "outcomes/indicator.html",
        {
            "page": page,
            "entry": page.entry,
            "shown": shown,
            "charts": {k: mark_safe(v) for k, v in charts.items()},
            "symbol_words": SYMBOL_WORDS,
            "public": public,
            "query": query_without_format(request),
        },
    )


def plan_scorecard(request, slug: str):
    plan = get_object_or_404(visible_plans(request.user), slug=slug)
    public = _public(request)
    rows = scorecard(plan, plan.area.code)
    decorated = []
    for row in rows:
        shown = present(row.comparison.area, row.unit, public=public) if row.comparison else None
        decorated.append((row, shown))
    table = Table(
        caption=f"Scorecard: {plan.title}",
        headers=[
            "Indicator",
            "Period",
            plan.area.name,
            "England",
            "Compared with England",
            "Trend",
        ],
        filename=f"{plan.slug}-scorecard.csv",
    )
    for row, shown in decorated:
        c = row.comparison
        england = next((b for b in c.benchmarks if b["role"] == "England"), None) if c else None
        table.rows.append(
            [
                row.title,
                c.area.period if c else "",
                shown.value if shown else "no figure",
                format_number(england["value"]) if england else "",
                england["comparison"] if england else "",
                c.trend["label"] if c and c.trend else "",
            ]
        )
    if wants_csv(request):
        return table.csv_response()
    spine = chart_views.scorecard_spine(plan, decorated, public=public)
    return render(
        request,
        "outcomes/scorecard.html",
        {"plan": plan, "rows": decorated, "spine": mark_safe(spine) if spine else "", "query": ""},
    )
