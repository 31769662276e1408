"""Outcomes pages: the catalogue, an indicator's page, a plan's scorecard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from cyplan.accounts import permissions
from cyplan.core.tables import Table, query_without_format, wants_csv
from cyplan.outcomes import chart_views
from cyplan.outcomes import entry as value_entry
from cyplan.outcomes.catalogue_sync import catalogue, definition
from cyplan.outcomes.comparison import format_number
from cyplan.outcomes.forms import TargetForm, ValueForm
from cyplan.outcomes.models import IndicatorValue
from cyplan.outcomes.pages import home_area, indicator_page, scorecard, source_periods
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
            "can_edit": permissions.is_manager(request.user),
            "held": IndicatorValue.objects.filter(
                indicator__code=code, area_code=area[0], is_total=True
            ).order_by("-period")
            if permissions.is_manager(request.user)
            else [],
        },
    )


def _target_cells(comparison, shown) -> list[str]:
    """The target and the RAG rating; left blank when there is none or the figure is suppressed."""
    if comparison is None or comparison.target is None or (shown and shown.suppressed):
        return ["", ""]
    return [format_number(comparison.target["value"]).replace(",", ""), comparison.target["rag"]]


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
            "Target",
            "Against target",
        ],
        filename=f"{plan.slug}-scorecard.csv",
    )
    for row, shown in decorated:
        c = row.comparison
        england = next((b for b in c.benchmarks if b["role"] == "England"), None) if c else None
        hidden = bool(shown and shown.suppressed)
        table.rows.append(
            [
                row.title,
                c.area.period if c else "",
                shown.value if shown else "no figure",
                format_number(england["value"]) if england else "",
                # Nothing is said about a suppressed figure: no comparison, no trend.
                "" if hidden else england.get("label", england["comparison"]) if england else "",
                "" if hidden else c.trend["label"] if c and c.trend else "",
                *_target_cells(c, shown),
            ]
        )
    if wants_csv(request):
        return table.csv_response()
    spine = chart_views.scorecard_spine(plan, decorated, public=public)
    return render(
        request,
        "outcomes/scorecard.html",
        {
            "plan": plan,
            "rows": decorated,
            "spine": mark_safe(spine) if spine else "",
            "query": "",
            "source_periods": source_periods(plan.area.code),
        },
    )


def _require_manager(request) -> None:
    if not permissions.is_manager(request.user):
        raise PermissionDenied(
            "Only a plan manager or an administrator can enter or correct figures"
        )


def _form_errors(form, problems=None) -> list[tuple[str, str]]:
    found = problems if problems is not None else form.errors
    return [
        (f"id_{name}" if name != "__all__" else "main-content", message)
        for name, messages_ in found.items()
        for message in messages_
    ]


def _save_value(request, code: str, form: ValueForm, value=None):
    """Validate and save; returns (saved value or None, errors)."""
    if not form.is_valid():
        return None, _form_errors(form)
    try:
        saved = value_entry.save_value(request.user, code, form.value_input(), value=value)
    except ValidationError as error:
        for name, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        return None, _form_errors(form, error.message_dict)
    return saved, []


@login_required
@require_http_methods(["GET", "POST"])
def value_new(request, code: str):
    """Enter a figure by hand (a plan manager), e.g. one quoted in a published report."""
    _require_manager(request)
    entry = definition(code)
    if entry is None:
        raise Http404("No such indicator")
    area = home_area(request.GET.get("area"))
    initial = {"area_code": area[0], "area_name": area[1]} if area else {}
    form = ValueForm(request.POST or None, initial=initial)
    errors = []
    if request.method == "POST":
        saved, errors = _save_value(request, code, form)
        if saved:
            messages.success(request, f"Figure for {saved.area_name}, {saved.period} saved.")
            return redirect(f"{reverse('outcomes:indicator', args=[code])}?area={saved.area_code}")
    return render(
        request,
        "outcomes/value_form.html",
        {"entry": entry, "form": form, "errors": errors, "value": None, "history": []},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def value_edit(request, pk: int):
    """Correct a figure (a plan manager), saying why; its history is shown below the form."""
    _require_manager(request)
    value = get_object_or_404(IndicatorValue.objects.select_related("indicator"), pk=pk)
    code = value.indicator.code
    entry = definition(code)
    if entry is None:
        raise Http404("Only catalogue indicators can be corrected here")
    initial = {name: getattr(value, name) for name in value_entry.HISTORY_FIELDS}
    initial.update(area_code=value.area_code, note="")
    form = ValueForm(request.POST or None, initial=initial)
    errors = []
    if request.method == "POST":
        saved, errors = _save_value(request, code, form, value)
        if saved:
            messages.success(request, f"Figure for {saved.area_name}, {saved.period} corrected.")
            return redirect(f"{reverse('outcomes:indicator', args=[code])}?area={saved.area_code}")
    return render(
        request,
        "outcomes/value_form.html",
        {
            "entry": entry,
            "form": form,
            "errors": errors,
            "value": value,
            "history": value_entry.history(value),
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def target(request, code: str):
    """Set the target for an indicator in an area (a plan manager)."""
    _require_manager(request)
    entry = definition(code)
    if entry is None:
        raise Http404("No such indicator")
    area = home_area(request.GET.get("area"))
    form = TargetForm(request.POST or None, initial={"area_code": area[0]} if area else {})
    errors = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = value_entry.set_target(
                    request.user,
                    code,
                    data["area_code"].strip().upper(),
                    data["value"],
                    period=data["period"],
                    note=data["note"],
                )
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
                errors = _form_errors(form, error.message_dict)
            else:
                messages.success(request, f"Target of {saved.value:g} set.")
                return redirect(
                    f"{reverse('outcomes:indicator', args=[code])}?area={saved.area_code}"
                )
        else:
            errors = _form_errors(form)
    return render(
        request,
        "outcomes/target_form.html",
        {"entry": entry, "form": form, "errors": errors},
        status=400 if errors else 200,
    )
