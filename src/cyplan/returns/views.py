"""Returns in the site: a data officer uploads a return, reads its check, loads it.

The views only ask and show: the checking and loading are the task worker's
(``cyplan.returns.tasks``), with the rules in ``cyplan.returns.uploads``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cyplan.accounts import permissions
from cyplan.plans.models import Area
from cyplan.returns import tasks, uploads
from cyplan.returns.forms import UploadForm
from cyplan.returns.models import ReturnUpload

State = ReturnUpload.State


def _require_data_officer(request) -> None:
    if not permissions.can_load_returns(request.user):
        raise PermissionDenied("Only a data officer or an administrator can load returns")


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    _require_data_officer(request)
    area = Area.objects.order_by("name").first()
    form = UploadForm(request.POST or None, initial={"la": area.code if area else ""})
    errors = []
    if request.method == "POST":
        files = request.FILES.getlist("files")
        valid = form.is_valid()
        errors = [
            (f"id_{name}", message)
            for name, messages_ in form.errors.items()
            for message in messages_
        ]
        file_problems = uploads.check_files(
            form.cleaned_data.get("kind", "") if valid else request.POST.get("kind", ""),
            [f.name for f in files],
        )
        if "kind" not in form.errors:
            errors += [("id_files", message) for message in file_problems]
        if valid and not file_problems:
            upload = ReturnUpload.objects.create(
                kind=form.cleaned_data["kind"],
                la=form.cleaned_data["la"],
                year=form.cleaned_data["year"],
                uploaded_by=request.user,
            )
            upload.files = uploads.save_files(upload.pk, files)
            upload.save(update_fields=["files"])
            tasks.check_upload.enqueue(str(upload.pk))
            return redirect("returns:upload", upload.pk)
    recent = ReturnUpload.objects.filter(uploaded_by=request.user)[:10]
    return render(
        request,
        "returns/index.html",
        {
            "form": form,
            "errors": errors,
            "file_errors": [m for f, m in errors if f == "id_files"],
            "recent": recent,
        },
        status=400 if errors else 200,
    )


def _upload(request, pk) -> ReturnUpload:
    _require_data_officer(request)
    return get_object_or_404(ReturnUpload, pk=pk)


@login_required
def upload(request, pk):
    found = _upload(request, pk)
    problems = found.problems
    return render(
        request,
        "returns/upload.html",
        {
            "upload": found,
            "rules": uploads.by_rule(problems),
            "problems": problems[:500],
            "more_problems": max(len(problems) - 500, 0),
            "rows_with_problems": len({(p["file"], str(p["row"])) for p in problems}),
            "loaded_rows": sum(found.loaded.values()),
        },
    )


@login_required
def status(request, pk):
    found = _upload(request, pk)
    finished = found.state in (State.CHECKED, State.LOADED, State.DISCARDED)
    return JsonResponse(
        {
            "state": "failed" if found.state == State.FAILED else "done" if finished else "running",
            "label": found.get_state_display(),
            "progress": found.progress,
            "step": found.step,
            "message": found.message,
        }
    )


@login_required
@require_POST
def load(request, pk):
    found = _upload(request, pk)
    skip = request.POST.get("skip_invalid") == "1"
    can = found.state == State.CHECKED and (found.ok or (skip and found.ok_without_invalid))
    if can:
        updated = ReturnUpload.objects.filter(pk=found.pk, state=State.CHECKED).update(
            state=State.LOAD_QUEUED, progress=0, step="", skip_invalid=skip
        )
        if updated:  # a second click does not load it twice
            tasks.load_upload.enqueue(str(found.pk))
    return redirect("returns:upload", found.pk)


@login_required
@require_POST
def discard(request, pk):
    found = _upload(request, pk)
    if found.state in (State.CHECKED, State.FAILED):
        uploads.discard_files(found.pk)
        ReturnUpload.objects.filter(pk=found.pk).update(state=State.DISCARDED)
    return redirect("returns:index")
