"""The base of cyplan's management commands: ``--help`` ends with the command's examples."""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand


class ExampleCommand(BaseCommand):
    """A command whose help ends with ``epilog`` (its examples), laid out as written."""

    epilog = ""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = self.epilog
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser
