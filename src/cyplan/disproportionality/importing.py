"""Importing counts by group from CSV or Excel (.xlsx), for a cohort or a denominator.

The file has one row per area, year, characteristic and group, with these columns (any order,
names in any case; ``area_name`` may be left out):

    area_code, area_name, year, characteristic, group, count

The whole file is checked first and every problem is reported with its file, row and column;
then it is written in one transaction. For each area, year and characteristic in the file the
counts already held are replaced, so a corrected file leaves no stale groups behind.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from cyplan.analytics import ethnicity as eth
from cyplan.core import audit
from cyplan.disproportionality.models import Cohort, CohortCount, Denominator, DenominatorCount

COLUMNS = ("area_code", "area_name", "year", "characteristic", "group", "count")
REQUIRED = ("area_code", "year", "characteristic", "group", "count")
AREA_CODE = re.compile(r"[A-Za-z0-9]{3,12}")
YEAR = re.compile(r"\d{4}(/\d{2})?")
CHARACTERISTIC = re.compile(r"[a-z][a-z0-9-]{0,49}")
MAX_ROWS = 200_000


class ImportProblems(Exception):
    """Everything wrong with a file; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s); nothing was imported:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


@dataclass(frozen=True)
class CountRow:
    area_code: str
    area_name: str
    year: str
    characteristic: str
    group: str
    count: int


@dataclass(frozen=True)
class ImportSummary:
    target: str
    rows: int
    breakdowns: int

    def __str__(self) -> str:
        return f"{self.target}: {self.rows} counts imported for {self.breakdowns} area/year/characteristic breakdown(s)."


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV (UTF-8, with or without BOM) or .xlsx file (first sheet)."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a bad file
            raise ImportProblems([f"{name}: not a readable .xlsx workbook ({error})"]) from None
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportProblems(
                [f"{name}: the file is not UTF-8 text (save it as CSV UTF-8)"]
            ) from None
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise ImportProblems([f"{name}: the file is empty"])
    return [h.strip().lower().replace(" ", "_") for h in rows[0]], rows[1:]


def check_rows(name: str, header: list[str], rows: list[list[str]]) -> list[CountRow]:
    """Every row checked; raises ImportProblems listing every problem with row and column."""
    problems = []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(f"{name}: row 1: missing column(s) {', '.join(missing)}")
    unknown = [c for c in header if c and c not in COLUMNS]
    if unknown:
        problems.append(
            f"{name}: row 1: unknown column(s) {', '.join(unknown)} (expected {', '.join(COLUMNS)})"
        )
    if problems:
        raise ImportProblems(problems)
    if len(rows) > MAX_ROWS:
        raise ImportProblems([f"{name}: more than {MAX_ROWS:,} rows; split the file"])
    at = {column: header.index(column) for column in COLUMNS if column in header}
    found: list[CountRow] = []
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{name}: row {number}"
        values = {
            column: row[at[column]].strip() if column in at and at[column] < len(row) else ""
            for column in COLUMNS
        }
        bad = False
        if not AREA_CODE.fullmatch(values["area_code"]):
            problems.append(f"{where}, column area_code: give the area's code, like E09000006")
            bad = True
        if not YEAR.fullmatch(values["year"]):
            problems.append(
                f"{where}, column year: give the year as 2024 or 2023/24, not {values['year']!r}"
            )
            bad = True
        characteristic = values["characteristic"].lower()
        if not CHARACTERISTIC.fullmatch(characteristic):
            problems.append(
                f"{where}, column characteristic: a lower-case word such as ethnicity or sex, "
                f"not {values['characteristic']!r}"
            )
            bad = True
        group = ""
        try:
            group = eth.read_group(characteristic, values["group"])
        except ValueError as error:
            problems.append(f"{where}, column group: {error}")
            bad = True
        count = values["count"].replace(",", "")
        if not count.isdigit():
            problems.append(
                f"{where}, column count: a whole number of 0 or more, not {values['count']!r}"
                + (
                    " (suppressed counts cannot be used; give the real count)"
                    if count.lower() in ("c", "x")
                    else ""
                )
            )
            bad = True
        if bad:
            continue
        key = (values["area_code"].upper(), values["year"], characteristic, group)
        if key in seen:
            problems.append(
                f"{where}: the same area, year, characteristic and group as row {seen[key]}"
            )
            continue
        seen[key] = number
        found.append(CountRow(key[0], values["area_name"], key[1], key[2], key[3], int(count)))
    by_breakdown: dict[tuple, set[str]] = {}
    for r in found:
        by_breakdown.setdefault((r.area_code, r.year, r.characteristic), set()).add(r.group)
    for (area, year, characteristic), groups in by_breakdown.items():
        if characteristic != eth.ETHNICITY:
            continue
        for main in eth.MAIN_GROUPS:
            codes = sorted(g for g in groups if g in eth.CODES and eth.CODES[g][1] == main)
            if main in groups and codes:
                problems.append(
                    f"{name}: {area} {year} {characteristic}: the main group {main} and its "
                    f"codes {', '.join(codes)} are both given, so children would be counted twice"
                )
    if problems:
        raise ImportProblems(problems)
    if not found:
        raise ImportProblems([f"{name}: no rows of counts below the header"])
    return found


def import_counts(
    name: str,
    data: bytes,
    *,
    cohort: Cohort | None = None,
    denominator: Denominator | None = None,
    actor=None,
) -> ImportSummary:
    """Check a file of counts, then store it for the cohort or denominator in one transaction."""
    if (cohort is None) == (denominator is None):
        raise ValueError("give a cohort or a denominator")
    header, rows = read_table(name, data)
    found = check_rows(name, header, rows)
    return save_counts(found, cohort=cohort, denominator=denominator, actor=actor, source=name)


@transaction.atomic
def save_counts(
    found: list[CountRow],
    *,
    cohort: Cohort | None = None,
    denominator: Denominator | None = None,
    actor=None,
    source: str = "",
) -> ImportSummary:
    """Replace the counts of each area/year/characteristic in ``found``, and audit it."""
    model, owner = (
        (CohortCount, {"cohort": cohort})
        if cohort
        else (DenominatorCount, {"denominator": denominator})
    )
    breakdowns = {(r.area_code, r.year, r.characteristic) for r in found}
    for area, year, characteristic in breakdowns:
        model.objects.filter(
            **owner, area_code=area, year=year, characteristic=characteristic
        ).delete()
    model.objects.bulk_create(
        [
            model(
                **owner,
                area_code=r.area_code,
                area_name=r.area_name,
                year=r.year,
                characteristic=r.characteristic,
                group=r.group,
                count=r.count,
            )
            for r in found
        ]
    )
    target = cohort or denominator
    audit.record(
        actor,
        "imported counts",
        target,
        after={
            "source": source,
            "rows": len(found),
            "breakdowns": sorted("|".join(b) for b in breakdowns),
        },
    )
    return ImportSummary(str(target), len(found), len(breakdowns))


def import_path(path: str | Path, **kwargs) -> ImportSummary:
    path = Path(path)
    if not path.is_file():
        raise ImportProblems([f"{path}: no such file"])
    return import_counts(path.name, path.read_bytes(), **kwargs)
