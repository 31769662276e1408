"""``cyplan reminders``: list who owes progress updates, and email them a reminder."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from cyplan.core import outbox
from cyplan.core.commands import ExampleCommand
from cyplan.delivery.owing import owed_updates
from cyplan.plans.models import Plan

EPILOG = """examples:
  cyplan reminders                      # list what is owed for every plan's current period
  cyplan reminders --plan bromley-cef-portfolio-2024-2025 --json
  cyplan reminders --send               # also email each lead who has an account
  cyplan reminders --send --due-within 7  # from a daily cron: one digest a week before each deadline
"""


class Command(ExampleCommand):
    epilog = EPILOG
    help = "List the actions that owe a progress update for the current period, and optionally email their leads."

    def add_arguments(self, parser):
        parser.add_argument("--plan", metavar="SLUG", help="only this plan")
        parser.add_argument("--send", action="store_true", help="email each lead with an account")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--due-within",
            type=int,
            metavar="DAYS",
            help="only plans whose current period ends within DAYS days (the deadline for its "
            "updates); with --send, each person gets one digest per period however often it runs",
        )

    def handle(self, *args, plan=None, send=False, json=False, due_within=None, **options):
        plans = Plan.objects.exclude(status=Plan.Status.ARCHIVED).order_by("title")
        if plan:
            plans = plans.filter(slug=plan)
            if not plans:
                raise CommandError(f"no plan {plan!r} (see 'cyplan plan list')")
        owed_all = [(p, owed_updates(p)) for p in plans]
        if due_within is not None:
            from django.utils import timezone

            today = timezone.localdate()
            owed_all = [
                (p, owed)
                for p, owed in owed_all
                if owed and 0 <= (owed[0].period.end - today).days <= due_within
            ]
        if json:
            import json as json_module

            self.stdout.write(
                json_module.dumps(
                    [
                        {
                            "plan": p.slug,
                            "period": o.period.key,
                            "node": o.node.key,
                            "title": o.node.title,
                            "leads": o.leads,
                            "overdue": o.overdue,
                            "people": [u.get_username() for u in o.people],
                        }
                        for p, owed in owed_all
                        for o in owed
                    ],
                    indent=2,
                )
            )
        else:
            for p, owed in owed_all:
                if not owed:
                    self.stdout.write(f"{p.title}: nothing owed.")
                    continue
                self.stdout.write(
                    f"{p.title}: {len(owed)} update(s) owed for {owed[0].period.label}"
                )
                for o in owed:
                    who = ", ".join(u.get_username() for u in o.people) or "no account"
                    flag = " (overdue)" if o.overdue else ""
                    self.stdout.write(
                        f"  {o.node.key}: {'; '.join(o.leads) or 'no lead named'} [{who}]{flag}"
                    )
        if send:
            with transaction.atomic():
                sent = self._send(owed_all)
            self.stderr.write(f"Queued {sent} reminder email(s) in the outbox (see cyplan outbox).")

    def _send(self, owed_all) -> int:
        by_person: dict = {}
        for plan, owed in owed_all:
            for o in owed:
                for person in o.people:
                    if person.email:
                        by_person.setdefault(person, []).append((plan, o))
        from cyplan.core.models import OutboxEmail

        sent = 0
        for person, items in by_person.items():
            period = items[0][1].period.label
            subject = f"Progress updates due for {period}"
            already = OutboxEmail.objects.filter(
                kind="delivery-reminder",
                subject=subject,
                related_type=person._meta.label_lower,
                related_id=str(person.pk),
            )
            if already.exists():
                continue  # one digest per person per period
            sent += 1
            lines = [
                f"- {plan.title}: {o.node.title} ({settings.CYPLAN_SITE_URL}{reverse('delivery:update', args=[plan.slug, o.node.key])})"
                for plan, o in items
            ]
            outbox.queue_email(
                [person.email],
                subject,
                (
                    f"Hello {person.get_full_name() or person.get_username()},\n\n"
                    f"Please record your progress updates for {period}:\n\n"
                    + "\n".join(lines)
                    + f"\n\nSee everything you lead at {settings.CYPLAN_SITE_URL}{reverse('delivery:my-actions')}.\n"
                ),
                kind="delivery-reminder",
                related=person,
            )
        return sent
