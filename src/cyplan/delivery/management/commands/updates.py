"""``cyplan updates``: the quarter's progress updates as one workbook, out and back in."""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from cyplan.core.commands import ExampleCommand

EPILOG = """examples:
  cyplan updates export --plan bromley-cef-portfolio-2024-2025 --period "Q3 2024/25" --output q3.xlsx
  cyplan updates export --plan bromley-cef-portfolio-2024-2025 --period 2024-25-Q3 --lead "Director Education" --output q3-education.xlsx
  cyplan updates import q3.xlsx --user performance.officer
  cyplan updates import q3.xlsx --user performance.officer --draft
"""


class Command(ExampleCommand):
    epilog = EPILOG
    help = (
        "Export a plan's actions for a reporting period as an Excel workbook with empty cells "
        "for this period's updates, or import a filled-in workbook (every row checked first; "
        "nothing is written if one is wrong)."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub = dict(formatter_class=RawDescriptionHelpFormatter)
        export = actions.add_parser(
            "export",
            help="write the workbook for a plan and period",
            epilog='example:\n  cyplan updates export --plan SLUG --period "Q3 2024/25" --output q3.xlsx',
            **sub,
        )
        export.add_argument("--plan", required=True, metavar="SLUG", help="the plan")
        export.add_argument(
            "--period",
            required=True,
            metavar="PERIOD",
            help='the reporting period, as people write it ("Q3 2024/25") or its key (2024-25-Q3)',
        )
        export.add_argument(
            "--lead", metavar="ROLE", help="only the actions this lead role leads (any spelling)"
        )
        export.add_argument("--output", required=True, metavar="FILE", help="the .xlsx to write")

        load = actions.add_parser(
            "import",
            help="check a filled-in workbook and write its updates in one transaction",
            epilog="example:\n  cyplan updates import q3.xlsx --user performance.officer",
            **sub,
        )
        load.add_argument("file", metavar="FILE", help="a workbook made by 'cyplan updates export'")
        load.add_argument(
            "--user",
            metavar="USERNAME",
            help="who records the updates (a plan manager, or the lead); "
            "default: the only active administrator",
        )
        load.add_argument(
            "--draft", action="store_true", help="save them as drafts instead of submitting them"
        )

    def handle(self, *args, action, **options):
        if action == "export":
            self._export(options)
        else:
            self._import(options)

    def _export(self, options):
        from cyplan.delivery.update_workbook import export_nodes, find_period, write_update_workbook
        from cyplan.plans.models import Plan

        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f"no plan {options['plan']!r} (see 'cyplan plan list')")
        period = find_period(plan, options["period"])
        if period is None:
            raise CommandError(
                f"{options['period']!r} is not a reporting period of {plan.title} "
                f"({plan.period_start:%B %Y} to {plan.period_end:%B %Y}); write it like "
                '"Q3 2024/25" or 2024-25-Q3'
            )
        if options["lead"] and not export_nodes(plan, options["lead"]):
            raise CommandError(f"no action of {plan.title} is led by {options['lead']!r}")
        book = write_update_workbook(plan, period, options["lead"])
        try:
            book.save(options["output"])
        except OSError as error:
            raise CommandError(f"cannot write {options['output']}: {error.strerror}") from error
        rows = book["Updates"].max_row - 1
        self.stdout.write(
            f"Wrote {options['output']}: {rows} action{'s' if rows != 1 else ''} of "
            f"{plan.title} for {period.label}."
        )

    def _import(self, options):
        from cyplan.delivery.update_workbook import WorkbookError, import_update_workbook

        user = self._user(options["user"])
        try:
            summary = import_update_workbook(
                options["file"], user, submit=not options["draft"], name=options["file"]
            )
        except WorkbookError as error:
            raise CommandError(str(error)) from error
        except FileNotFoundError as error:
            raise CommandError(f"no file {options['file']}") from error
        self.stdout.write(str(summary))

    def _user(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"no active user {username!r}")
            return user
        admins = list(users.filter(is_superuser=True)[:2])
        if len(admins) != 1:
            raise CommandError(
                "say who records the updates with --user USERNAME (a plan manager, or the lead)"
            )
        return admins[0]
