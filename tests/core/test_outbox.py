"""The email outbox: written with the change, sent by the worker, retried with back-off.

The failure tests use the real SMTP backend against sockets on this machine: a port with
nothing listening (connection refused) and a server that accepts and never says a word.
"""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cyplan.core import outbox
from cyplan.core.models import OutboxEmail

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port with nothing listening on it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_server():
    """A server that accepts connections and never answers (no SMTP greeting)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def smtp(settings, port: int, timeout: float = 1):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.CYPLAN_EMAIL_TIMEOUT = timeout
    settings.CYPLAN_EMAIL_RETRY_SECONDS = 60


def test_queue_writes_a_row_and_sends_nothing_until_the_worker_runs():
    row = outbox.queue_email("a@example.org", "Hello", "Body", kind="test")
    assert row.to == ["a@example.org"] and row.state == OutboxEmail.State.PENDING
    assert mail.outbox == []  # nothing went in the request
    report = outbox.send_due()
    assert report.sent == [row.pk]
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["a@example.org"], "Hello", "Body")
    ]
    row.refresh_from_db()
    assert row.state == OutboxEmail.State.SENT and row.attempts == 1 and row.sent_at
    assert outbox.send_due().sent == []  # never twice


def test_the_row_is_rolled_back_with_the_change_that_caused_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.queue_email("a@example.org", "Hello", "Body", kind="test")
        raise RuntimeError("the change failed")
    assert OutboxEmail.objects.count() == 0


def test_the_task_is_enqueued_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox.queue_email(["a@example.org", "b@example.org"], "S", "B", kind="test")
    assert len(callbacks) == 1
    from django_tasks_db.models import DBTaskResult

    callbacks[0]()  # the commit: one task for the worker, naming the row
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [OutboxEmail.objects.get().pk]


def test_related_and_reply_to_are_kept():
    from tests.factories import make_user

    user = make_user("someone", "plan_manager", email="x@example.org")
    row = outbox.queue_email("a@example.org", "S", "B", kind="t", reply_to="r@example.org",
                             related=user)  # fmt: skip
    assert (row.related_type, row.related_id) == ("auth.user", str(user.pk))
    outbox.send_due()
    assert mail.outbox[0].reply_to == ["r@example.org"]


def test_no_address_is_refused():
    with pytest.raises(ValueError):
        outbox.queue_email(["", " "], "S", "B", kind="test")
    assert OutboxEmail.objects.count() == 0


def test_mail_server_down_keeps_the_email_and_backs_off(settings):
    """Connection refused: the row stays pending, with the error and a retry a minute later."""
    smtp(settings, closed_port())
    row = outbox.queue_email("a@example.org", "S", "B", kind="test")
    before = timezone.now()
    assert outbox.send_due().failed == [row.pk]
    row.refresh_from_db()
    assert row.state == OutboxEmail.State.PENDING and row.attempts == 1
    assert "Connection refused" in row.last_error or "ConnectionRefused" in row.last_error
    # First retry after the base wait, 60 s.
    assert (
        before + timedelta(seconds=59)
        <= row.next_attempt_at
        <= timezone.now() + timedelta(seconds=61)
    )
    assert outbox.send_due().sent == outbox.send_due().failed == []  # not due yet


def test_a_server_that_never_answers_times_out(settings, silent_server):
    """A server that accepts and never replies: the attempt ends at the timeout, kept for later."""
    smtp(settings, silent_server, timeout=0.5)
    row = outbox.queue_email("a@example.org", "S", "B", kind="test")
    assert outbox.send_one(row.pk) is False
    row.refresh_from_db()
    assert row.state == OutboxEmail.State.PENDING and row.attempts == 1
    assert "timed out" in row.last_error.lower() or "timeout" in row.last_error.lower()


def test_retries_back_off_then_send_when_the_server_is_back(settings):
    """Waits of 60, 120, 240 s after the 1st, 2nd and 3rd failures; then sent once it works."""
    smtp(settings, closed_port())
    row = outbox.queue_email("a@example.org", "S", "B", kind="test")
    waits = []
    for _ in range(3):
        row.refresh_from_db()
        now = row.next_attempt_at
        outbox.send_one(row.pk, now=now)
        row.refresh_from_db()
        waits.append(round((row.next_attempt_at - timezone.now()).total_seconds() / 60))
    assert waits == [1, 2, 4] and row.attempts == 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.send_due(now=row.next_attempt_at).sent == [row.pk]
    row.refresh_from_db()
    assert row.state == OutboxEmail.State.SENT and row.attempts == 4 and len(mail.outbox) == 1


def test_backoff_is_capped_at_an_hour(settings):
    settings.CYPLAN_EMAIL_RETRY_SECONDS = 60
    # 60 * 2**6 = 3840 s would pass the one-hour cap of 3600 s.
    assert outbox.backoff(6) == timedelta(seconds=1920)
    assert outbox.backoff(7) == timedelta(seconds=3600)


def test_gives_up_after_the_last_attempt(settings):
    smtp(settings, closed_port())
    settings.CYPLAN_EMAIL_MAX_ATTEMPTS = 2
    row = outbox.queue_email("a@example.org", "S", "B", kind="test")
    outbox.send_one(row.pk)
    row.refresh_from_db()
    outbox.send_one(row.pk, now=row.next_attempt_at)
    row.refresh_from_db()
    assert row.state == OutboxEmail.State.FAILED and row.attempts == 2


def test_a_row_taken_by_one_sender_is_not_sent_by_another():
    row = outbox.queue_email("a@example.org", "S", "B", kind="test")
    assert outbox._claim(row.pk, timezone.now()) is not None
    assert outbox.send_one(row.pk) is False  # claimed: not due for another five minutes
    assert mail.outbox == []


def test_the_command_sends_what_is_due_and_lists_what_waits(settings, capsys):
    outbox.queue_email("a@example.org", "S", "B", kind="test")
    call_command("outbox", "send")
    assert "Sent 1 email(s)" in capsys.readouterr().out
    smtp(settings, closed_port())
    outbox.queue_email("b@example.org", "S", "B", kind="later")
    call_command("outbox", "send")
    call_command("outbox", "list")
    out = capsys.readouterr().out
    assert "later: pending, 1 tries" in out and "Connection refused" in out
