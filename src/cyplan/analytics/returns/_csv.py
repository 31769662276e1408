"""Read a CSV file into columns of strings, fast, with exact row numbers for bad rows.

pyarrow's multi-threaded reader does the work. Only the columns the return defines are
converted (anything else in the file, a name for instance, is never read into memory as
data). If pyarrow meets a row with the wrong number of fields (a truncated file, a stray
comma) the file is read again with Python's csv module, which knows each record's number,
so the problems can say exactly which rows are broken. That slow path is for broken files
only.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from . import _columns as col
from ._engine import RowNumbers
from .problems import WHOLE_FILE, Problem

FILE_FIELD = "(file)"
ROW_FIELD = "(row)"
_FALLBACK_ENCODING = "cp1252"


@dataclass
class CsvColumns:
    """The string columns of one CSV file, how to label its rows, and what went wrong."""

    columns: dict[str, pa.Array] = field(default_factory=dict)
    n: int = 0
    labels: RowNumbers = field(default_factory=RowNumbers)
    fatal: list[Problem] = field(default_factory=list)
    malformed: list[Problem] = field(default_factory=list)


def read_csv_columns(
    path: Path,
    display: str,
    canonical: Callable[[str], str | None],
    required: set[str],
) -> CsvColumns:
    """Read ``path``; ``canonical`` maps a header name to a column of the return (or None)."""
    result = CsvColumns()
    if path.stat().st_size == 0:
        result.fatal.append(_whole(display, "empty_file", "the file is empty (no header row)"))
        return result
    try:
        encoding, header = _header(path)
    except (csv.Error, UnicodeDecodeError) as error:
        result.fatal.append(_whole(display, "unreadable_file", f"cannot read the header: {error}"))
        return result
    wanted: dict[str, int] = {}
    for position, name in enumerate(header):
        column = canonical(name)
        if column is None:
            continue
        if column in wanted:
            text = f"column {column} appears more than once in the header"
            result.fatal.append(Problem(display, 1, column, "duplicate_column", text))
        wanted[column] = position
    for column in sorted(required - set(wanted)):
        text = f"required column {column} is missing from the header"
        result.fatal.append(Problem(display, 1, column, "missing_column", text))
    if result.fatal:
        return result
    try:
        columns, numbers, malformed = _read_fast(path, header, wanted, encoding)
        if malformed:
            columns, numbers, malformed = _read_slow(path, header, wanted, encoding)
    except (pa.ArrowInvalid, csv.Error, UnicodeDecodeError) as error:
        result.fatal.append(_whole(display, "unreadable_file", f"cannot read the file: {error}"))
        return result
    expected = len(header)
    for row, found in malformed:
        if found < expected:
            rule, text = "truncated_row", f"row has {found} of {expected} fields (truncated?)"
        else:
            rule, text = "extra_fields", f"row has {found} fields, the header has {expected}"
        result.malformed.append(Problem(display, row, ROW_FIELD, rule, text))
    result.columns, result.labels = _drop_blank_rows(columns, numbers)
    result.n = len(next(iter(result.columns.values()))) if result.columns else 0
    return result


def _whole(display: str, rule: str, message: str) -> Problem:
    return Problem(display, WHOLE_FILE, FILE_FIELD, rule, message)


def _header(path: Path) -> tuple[str, list[str]]:
    for encoding in ("utf-8-sig", _FALLBACK_ENCODING):
        try:
            with path.open(newline="", encoding=encoding) as handle:
                return encoding, next(csv.reader(handle), [])
        except UnicodeDecodeError:
            if encoding == _FALLBACK_ENCODING:
                raise
    raise AssertionError("unreachable")


def _read_fast(path: Path, header: list[str], wanted: dict[str, int], encoding: str):
    names = [f"c{i}" for i in range(len(header))]
    include = [names[p] for p in wanted.values()]
    malformed: list[tuple[int, int]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        malformed.append((-1, row.actual_columns))
        return "skip"

    def read(enc: str) -> pa.Table:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                skip_rows=1, column_names=names, block_size=8 << 20, encoding=enc
            ),
            parse_options=pacsv.ParseOptions(
                ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=include,
                column_types={n: pa.string() for n in include},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )

    try:
        table = read("utf8" if encoding == "utf-8-sig" else encoding)
    except pa.ArrowInvalid as error:
        if "UTF8" not in str(error) and "utf8" not in str(error).lower():
            raise
        malformed.clear()
        table = read(_FALLBACK_ENCODING)
    columns = {c: col.as_strings(table.column(f"c{p}")) for c, p in wanted.items()}
    return columns, None, malformed


def _read_slow(path: Path, header: list[str], wanted: dict[str, int], encoding: str):
    values: dict[str, list[str | None]] = {c: [] for c in wanted}
    numbers: list[int] = []
    malformed: list[tuple[int, int]] = []
    with path.open(newline="", encoding=encoding, errors="replace") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row_number, record in enumerate(reader, start=2):
            if len(record) != len(header):
                if any(v.strip() for v in record):
                    malformed.append((row_number, len(record)))
                continue
            numbers.append(row_number)
            for column, position in wanted.items():
                values[column].append(record[position] or None)
    columns = {c: pa.array(v, pa.string()) for c, v in values.items()}
    return columns, np.asarray(numbers, dtype=np.int64), malformed


def _drop_blank_rows(columns: dict[str, pa.Array], numbers: np.ndarray | None):
    """Rows with every value blank (empty lines, ",,,," from spreadsheets) are ignored."""
    if not columns:
        return columns, RowNumbers(numbers)
    n = len(next(iter(columns.values())))
    any_value = np.zeros(n, dtype=bool)
    for values in columns.values():
        any_value |= col.present(values)
        if any_value.all():
            return columns, RowNumbers(numbers)
    keep = pa.array(any_value)
    rows = np.flatnonzero(any_value)
    kept = numbers[rows] if numbers is not None else rows + 2
    return {c: v.filter(keep) for c, v in columns.items()}, RowNumbers(kept)
