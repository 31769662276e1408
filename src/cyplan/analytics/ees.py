"""Read any DfE Explore Education Statistics (EES) tidy CSV file, with no code per file.

An EES tidy file has one row per time period, area and combination of filter values, and one
column per filter and per indicator (``docs/data-formats.md``). ``read_ees`` checks the
mandatory columns, tells filters from indicators (from the ``<name>.meta.csv`` file when there
is one, otherwise from the values), normalises periods and area codes and checks every
indicator cell; ``parse_value`` turns a cell into a number and an EES symbol.

Problems are :class:`DataProblem` records naming the file, the row as a spreadsheet shows it
(header = row 1), the column and what to do. A file that cannot be used at all raises
:class:`DataFileError`. The helpers here are shared by :mod:`cyplan.analytics.areas` and
:mod:`cyplan.analytics.population`. Pure Python: no Django import.

Example:
    >>> parse_value("1,234"), parse_value("c"), parse_value("low")
    ((1234.0, None), (None, 'c'), (0.0, 'low'))
    >>> period_label("202324"), period_label("2023")
    ('2023/24', '2023')
    >>> is_total_row({"breakdown_topic": "All EHC plans issued", "sex": "Total"})
    True
"""

from __future__ import annotations

import csv
import difflib
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path

MANDATORY_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
)
"""Columns every EES tidy file has."""

LEVEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "Regional": ("region_code", "region_name"),
    "Local authority": ("region_code", "region_name", "new_la_code", "old_la_code", "la_name"),
}
"""Columns a file must have when it holds rows at this geographic level."""

_PREFIXES = {
    "Local authority district": "lad",
    "Parliamentary constituency": "pcon",
    "Local skills improvement plan area": "lsip",
    "Local enterprise partnership": "local_enterprise_partnership",
    "English devolved area": "english_devolved_area",
    "Opportunity area": "opportunity_area",
    "Ward": "ward",
    "Planning area": "planning_area",
}
AREA_COLUMNS: dict[str, tuple[str, str]] = {
    "National": ("country_code", "country_name"),
    "Regional": ("region_code", "region_name"),
    "Local authority": ("new_la_code", "la_name"),
    "MAT": ("trust_id", "trust_name"),
    "Sponsor": ("sponsor_id", "sponsor_name"),
    "School": ("school_urn", "school_name"),
    "Provider": ("provider_ukprn", "provider_name"),
    "Institution": ("institution_id", "institution_name"),
    **{level: (f"{prefix}_code", f"{prefix}_name") for level, prefix in _PREFIXES.items()},
}
"""For each geographic level, the columns holding the area's code and name."""

GEOGRAPHY_COLUMNS = frozenset(
    {*MANDATORY_COLUMNS, "old_la_code", "region_code", "region_name", "school_laestab"}
    | {column for pair in AREA_COLUMNS.values() for column in pair}
)
"""Time and geography columns: never filters nor indicators."""

SYMBOLS: dict[str, str] = {
    "c": "suppressed to protect confidential information",
    "x": "not available",
    "z": "not applicable",
    "low": "positive but rounds to 0",
    "u": "low reliability",
    "k": "rounds to 0 but is not zero",
}
"""The EES symbols an indicator cell may hold instead of (``u``: as well as) a number."""

FILTER_SHARE = 0.01
"""Without a meta file, a column is a filter when text is at least this share of its cells."""

_NUMBER = re.compile(
    r"(?P<num>[+-]?(?:\d{1,3}(?:[, \u00a0\u202f]\d{3})+|\d+)(?:\.\d*)?(?:e[+-]?\d+)?"
    r"|[+-]?\.\d+(?:e[+-]?\d+)?)\s*%?\s*(?P<u>u)?"
)
_SEPARATORS = str.maketrans("", "", ", \u00a0\u202f")
_EMPTY, _NUMERIC, _SYMBOL, _TEXT = range(4)


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong in a data file: where it is, what is wrong and what to do.

    ``row`` is the row as a spreadsheet shows it (the header is row 1 of an EES file); 0
    means the file as a whole. ``column`` is the column's name ("" for a whole row or file).
    """

    file: str
    row: int
    column: str
    message: str
    action: str

    def __str__(self) -> str:
        where = self.file if not self.row else f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message} {self.action}"


class DataFileError(ValueError):
    """The file cannot be used at all (no header, a mandatory column missing...)."""

    def __init__(self, problems: list[DataProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def csv_rows(path: Path) -> Iterator[list[str]]:
    """Yield a CSV file's rows (UTF-8, with or without a BOM), one at a time.

    Raises:
        DataFileError: the file is missing, is not UTF-8 text or holds a NUL character.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                if any("\x00" in cell for cell in row):  # no database can store it as text
                    raise DataFileError([DataProblem(str(path), number, "",
                        "The row holds a NUL character: this is not a text CSV file.",
                        "Save it as 'CSV UTF-8'.")])  # fmt: skip
                yield row
    except (FileNotFoundError, UnicodeDecodeError, csv.Error) as error:
        message, action = "The file does not exist.", "Check the path."
        if isinstance(error, UnicodeDecodeError):
            message, action = f"Not UTF-8 text (byte {error.start}).", "Save it as 'CSV UTF-8'."
        elif isinstance(error, csv.Error):
            message, action = f"Not a readable CSV file ({error}).", "Save it as 'CSV UTF-8'."
        raise DataFileError([DataProblem(str(path), 0, "", message, action)]) from error


def close_matches(word: str, choices: list[str], count: int = 3) -> str:
    """A 'did you mean' phrase naming the closest choices, or "" when none is close."""
    found = difflib.get_close_matches(word, choices, n=count, cutoff=0.6)
    return f" Did you mean {' or '.join(repr(item) for item in found)}?" if found else ""


@lru_cache(maxsize=65536)
def parse_value(text: str) -> tuple[float | None, str | None]:
    """Read one indicator cell as ``(value, symbol)``.

    Numbers may have thousands separators (commas, spaces), a decimal part, an exponent or a
    trailing ``%`` ("45.3" and "45.3%" are both 45.3). Symbols are case-insensitive: ``c``,
    ``x``, ``z`` give no value; ``low`` gives 0.0 flagged ``low``; ``u`` alone gives no value,
    and a number followed by ``u`` ("12.5 u") gives the number flagged ``u`` (EES puts one
    thing per cell, so only hand-made files do this). An empty cell means ``x``. The value is
    usable whenever it is not None; a symbol beside it is a warning to show.

    Raises:
        ValueError: the text is neither a number nor an EES symbol.

    Example:
        >>> parse_value(" 1 234.5 "), parse_value("12.5 u"), parse_value("")
        ((1234.5, None), (12.5, 'u'), (None, 'x'))
    """
    cleaned = text.strip().casefold()
    if not cleaned:
        return None, "x"
    if cleaned in SYMBOLS:
        return (0.0 if cleaned in ("low", "k") else None), cleaned
    match = _NUMBER.fullmatch(cleaned)
    if match is None:
        symbols = ", ".join(SYMBOLS)
        raise ValueError(f"{text.strip()!r} is not a number nor an EES symbol ({symbols})")
    return float(match["num"].translate(_SEPARATORS)), ("u" if match["u"] else None)


@lru_cache(maxsize=65536)
def _kind(text: str) -> int:
    """Whether a cell is empty, a number, a symbol or other text (for classifying columns)."""
    if not text.strip():
        return _EMPTY
    try:
        value, symbol = parse_value(text)
    except ValueError:
        return _TEXT
    return _NUMERIC if value is not None and symbol is None else _SYMBOL


def period_label(time_period: str) -> str | None:
    """The period as people write it: ``2023`` stays, ``202324`` becomes ``2023/24``.

    Returns None when the text is neither 4 digits nor 6 digits of consecutive years.
    """
    text = time_period.strip()
    if len(text) == 4 and text.isdigit():
        return text
    if len(text) == 6 and text.isdigit() and int(text[4:]) == (int(text[2:4]) + 1) % 100:
        return f"{text[:4]}/{text[4:]}"
    return None


def is_total_row(filters: Mapping[str, str]) -> bool:
    """Whether a row is the total over every filter, the row to compare areas on.

    True when every filter value is ``Total`` or begins with the word ``All`` (case does not
    matter), e.g. ``{"breakdown": "All EHC plans issued"}``; also True for a file with no
    filters.
    """
    for value in filters.values():
        text = value.strip().casefold()
        if text != "total" and text != "all" and not text.startswith("all "):
            return False
    return True


@dataclass(frozen=True, slots=True)
class EesRow:
    """One data row: when, where, which breakdown and the indicator cells as raw text.

    ``area_code``/``area_name`` come from the columns of the row's level: ``country_code`` for
    National, ``region_code`` for Regional, ``new_la_code`` for Local authority (see
    ``AREA_COLUMNS``); "" for a level not listed there. ``row`` is the spreadsheet row.
    """

    row: int
    time_period: str
    period: str
    time_identifier: str
    geographic_level: str
    area_code: str
    area_name: str
    old_la_code: str
    region_code: str
    filters: dict[str, str]
    values: dict[str, str]

    @property
    def is_total(self) -> bool:
        """Whether this is the total row over every filter (see :func:`is_total_row`)."""
        return is_total_row(self.filters)

    def value(self, indicator: str) -> tuple[float | None, str | None]:
        """The indicator's ``(value, symbol)``; ``(None, None)`` if the cell is unreadable."""
        try:
            return parse_value(self.values[indicator])
        except ValueError:
            return None, None


@dataclass
class EesFile:
    """A whole EES file: its columns, how they were classified, its rows and problems."""

    path: Path
    columns: list[str]
    filters: list[str]
    indicators: list[str]
    rows: list[EesRow] = field(default_factory=list)
    problems: list[DataProblem] = field(default_factory=list)
    meta_path: Path | None = None

    def select(self, *, totals_only: bool = False, **wanted: str) -> list[EesRow]:
        """The rows whose fields equal every keyword given, e.g. ``area_code="E09000006"``,
        ``period="2024"``, ``geographic_level="National"``; only total rows if asked."""
        return [
            row
            for row in self.rows
            if all(getattr(row, name) == value for name, value in wanted.items())
            and (not totals_only or row.is_total)
        ]


def read_ees_meta(
    path: str | Path, columns: list[str] | None = None
) -> tuple[dict[str, str], list[DataProblem]]:
    """Read an EES ``.meta.csv``: each column's type, ``Filter`` or ``Indicator``; and the
    problems, including (given the data file's ``columns``) columns the two files disagree on.

    Raises:
        DataFileError: the meta file has no ``col_name`` or ``col_type`` column.
    """
    name, rows = str(path), csv_rows(Path(path))
    header = [column.strip() for column in next(rows, [])]
    if missing := [column for column in ("col_name", "col_type") if column not in header]:
        action = "Give the meta file downloaded with the data, which has a header row."
        raise DataFileError([DataProblem(name, 1, c, "Missing column.", action) for c in missing])
    name_at, type_at = header.index("col_name"), header.index("col_type")
    types: dict[str, str] = {}
    problems: list[DataProblem] = []
    for number, cells in enumerate(rows, start=2):
        cells = [cell.strip() for cell in cells] + [""] * len(header)
        if cells[name_at] and cells[type_at].capitalize() in ("Filter", "Indicator"):
            types[cells[name_at]] = cells[type_at].capitalize()
        elif any(cells):
            message = f"{cells[name_at] or '(no name)'} has col_type {cells[type_at]!r}."
            action = "Give col_name and set col_type to Filter or Indicator."
            problems.append(DataProblem(name, number, "col_type", message, action))
    for column in [c for c in types if c not in (columns or types)]:
        message = f"The meta file lists {column}, which the data file does not have."
        problems.append(DataProblem(name, 0, column, message, "Check the files belong together."))
    for column in [c for c in columns or () if c not in GEOGRAPHY_COLUMNS and c not in types]:
        message = "The data column is not in the meta file; classified from its values."
        action = "Add it to the meta file as a Filter or an Indicator."
        problems.append(DataProblem(name, 0, column, message, action))
    return types, problems


def read_ees(path: str | Path, meta_path: str | Path | None = None) -> EesFile:
    """Read an EES tidy CSV file, checking it on the way in.

    Columns are classified by ``meta_path``, or by ``<name>.meta.csv`` beside the data when it
    exists, or else from the values: a column that is not a time or geography column is a
    filter when a value is ``Total``/``All ...`` or when text (not a number, not a symbol) is
    at least 1% of its cells; otherwise it is an indicator, and any text in it is reported.

    Raises:
        DataFileError: no header, a repeated column, a mandatory column missing, or a
            geographic level present without its columns.

    Example (the shared sample file):
        >>> data = read_ees("sen2_ehcp_timeliness_20_week.csv")  # doctest: +SKIP
        >>> [row.value("pc_plans_issued_within_20_weeks") for row in data.select(
        ...     area_code="E09000006", period="2024", totals_only=True)]  # doctest: +SKIP
        [(45.3, None)]
    """
    path = Path(path)
    name, rows = str(path), csv_rows(path)
    header = [column.strip() for column in next(rows, [])]
    _check_columns(name, header, set())
    at = {column: index for index, column in enumerate(header)}
    problems: list[DataProblem] = []
    numbers, raw = [], []
    for number, cells in enumerate(rows, start=2):
        if len(cells) == len(header):
            numbers.append(number)
            raw.append(cells)
        elif any(cell.strip() for cell in cells):
            message = f"The row has {len(cells)} cells but the header has {len(header)}."
            action = "Check for a stray comma or an unquoted value; the row is left out."
            problems.append(DataProblem(name, number, "", message, action))
    # Column-wise from here: counting and classifying distinct values is done in C.
    columns = list(zip(*raw, strict=True)) if raw else [()] * len(header)
    del raw
    counted = [c for c in header if c not in GEOGRAPHY_COLUMNS or c == "geographic_level"]
    tallies = {column: Counter(columns[at[column]]) for column in counted}
    _check_columns(name, header, {level.strip() for level in tallies["geographic_level"]})
    if meta_path is None and path.with_name(f"{path.stem}.meta.csv").exists():
        meta_path = path.with_name(f"{path.stem}.meta.csv")
    types: dict[str, str] = {}
    if meta_path is not None:
        types, meta_problems = read_ees_meta(Path(meta_path), header)
        problems += meta_problems
    filters, indicators = [], []
    for column in (column for column in header if column not in GEOGRAPHY_COLUMNS):
        kind = types.get(column) or _guess(tallies[column])
        (filters if kind == "Filter" else indicators).append(column)
    for column in indicators:
        bad = {value for value in tallies[column] if _kind(value) == _TEXT}
        for position in (i for i, text in enumerate(columns[at[column]]) if bad and text in bad):
            message = f"{columns[at[column]][position].strip()!r} is not a number nor a symbol."
            action = "Correct it, or use c, x, z, low or u; a filter column needs a meta file."
            problems.append(DataProblem(name, numbers[position], column, message, action))
    rows_read = _build_rows(name, at, numbers, columns, filters, indicators, problems)
    problems.sort(key=lambda problem: problem.row)
    return EesFile(path, header, filters, indicators, rows_read, problems, meta_path)


def _guess(tally: Counter[str]) -> str:
    """Filter or Indicator from a column's values and their counts (see read_ees)."""
    counts = [0, 0, 0, 0]
    for value, count in tally.items():
        counts[kind := _kind(value)] += count
        if kind == _TEXT and is_total_row({"": value}):
            return "Filter"
    text, filled = counts[_TEXT], sum(counts) - counts[_EMPTY]
    return "Filter" if text and text >= FILTER_SHARE * filled else "Indicator"


def _check_columns(name: str, header: list[str], levels: set[str]) -> None:
    """Refuse a file with no header, a repeated column name, a mandatory column missing or
    rows at a level whose columns are missing (Local authority rows need la_name...)."""
    if not any(header):
        action = "Give the tidy CSV file from the EES 'Download data' page."
        raise DataFileError([DataProblem(name, 1, "", "The file has no header row.", action)])
    problems = [
        DataProblem(name, 1, column, "This column name appears twice.", "Rename or remove one.")
        for column in sorted({column for column in header if header.count(column) > 1})
    ]
    for column in (c for c in MANDATORY_COLUMNS if c not in header):
        message = "Mandatory EES column missing." + close_matches(column, header)
        action = "Every EES tidy file needs it: use the file as downloaded from EES."
        problems.append(DataProblem(name, 1, column, message, action))
    for level in sorted(levels):
        for column in (c for c in LEVEL_COLUMNS.get(level, ()) if c not in header):
            message = f"{level} rows need this column."
            problems.append(DataProblem(name, 1, column, message, "Add the column."))
    if problems:
        raise DataFileError(problems)


def _build_rows(
    name: str,
    at: dict[str, int],
    numbers: list[int],
    columns: list[tuple[str, ...]],
    filters: list[str],
    indicators: list[str],
    problems: list[DataProblem],
) -> list[EesRow]:
    """Turn the columns into rows, reporting bad periods and missing area codes."""
    labels = {text: period_label(text) for text in set(columns[at["time_period"]])}
    empty = len(at)  # the index of a column of blanks, read for a column the file lacks
    get = {column: at.get(column, empty) for column in ("old_la_code", "region_code")}
    filter_cells = [map(str.strip, columns[at[column]]) for column in filters]
    value_cells = [columns[at[column]] for column in indicators]
    rows = []
    for number, cells, filter_values, values in zip(
        numbers,
        zip(*columns, ("",) * len(numbers), strict=True),
        zip(*filter_cells, strict=True) if filters else repeat(()),  # zip() of nothing is empty
        zip(*value_cells, strict=True) if indicators else repeat(()),
        strict=False,
    ):
        period_text, period = cells[at["time_period"]].strip(), labels[cells[at["time_period"]]]
        if period is None:
            message = f"{period_text!r} is not a period."
            action = "Use 4 digits (2023) or 6 for a year pair (202324)."
            problems.append(DataProblem(name, number, "time_period", message, action))
        level = cells[at["geographic_level"]].strip()
        code_column, name_column = AREA_COLUMNS.get(level, ("", ""))
        area_code, old_code = cells[at.get(code_column, empty)].strip(), cells[get["old_la_code"]]
        if level in ("National", *LEVEL_COLUMNS) and not (area_code or old_code.strip()):
            message = f"A {level} row has no {code_column}."
            problems.append(DataProblem(name, number, code_column, message, "Give the code."))
        when = (period_text, period or period_text, cells[at["time_identifier"]].strip())
        area_name, region = cells[at.get(name_column, empty)].strip(), cells[get["region_code"]]
        where = (level, area_code, area_name, old_code.strip(), region.strip())
        filter_map = dict(zip(filters, filter_values, strict=True))
        value_map = dict(zip(indicators, values, strict=True))
        rows.append(EesRow(number, *when, *where, filter_map, value_map))
    return rows
