"""Recording changes to progress updates in the append-only audit log."""

from __future__ import annotations

from typing import Any

from cyplan.core.audit import record  # noqa: F401  (re-exported for the delivery services)
from cyplan.delivery.models import ProgressUpdate

UPDATE_FIELDS = [
    "period",
    "status",
    "rag",
    "narrative",
    "evidence_links",
    "state",
    "on_behalf_of",
    "review_comment",
    "version",
]


def snapshot(update: ProgressUpdate | None) -> dict[str, Any] | None:
    if update is None:
        return None
    return {name: getattr(update, name) for name in UPDATE_FIELDS}
