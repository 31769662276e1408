"""``cyplan api_token``: personal keys for the write API."""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from cyplan.core.commands import ExampleCommand

EPILOG = """examples:
  cyplan api_token create performance.officer --name "performance system"
  cyplan api_token list
  cyplan api_token revoke 3
"""


class Command(ExampleCommand):
    epilog = EPILOG
    help = (
        "Make, list or revoke the personal tokens that write progress updates through the API. "
        "A token acts as its person, with their role; its key is shown once."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub = dict(formatter_class=RawDescriptionHelpFormatter)
        create = actions.add_parser(
            "create",
            help="make a token for a person and print its key (once)",
            epilog='example:\n  cyplan api_token create performance.officer --name "performance system"',
            **sub,
        )
        create.add_argument("username", help="whose token it is")
        create.add_argument("--name", required=True, help="what it is for")
        actions.add_parser(
            "list",
            help="list the tokens (never their keys)",
            epilog="example:\n  cyplan api_token list",
            **sub,
        )
        revoke = actions.add_parser(
            "revoke",
            help="stop a token working",
            epilog="example:\n  cyplan api_token revoke 3",
            **sub,
        )
        revoke.add_argument("id", type=int, help="the token's number, from 'cyplan api_token list'")

    def handle(self, *args, action, **options):
        from cyplan.accounts.models import ApiToken

        if action == "create":
            user = (
                get_user_model()
                .objects.filter(username=options["username"], is_active=True)
                .first()
            )
            if user is None:
                raise CommandError(f"no active user {options['username']!r}")
            token, key = ApiToken.issue(user, options["name"])
            self.stdout.write(
                f"Token {token.pk} for {user.get_username()} ({options['name']}). Its key, shown "
                f"only now:\n{key}\nSend it as the header 'Authorization: Bearer {key[:8]}…'."
            )
        elif action == "list":
            for token in ApiToken.objects.select_related("user").order_by("pk"):
                state = f"revoked {token.revoked_on:%Y-%m-%d}" if token.revoked_on else "active"
                used = (
                    f"last used {token.last_used_on:%Y-%m-%d}"
                    if token.last_used_on
                    else "never used"
                )
                self.stdout.write(
                    f"{token.pk}\t{token.user.get_username()}\t{token.name}\t{token.prefix}…\t{state}\t{used}"
                )
        else:
            updated = ApiToken.objects.filter(pk=options["id"], revoked_on__isnull=True).update(
                revoked_on=timezone.now()
            )
            if not updated:
                raise CommandError(f"no active token {options['id']} (see 'cyplan api_token list')")
            self.stdout.write(f"Token {options['id']} revoked.")
