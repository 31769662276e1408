"""Delivery pages: record an update, review it, my actions, the audit log, evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cyplan.accounts import permissions
from cyplan.core.audit import action_text, changes_text
from cyplan.core.models import AuditEntry
from cyplan.core.tables import Table, query_without_format, wants_csv
from cyplan.delivery import services
from cyplan.delivery.forms import ReturnForm, UpdateForm
from cyplan.delivery.mine import my_work
from cyplan.delivery.models import EvidenceFile, ProgressUpdate
from cyplan.plans.models import Plan, PlanNode


def _save(request, node, form, data):
    upload = data.get("evidence_file")
    if upload:  # check the file before anything is written
        head = upload.read(16)
        upload.seek(0)
        try:
            services.check_evidence_file(upload.name, head, upload.size)
        except ValidationError as error:
            raise ValidationError({"evidence_file": error.messages}) from None
    saved = services.save_update(
        request.user,
        node,
        services.UpdateInput(
            period=data["period"],
            status=data["status"],
            narrative=data["narrative"],
            rag=data["rag"],
            evidence_links=form.evidence_links(),
            on_behalf_of=data.get("on_behalf_of", ""),
        ),
        submit="submit" in request.POST,
        expected_version=data.get("version") or 0,
    )
    if upload:
        services.attach_evidence(request.user, saved, upload)
    return saved


def _errors(form, extra=None):
    errors = [
        (f"id_{name}" if name != "__all__" else "main-content", error)
        for name, field_errors in form.errors.items()
        for error in field_errors
    ]
    return errors + list(extra or [])


@login_required
@require_http_methods(["GET", "POST"])
def update(request, slug: str, key: str):
    node = get_object_or_404(
        PlanNode.objects.select_related("plan").prefetch_related("leads"), plan__slug=slug, key=key
    )
    if not permissions.can_record_update(request.user, node):
        raise PermissionDenied("You do not lead this action")
    periods = services.node_periods(node)
    due = services.due_period(node)
    chosen = request.POST.get("period") or request.GET.get("period") or due.key
    existing = ProgressUpdate.objects.filter(node=node, period=chosen).first()
    # A co-lead's unapproved update is theirs: neither shown nor changed here.
    someone_elses = existing is not None and not permissions.can_read_update(request.user, existing)
    if someone_elses:
        existing = None
    extra_errors = []
    if request.method == "POST":
        form = UpdateForm(request.POST, request.FILES, periods=periods)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():  # the update and its file, or neither
                    saved = _save(request, node, form, data)
            except services.ConcurrentEditError as error:
                extra_errors.append(("id_narrative", str(error)))
            except PermissionDenied as error:
                extra_errors.append(("main-content", str(error)))
            except ValidationError as error:
                for field, field_errors in error.message_dict.items():
                    target = (
                        "id_evidence_file" if field == "__all__" else f"id_{field.split('.')[0]}"
                    )
                    extra_errors += [(target, message) for message in field_errors]
            else:
                if "submit" in request.POST:
                    messages.success(
                        request, f"Update for {saved.period_label} submitted for approval."
                    )
                else:
                    messages.success(
                        request,
                        f"Draft update for {saved.period_label} saved. It is not submitted yet.",
                    )
                return redirect("plans:node", slug=node.plan.slug, key=node.key)
    else:
        initial = {"period": chosen, "version": existing.version if existing else 0}
        if existing:
            initial.update(
                status=existing.status,
                rag=existing.rag,
                narrative=existing.narrative,
                on_behalf_of=existing.on_behalf_of,
            )
            for index, link in enumerate(existing.evidence_links[:2], start=1):
                initial[f"link_url_{index}"] = link.get("url", "")
                initial[f"link_title_{index}"] = link.get("title", "")
        form = UpdateForm(initial=initial, periods=periods)
    return render(
        request,
        "delivery/update.html",
        {
            "node": node,
            "plan": node.plan,
            "form": form,
            "existing": existing,
            "someone_elses": someone_elses,
            "due": due,
            "errors": _errors(form, extra_errors) if request.method == "POST" else [],
            "is_manager": permissions.is_manager(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    update = get_object_or_404(ProgressUpdate.objects.select_related("node__plan", "author"), pk=pk)
    if not permissions.can_review_updates(request.user, update.node.plan):
        raise PermissionDenied("Only a plan manager can approve or return updates")
    form = ReturnForm()
    errors = []
    if request.method == "POST":
        version = request.POST.get("version")
        expected = int(version) if version and version.isdigit() else None
        try:
            if "approve" in request.POST:
                services.approve(request.user, update, expected_version=expected)
                messages.success(
                    request, f"Update for {update.period_label} approved: it is now public."
                )
                return redirect("delivery:my-actions")
            form = ReturnForm(request.POST)
            if form.is_valid():
                services.return_update(
                    request.user, update, form.cleaned_data["comment"], expected_version=expected
                )
                messages.success(
                    request,
                    f"Update for {update.period_label} returned to the lead with your comment.",
                )
                return redirect("delivery:my-actions")
            errors = _errors(form)
        except services.ConcurrentEditError as error:
            errors = [("main-content", str(error))]
        except ValidationError as error:
            errors = [("main-content", m) for ms in error.message_dict.values() for m in ms]
    return render(
        request,
        "delivery/review.html",
        {
            "update": update,
            "node": update.node,
            "plan": update.node.plan,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def my_actions(request):
    work = my_work(request.user)
    if wants_csv(request):
        table = Table(
            caption="My actions",
            headers=["Plan", "Id", "Title", "Target date", "Status", "Due for period", "Overdue"],
            filename="my-actions.csv",
            rows=[
                [
                    i.plan.title,
                    i.node.key,
                    i.node.title,
                    i.node.target_date_text,
                    i.status_label,
                    i.due_period.label if i.due else "",
                    "Yes" if i.overdue else "No",
                ]
                for i in work.items
            ],
        )
        return table.csv_response()
    workbook_plans = (
        Plan.objects.exclude(status=Plan.Status.ARCHIVED).order_by("title")
        if permissions.is_manager(request.user)
        else sorted({item.plan for item in work.items}, key=lambda p: p.title)
    )
    return render(
        request,
        "delivery/my_actions.html",
        {"work": work, "query": query_without_format(request), "workbook_plans": workbook_plans},
    )


@login_required
def audit(request):
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied("Only plan managers can read the audit log")
    from cyplan.voice.permissions import visible_audit_entries

    entries = AuditEntry.objects.select_related("plan").order_by("-at", "-id")
    entries = visible_audit_entries(request.user, entries)
    plan_slug = request.GET.get("plan")
    if plan_slug:
        entries = entries.filter(plan__slug=plan_slug)
    entries = list(entries[:500])
    table = Table(
        caption="Audit log (latest 500 changes)",
        headers=["When", "Who", "What", "Object", "Plan", "Changes"],
        filename="audit-log.csv",
        rows=[
            [
                e.at.isoformat(),
                e.actor_name,
                action_text(e.action),
                e.object_repr,
                e.plan.title if e.plan else "",
                changes_text(e.before, e.after),
            ]
            for e in entries
        ],
    )
    if wants_csv(request):
        return table.csv_response()
    return render(
        request,
        "delivery/audit.html",
        {
            "entries": entries,
            "plans": Plan.objects.order_by("title"),
            "chosen": plan_slug or "",
            "query": query_without_format(request),
        },
    )


@login_required
def evidence(request, pk: int):
    item = get_object_or_404(EvidenceFile.objects.select_related("update__node__plan"), pk=pk)
    update = item.update
    allowed = permissions.can_read_update(request.user, update)
    if not allowed:
        raise PermissionDenied
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=True,
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def node_url(node: PlanNode) -> str:
    return reverse("plans:node", args=[node.plan.slug, node.key])


@login_required
@require_http_methods(["POST"])
def bulk_review(request):
    """Approve, or return with one comment, the updates ticked on the review list."""
    if not permissions.is_manager(request.user):
        raise PermissionDenied("Only a plan manager can approve or return updates")
    ids = [int(i) for i in request.POST.getlist("updates") if i.isdigit()]
    approve_them = "approve" in request.POST
    try:
        done = services.bulk_review(
            request.user, ids, approve_them=approve_them, comment=request.POST.get("comment", "")
        )
    except (ValidationError, PermissionDenied) as error:
        text = "; ".join(getattr(error, "messages", [str(error)]))
        messages.error(request, f"Nothing was changed: {text}")
    else:
        verb = "approved: they are now public" if approve_them else "returned with your comment"
        messages.success(request, f"{len(done)} update{'s' if len(done) != 1 else ''} {verb}.")
    return redirect("delivery:my-actions")


@login_required
@require_http_methods(["GET", "POST"])
def updates_workbook(request, slug: str):
    """Download the quarter's workbook for a plan, or upload it filled in."""
    from cyplan.delivery import update_workbook as workbook

    plan = get_object_or_404(Plan, slug=slug)
    if not (permissions.is_manager(request.user) or permissions.leads_any(request.user, plan)):
        raise PermissionDenied("Only plan managers and the plan's leads use its updates workbook")
    periods = workbook.plan_periods(plan)
    due = services.current_period(
        plan.period_start, plan.period_end, plan.reporting_period, timezone.localdate()
    )
    context = {"plan": plan, "periods": periods, "due": due, "errors": [], "summary": None}
    if request.method == "GET" and request.GET.get("period"):
        period = workbook.find_period(plan, request.GET["period"])
        if period is None:
            context["errors"] = [("period", "Choose a reporting period of this plan")]
            return render(request, "delivery/updates_workbook.html", context, status=400)
        mine = None if permissions.is_manager(request.user) else request.user
        book = workbook.write_update_workbook(plan, period, user=mine)
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{plan.slug}-{period.key}-updates.xlsx"'
        )
        book.save(response)
        return response
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        if upload is None:
            context["errors"] = [("workbook", "Choose the filled-in workbook (.xlsx) to upload")]
        else:
            try:
                context["summary"] = workbook.import_update_workbook(
                    upload, request.user, submit="draft" not in request.POST, name=upload.name
                )
            except workbook.WorkbookError as error:
                context["errors"] = [("workbook", str(p)) for p in error.problems]
        status = 400 if context["errors"] else 200
        return render(request, "delivery/updates_workbook.html", context, status=status)
    return render(request, "delivery/updates_workbook.html", context)
