"""Appending to the audit log: who changed what, when, before and after."""

from __future__ import annotations

from cyplan.core.models import AuditEntry


def record(actor, action: str, obj, *, plan=None, before=None, after=None) -> AuditEntry:
    """Append one entry. ``actor`` may be None for changes made by the system or the CLI."""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    name = (actor.get_full_name() or actor.get_username()) if signed_in else "system"
    return AuditEntry.objects.create(
        actor=actor if signed_in else None,
        actor_name=name,
        action=action,
        object_type=obj._meta.model_name if hasattr(obj, "_meta") else type(obj).__name__,
        object_id=str(getattr(obj, "pk", "") or ""),
        object_repr=str(obj)[:300],
        plan=plan,
        before=before,
        after=after,
    )


# How the audit log names a recorded field and its values to people (not Python dicts).
FIELD_LABELS = {
    "period": "Period",
    "status": "Status",
    "rag": "RAG",
    "narrative": "Narrative",
    "evidence_links": "Evidence links",
    "state": "State",
    "on_behalf_of": "On behalf of",
    "review_comment": "Review comment",
    "version": "Version",
    "file": "File",
    "size": "Size (bytes)",
    "source": "Source",
    "rows": "Rows",
    "breakdowns": "Breakdowns",
    "safeguarding": "Flagged for safeguarding",
    "response": "Response",
    "follow": "Follows the item",
    "contact_details": "Contact details",
    "nodes_created": "Nodes added",
    "nodes_updated": "Nodes changed",
    "nodes_removed": "Nodes removed",
}

VALUE_LABELS = {
    "status": {
        "not_started": "Not started",
        "on_track": "On track",
        "at_risk": "At risk",
        "off_track": "Off track",
        "complete": "Complete",
        "dropped": "Dropped",
        "considering": "Considering",
        "agreed": "Agreed",
        "done": "Done",
        "not_possible": "Not possible",
    },
    "state": {
        "draft": "Draft",
        "submitted": "Submitted",
        "approved": "Approved",
        "returned": "Returned",
    },
}


def _value_text(field: str, value) -> str:
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(_value_text(field, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_value_text(k, v)}" for k, v in value.items())
    if field == "period" and isinstance(value, str):
        from cyplan.delivery.periods import label_for_key

        try:
            return label_for_key(value)
        except (ValueError, IndexError):
            return value
    return str(VALUE_LABELS.get(field, {}).get(value, value))


def _label(field: str) -> str:
    return FIELD_LABELS.get(field) or field.replace("_", " ").capitalize()


#: Internal identifiers the entry's object already names in words.
HIDDEN_FIELDS = {"key", "parent", "id"}


def changes(before, after) -> list[tuple[str, str | None, str]]:
    """What an entry changed, in words: ``(field, before or None, after)`` for each field
    whose value differs (every field of ``after`` when there was nothing before)."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    rows = []
    for field in list(after) + [f for f in before if f not in after]:
        old, new = before.get(field), after.get(field)
        if field in HIDDEN_FIELDS or (before and old == new):
            continue
        rows.append(
            (
                _label(field),
                _value_text(field, old) if field in before else None,
                _value_text(field, new),
            )
        )
    return rows


def changes_text(before, after) -> str:
    """The changes as one line, for the CSV: ``Status: On track -> At risk; ...``."""
    return "; ".join(
        f"{label}: {old} -> {new}" if old is not None else f"{label}: {new}"
        for label, old, new in changes(before, after)
    )


def action_text(action: str) -> str:
    """``voice-response-approved`` -> ``voice response approved``."""
    return action.replace("-", " ").replace("_", " ")
