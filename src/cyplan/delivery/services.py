"""The update workflow as plain functions: record, submit, approve, return.

Views call these; tests call them directly. Each checks permission, writes in one
transaction, and appends to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cyplan.accounts import permissions
from cyplan.delivery import audit, notifications
from cyplan.delivery.models import EvidenceFile, ProgressUpdate, Status
from cyplan.delivery.periods import Period, current_period, period_by_key, periods_between
from cyplan.plans.models import PlanNode

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
#: Allowed evidence files: extension -> (content type, magic bytes at the start).
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", [b"%PDF-"]),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [b"PK\x03\x04"],
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        [b"PK\x03\x04"],
    ),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".csv": ("text/csv", []),
    ".txt": ("text/plain", []),
}


class ConcurrentEditError(Exception):
    """Someone else saved the update since this person opened it."""


@dataclass
class UpdateInput:
    period: str
    status: str
    narrative: str
    rag: str = ""
    evidence_links: list[dict] | None = None
    on_behalf_of: str = ""


def node_periods(node: PlanNode) -> list[Period]:
    plan = node.plan
    return periods_between(plan.period_start, plan.period_end, plan.reporting_period)


def due_period(node: PlanNode, today: date | None = None) -> Period:
    plan = node.plan
    return current_period(
        plan.period_start, plan.period_end, plan.reporting_period, today or timezone.localdate()
    )


def _clean(node: PlanNode, data: UpdateInput) -> dict:
    errors = {}
    plan = node.plan
    if (
        period_by_key(data.period, plan.reporting_period, plan.period_start, plan.period_end)
        is None
    ):
        errors["period"] = "Choose a reporting period of this plan"
    if data.status not in Status.values:
        errors["status"] = "Choose a status"
    if data.rag not in ("", "red", "amber", "green"):
        errors["rag"] = "Choose red, amber, green or no rating"
    narrative = (data.narrative or "").strip()
    if not narrative:
        errors["narrative"] = "Enter a short narrative: what happened this period"
    elif len(narrative) > 5000:
        errors["narrative"] = "The narrative must be 5,000 characters or fewer"
    links = []
    for index, link in enumerate(data.evidence_links or []):
        url = (link.get("url") or "").strip()
        if not url:
            continue
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            errors[f"evidence_links.{index}"] = "Enter a link starting with https:// or http://"
        links.append({"url": url, "title": (link.get("title") or "").strip()[:200]})
    if errors:
        raise ValidationError(errors)
    return {
        "period": data.period,
        "status": data.status,
        "rag": data.rag,
        "narrative": narrative,
        "evidence_links": links,
    }


@transaction.atomic
def save_update(
    user,
    node: PlanNode,
    data: UpdateInput,
    *,
    submit: bool,
    expected_version: int | None = None,
    is_example: bool = False,
) -> ProgressUpdate:
    """Create or edit the update for ``data.period``; submit it for approval if asked.

    Raises PermissionDenied, ValidationError (with a message per field) or
    ConcurrentEditError when ``expected_version`` is not the version saved now.
    """
    if node.kind not in ("commitment", "action") or node.children.exists():
        raise ValidationError(
            {"node": "Updates are recorded on actions (or on commitments without actions)"}
        )
    if not permissions.can_record_update(user, node):
        raise PermissionDenied("You do not lead this action")
    values = _clean(node, data)
    manager = permissions.is_manager(user)
    if manager and data.on_behalf_of:
        values["on_behalf_of"] = data.on_behalf_of.strip()[:300]
    update = (
        ProgressUpdate.objects.select_for_update()
        .filter(node=node, period=values["period"])
        .order_by("pk")  # one row at most; the model's ordering would join the plan tables
        .first()
    )
    if update is not None:
        update.node = node  # already loaded: the audit entry names it
    if update is not None and not permissions.can_edit_update(user, update):
        if update.state == ProgressUpdate.State.APPROVED:
            raise PermissionDenied("This update has been approved; ask a plan manager to change it")
        raise PermissionDenied(
            "Another lead has started the update for this period. It is theirs until it is "
            "approved; ask them, or a plan manager, to add what you know."
        )
    before = audit.snapshot(update)
    if update is None:
        if expected_version not in (None, 0):
            raise ConcurrentEditError("This update was deleted since you opened it")
        update = ProgressUpdate(node=node, author=user, is_example=is_example, **values)
    else:
        if expected_version is not None and expected_version != update.version:
            raise ConcurrentEditError(
                "Someone else saved this update while you were editing it. Your changes have "
                "not been saved: open it again to see theirs, then make yours."
            )
        if update.state == ProgressUpdate.State.APPROVED and not manager:
            raise PermissionDenied("This update has been approved; ask a plan manager to change it")
        for name, value in values.items():
            setattr(update, name, value)
        update.version += 1
        if update.author_id is None:
            update.author = user
    if submit:  # otherwise it keeps its state: a draft stays a draft, a returned one returned
        update.state = ProgressUpdate.State.SUBMITTED
        update.submitted_at = timezone.now()
    update.save()
    audit.record(
        user,
        "submit update" if submit else ("edit update" if before else "create update"),
        update,
        plan=node.plan,
        before=before,
        after=audit.snapshot(update),
    )
    if submit:
        notifications.update_submitted([update], user)
    return update


@transaction.atomic
def save_updates(
    user, entries: list[tuple[PlanNode, UpdateInput]], *, submit: bool
) -> list[ProgressUpdate]:
    """Many updates at once (the quarter's workbook): the rules of ``save_update`` for each,
    checked for all before anything is written, then written with a few bulk statements and
    one audit entry each, in one transaction. Raises PermissionDenied or ValidationError
    (``{"<node key>.<field>": message}``) naming the first node that breaks a rule."""
    from cyplan.core.models import AuditEntry

    manager = permissions.is_manager(user)
    cleaned = []
    for node, data in entries:
        if node.kind not in ("commitment", "action") or node.children.exists():
            raise ValidationError(
                {node.key: "Updates are recorded on actions (or on commitments without actions)"}
            )
        if not permissions.can_record_update(user, node):
            raise PermissionDenied(f"You do not lead {node.key}")
        try:
            values = _clean(node, data)
        except ValidationError as error:
            raise ValidationError(
                {f"{node.key}.{name}": messages for name, messages in error.message_dict.items()}
            ) from None
        if manager and data.on_behalf_of:
            values["on_behalf_of"] = data.on_behalf_of.strip()[:300]
        cleaned.append((node, values))
    existing = {
        (u.node_id, u.period): u
        for u in ProgressUpdate.objects.select_for_update()
        .filter(
            node__in=[node for node, _ in cleaned], period__in={v["period"] for _, v in cleaned}
        )
        .order_by()
    }
    now = timezone.now()
    created, changed, saved = [], [], []
    for node, values in cleaned:
        update = existing.get((node.id, values["period"]))
        before = audit.snapshot(update)
        if update is None:
            update = ProgressUpdate(node=node, author=user, **values)
            created.append(update)
        else:
            if not permissions.can_edit_update(user, update):
                raise PermissionDenied(
                    f"The update of {node.key} has been approved, or another lead has started "
                    "it; ask a plan manager to change it"
                )
            for name, value in values.items():
                setattr(update, name, value)
            update.version += 1
            update.node = node
            update.author = update.author or user
            changed.append(update)
        if submit:
            update.state = ProgressUpdate.State.SUBMITTED
            update.submitted_at = now
        update.modified_on = now
        saved.append((update, before))
    ProgressUpdate.objects.bulk_create(created)
    fields = ["status", "rag", "narrative", "evidence_links", "on_behalf_of", "state"]
    fields += ["submitted_at", "version", "author", "modified_on"]
    for update in changed:  # one plain UPDATE each: far cheaper than bulk_update's CASE
        ProgressUpdate.objects.filter(pk=update.pk).update(
            **{name: getattr(update, name) for name in fields}
        )
    signed_in = getattr(user, "is_authenticated", False)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=user if signed_in else None,
            actor_name=(user.get_full_name() or user.get_username()) if signed_in else "system",
            action="submit update" if submit else ("edit update" if before else "create update"),
            object_type="progressupdate",
            object_id=str(update.pk),
            object_repr=str(update)[:300],
            plan=update.node.plan,
            before=before,
            after=audit.snapshot(update),
        )
        for update, before in saved
    )
    written = [update for update, _ in saved]
    if submit:
        notifications.update_submitted(written, user)
    return written


@transaction.atomic
def approve(user, update: ProgressUpdate, *, expected_version: int | None = None) -> ProgressUpdate:
    return _review(user, update, ProgressUpdate.State.APPROVED, "", expected_version)


@transaction.atomic
def return_update(
    user, update: ProgressUpdate, comment: str, *, expected_version: int | None = None
) -> ProgressUpdate:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Say what the lead should change or answer"})
    return _review(user, update, ProgressUpdate.State.RETURNED, comment, expected_version)


def _review(user, update, state, comment, expected_version):
    update = (
        ProgressUpdate.objects.select_for_update().select_related("node__plan").get(pk=update.pk)
    )
    if not permissions.can_review_updates(user, update.node.plan):
        raise PermissionDenied("Only a plan manager can approve or return updates")
    if expected_version is not None and expected_version != update.version:
        raise ConcurrentEditError("The update changed since you opened it: read it again first")
    if update.state != ProgressUpdate.State.SUBMITTED:
        raise ValidationError(
            {
                "state": f"Only submitted updates can be reviewed; this one is {update.get_state_display().lower()}"
            }
        )
    before = audit.snapshot(update)
    update.state = state
    update.review_comment = comment
    update.reviewed_by = user
    update.reviewed_at = timezone.now()
    update.version += 1
    update.save()
    audit.record(
        user,
        "approve update" if state == ProgressUpdate.State.APPROVED else "return update",
        update,
        plan=update.node.plan,
        before=before,
        after=audit.snapshot(update),
    )
    notifications.update_reviewed(update)
    return update


def check_evidence_file(name: str, head: bytes, size: int) -> str:
    """Return the content type of an allowed evidence file, or raise ValidationError."""
    import os

    extension = os.path.splitext(name)[1].lower()
    if extension not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted(e.lstrip(".").upper() for e in EVIDENCE_TYPES))
        raise ValidationError(f"The file must be one of: {allowed}")
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError("The file must be smaller than 10 MB")
    if size == 0:
        raise ValidationError("The file is empty")
    content_type, magic = EVIDENCE_TYPES[extension]
    if magic and not any(head.startswith(m) for m in magic):
        raise ValidationError(f"The file is not a real {extension.lstrip('.').upper()} file")
    if not magic and b"\x00" in head:
        raise ValidationError("The file is not a text file")
    return content_type


@transaction.atomic
def attach_evidence(user, update: ProgressUpdate, uploaded) -> EvidenceFile:
    if not permissions.can_record_update(user, update.node):
        raise PermissionDenied("You do not lead this action")
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = check_evidence_file(uploaded.name, head, uploaded.size)
    evidence = EvidenceFile(
        update=update,
        original_name=uploaded.name[:255],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=user,
    )
    evidence.file.save(uploaded.name, uploaded, save=False)
    try:
        evidence.save()
        audit.record(
            user,
            "attach evidence",
            evidence,
            plan=update.node.plan,
            after={"file": uploaded.name, "size": uploaded.size},
        )
    except BaseException:  # the row was not written (say the database went away): no orphan file
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def bulk_review(user, ids: list[int], *, approve_them: bool, comment: str = "") -> list:
    """Approve, or return with one comment, several submitted updates at once: all of
    them or none (a refused one leaves every other as it was)."""
    if not ids:
        raise ValidationError({"updates": "Select at least one update"})
    comment = (comment or "").strip()
    if not approve_them and not comment:
        raise ValidationError({"comment": "Say what the leads should change or answer"})
    updates = list(ProgressUpdate.objects.filter(pk__in=ids).order_by("pk"))
    if len(updates) != len(set(ids)):
        raise ValidationError({"updates": "One of the updates no longer exists: reload the page"})
    state = ProgressUpdate.State.APPROVED if approve_them else ProgressUpdate.State.RETURNED
    return [
        _review(user, update, state, "" if approve_them else comment, None) for update in updates
    ]
