"""``cyplan demo``: create the demo accounts and example updates, and say how to sign in."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

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
        accounts = create_demo_accounts()
        made = create_example_updates()
        load_synthetic_data()  # synthetic disproportionality cohorts, labelled as such
        plans = Plan.objects.count()
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"cyplan is ready with {plans} plan(s)."))
        if made:
            out.write(
                f"Made {made} example progress updates (labelled 'Example' wherever they appear)."
            )
        out.write("Open http://127.0.0.1:8000/ to read the plans; no sign-in is needed for that.")
        out.write("Sign in at http://127.0.0.1:8000/accounts/sign-in/ as (development only):")
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
        out.write("Press Ctrl+C to stop the server.")
        out.write("")
