"""``cyplan demo``: create the demo accounts and example updates, and say how to sign in."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.urls import reverse

from cyplan.core.demo import create_demo_accounts, create_example_updates
from cyplan.disproportionality.demo import load_synthetic_data
from cyplan.plans.models import Plan


class Command(BaseCommand):
    help = (
        "Create the demo accounts (one per role) and a few clearly labelled example progress "
        "updates, then print how to sign in. Development settings only. Example: cyplan demo"
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "demo accounts are for development only; they are never made in production"
            )
        # Emails the demo data sets off (the safeguarding alert for the flagged example) are
        # written to files, not printed in the middle of the set-up output.
        outbox = Path(settings.DATA_DIR) / "emails"
        before = set(outbox.glob("*.log")) if outbox.exists() else set()
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(outbox),
        ):
            accounts = create_demo_accounts()
            made = create_example_updates()
            load_synthetic_data()  # synthetic disproportionality cohorts, labelled as such
            from cyplan.core.outbox import send_due

            send_due()  # the outbox's emails, written to the files now rather than by the worker
        written = (set(outbox.glob("*.log")) if outbox.exists() else set()) - before
        site = settings.CYPLAN_SITE_URL.rstrip("/")
        plans = Plan.objects.count()
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"cyplan is ready with {plans} plan(s)."))
        if made:
            out.write(
                f"Made {made} example progress updates (labelled 'Example' wherever they appear)."
            )
        if written:
            out.write(
                f"Emails the demo data set off were written to {outbox}/ (not sent, not shown here)."
            )
        out.write(f"Open {site}/ to read the plans; no sign-in is needed for that.")
        out.write(f"Sign in at {site}{reverse('accounts:login')} as (development only):")
        for account in accounts:
            out.write(
                f"  {account.username:<8} password {account.password:<18} {account.description}"
            )
        from cyplan.voice.demo import SAFEGUARDING_ACCOUNT

        name, password = SAFEGUARDING_ACCOUNT
        out.write(
            f"  {name:<8} password {password:<18} safeguarding lead: the only one who sees "
            "feedback flagged as a possible disclosure"
        )
        out.write("")
