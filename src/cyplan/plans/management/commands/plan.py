"""``cyplan plan``: validate, import, list and export plans."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError

from cyplan.core.commands import ExampleCommand
from cyplan.plans import models as m
from cyplan.plans.builtin import builtin_plan_paths
from cyplan.plans.exporter import dump_yaml, get_plan_queryset, plan_document, plan_json
from cyplan.plans.importer import import_plan_file
from cyplan.plans.plan_file import PlanFile, PlanFileError, read_plan_file
from cyplan.plans.workbook import read_workbook, write_template, write_workbook

EPILOG = """examples:
  cyplan plan validate my-plan.yaml
  cyplan plan import my-plan.yaml
  cyplan plan import --builtin
  cyplan plan list
  cyplan plan export bromley-cypp-2021-2024 --format json
  cyplan plan export bromley-cef-portfolio-2024-2025 --format xlsx --output plan.xlsx
  cyplan plan template new-plan.xlsx
"""


def read_any(path: str) -> PlanFile:
    """Read a plan file of either kind: YAML, or an Excel workbook (.xlsx)."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(path)
    return read_plan_file(path)


class Command(ExampleCommand):
    epilog = EPILOG
    help = (
        "Work with plans: check a plan file, import it (validate first, one transaction), "
        "list the plans, export one as YAML, JSON or Excel, or write an Excel template."
    )

    def add_arguments(self, parser):
        from argparse import RawDescriptionHelpFormatter

        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub = dict(formatter_class=RawDescriptionHelpFormatter)
        validate = actions.add_parser(
            "validate",
            help="check plan files and list every problem with its line and column",
            epilog="example:\n  cyplan plan validate my-plan.yaml plan.xlsx",
            **sub,
        )
        validate.add_argument(
            "files", nargs="+", metavar="FILE", help="a plan YAML file or .xlsx workbook"
        )

        load = actions.add_parser(
            "import",
            help="check plan files and import them; a file with problems changes nothing",
            epilog="examples:\n  cyplan plan import my-plan.yaml\n  cyplan plan import --builtin",
            **sub,
        )
        load.add_argument(
            "files", nargs="*", metavar="FILE", help="a plan YAML file or .xlsx workbook"
        )
        load.add_argument(
            "--builtin", action="store_true", help="import the built-in example plans"
        )

        listing = actions.add_parser(
            "list", help="list the plans", epilog="example:\n  cyplan plan list --json", **sub
        )
        listing.add_argument("--json", action="store_true", help="print JSON instead of a table")

        export = actions.add_parser(
            "export",
            help="export a plan as YAML (the plan file format), JSON (the export contract) or Excel",
            epilog="examples:\n  cyplan plan export bromley-cypp-2021-2024 --format json\n"
            "  cyplan plan export bromley-cypp-2021-2024 --format xlsx --output cypp.xlsx",
            **sub,
        )
        export.add_argument("slug", help="the plan's slug (see 'cyplan plan list')")
        export.add_argument("--format", choices=["yaml", "json", "xlsx"], default="yaml")
        export.add_argument(
            "--output", "-o", metavar="FILE", help="write to FILE (needed for xlsx)"
        )

        template = actions.add_parser(
            "template",
            help="write an Excel template for a new plan",
            epilog="example:\n  cyplan plan template new-plan.xlsx",
            **sub,
        )
        template.add_argument("file", metavar="FILE", help="where to write the .xlsx template")

    def handle(self, *args, action, **options):
        return getattr(self, f"do_{action}")(**options) or None

    def do_validate(self, files, **options):
        failed = 0
        for path in files:
            result = read_any(path)
            if result.ok:
                nodes = len(result.data["nodes"])
                self.stdout.write(self.style.SUCCESS(f"{path}: no problems ({nodes} nodes)"))
            else:
                failed += 1
                self._report(result)
        if failed:
            raise CommandError(
                f"{failed} of {len(files)} file(s) have problems; fix them and validate again"
            )

    def do_import(self, files, builtin, **options):
        paths = [str(p) for p in builtin_plan_paths()] if builtin else []
        paths += files
        if not paths:
            raise CommandError("name at least one plan file, or use --builtin")
        # Check every file before writing any, so that a bad file in a batch changes nothing.
        results = [read_any(path) for path in paths]
        bad = [r for r in results if not r.ok]
        for result in bad:
            self._report(result)
        if bad:
            raise CommandError("nothing was imported: fix the problems above and import again")
        for result in results:
            try:
                outcome = import_plan_file(result)
            except PlanFileError as error:  # pragma: no cover - checked above
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS(outcome.summary()))

    def do_list(self, json: bool = False, **options):
        plans = list(get_plan_queryset().order_by("area__name", "-period_start"))
        rows = [
            {
                "slug": p.slug,
                "title": p.title,
                "area": p.area.name,
                "period_start": p.period_start.isoformat(),
                "period_end": p.period_end.isoformat(),
                "status": p.status,
                "nodes": p.nodes.count(),
            }
            for p in plans
        ]
        if json:
            import json as json_module

            self.stdout.write(json_module.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write(
                "No plans yet. Import one with: cyplan plan import FILE (or --builtin)"
            )
            return
        width = max(len(r["slug"]) for r in rows)
        for r in rows:
            self.stdout.write(
                f"{r['slug']:<{width}}  {r['status']:<9}  {r['period_start']} to {r['period_end']}  "
                f"{r['nodes']:>4} nodes  {r['title']} ({r['area']})"
            )

    def do_export(self, slug, format, output=None, **options):
        try:
            plan = get_plan_queryset().get(slug=slug)
        except m.Plan.DoesNotExist:
            known = ", ".join(m.Plan.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"no plan with slug {slug!r}; plans: {known}") from None
        if format == "xlsx":
            if not output:
                raise CommandError("an Excel export needs --output FILE.xlsx")
            write_workbook(plan, output)
            self.stderr.write(f"Wrote {output}")
            return
        text = (
            json.dumps(plan_json(plan), indent=2, ensure_ascii=False) + "\n"
            if format == "json"
            else dump_yaml(plan_document(plan))
        )
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")

    def do_template(self, file, **options):
        write_template(file)
        self.stdout.write(
            f"Wrote {file}: fill in the Plan and Actions sheets, then 'cyplan plan validate {file}'"
        )

    def _report(self, result: PlanFile) -> None:
        count = len(result.problems)
        self.stderr.write(
            self.style.ERROR(f"{result.name}: {count} problem{'s' if count != 1 else ''}")
        )
        for problem in result.problems:
            self.stderr.write(f"  {problem}")
        sys.stderr.flush()
