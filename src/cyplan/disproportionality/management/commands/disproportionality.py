"""``cyplan disproportionality``: analyse a cohort by a characteristic; add cohorts and
denominators; import counts; load the synthetic demo data."""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter

from django.core.management.base import CommandError

from cyplan.analytics import disproportionality as dp
from cyplan.core.commands import ExampleCommand
from cyplan.disproportionality import services
from cyplan.disproportionality.demo import load_synthetic_data
from cyplan.disproportionality.importing import ImportProblems, import_path
from cyplan.disproportionality.models import Cohort, Denominator
from cyplan.disproportionality.presentation import show_row, shown_count

EPILOG = """examples:
  cyplan disproportionality --cohort synthetic-children-in-care --characteristic ethnicity --area E09000006 --year 2024 --json
  cyplan disproportionality list
  cyplan disproportionality add-denominator ons-0-17 --title "ONS mid-year estimates, aged 0 to 17"
  cyplan disproportionality add-cohort children-in-care --title "Children in care at 31 March" --phrase "to be in care" --denominator ons-0-17 --node bromley-cypp-2021-2024:priority-4
  cyplan disproportionality import --cohort children-in-care counts.xlsx
  cyplan disproportionality load-synthetic
  cyplan disproportionality from-returns --cohort children-in-care --indicator cla-count --year 2024
"""


class Command(ExampleCommand):
    epilog = EPILOG
    help = (
        "Disproportionality: rates per 10,000, relative rate index with 95% Katz intervals and "
        "significance for each group of a cohort, for every year; add cohorts and denominators "
        "and import their counts by group from CSV or Excel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cohort", metavar="CODE", help="the cohort to analyse")
        parser.add_argument("--characteristic", default="ethnicity", help="default: ethnicity")
        parser.add_argument("--area", metavar="CODE", help="e.g. E09000006")
        parser.add_argument("--year", metavar="YYYY", help="default: every year")
        parser.add_argument(
            "--reference",
            metavar="GROUP",
            help="a group code such as WBRI, or all-other; default White British for ethnicity",
        )
        parser.add_argument(
            "--unsuppressed",
            action="store_true",
            help="show small counts (staff only; never publish the output)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")
        sub = {"formatter_class": RawDescriptionHelpFormatter}
        actions = parser.add_subparsers(dest="action", metavar="ACTION")
        actions.add_parser(
            "list",
            help="cohorts and denominators",
            epilog="example:\n  cyplan disproportionality list",
            **sub,
        )
        den = actions.add_parser(
            "add-denominator",
            help="add or update a denominator (a population by group)",
            epilog='example:\n  cyplan disproportionality add-denominator ons-0-17 --title "ONS population aged 0 to 17"',
            **sub,
        )
        den.add_argument("code")
        den.add_argument("--title", required=True)
        den.add_argument("--source", default="")
        coh = actions.add_parser(
            "add-cohort",
            help="add or update a cohort",
            epilog='example:\n  cyplan disproportionality add-cohort children-in-care --title "Children in care" --phrase "to be in care" --denominator ons-0-17',
            **sub,
        )
        coh.add_argument("code")
        coh.add_argument("--title", required=True)
        coh.add_argument(
            "--phrase", required=True, help='ends the summary sentence, e.g. "to be in care"'
        )
        coh.add_argument("--denominator", metavar="CODE")
        coh.add_argument("--base-cohort", metavar="CODE", help="another cohort as the denominator")
        coh.add_argument("--source", default="")
        coh.add_argument(
            "--node",
            action="append",
            default=[],
            metavar="PLAN:NODE",
            help="a plan node it concerns",
        )
        imp = actions.add_parser(
            "import",
            help="import counts by group from CSV or .xlsx",
            epilog="example:\n  cyplan disproportionality import --cohort children-in-care counts.csv",
            **sub,
        )
        target = imp.add_mutually_exclusive_group(required=True)
        target.add_argument("--cohort", dest="import_cohort", metavar="CODE")
        target.add_argument("--denominator", dest="import_denominator", metavar="CODE")
        imp.add_argument("file")
        ret = actions.add_parser(
            "from-returns",
            help="a child-level cohort's counts by group, computed from the statutory returns",
            epilog="example:\n  cyplan disproportionality from-returns --cohort children-in-care "
            "--indicator cla-count --year 2024",
            **sub,
        )
        ret.add_argument("--cohort", dest="returns_cohort", required=True, metavar="CODE")
        ret.add_argument(
            "--indicator", required=True, metavar="CODE", help="a count indicator, e.g. cla-count"
        )
        ret.add_argument("--year", dest="returns_year", required=True, type=int, metavar="YYYY")
        ret.add_argument("--store", metavar="FILE", help="the analytical store (default: data dir)")
        actions.add_parser(
            "load-synthetic",
            help="make the labelled synthetic demo cohorts for the loaded plans' area",
            epilog="example:\n  cyplan disproportionality load-synthetic",
            **sub,
        )

    def handle(self, *args, action=None, **options):
        if action is None:
            return self.do_analyse(**options)
        return getattr(self, "do_" + action.replace("-", "_"))(**options) or None

    def do_analyse(self, cohort, characteristic, area, year, reference, unsuppressed, json, **_):
        if not cohort or not area:
            raise CommandError("give --cohort CODE and --area CODE (or an action: see --help)")
        found = (
            Cohort.objects.select_related("denominator", "base_cohort").filter(code=cohort).first()
        )
        if found is None:
            raise CommandError(f"no cohort {cohort!r}; `cyplan disproportionality list` shows them")
        try:
            every = services.analyses(found, characteristic, area, reference)
        except services.NoData as error:
            raise CommandError(str(error)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        if year:
            every = [a for a in every if a.year == year]
            if not every:
                raise CommandError(f"no counts for {year}")
        public = not unsuppressed
        synthetic = services.is_synthetic(found)
        out = [self._year_json(found, a, public) for a in every]
        result = {
            "cohort": found.code,
            "title": found.title,
            "characteristic": characteristic,
            "area": area,
            "denominator": found.denominator_title,
            "synthetic": synthetic,
            "suppressed": public,
            "years": out,
        }
        if json:
            import json as json_module

            self.stdout.write(json_module.dumps(result, indent=2))
            return
        if synthetic:
            self.stdout.write(services.SYNTHETIC_NOTE)
        self.stdout.write(
            f"{found.title} by {characteristic}, {area}; denominator: {found.denominator_title}"
        )
        for year_out in out:
            self.stdout.write(f"\n{year_out['year']} (compared with {year_out['reference']})")
            for g in year_out["groups"]:
                self.stdout.write(
                    f"  {g['group']:<36} {g['count']:>7} {g['rate']:>8} {g['rri']:>6} "
                    f"{g['interval']:<20} {g['significance']}"
                )
            for note in year_out["notes"]:
                self.stdout.write(f"  Note: {note}")

    def _year_json(self, cohort, analysis: dp.Analysis, public: bool) -> dict:
        groups = []
        for row in analysis.groups:
            shown = show_row(row, analysis, cohort.phrase, public=public)
            groups.append(
                {
                    "group": row.label,
                    "key": row.key,
                    "members": list(row.members),
                    "count": shown.count,
                    "population": shown.population,
                    "rate": shown.rate,
                    "cohort_share": shown.cohort_share,
                    "population_share": shown.population_share,
                    "rri": shown.rri,
                    "interval": shown.interval,
                    "significance": shown.significance,
                    "summary": shown.sentence,
                    "merged": row.merged,
                }
            )
        return {
            "year": analysis.year,
            "reference": analysis.reference_label,
            "threshold": analysis.threshold,
            "total": {
                "count": shown_count(analysis.total.count, analysis.total.count_suppressed, public),
                "population": analysis.total.population,
            },
            "groups": groups,
            "notes": list(analysis.notes),
        }

    def do_list(self, json=False, **_):
        for cohort in Cohort.objects.select_related("denominator", "base_cohort"):
            label = " [synthetic]" if services.is_synthetic(cohort) else ""
            self.stdout.write(
                f"cohort       {cohort.code:<36} {cohort.title}{label} (denominator: {cohort.denominator_title})"
            )
        for denominator in Denominator.objects.all():
            label = " [synthetic]" if denominator.is_synthetic else ""
            self.stdout.write(f"denominator  {denominator.code:<36} {denominator.title}{label}")

    def do_add_denominator(self, code, title, source, **_):
        _, created = Denominator.objects.update_or_create(
            code=code, defaults={"title": title, "source": source}
        )
        self.stdout.write(f"{'Added' if created else 'Updated'} denominator {code}.")

    def do_add_cohort(self, code, title, phrase, denominator, base_cohort, source, node, **_):
        from django.core.exceptions import ValidationError

        from cyplan.disproportionality.cohorts import CohortInput, save_cohort

        nodes = []
        for ref in node:
            plan_slug, _, key = ref.partition(":")
            if not plan_slug or not key:
                raise CommandError(f"--node {ref!r}: write it as PLAN-SLUG:NODE-ID")
            nodes.append((plan_slug, key))
        data = CohortInput(code, title, phrase, denominator or "", base_cohort or "", source, nodes)
        try:
            _, created = save_cohort(None, data)
        except ValidationError as error:
            flags = {"base_cohort": "--base-cohort", "nodes": "--node"}
            raise CommandError("\n".join(
                f"{flags.get(name, '--' + name)}: {message}"
                for name, messages in error.message_dict.items() for message in messages
            )) from None  # fmt: skip
        self.stdout.write(f"{'Added' if created else 'Updated'} cohort {code}.")

    def do_import(self, import_cohort, import_denominator, file, **_):
        if import_cohort:
            owner = {"cohort": Cohort.objects.filter(code=import_cohort).first()}
        else:
            owner = {"denominator": Denominator.objects.filter(code=import_denominator).first()}
        if None in owner.values():
            raise CommandError(
                f"no such {next(iter(owner))} {import_cohort or import_denominator!r}"
            )
        try:
            summary = import_path(file, **owner)
        except ImportProblems as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(str(summary)))

    def do_load_synthetic(self, **_):
        made = load_synthetic_data()
        if not made:
            raise CommandError("load a plan first: the synthetic data is made for a plan's area")
        self.stdout.write(
            f"Made {made} synthetic counts (labelled 'Synthetic data' wherever they appear)."
        )

    def do_from_returns(
        self, returns_cohort, indicator, returns_year, store=None, characteristic="ethnicity", **_
    ):
        from cyplan.disproportionality.returns import counts_from_store
        from cyplan.returns.management.commands.returns import default_store

        cohort = Cohort.objects.filter(code=returns_cohort).first()
        if cohort is None:
            raise CommandError(
                f"no cohort {returns_cohort!r}: add it first with 'cyplan disproportionality add-cohort'"
            )
        try:
            summary = counts_from_store(
                cohort, store or default_store(), indicator, returns_year, characteristic
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(str(summary)))
