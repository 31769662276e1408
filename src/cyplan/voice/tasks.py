"""Background work for the voice feature, run by the task worker (``cyplan db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def escalate_unacknowledged_alerts() -> list[int]:
    """Send again and escalate every safeguarding alert not acknowledged in time."""
    from cyplan.voice.services import escalate_unacknowledged

    return escalate_unacknowledged()
