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
