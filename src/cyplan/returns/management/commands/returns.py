"""``cyplan returns``: load statutory returns into the analytical store and compute indicators."""

from __future__ import annotations

import json
from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from cyplan.core.commands import ExampleCommand
from cyplan.returns.progress import ProgressBar

# The readers, the store and the indicators (pyarrow, DuckDB) are imported where they are used,
# so that `cyplan returns --help` and the other commands do not pay for them at start-up.
BREAKDOWNS = ("sex", "age_band", "ethnicity", "ethnic_group", "disability", "uasc")
"""The same as cyplan.analytics.indicators.BREAKDOWNS (a test checks)."""
KINDS = ("annex-a", "cin", "ssda903")

EPILOG = """examples:
  cyplan returns validate ssda903 imports/903 --la E09000006 --year 2024 --previous imports/903-2023
  cyplan returns load ssda903 imports/903 --la E09000006
  cyplan returns load cin imports/cin_2024.xml --la E09000006 --skip-invalid
  cyplan returns load annex-a imports/annex_a.xlsx --la E09000006 --year 2024
  cyplan returns population mid_year_population_2023_persons.csv --year 2023
  cyplan returns compute --year 2024 --by ethnicity --json
  cyplan returns compute --year 2023 --revised
"""


def reader(kind: str):
    """The reader function of a return."""
    from cyplan.analytics import returns

    return {
        "ssda903": returns.read_ssda903,
        "cin": returns.read_cin_census,
        "annex-a": returns.read_annex_a,
    }[kind]


def default_store() -> Path:
    """``<CYPLAN_DATA_DIR>/analytics.duckdb``."""
    return Path(settings.DATA_DIR) / "analytics.duckdb"


class Command(ExampleCommand):
    epilog = EPILOG
    help = "Load SSDA903, CIN census and Annex A returns into the analytical store; compute indicators."
    # Django's system checks import every template tag library (and through them most of the
    # site and SciPy): seconds of start-up with nothing to do with a return. `cyplan check`
    # and `runserver` still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub = {"formatter_class": RawDescriptionHelpFormatter}
        load = actions.add_parser(
            "load",
            help="validate, pseudonymise and load a return into the store",
            epilog="examples:\n  cyplan returns load ssda903 imports/903 --la E09000006\n"
            "  cyplan returns load cin cin.xml --la E09000006 --skip-invalid",
            **sub,
        )
        load.add_argument("kind", choices=KINDS, help="which return")
        load.add_argument("path", metavar="PATH", help="the file or folder")
        load.add_argument("--la", required=True, metavar="CODE", help="the LA's ONS code")
        load.add_argument(
            "--year", type=int, metavar="YYYY", help="collection year (ending 31 March)"
        )
        load.add_argument(
            "--skip-invalid",
            action="store_true",
            help="load the valid rows and list the skipped ones, instead of refusing the file",
        )
        load.add_argument("--store", metavar="FILE", help="the store (default: data dir)")
        validate = actions.add_parser(
            "validate",
            help="check a return against the field rules, the collection year and the DfE "
            "rules, and list every problem; writes nothing",
            epilog="examples:\n  cyplan returns validate ssda903 imports/903 --la E09000006 "
            "--year 2024\n  cyplan returns validate ssda903 imports/903 --la E09000006 --year 2024 "
            "--previous imports/903-2023 --json\n\nexit status: 1 when there are errors, "
            "0 otherwise (warnings alone do not fail)",
            **sub,
        )
        validate.add_argument("kind", choices=KINDS, help="which return")
        validate.add_argument("path", metavar="PATH", help="the file or folder")
        validate.add_argument("--la", required=True, metavar="CODE", help="the LA's ONS code")
        validate.add_argument(
            "--year", type=int, metavar="YYYY", help="collection year (ending 31 March)"
        )
        validate.add_argument(
            "--previous",
            metavar="PATH",
            help="last year's return (SSDA903), for DfE's comparisons with the previous year",
        )
        validate.add_argument("--json", action="store_true", help="print the problems as JSON")
        population = actions.add_parser(
            "population",
            help="load ONS mid-year population estimates (persons by single year of age)",
            epilog="example:\n  cyplan returns population mid_year_population_2023_persons.csv --year 2023",
            **sub,
        )
        population.add_argument("file", metavar="FILE")
        population.add_argument(
            "--year", type=int, required=True, metavar="YYYY", help="the estimate's mid-year"
        )
        population.add_argument("--store", metavar="FILE", help="the store (default: data dir)")
        compute = actions.add_parser(
            "compute",
            help="compute the indicators and store them as outcome values",
            epilog="examples:\n  cyplan returns compute --year 2024\n"
            "  cyplan returns compute --year 2024 --by sex --json",
            **sub,
        )
        compute.add_argument("--year", type=int, required=True, metavar="YYYY")
        compute.add_argument("--by", choices=BREAKDOWNS, metavar="CHARACTERISTIC",
                             help=f"also break down by one of: {', '.join(BREAKDOWNS)}")  # fmt: skip
        compute.add_argument(
            "--indicator", action="append", metavar="CODE", help="only this indicator (repeatable)"
        )
        compute.add_argument("--json", action="store_true", help="print the figures as JSON")
        compute.add_argument(
            "--revised",
            action="store_true",
            help="let returns for later years correct this year's SSDA903 figures (by default "
            "a year's figures come from its own return, plus earlier history)",
        )
        compute.add_argument("--store", metavar="FILE", help="the store (default: data dir)")

    def handle(self, *args, **options):
        getattr(self, "_" + options["action"])(options)

    def _open(self, options):
        from cyplan.analytics.store import AnalyticalStore

        return AnalyticalStore(options.get("store") or default_store())

    def _validate(self, options):
        from cyplan.analytics.returns.validate import ERROR, validate_return

        if options["previous"] and options["kind"] != "ssda903":
            raise CommandError("--previous is for the SSDA903 only")
        findings = validate_return(
            options["kind"],
            options["path"],
            la=options["la"],
            year=options["year"],
            previous=options["previous"],
        )
        errors = sum(1 for f in findings if f.severity == ERROR)
        if options["json"]:
            self.stdout.write(json.dumps([f.as_dict() for f in findings], indent=2))
        else:
            for finding in findings:
                self.stdout.write(str(finding))
            self.stdout.write(
                f"{errors} error(s), {len(findings) - errors} warning(s) in {options['path']}; "
                "nothing was written"
            )
        if errors:
            raise SystemExit(1)

    def _load(self, options):
        from cyplan.analytics.returns import (
            PseudonymisationKeyError,
            Pseudonymiser,
            key_from_environment,
        )

        kind, path = options["kind"], Path(options["path"])
        try:
            key = key_from_environment(production=settings.PRODUCTION)
        except PseudonymisationKeyError as error:
            raise CommandError(str(error)) from error
        bar = ProgressBar(3, self.stderr._out)
        kwargs = {"pseudonymiser": Pseudonymiser(key), "skip_invalid": options["skip_invalid"]}
        if options["year"] and kind != "annex-a":
            kwargs["year"] = options["year"]
        result = reader(kind)(path, **kwargs)
        bar.step(f"read {path}")
        for problem in result.problems:
            self.stderr.write(
                f"{problem.file}:{problem.row}: {problem.field}: [{problem.rule}] {problem.message}"
            )
        if not result.ok:
            raise CommandError(
                f"{len(result.problems)} problem(s) in {path}: nothing was loaded"
                + ("" if options["skip_invalid"] else " (--skip-invalid loads the valid rows)")
            )
        for skipped in result.skipped_rows:
            self.stderr.write(f"skipped {skipped.file}:{skipped.row} ({skipped.table})")
        bar.step("checked")
        with self._open(options) as store:
            if kind == "ssda903":
                try:
                    loaded = store.load_ssda903(result, options["la"])
                except ValueError as error:
                    raise CommandError(str(error)) from error
            elif kind == "cin":
                loaded = store.load_cin(result, options["la"])
            else:
                try:
                    loaded = store.load_annex_a(result, options["la"], options["year"])
                except ValueError as error:
                    raise CommandError(f"{error} (use --year YYYY)") from error
        bar.step("loaded")
        rows = sum(loaded.values())
        self.stdout.write(
            f"Loaded {rows} rows into {len(loaded)} tables for {options['la']}"
            + (f"; skipped {len(result.skipped_rows)} rows" if result.skipped_rows else "")
        )

    def _population(self, options):
        from cyplan.analytics.ees import DataFileError
        from cyplan.analytics.population import read_mid_year_estimates

        try:
            table = read_mid_year_estimates(options["file"])
        except DataFileError as error:  # the file cannot be used at all
            raise CommandError(f"{error}: nothing was loaded") from None
        for problem in table.problems:
            self.stderr.write(str(problem))
        if table.problems:
            raise CommandError(f"{len(table.problems)} problem(s): nothing was loaded")
        with self._open(options) as store:
            store.load_population(table, options["year"])
        self.stdout.write(
            f"Loaded the mid-{options['year']} estimates for {len(table.areas)} areas"
        )

    def _compute(self, options):
        from cyplan.analytics.indicators import load_all
        from cyplan.analytics.indicators.care_leavers import oc2_outside_cohort
        from cyplan.analytics.store import ReturnNotLoaded, is_ssda903
        from cyplan.returns.services import store_results

        codes = options["indicator"]
        year, revised = options["year"], options["revised"]
        with self._open(options) as store:
            chosen = codes or sorted(load_all())
            missing = store.missing_return(year)
            if missing:
                if codes and any(is_ssda903(c) for c in codes if c in load_all()):
                    raise CommandError(missing)
                if not codes:
                    self.stderr.write(f"SSDA903 indicators left out: {missing}")
                    chosen = [c for c in chosen if not is_ssda903(c)]
            bar = ProgressBar(len(chosen), self.stderr._out)
            parts = []
            session = store.prepared(year, revised=revised)
            session.__enter__()
            for code in chosen:
                try:
                    parts.append(
                        store.compute([code], year=year, by=options["by"], revised=revised)
                    )
                except ReturnNotLoaded as error:
                    raise CommandError(str(error)) from error
                except ValueError as error:
                    if codes:
                        raise CommandError(str(error)) from error
                    parts.append(store.compute([code], year=year, revised=revised))
                bar.step(code)
            outside = oc2_outside_cohort(store.con, year)
            session.__exit__(None, None, None)
            if outside:
                self.stderr.write(
                    f"{outside} OC2 row(s) for {year} are for children not looked after "
                    "continuously for 12 months at 31 March (DfE rule 190): left out of the "
                    "health and dental figures; `cyplan returns validate` lists them"
                )
            names = store.area_names()
        import pyarrow as pa

        results = pa.concat_tables(parts) if parts else None
        if results is None or results.num_rows == 0:
            raise CommandError(f"nothing to compute for {options['year']}: load a return first")
        summary = store_results(results, names)
        if options["json"]:
            self.stdout.write(json.dumps(results.to_pylist(), indent=2))
        else:
            self.stdout.write(
                f"Computed {results.num_rows} figures for {options['year']}: {summary}"
            )
