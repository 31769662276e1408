"""``cyplan safeguarding``: escalate alerts not acknowledged in time; time-to-acknowledge report."""

from __future__ import annotations

import json

from cyplan.core.commands import ExampleCommand
from cyplan.voice import services, triage

EPILOG = """examples:
  cyplan safeguarding escalate        # send again every alert not acknowledged in time (cron)
  cyplan safeguarding report --json   # how long alerts waited for a lead (no child's words)
"""


class Command(ExampleCommand):
    epilog = EPILOG
    help = (
        "Send again, and escalate to CYPLAN_SAFEGUARDING_EMAIL, every safeguarding alert not "
        "acknowledged in time; or report the time to acknowledge."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["escalate", "report"], help="escalate or report")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action, json=False, **options):
        if action == "escalate":
            done = services.escalate_unacknowledged()
            if json:
                self.stdout.write(_json({"escalated": done}))
            else:
                self.stdout.write(f"Escalated {len(done)} alert(s) not acknowledged in time.")
            return
        report = triage.acknowledgement_report()
        if json:
            self.stdout.write(_json(report.as_dict()))
            return
        self.stdout.write(report.sentence())


def _json(value) -> str:
    return json.dumps(value, indent=2)
