"""Read an Ofsted Annex A workbook (lists 1 to 11) into one table per list.

Sheets are recognised by name ("List 6", "List_6", "List 6 - Children in need", or a
subject such as "Child protection"); the header row is found within the first rows of the
sheet; columns are mapped to canonical names (annex_a_spec.py). Identifiers are
pseudonymised (child, family and adopter ids in their own domains), dates of birth kept
as the month, placement postcodes as the district; ages, names and worker names are never
read. Tables are named ``list_1`` ... ``list_11``. Lists 6 and 7 must have the
"date child was last seen" and "date of the last statutory visit" columns, which CIN and
CP visit timeliness are computed from.

openpyxl reads .xlsx through defusedxml when it is installed (it is a dependency).
"""

from __future__ import annotations

import os
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from . import _engine as eng
from . import annex_a_spec as spec
from . import codes as c
from ._csv import FILE_FIELD
from .problems import WHOLE_FILE, Problem, ReadResult, SkippedRow, finish
from .pseudonymise import Pseudonymiser

HEADER_SEARCH_ROWS = 15
MAX_BLANK_RUN = 10_000
_EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!"}
_OPTION = re.compile(r"^[a-z]\d?\)\s*", re.IGNORECASE)


def read_annex_a(
    path: str | os.PathLike[str],
    *,
    pseudonymiser: Pseudonymiser,
    skip_invalid: bool = False,
    today: date | None = None,
) -> ReadResult:
    """Read, validate and pseudonymise an Annex A workbook (.xlsx)."""
    today = today or date.today()
    file = Path(path)
    display = str(file)
    # openpyxl is imported here, not at the top: it costs most of a second, and every
    # `cyplan returns` command imports this package.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as error:
        text = f"cannot open the workbook: {error}"
        problem = Problem(display, WHOLE_FILE, FILE_FIELD, "unreadable_file", text)
        return finish({}, [problem], [], True, skip_invalid)
    tables: dict[str, pa.Table] = {}
    problems: list[Problem] = []
    skipped: list[SkippedRow] = []
    fatal = False
    try:
        for sheet in workbook.worksheets:
            number = spec.list_number(sheet.title)
            if number is None or f"list_{number}" in tables:
                continue
            where = f"{display}[{sheet.title}]"
            outcome = _read_sheet(sheet, number, where, pseudonymiser, today, skip_invalid)
            if outcome is None:
                continue
            if isinstance(outcome, list):
                problems.extend(outcome)
                fatal = True
                continue
            table, check = outcome
            problems.extend(check.problems())
            if skip_invalid:
                skipped.extend(check.skipped())
            tables[f"list_{number}"] = table
    finally:
        workbook.close()
    if not tables and not fatal:
        text = "no Annex A list found (sheets are expected to be named 'List 1' to 'List 11')"
        problems.append(Problem(display, WHOLE_FILE, FILE_FIELD, "no_tables", text))
        fatal = True
    return finish(tables, problems, skipped, fatal, skip_invalid)


def _read_sheet(
    sheet, number: int, where: str, pseudonymiser: Pseudonymiser, today: date, skip_invalid: bool
) -> tuple[pa.Table, eng.TableCheck] | list[Problem] | None:
    """One list's table and checks; its header problems; or None for an empty sheet."""
    rows = sheet.iter_rows(min_row=1, values_only=True)
    key = "adopter_id" if number == 11 else "child_id"
    header_row, found, seen_any = 0, {}, False
    for row_number, row in enumerate(rows, start=1):
        seen_any = seen_any or any(cell is not None for cell in row)
        found = spec.match_header(number, list(row))
        if key in found:
            header_row = row_number
            break
        if row_number >= HEADER_SEARCH_ROWS:
            break
    if not seen_any:
        return None  # an empty sheet: the list is simply not there
    fields = spec.fields(number)
    missing = [f.name for f in fields if f.column_required and f.name not in found]
    if missing:
        text = f"List {number}: no column for {{}} in the header"
        return [
            Problem(where, header_row or 1, name, "missing_column", text.format(name))
            for name in missing
        ]
    values: dict[str, list[str | None]] = {name: [] for name in found}
    numbers: list[int] = []
    blank_run = 0
    for row_number, row in enumerate(rows, start=header_row + 1):
        cells = {name: _cell(row[i] if i < len(row) else None) for name, i in found.items()}
        if all(v is None for v in cells.values()):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        numbers.append(row_number)
        for name, value in cells.items():
            values[name].append(value)
    _normalise_person_codes(values)
    raw = {name: pa.array(v, pa.string()) for name, v in values.items()}
    check = eng.TableCheck(f"list_{number}", where, len(numbers), eng.RowNumbers(numbers))
    cleaned = eng.clean(check, raw, fields, pseudonymiser, today)
    keep = ~check.bad if skip_invalid else None
    return cleaned.table(keep), check


def _cell(value: object) -> str | None:
    """A cell as text: dates as yyyy-mm-dd, whole numbers without ".0", errors as blank."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\xa0", " ").strip()
    return None if not text or text.upper() in _EXCEL_ERRORS else text


def _normalise_person_codes(values: dict[str, list[str | None]]) -> None:
    """Annex A writes options as "a) Male", "k) APKN" or "Pakistani": reduce to the code."""
    if "sex" in values:
        values["sex"] = [None if v is None else _OPTION.sub("", v).upper() for v in values["sex"]]
    if "ethnicity" in values:
        values["ethnicity"] = [_ethnicity(v) for v in values["ethnicity"]]


def _ethnicity(value: str | None) -> str | None:
    if value is None:
        return None
    text = _OPTION.sub("", value).upper().strip()
    first = re.split(r"[\s:\-–]+", text, maxsplit=1)[0]
    if first in c.ETHNICITY:
        return first
    return c.ETHNICITY_NAMES.get(re.sub(r"\s+", " ", text), text)
