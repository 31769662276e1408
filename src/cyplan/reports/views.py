"""Report pages: ask for a board pack, watch it being made, download it; the public scrutiny report."""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cyplan.accounts import permissions
from cyplan.plans.queries import visible_plans
from cyplan.reports import content, jobs
from cyplan.reports import render as renderers
from cyplan.reports.forms import BoardPackForm, ScrutinyForm
from cyplan.reports.models import ReportJob


def _require_manager(request) -> None:
    if not permissions.is_manager(request.user):
        raise PermissionDenied("Only a plan manager or an administrator can make board packs")


def _errors(form) -> list[tuple[str, str]]:
    return [
        (f"id_{name}", message) for name, messages_ in form.errors.items() for message in messages_
    ]


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    _require_manager(request)
    kind = request.POST.get("kind", "board-pack")
    pack_form = BoardPackForm(
        request.POST if kind == "board-pack" and request.method == "POST" else None
    )
    scrutiny_form = ScrutinyForm(
        request.POST if kind == "scrutiny" and request.method == "POST" else None
    )
    form = pack_form if kind == "board-pack" else scrutiny_form
    errors = []
    if request.method == "POST":
        if form.is_valid():
            params = {k: v for k, v in form.cleaned_data.items() if k != "format" and v}
            if kind == "scrutiny":
                params.setdefault("audience", "staff")
            job = ReportJob.objects.create(
                kind=kind,
                params=params,
                format=form.cleaned_data["format"],
                requested_by=request.user,
            )
            jobs.start(job)
            return redirect("reports:job", job.pk)
        errors = _errors(form)
    recent = ReportJob.objects.filter(requested_by=request.user).defer("content")[:10]
    return render(
        request,
        "reports/index.html",
        {
            "pack_form": pack_form,
            "scrutiny_form": scrutiny_form,
            "errors": errors,
            "recent": recent,
        },
        status=400 if errors else 200,
    )


def _own_job(request, pk) -> ReportJob:
    _require_manager(request)
    return get_object_or_404(ReportJob.objects.defer("content"), pk=pk)


@login_required
def job(request, pk):
    return render(request, "reports/job.html", {"job": _own_job(request, pk)})


@login_required
def job_status(request, pk):
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "state": job.state,
            "label": job.get_state_display(),
            "progress": job.progress,
            "step": job.step,
            "message": job.message,
        }
    )


@login_required
def download(request, pk):
    _require_manager(request)
    job = get_object_or_404(ReportJob, pk=pk, state=ReportJob.State.DONE)
    response = HttpResponse(bytes(job.content), content_type=renderers.CONTENT_TYPES[job.format])
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


# The report is a standalone document with its own print stylesheet and no script.
@csp_update({"style-src": ["'unsafe-inline'"]})
def scrutiny(request, slug: str):
    """The public scrutiny report of a plan: approved updates only, made on request."""
    plan = get_object_or_404(visible_plans(request.user), slug=slug)
    fmt = request.GET.get("format", "html")
    if fmt not in renderers.FORMATS:
        raise Http404("No such format")
    try:
        period, actions = content.scrutiny_rows(
            plan, request.GET.get("period") or None, public=True
        )
    except content.ReportError as error:
        raise Http404(str(error)) from None
    data = renderers.render_scrutiny(plan, period, actions, fmt, public=True)
    response = HttpResponse(data, content_type=renderers.CONTENT_TYPES[fmt])
    if fmt != "html":
        response["Content-Disposition"] = (
            f'attachment; filename="{plan.slug}-scrutiny-{period.key}.{fmt}"'
        )
    return response
