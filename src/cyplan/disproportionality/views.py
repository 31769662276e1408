"""Disproportionality pages: each cohort by a characteristic, an overview per characteristic,
and, for plan managers, importing and entering counts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from cyplan.accounts import permissions
from cyplan.core.demo_mode import shows_demo_data
from cyplan.core.tables import query_without_format, wants_csv
from cyplan.disproportionality import services
from cyplan.disproportionality.forms import EntryForm, ImportForm
from cyplan.disproportionality.importing import CountRow, ImportProblems, save_counts
from cyplan.disproportionality.importing import import_counts as load
from cyplan.disproportionality.models import Cohort, CohortCount


def _public(request) -> bool:
    """Plan managers see unsuppressed figures (marked); everyone else the public view."""
    return not permissions.is_manager(request.user)


def _require_manager(request) -> None:
    if not permissions.is_manager(request.user):
        raise PermissionDenied("Only a plan manager or an administrator can load counts")


def index(request):
    cohorts = list(Cohort.objects.select_related("denominator", "base_cohort"))
    characteristics = sorted(
        set(CohortCount.objects.values_list("characteristic", flat=True).distinct())
    )
    return render(
        request,
        "disproportionality/index.html",
        {
            "cohorts": [(c, services.is_synthetic(c)) for c in cohorts],
            "characteristics": [(c, services.characteristic_name(c)) for c in characteristics],
            "any_synthetic": any(services.is_synthetic(c) for c in cohorts),
            "can_load": permissions.is_manager(request.user),
        },
    )


def cohort(request, code: str):
    found = get_object_or_404(
        Cohort.objects.select_related("denominator", "base_cohort"), code=code
    )
    characteristics = services.characteristics_of(found)
    areas = services.areas_of(found)
    characteristic = request.GET.get("characteristic") or (
        "ethnicity" if "ethnicity" in characteristics else (characteristics or [""])[0]
    )
    area = request.GET.get("area") or (areas[0][0] if areas else "")
    context = {
        "cohort": found,
        "characteristics": [(c, services.characteristic_name(c)) for c in characteristics],
        "characteristic_name": services.characteristic_name(characteristic),
        "areas": areas,
        "synthetic": services.is_synthetic(found),
        "query": query_without_format(request),
        "can_load": permissions.is_manager(request.user),
        "nodes": services.plan_nodes(found, request.user),
    }
    try:
        page = services.cohort_page(
            found,
            characteristic=characteristic,
            area_code=area,
            year=request.GET.get("year"),
            reference=request.GET.get("reference"),
            public=_public(request),
        )
    except services.NoData as error:
        if wants_csv(request):
            raise Http404(str(error)) from None
        return render(request, "disproportionality/cohort.html", {**context, "no_data": str(error)})
    if wants_csv(request):
        if context["synthetic"] and not shows_demo_data():
            raise Http404("Synthetic demonstration figures are not exported from a real instance")
        return page.table.csv_response()
    return render(
        request,
        "disproportionality/cohort.html",
        {**context, "page": page, "forest": mark_safe(page.forest)},
    )


def characteristic(request, characteristic: str):
    areas = services.areas_with_counts()
    area = request.GET.get("area") or (areas[0][0] if areas else "")
    sections, table = services.overview(characteristic, area, public=_public(request))
    if wants_csv(request):
        if not shows_demo_data():  # a real instance exports no synthetic figures
            table.rows = [row for row in table.rows if row[-1] != services.SYNTHETIC]
            table.filename = table.filename.replace("-synthetic.csv", ".csv")
        return table.csv_response()
    return render(
        request,
        "disproportionality/overview.html",
        {
            "characteristic": characteristic,
            "characteristic_name": services.characteristic_name(characteristic),
            "sections": sections,
            "area": area,
            "area_name": dict(areas).get(area, area),
            "areas": areas,
            "any_synthetic": any(s.synthetic for s in sections),
            "public": _public(request),
            "query": query_without_format(request),
        },
    )


def _errors(form) -> list[tuple[str, str]]:
    return [
        (f"id_{name}" if name != "__all__" else "main-content", message)
        for name, problems in form.errors.items()
        for message in problems
    ]


@login_required
@require_http_methods(["GET", "POST"])
def import_counts(request):
    """Upload a CSV or .xlsx file of counts by group for a cohort or denominator (managers)."""
    _require_manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, problems = [], []
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                summary = load(upload.name, upload.read(), actor=request.user, **form.owner())
            except ImportProblems as error:
                problems = error.problems
                errors = [
                    ("id_file", f"The file has {len(problems)} problem(s); nothing was imported")
                ]
            else:
                messages.success(request, str(summary))
                return redirect(reverse("disproportionality:index"))
        else:
            errors = _errors(form)
    return render(
        request,
        "disproportionality/import.html",
        {"form": form, "errors": errors, "problems": problems},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enter_counts(request, code: str):
    """Type one area and year of a cohort's counts by ethnic group (managers)."""
    _require_manager(request)
    found = get_object_or_404(Cohort, code=code)
    form = EntryForm(request.POST or None, initial={"area_code": request.GET.get("area", "")})
    errors = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            rows = [
                CountRow(data["area_code"], data["area_name"], data["year"], "ethnicity", g, n)
                for g, n in form.counts().items()
            ]
            save_counts(rows, cohort=found, actor=request.user, source="entered in the site")
            messages.success(
                request, f"{len(rows)} counts saved for {data['area_code']}, {data['year']}."
            )
            url = reverse("disproportionality:cohort", args=[found.code])
            return redirect(f"{url}?area={data['area_code']}&year={data['year']}")
        errors = _errors(form)
    return render(
        request,
        "disproportionality/enter.html",
        {"cohort": found, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_cohort(request):
    """Add a cohort and link it to the plan nodes it concerns (managers)."""
    from django.core.exceptions import ValidationError

    from cyplan.disproportionality.cohorts import save_cohort
    from cyplan.disproportionality.forms import CohortForm

    _require_manager(request)
    form = CohortForm(request.POST or None, user=request.user)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            try:
                cohort, _ = save_cohort(request.user, form.cohort_input())
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    target = {"denominator": "compared_with", "base_cohort": "compared_with"}.get(
                        name, name
                    )
                    for problem in problems:
                        form.add_error(target if target in form.fields else None, problem)
                errors = _errors(form)
            else:
                messages.success(request, f"Cohort {cohort.title} saved. Now load its counts.")
                return redirect(reverse("disproportionality:enter", args=[cohort.code]))
        else:
            errors = _errors(form)
    return render(
        request, "disproportionality/add_cohort.html", {"form": form, "errors": errors},
        status=400 if errors else 200,
    )  # fmt: skip
