"""``cyplan indicators``: the catalogue, and comparisons of an area with its benchmarks."""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from cyplan.core.commands import ExampleCommand
from cyplan.outcomes.catalogue_sync import catalogue
from cyplan.outcomes.comparison import compare

EPILOG = """examples:
  cyplan indicators list --json
  cyplan indicators compare --indicator ehcp-issued-20-weeks --area E09000006 --period 2024 --json
  cyplan indicators compare --indicator ehcp-issued-20-weeks --area E09000006 --period 2024 --filter "breakdown=Age under 5"
  cyplan indicators compare --indicator cla-rate --area E09000006 --period 2024 --unsuppressed

Figures are suppressed as on the public pages (small counts and what would reveal them are c)
unless --unsuppressed is given: staff only, and the output says so.
"""


class Command(ExampleCommand):
    epilog = EPILOG
    help = "List the indicator catalogue, or compare an area's figure with England, its region and neighbours."

    def add_arguments(self, parser):
        from argparse import RawDescriptionHelpFormatter

        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub = {"formatter_class": RawDescriptionHelpFormatter}
        listing = actions.add_parser(
            "list",
            help="the indicator catalogue",
            epilog="example:\n  cyplan indicators list --json",
            **sub,
        )
        listing.add_argument(
            "--json", action="store_true", help="print code, title, unit and polarity as JSON"
        )
        comparing = actions.add_parser(
            "compare",
            help="an area's figure with intervals, benchmarks, neighbour rank and trend",
            epilog="example:\n  cyplan indicators compare --indicator cla-rate --area E09000006 --period 2024 --json",
            **sub,
        )
        comparing.add_argument("--indicator", required=True, metavar="CODE")
        comparing.add_argument("--area", required=True, metavar="CODE", help="e.g. E09000006")
        comparing.add_argument(
            "--period", required=True, metavar="PERIOD", help="as stored, e.g. 2024 or 2023/24"
        )
        comparing.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a breakdown; without it the total row is used",
        )
        comparing.add_argument(
            "--neighbours",
            metavar="MODEL",
            help="the statistical neighbour model, e.g. 2021 (default: the latest loaded, 2025)",
        )
        comparing.add_argument("--json", action="store_true")
        comparing.add_argument(
            "--unsuppressed",
            action="store_true",
            help="staff only: show small counts and what they reveal, marked not for publication",
        )

    def handle(self, *args, action, **options):
        return getattr(self, f"do_{action}")(**options) or None

    def do_list(self, json=False, **options):
        rows = catalogue().as_list_json()
        if json:
            import json as json_module

            self.stdout.write(json_module.dumps(rows, indent=2))
            return
        width = max(len(r["code"]) for r in rows)
        for row in rows:
            self.stdout.write(
                f"{row['code']:<{width}}  {row['unit']:<18} {row['polarity']:<17} {row['title']}"
            )

    def do_compare(
        self,
        indicator,
        area,
        period,
        filter=(),
        json=False,
        neighbours=None,
        unsuppressed=False,
        **options,
    ):
        filters = {}
        for item in filter:
            name, _, value = item.partition("=")
            if not name or not value:
                raise CommandError(
                    f"--filter takes NAME=VALUE, e.g. breakdown=Age under 5; got {item!r}"
                )
            filters[name] = value
        try:
            result = compare(indicator, area, period, filters or None, neighbours)
        except LookupError as error:
            raise CommandError(
                f"{error}. Load values first (cyplan data import-ees FILE)."
            ) from None
        from cyplan.outcomes.presentation import disclosed_json

        data = disclosed_json(result, public=not unsuppressed)
        if json:
            self.stdout.write(json_module_dumps(data))
            return
        if unsuppressed:
            self.stdout.write(
                "UNSUPPRESSED: for staff only, not for publication. "
                "Small counts are shown as they are."
            )
        self.stdout.write(data["summary"])
        method = data["interval"]["method"]
        if method:
            level = "95%" if data["confidence"] == 0.95 else "99.8%"
            self.stdout.write(
                f"Interval: {method} at 95% and 99.8%; compared at {level}. "
                f"Numerator: {data['numerator_counts'] or 'not stated'}. "
                f"Denominator: {data['denominator_counts'] or 'not stated'}."
            )


def json_module_dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
