"""``cyplan returns``: load statutory returns into the analytical store and compute indicators."""

from __future__ import annotations

import json
from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from cyplan.analytics.indicators import BREAKDOWNS
from cyplan.analytics.returns import (
    PseudonymisationKeyError,
    Pseudonymiser,
    key_from_environment,
    read_annex_a,
    read_cin_census,
    read_ssda903,
)
from cyplan.analytics.store import AnalyticalStore
from cyplan.core.commands import ExampleCommand
from cyplan.returns.progress import ProgressBar

EPILOG = """examples:
  cyplan returns load ssda903 imports/903 --la E09000006
  cyplan returns load cin imports/cin_2024.xml --la E09000006 --skip-invalid
  cyplan returns load annex-a imports/annex_a.xlsx --la E09000006 --year 2024
  cyplan returns population mid_year_population_2023_persons.csv --year 2023
  cyplan returns compute --year 2024 --by ethnicity --json
"""
READERS = {"ssda903": read_ssda903, "cin": read_cin_census, "annex-a": read_annex_a}


def default_store() -> Path:
    """``<CYPLAN_DATA_DIR>/analytics.duckdb``."""
    return Path(settings.DATA_DIR) / "analytics.duckdb"


class Command(ExampleCommand):
    epilog = EPILOG
    help = "Load SSDA903, CIN census and Annex A returns into the analytical store; compute indicators."

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
        load.add_argument("kind", choices=sorted(READERS), help="which return")
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
        compute.add_argument("--store", metavar="FILE", help="the store (default: data dir)")

    def handle(self, *args, **options):
        getattr(self, "_" + options["action"])(options)

    def _open(self, options) -> AnalyticalStore:
        return AnalyticalStore(options.get("store") or default_store())

    def _load(self, options):
        kind, path = options["kind"], Path(options["path"])
        try:
            key = key_from_environment(production=settings.PRODUCTION)
        except PseudonymisationKeyError as error:
            raise CommandError(str(error)) from error
        bar = ProgressBar(3, self.stderr._out)
        kwargs = {"pseudonymiser": Pseudonymiser(key), "skip_invalid": options["skip_invalid"]}
        if options["year"] and kind != "annex-a":
            kwargs["year"] = options["year"]
        result = READERS[kind](path, **kwargs)
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
                loaded = store.load_ssda903(result, options["la"])
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
        from cyplan.returns.services import store_results

        codes = options["indicator"]
        with self._open(options) as store:
            from cyplan.analytics.indicators import load_all

            chosen = codes or sorted(load_all())
            bar = ProgressBar(len(chosen), self.stderr._out)
            parts = []
            for code in chosen:
                try:
                    parts.append(store.compute([code], year=options["year"], by=options["by"]))
                except ValueError as error:
                    if codes:
                        raise CommandError(str(error)) from error
                    parts.append(store.compute([code], year=options["year"]))
                bar.step(code)
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
