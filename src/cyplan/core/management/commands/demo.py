"""``cyplan demo``: create the demo accounts (development only) and say how to sign in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cyplan.plans.models import Plan

DEMO_ACCOUNTS = [
    # (username, password, is_superuser, what they can do)
    ("admin", "demo-admin-password", True, "administrator: everything, including /admin/"),
]


class Command(BaseCommand):
    help = (
        "Create the demo accounts (development settings only) and print how to sign in. "
        "Example: cyplan demo"
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "demo accounts are for development only; they are never made in production"
            )
        User = get_user_model()
        for username, password, superuser, _ in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = superuser
            user.set_password(password)
            user.save()
        plans = Plan.objects.count()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"cyplan is ready with {plans} plan(s)."))
        self.stdout.write("Open http://127.0.0.1:8000/ to read the plans (no sign-in needed).")
        self.stdout.write("Demo accounts (development only):")
        for username, password, _, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username} / {password}  ({role})")
        self.stdout.write(
            "Sign in at http://127.0.0.1:8000/admin/ . Press Ctrl+C to stop the server."
        )
        self.stdout.write("")
