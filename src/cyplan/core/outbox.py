"""The email outbox: every email is a row written with the change that causes it.

A request never talks to the mail server. ``queue_email`` writes an ``OutboxEmail`` row in
the caller's transaction; when that transaction commits, a task (Django's Tasks API, run by
``cyplan db_worker``) sends it. A send that fails (server down, refused, or silent past
``CYPLAN_EMAIL_TIMEOUT`` seconds) is tried again later, with the wait doubling each time
(``CYPLAN_EMAIL_RETRY_SECONDS``, 60 by default, up to an hour) until
``CYPLAN_EMAIL_MAX_ATTEMPTS`` (10) attempts; the attempts, next attempt time and last error
are kept on the row. ``cyplan outbox send`` sends whatever is due (e.g. from cron, or by
hand after the mail server comes back); ``cyplan outbox list`` shows what is waiting.

Example::

    with transaction.atomic():
        item.save()
        queue_email(["lead@example.org"], "Subject", "Body", kind="safeguarding", related=item)
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from cyplan.core.models import OutboxEmail

log = logging.getLogger(__name__)

#: How long a claimed row is left alone before another sender may try it (a crashed worker).
CLAIM_SECONDS = 300
MAX_BACKOFF_SECONDS = 3600


def _number(name: str, default: str) -> float:
    value = getattr(settings, name, None)
    return float(value if value is not None else os.environ.get(name, default))


def smtp_timeout() -> float:
    """Seconds to wait for the mail server before giving up on this attempt."""
    return _number("CYPLAN_EMAIL_TIMEOUT", "10")


def retry_seconds() -> float:
    return _number("CYPLAN_EMAIL_RETRY_SECONDS", "60")


def max_attempts() -> int:
    return int(_number("CYPLAN_EMAIL_MAX_ATTEMPTS", "10"))


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: base, 2 x base, 4 x base, ... up to an hour."""
    return timedelta(seconds=min(retry_seconds() * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def _addresses(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    return [a.strip() for a in value or [] if a and a.strip()]


def queue_email(
    to, subject: str, body: str, *, kind: str, reply_to=None, related=None
) -> OutboxEmail:
    """Write an email to the outbox in the current transaction; it is sent after commit.

    ``to`` and ``reply_to`` are an address or a list of them; ``related`` is the model
    instance the email is about (kept as its type and id, e.g. to find a safeguarding
    alert again). Returns the row. Raises ``ValueError`` when there is no address.
    """
    recipients = _addresses(to)
    if not recipients:
        raise ValueError("an email needs at least one address")
    email = OutboxEmail.objects.create(
        kind=kind,
        to=recipients,
        reply_to=_addresses(reply_to),
        subject=subject[:300],
        body=body,
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(email_id: int, run_after: datetime | None = None) -> None:
    """Hand the row to the task queue; if the queue is unavailable ``outbox send`` finds it."""
    try:
        if run_after is not None and send_outbox_email.get_backend().supports_defer:
            send_outbox_email.using(run_after=run_after).enqueue(email_id)
        elif run_after is None:
            send_outbox_email.enqueue(email_id)
    except Exception:
        log.exception("could not queue the task for outbox email %s", email_id)


def _claim(email_id: int, now: datetime) -> OutboxEmail | None:
    """Take the row for one attempt, or None when it is not due or someone else has it."""
    row = OutboxEmail.objects.filter(pk=email_id).first()
    if row is None or row.state != OutboxEmail.State.PENDING or row.next_attempt_at > now:
        return None
    taken = OutboxEmail.objects.filter(
        pk=email_id, state=OutboxEmail.State.PENDING, attempts=row.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    if not taken:
        return None
    row.refresh_from_db()
    return row


def _deliver(row: OutboxEmail) -> None:
    connection = get_connection(timeout=smtp_timeout())
    EmailMessage(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=row.to,
        reply_to=row.reply_to or None,
        connection=connection,
    ).send(fail_silently=False)


def send_one(email_id: int, now: datetime | None = None) -> bool:
    """Try to send one outbox email if it is due. True when it was sent now."""
    now = now or timezone.now()
    row = _claim(email_id, now)
    if row is None:
        return False
    try:
        _deliver(row)
    except Exception as error:  # refused, timed out, rejected: keep it and try later
        message = f"{type(error).__name__}: {error}"[:2000]
        if row.attempts >= max_attempts():
            OutboxEmail.objects.filter(pk=row.pk).update(
                state=OutboxEmail.State.FAILED, last_error=message
            )
            log.error(
                "gave up on outbox email %s (%s) after %s tries: %s",
                row.pk,
                row.kind,
                row.attempts,
                message,
            )
            return False
        retry_at = timezone.now() + backoff(row.attempts)
        OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=retry_at, last_error=message)
        log.warning(
            "outbox email %s (%s) not sent, try %s: %s", row.pk, row.kind, row.attempts, message
        )
        _enqueue(row.pk, run_after=retry_at)
        return False
    OutboxEmail.objects.filter(pk=row.pk).update(
        state=OutboxEmail.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


@task()
def send_outbox_email(email_id: int) -> bool:
    """The task the worker runs for each queued email."""
    return send_one(email_id)


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def due(now: datetime | None = None):
    return OutboxEmail.objects.filter(
        state=OutboxEmail.State.PENDING, next_attempt_at__lte=now or timezone.now()
    ).order_by("next_attempt_at", "id")


def send_due(now: datetime | None = None, limit: int | None = None) -> SendReport:
    """Send every outbox email that is due now (oldest first). Used by ``cyplan outbox send``."""
    now = now or timezone.now()
    ids = list(
        due(now).values_list("pk", flat=True)[:limit]
        if limit
        else due(now).values_list("pk", flat=True)
    )
    report = SendReport()
    for email_id in ids:
        (report.sent if send_one(email_id, now) else report.failed).append(email_id)
    return report
