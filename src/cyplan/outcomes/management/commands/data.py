"""``cyplan data``: load indicator values from public statistics files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from cyplan.core.commands import ExampleCommand
from cyplan.outcomes.importing import (
    ImportProblems,
    import_ees,
    import_neighbours,
    load_key_figures,
)
from cyplan.plans.models import Plan

EPILOG = """examples:
  cyplan data import-ees sen2_ehcp_timeliness_20_week.csv
  cyplan data import-ees exclusions.csv --meta exclusions.meta.csv --indicator perm_excl_rate=permanent-exclusions-rate
  cyplan data import-neighbours statistical_neighbours.csv --la-codes la_codes.csv --regions la_regions.csv
  cyplan data import-neighbours reference/sn-2025/sn_model_2025_wide.csv --model 2025
  cyplan data import-series lait/bds_long_0.parquet fingertips/obese_year6.csv
  cyplan data load-key-figures          # the figures the loaded plans quote, with their benchmarks
  cyplan data load-shared ../shared/data  # everything in a folder laid out like shared/data
"""


class Command(ExampleCommand):
    epilog = EPILOG
    help = "Load indicator values: DfE EES tidy CSV files, statistical neighbours, and the figures plans quote."

    def add_arguments(self, parser):
        from argparse import RawDescriptionHelpFormatter

        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub = {"formatter_class": RawDescriptionHelpFormatter}
        ees = actions.add_parser(
            "import-ees",
            help="import a DfE Explore Education Statistics tidy CSV",
            epilog="example:\n  cyplan data import-ees sen2_ehcp_timeliness_20_week.csv",
            **sub,
        )
        ees.add_argument("file", metavar="FILE")
        ees.add_argument(
            "--meta", metavar="FILE", help="the file's .meta.csv (found beside it when omitted)"
        )
        ees.add_argument(
            "--indicator",
            action="append",
            default=[],
            metavar="COLUMN=CODE",
            help="also import this indicator column as this indicator code (repeatable)",
        )
        neighbours = actions.add_parser(
            "import-neighbours",
            help="import DfE statistical neighbours (one column per local authority)",
            epilog="example:\n  cyplan data import-neighbours statistical_neighbours.csv --la-codes la_codes.csv",
            **sub,
        )
        neighbours.add_argument("file", metavar="FILE")
        neighbours.add_argument(
            "--la-codes",
            metavar="FILE",
            help="LA names with old and new codes (for the file with LA names as its header)",
        )
        neighbours.add_argument(
            "--model",
            metavar="YEAR",
            help="the neighbour model of a DfE wide file, e.g. 2025 (default: the year in its name)",
        )
        series_parser = actions.add_parser(
            "import-series",
            help="import national series: EES tidy CSVs, NEET scorecards, LAIT, Fingertips",
            epilog="example:\n  cyplan data import-series lait/bds_long_0.parquet fingertips/obese_year6.csv",
            **sub,
        )
        series_parser.add_argument("files", nargs="+", metavar="FILE")
        neighbours.add_argument("--regions", metavar="FILE", help="LA names with their regions")
        actions.add_parser(
            "load-key-figures",
            help="store the figures the loaded plans quote as indicator values",
            epilog="example:\n  cyplan data load-key-figures",
            **sub,
        )
        shared = actions.add_parser(
            "load-shared",
            help="import every EES file and the neighbours from a data folder",
            epilog="example:\n  cyplan data load-shared ../shared/data",
            **sub,
        )
        shared.add_argument(
            "folder",
            nargs="?",
            help="a folder with dfe-ees/ and reference/ (default: ../shared/data)",
        )

    def handle(self, *args, action, **options):
        try:
            return getattr(self, "do_" + action.replace("-", "_"))(**options) or None
        except ImportProblems as error:
            raise CommandError(str(error)) from error

    def do_import_ees(self, file, meta=None, indicator=(), **options):
        extra = {}
        for item in indicator:
            column, _, code = item.partition("=")
            if not column or not code:
                raise CommandError(
                    f"--indicator takes COLUMN=CODE, e.g. perm_excl_rate=permanent-exclusions-rate; got {item!r}"
                )
            extra[column.strip()] = code.strip()
        if meta is None:
            beside = Path(file).with_suffix(".meta.csv")
            meta = str(beside) if beside.exists() else None
        if not extra and self._series_only(file):
            # A release whose columns only the national series map reads (2025 CLA files).
            return self.do_import_series([file])
        self.stdout.write(str(import_ees(file, meta_path=meta, extra=extra)))

    @staticmethod
    def _series_only(file) -> bool:
        """Whether the national series map reads the file and the catalogue's EES columns do not."""
        import csv

        from cyplan.analytics.benchmarks import load_source_map, sources_for_columns
        from cyplan.outcomes.catalogue_sync import catalogue

        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                header = [c.strip() for c in next(csv.reader(handle), [])]
        except (OSError, UnicodeDecodeError, csv.Error):
            return False
        return not catalogue().for_ees_columns(header) and bool(
            sources_for_columns(header, load_source_map())
        )

    def do_import_neighbours(self, file, la_codes=None, regions=None, model=None, **options):
        from cyplan.analytics.benchmarks import file_kind
        from cyplan.outcomes.benchmark_import import import_neighbour_model

        if file_kind(file) == "neighbours":
            groups = import_neighbour_model(file, model)
        elif la_codes is None:
            raise CommandError("--la-codes is needed for a file with LA names as its header")
        else:
            groups = import_neighbours(file, la_codes, regions)
        self.stdout.write(f"Stored statistical neighbours for {groups} local authorities.")

    def do_import_series(self, files, **options):
        from cyplan.outcomes.benchmark_import import import_series_files

        for summary in import_series_files(files):
            self.stdout.write(str(summary))

    def do_load_key_figures(self, **options):
        for plan in Plan.objects.all():
            self.stdout.write(str(load_key_figures(plan)))

    def do_load_shared(self, folder=None, **options):
        root = (
            Path(folder)
            if folder
            else Path(settings.PACKAGE_DIR).parent.parent.parent / "shared" / "data"
        )
        if not root.is_dir():
            self.stdout.write(
                f"No data folder at {root}: nothing to load. Download EES files from "
                "Explore Education Statistics and import them with 'cyplan data import-ees'."
            )
            return
        reference = root / "reference"
        if (reference / "statistical_neighbours.csv").exists():
            self.do_import_neighbours(
                str(reference / "statistical_neighbours.csv"),
                str(reference / "la_codes.csv"),
                str(reference / "la_regions.csv")
                if (reference / "la_regions.csv").exists()
                else None,
            )
        for path in sorted(reference.glob("sn-*/*.csv")):
            try:
                self.do_import_neighbours(str(path))
            except (CommandError, ImportProblems) as error:
                self.stderr.write(f"Skipped {path.name}: {error}")
        from cyplan.outcomes.benchmark_import import import_series_files, series_files

        def report(path, error):
            self.stderr.write(f"Skipped {path.name}: {error}")

        files = series_files(root)
        self.stdout.write(f"Reading {len(files)} national series files...")
        for summary in import_series_files(files, report=report):
            self.stdout.write(str(summary))
