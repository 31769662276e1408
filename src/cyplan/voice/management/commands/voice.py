"""``cyplan voice``: tools for the voice of children and young people.

``check`` runs the harm check on a text or a file (see ``cyplan.voice.harm_check_cli``).
"""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter

from cyplan.core.commands import ExampleCommand
from cyplan.voice.harm_check_cli import EXAMPLES, add_check, run_check


class Command(ExampleCommand):
    epilog = EXAMPLES
    help = "Voice tools: check whether a text would be urgent for the safeguarding leads."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub = {"formatter_class": RawDescriptionHelpFormatter}
        add_check(actions, sub)

    def handle(self, *args, action, **options):
        if action == "check":
            run_check(self, **options)
