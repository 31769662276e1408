"""``cyplan outbox``: send the emails that are due, or list what is waiting."""

from __future__ import annotations

import json

from django.utils import timezone

from cyplan.core import outbox
from cyplan.core.commands import ExampleCommand
from cyplan.core.models import OutboxEmail

EPILOG = """examples:
  cyplan outbox send          # send every email that is due now (e.g. every minute from cron)
  cyplan outbox list          # what is waiting, how many tries, the last error
  cyplan outbox list --json
"""


class Command(ExampleCommand):
    epilog = EPILOG
    help = "Send the outbox emails that are due, or list the ones not yet sent."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["send", "list"], help="send or list")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action, json=False, **options):
        if action == "send":
            report = outbox.send_due()
            if json:
                self.stdout.write(_json({"sent": report.sent, "not_sent": report.failed}))
            else:
                self.stdout.write(
                    f"Sent {len(report.sent)} email(s); {len(report.failed)} not sent "
                    "(kept, to try again later)."
                )
            return
        rows = OutboxEmail.objects.exclude(state=OutboxEmail.State.SENT).order_by(
            "next_attempt_at", "id"
        )
        found = [
            {
                "id": r.pk,
                "kind": r.kind,
                "state": r.state,
                "attempts": r.attempts,
                "next_attempt_at": r.next_attempt_at.isoformat(),
                "last_error": r.last_error,
                "at": r.next_attempt_at,
            }
            for r in rows
        ]
        if json:
            self.stdout.write(_json([{k: v for k, v in r.items() if k != "at"} for r in found]))
            return
        if not found:
            self.stdout.write("Nothing waiting: every email has been sent.")
        for r in found:
            when = timezone.localtime(r["at"])
            self.stdout.write(
                f"#{r['id']} {r['kind']}: {r['state']}, {r['attempts']} tries, "
                f"next at {when:%d %b %H:%M}"
                + (f", last error: {r['last_error']}" if r["last_error"] else "")
            )


def _json(value) -> str:
    return json.dumps(value, indent=2)
