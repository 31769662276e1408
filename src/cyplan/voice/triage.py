"""What the safeguarding leads see: the triage queue, open matters, time to acknowledge.

Every public submission waits here, read by no one but the leads, until a lead passes it
to moderation or keeps it as a safeguarding matter. Urgent items (the harm check matched)
come first, then the oldest.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from cyplan.voice.models import Feedback


def triage_queue() -> QuerySet[Feedback]:
    return Feedback.objects.filter(triage=Feedback.Triage.WAITING).order_by(
        "-urgent", "created_on", "id"
    )


def open_matters() -> QuerySet[Feedback]:
    return Feedback.objects.filter(safeguarding=True, closed_at__isnull=True).order_by(
        "acknowledged_at", "created_on", "id"
    )


def closed_matters() -> QuerySet[Feedback]:
    return Feedback.objects.filter(safeguarding=True, closed_at__isnull=False).order_by(
        "-closed_at", "-id"
    )


def age(item: Feedback, now=None) -> timedelta:
    return (now or timezone.now()) - item.created_on


def describe(delta: timedelta) -> str:
    """'3 minutes', '2 hours 5 minutes', '4 days 1 hour': how long, in plain words."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    for value, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")):
        if value:
            parts.append(f"{value} {unit}{'' if value == 1 else 's'}")
    return " ".join(parts[:2]) or "less than a minute"


@dataclass
class AcknowledgementReport:
    days: int
    alerts: int
    acknowledged: int
    waiting: int
    escalated: int
    median_minutes: float | None
    longest_minutes: float | None

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def sentence(self) -> str:
        if not self.alerts:
            return f"No safeguarding alerts in the last {self.days} days."
        text = (
            f"{self.alerts} alert(s) in the last {self.days} days: {self.acknowledged} "
            f"acknowledged, {self.waiting} waiting, {self.escalated} escalated."
        )
        if self.median_minutes is not None:
            text += (
                f" Time to acknowledge: median {describe(timedelta(minutes=self.median_minutes))}, "
                f"longest {describe(timedelta(minutes=self.longest_minutes))}."
            )
        return text


def acknowledgement_report(days: int = 90, now=None) -> AcknowledgementReport:
    """How long alerts waited for a lead: from the alert to the acknowledgement."""
    now = now or timezone.now()
    alerts = Feedback.objects.filter(safeguarding_notified_at__gte=now - timedelta(days=days))
    waits = [
        (item.acknowledged_at - item.safeguarding_notified_at).total_seconds() / 60
        for item in alerts.filter(acknowledged_at__isnull=False)
    ]
    return AcknowledgementReport(
        days=days,
        alerts=alerts.count(),
        acknowledged=len(waits),
        waiting=alerts.filter(acknowledged_at__isnull=True).count(),
        escalated=alerts.filter(escalated_at__isnull=False).count(),
        median_minutes=round(statistics.median(waits), 1) if waits else None,
        longest_minutes=round(max(waits), 1) if waits else None,
    )
