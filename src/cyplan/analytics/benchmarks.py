"""Reading national benchmark series: EES tidy CSVs, the NEET scorecard, LAIT and Fingertips.

One general reader per kind of file, driven by the source map ``cyplan/data/benchmarks.yaml``
(which indicator each file's columns and filters hold), never by code per file:

* :func:`read_ees_series`: any EES tidy CSV (the NEET scorecard files are EES tidy too); column
  names are alternatives so other releases import; a rate or percentage is computed from its
  counts (and from a population series, for CIN rates) where the counts are published.
* :func:`read_lait`: the LAIT long data set (parquet or CSV): old LA numbers, LAIT year labels
  (``2023/24``, ``2023-24``, ``2025 (Rev)``, pooled ``2014-16``), ``-`` and float artefacts.
* :func:`read_fingertips`: Fingertips exports, full (with counts, denominators and intervals)
  or short (area, period, value).

Each gives :class:`SeriesValue` records, with area codes carried forward through the LA code
history (:mod:`cyplan.analytics.la_history`); a file that cannot be used raises
:class:`~cyplan.analytics.ees.DataFileError` listing every problem by file, row and column.
Pure Python: no Django import.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from cyplan.analytics.ees import DataFileError, DataProblem, parse_value, read_ees
from cyplan.analytics.la_history import LaHistory, load_history

FORMAT = "cyplan-benchmarks/1"
ENGLAND = "E92000001"
_DEMO = re.compile(r"\bdemo\b", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# The source map
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EesSource:
    indicator: str
    release: str
    file: str
    filters: dict[str, str]
    value: tuple[str, ...] = ()
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    denominator_row: dict[str, str] = field(default_factory=dict)
    population: dict[str, Any] | None = None


@dataclass(frozen=True)
class SourceMap:
    ees: list[EesSource]
    lait: dict[str, str]  # LAIT measure ("Short Desc") -> indicator code
    fingertips: list[dict[str, str]]

    def sources_of(self, code: str) -> list[str]:
        """Where an indicator's national series comes from, as text for people."""
        found = [f"{s.file} ({s.release})" for s in self.ees if s.indicator == code]
        found += [
            f"lait/bds_long_0.parquet (DfE LAIT, measure {m})"
            for m, c in self.lait.items()
            if c == code
        ]
        found += [
            f"{f.get('file', 'Fingertips export')} (OHID Fingertips indicator {f['id']})"
            for f in self.fingertips
            if f["indicator"] == code
        ]
        return found


def parse_source_map(text: str, name: str = "benchmarks.yaml") -> SourceMap:
    """Read the source map; ValueError naming the entry and field of any problem."""
    data = yaml.safe_load(text) or {}
    if data.get("format") != FORMAT:
        raise ValueError(f"{name}: format must be {FORMAT}")
    problems, ees = [], []
    for index, entry in enumerate(data.get("ees") or []):
        where = f"{name}: ees[{index}] ({entry.get('indicator', '?')})"
        if not entry.get("indicator") or not (entry.get("value") or entry.get("numerator")):
            problems.append(f"{where}: needs indicator and value or numerator columns")
            continue
        ees.append(EesSource(
            entry["indicator"], entry.get("release", ""), entry.get("file", ""),
            {str(k): str(v) for k, v in (entry.get("filters") or {}).items()},
            tuple(entry.get("value") or ()), tuple(entry.get("numerator") or ()),
            tuple(entry.get("denominator") or ()),
            {str(k): str(v) for k, v in (entry.get("denominator_row") or {}).items()},
            entry.get("population"),
        ))  # fmt: skip
    lait = {str(e["measure"]): e["indicator"] for e in data.get("lait") or []}
    fingertips = [{k: str(v) for k, v in e.items()} for e in data.get("fingertips") or []]
    if problems:
        raise ValueError("; ".join(problems))
    return SourceMap(ees, lait, fingertips)


@cache
def load_source_map() -> SourceMap:
    text = resources.files("cyplan.data").joinpath("benchmarks.yaml").read_text(encoding="utf-8")
    return parse_source_map(text)


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass
class SeriesValue:
    """One published figure, ready to store."""

    indicator: str
    area_code: str
    area_name: str
    level: str  # national, regional, local authority
    period: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    symbol: str = ""
    region_code: str = ""
    old_la_code: str = ""
    source: str = ""
    note: str = ""
    rank: int = 1  # release rank: a final figure beats a revised one, which beats provisional
    population: dict | None = None  # numerator over a population series, filled in later

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.indicator, self.area_code, self.period)


def clean_float(value: float) -> float:
    """A number without spreadsheet float artefacts: 9.3699999999999992 is 9.37."""
    return float(f"{value:.12g}")


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


_RELEASE_WORDS = {"final": 3, "revised": 2, "rev": 2, "provisional": 0, "prov": 0}


def release_rank(*texts: str) -> int:
    """How settled a release is: final 3, revised 2, plain 1, provisional 0."""
    for text in texts:
        for word in re.findall(r"[a-z]+", text.casefold()):
            if word in _RELEASE_WORDS:
                return _RELEASE_WORDS[word]
    return 1


def _keep(found: dict, record: SeriesValue) -> None:
    """Keep the most settled release of each figure (and the first of equals)."""
    old = found.get(record.key)
    if old is None or record.rank > old.rank:
        found[record.key] = record


def _place(history: LaHistory, level: str, code: str, old_code: str, year: int | None):
    """(area code carried forward, E12 region, note) for a row's area."""
    note = ""
    if level == "local authority":
        if not code and old_code:
            code = history.code_for_number(old_code, year) or ""
        current = history.current(code) if code else code
        if current != code:
            note = f"Published under {code}, which {history.name(current)} now carries."
        return current, history.region(current), note
    if level == "regional":
        return code, ("E12000007" if code.startswith("E13") else code), note
    return code, "", note


def _year(period: str) -> int | None:
    match = re.match(r"(\d{4})", period)
    return int(match[1]) if match else None


# --------------------------------------------------------------------------------------------
# EES tidy CSV (and the NEET scorecard)
# --------------------------------------------------------------------------------------------


def _first(columns: set[str], names: tuple[str, ...]) -> str | None:
    lowered = {c.casefold(): c for c in columns}
    for name in names:
        if name in columns:
            return name
        if name.casefold() in lowered:
            return lowered[name.casefold()]
    return None


def sources_for_columns(columns: list[str], sources: SourceMap) -> list[EesSource]:
    """The source-map entries an EES file's columns fit."""
    have = set(columns)
    lowered = {c.casefold() for c in have}
    fits = []
    for source in sources.ees:
        if not all(f.casefold() in lowered for f in {**source.filters, **source.denominator_row}):
            continue
        if _first(have, source.value) or _first(have, source.numerator):
            fits.append(source)
    return fits


def read_ees_series(
    path: str | Path,
    sources: SourceMap | None = None,
    history: LaHistory | None = None,
    multipliers: dict[str, int] | None = None,
) -> list[SeriesValue]:
    """The figures an EES tidy CSV holds for the indicators of the source map.

    Rows of placeholder areas (named "... demo", as in the 2021 NEET file) are dropped;
    Buckinghamshire's 2019 row under E10000002 is filed under E06000060; London boroughs get
    region E12000007 (EES gives Inner or Outer London). ``multipliers`` gives each indicator's
    multiplier (100 for percent...) for values computed from counts.

    Raises:
        DataFileError: the file cannot be read, matches no indicator, or a cell is neither a
            number nor an EES symbol (every problem with its row and column).
    """
    path = Path(path)
    sources = sources or load_source_map()
    history = history or load_history()
    multipliers = multipliers or {}
    data = read_ees(path)
    demo_rows = {
        row.row
        for row in data.rows
        if _DEMO.search(row.area_name) or _DEMO.search(" ".join(row.filters.values()))
    }
    problems = [p for p in data.problems if p.row not in demo_rows]
    fits = sources_for_columns(data.columns, sources)
    if not fits:
        message = "No indicator in the source map reads this file's columns."
        action = "Add an entry to benchmarks.yaml, or import a column with --indicator."
        problems.append(DataProblem(str(path), 1, "", message, action))
    used = {c for f in fits for c in (_first(set(data.columns), f.value),
            _first(set(data.columns), f.numerator), _first(set(data.columns), f.denominator)) if c}  # fmt: skip
    for column in sorted(used & set(data.filters)):  # read as a filter: text among its numbers
        for row in data.rows:
            try:
                parse_value(row.filters.get(column, ""))
            except ValueError:
                message = f"{row.filters[column]!r} is not a number nor an EES symbol."
                action = "Correct it, or use c, x, z, low, k or u."
                problems.append(DataProblem(str(path), row.row, column, message, action))
    if problems:
        raise DataFileError(problems)
    for row in data.rows:
        for column in used & set(data.filters):
            row.values[column] = row.filters.pop(column, "")
    have = set(data.columns)
    actual = {c.casefold(): c for c in have}
    found: dict[tuple, SeriesValue] = {}
    for source in fits:
        filters = {actual[k.casefold()]: _norm(v) for k, v in source.filters.items()}
        denominator_filters = {
            **filters,
            **{actual[k.casefold()]: _norm(v) for k, v in source.denominator_row.items()},
        }
        value_col = _first(have, source.value)
        num_col = _first(have, source.numerator)
        den_col = _first(have, source.denominator)
        totals: dict[tuple, str] = {}
        if source.denominator_row and num_col:
            for row in data.rows:
                if all(_norm(row.filters.get(k, "")) == v for k, v in denominator_filters.items()):
                    totals[(row.geographic_level, row.area_code, row.old_la_code, row.period)] = (
                        row.values.get(num_col, "")
                    )
        for row in data.rows:
            if row.row in demo_rows or row.period is None:
                continue
            if not all(_norm(row.filters.get(k, "")) == v for k, v in filters.items()):
                continue
            level = _norm(row.geographic_level)
            if level not in ("national", "regional", "local authority"):
                continue
            code, region, note = _place(
                history, level, row.area_code, row.old_la_code, _year(row.period)
            )
            if not code:
                continue
            value, symbol = parse_value(row.values[value_col]) if value_col else (None, None)
            numerator = denominator = None
            if num_col:
                numerator, num_symbol = parse_value(row.values[num_col])
                symbol = symbol or num_symbol
            if den_col:
                denominator = parse_value(row.values[den_col])[0]
            elif source.denominator_row:
                text = totals.get(
                    (row.geographic_level, row.area_code, row.old_la_code, row.period)
                )
                denominator = parse_value(text)[0] if text else None
            multiplier = multipliers.get(source.indicator, 1)
            if numerator is not None and denominator and (value_col is None or multiplier > 1):
                value = numerator / denominator * multiplier
            elif not value_col and numerator is not None and source.population is None:
                value = numerator
            unfiltered = [v for k, v in row.filters.items() if k not in filters]
            record = SeriesValue(
                source.indicator, code, row.area_name, level, row.period,
                None if value is None else clean_float(value),
                numerator, denominator, "" if value is not None else (symbol or "x"),
                region, row.old_la_code, f"{path.name}: {source.release}".strip(": "), note,
                release_rank(*unfiltered, row.time_identifier),
                dict(source.population) if source.population else None,
            )  # fmt: skip
            if source.population and numerator is None:
                record.value, record.symbol = None, symbol or "x"
            _keep(found, record)
    return list(found.values())


def fill_population_rates(
    records: list[SeriesValue],
    populations: dict[tuple[str, str], float],
    multipliers: dict[str, int],
) -> None:
    """Give records that are counts over a population series their denominator and rate.

    ``populations`` maps (area code, year) to the population; a record for period Y uses the
    year Y - lag. A record with no population for that year keeps no value (symbol ``x``) and a
    note saying which estimate is missing.
    """
    for record in records:
        if not record.population or record.numerator is None:
            continue
        year = _year(record.period)
        wanted = str(year - int(record.population.get("lag", 0))) if year else ""
        population = populations.get((record.area_code, wanted))
        if population:
            record.denominator = population
            record.value = clean_float(
                record.numerator / population * multipliers.get(record.indicator, 10_000)
            )
            record.symbol = ""
            record.note = (record.note + f" Population: ONS mid-{wanted} estimate.").strip()
        else:
            record.value, record.symbol = None, "x"
            record.note = (record.note + f" No ONS mid-{wanted} population loaded.").strip()


def population_series(groups: list[tuple[str, list[SeriesValue]]]) -> dict:
    """(area, year) -> population from every file read; each year from the latest release.

    ``groups`` is (file name, records) per file; a file's release is its latest period, so a
    re-based estimate in a newer release replaces the older one for the same year.
    """
    ordered = sorted(
        groups, key=lambda group: max((_year(r.period) or 0) for r in group[1]) if group[1] else 0
    )
    result: dict[tuple[str, str], float] = {}
    for _name, records in ordered:
        for record in records:
            if record.indicator == "population-0-17" and record.value:
                result[(record.area_code, record.period)] = record.value
    return result


# --------------------------------------------------------------------------------------------
# LAIT
# --------------------------------------------------------------------------------------------

LAIT_COLUMNS = {
    "measure": ("Short Desc", "short_desc", "Measure_short"),
    "period": ("Years", "years", "Year"),
    "area": ("LA and Regions", "la_and_regions", "LA Name", "Area"),
    "value": ("Values", "values", "Value"),
    "number": ("LA Number", "la_number", "LA_Number", "Old LA code"),
}
_PAIR = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2})$")
_POOLED_YEARS = re.compile(r"^(\d{4})\s*-\s*(\d{2})$")
_POOLED_PAIRS = re.compile(r"^(\d{4})/(\d{2})\s*-\s*(\d{2})/(\d{2})$")
_STATUS = re.compile(r"^(.*?)\s*\(([^)]*)\)\s*$")


def lait_period(label: str) -> tuple[str, int, str] | None:
    """A LAIT year label as (period, release rank, note); None when it is not a period.

    ``2025`` stays; ``2023/24`` and ``2023-24`` are the year pair ``2023/24``; ``2014-16`` is
    three pooled years (kept as ``2014-16``); ``2013/14-15/16`` pooled year pairs; a suffix
    ``(Rev)``, ``(Final)``, ``(prov)`` or ``(OT)`` (outturn) marks the release.

    Example:
        >>> lait_period("2025 (Rev)"), lait_period("2023-24"), lait_period("2014-16")
        (('2025', 2, 'revised'), ('2023/24', 1, ''), ('2014-16', 1, 'pooled years'))
    """
    text = " ".join(str(label).split())
    rank, note = 1, ""
    if match := _STATUS.match(text):
        text, status = match[1], match[2].strip().casefold()
        notes = {"rev": (2, "revised"), "final": (3, "final"), "prov": (0, "provisional"),
                 "ot": (1, "outturn")}  # fmt: skip
        if status not in notes:
            return None
        rank, note = notes[status]
    if re.fullmatch(r"(19|20)\d{2}", text):
        return text, rank, note
    if (match := _PAIR.match(text)) and int(match[2]) == (int(match[1][2:]) + 1) % 100:
        return f"{match[1]}/{match[2]}", rank, note
    if (match := _POOLED_YEARS.match(text)) and int(match[2]) > (int(match[1][2:]) + 1) % 100:
        return f"{match[1]}-{match[2]}", rank, note or "pooled years"
    if match := _POOLED_PAIRS.match(text):
        return text.replace(" ", ""), rank, note or "pooled years"
    return None


def _table_rows(path: Path) -> tuple[list[str], list[dict]]:
    if path.suffix.casefold() == ".parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as error:  # pyarrow raises several kinds for a damaged file
            raise DataFileError(
                [
                    DataProblem(
                        str(path),
                        0,
                        "",
                        f"Not a readable parquet file ({error}).",
                        "Download the LAIT data set again.",
                    )
                ]
            ) from error
        return table.column_names, table
    from cyplan.analytics.ees import csv_rows

    rows = csv_rows(path)
    header = [c.strip() for c in next(rows, [])]
    return header, [dict(zip(header, r, strict=False)) for r in rows]


def read_lait(
    path: str | Path, sources: SourceMap | None = None, history: LaHistory | None = None
) -> list[SeriesValue]:
    """The figures of the mapped LAIT measures, by ONS code carried forward.

    Rows of other measures are not read. A value ``-`` is "not available" (symbol ``x``).

    Raises:
        DataFileError: a column is missing, or a mapped row has a value that is not a number,
            a year label that is not a period or an LA number the code history does not know.
    """
    path = Path(path)
    sources = sources or load_source_map()
    history = history or load_history()
    header, table = _table_rows(path)
    at, problems = {}, []
    for role, names in LAIT_COLUMNS.items():
        name = _first(set(header), names)
        if name is None:
            problems.append(DataProblem(str(path), 1, names[0], "Column missing.",
                                        "Use the LAIT long data set (bds_long)."))  # fmt: skip
        at[role] = name
    if problems:
        raise DataFileError(problems)
    if isinstance(table, list):
        rows = table
    else:
        import pyarrow as pa
        import pyarrow.compute as pc

        mask = pc.is_in(table.column(at["measure"]), value_set=pa.array(list(sources.lait)))
        indices = pc.indices_nonzero(mask).to_pylist()
        rows = table.take(pa.array(indices, pa.int64())).to_pylist() if indices else []
        for row, index in zip(rows, indices, strict=True):
            row["__row"] = index + 2  # as a spreadsheet export of the file numbers it
    found: dict[tuple, SeriesValue] = {}
    for position, row in enumerate(rows):
        number_in_file = row.get("__row", position + 2)
        measure = str(row.get(at["measure"]) or "").strip()
        code = sources.lait.get(measure)
        if code is None:
            continue
        label = str(row.get(at["period"]) or "")
        period = lait_period(label)
        if period is None:
            problems.append(DataProblem(str(path), number_in_file, at["period"],
                f"{label!r} is not a LAIT year label.",
                "Use 2025, 2024/25, 2024-25, a pooled 2014-16 or a (Rev)/(Final)/(prov) suffix."))  # fmt: skip
            continue
        raw = row.get(at["number"])
        number = "" if raw is None else str(raw).strip()
        if number.endswith(".0"):
            number = number[:-2]
        area = history.code_for_number(number, _year(period[0])) if number else None
        if area is None:
            problems.append(DataProblem(str(path), number_in_file, at["number"],
                f"{number or '(blank)'!r} is not an LA number in the code history.",
                "Check the number, or add the authority to la_code_history.csv."))  # fmt: skip
            continue
        text = str(row.get(at["value"]) if row.get(at["value"]) is not None else "").strip()
        if text in ("-", "", "NA", ".", ":"):
            value, symbol = None, "x"
        else:
            try:
                value, symbol = parse_value(text)
            except ValueError:
                problems.append(DataProblem(str(path), number_in_file, at["value"],
                    f"{text!r} is not a number.", "Use a number, or - for not available."))  # fmt: skip
                continue
        level = history.level(area).casefold() or "local authority"
        current, region, note = _place(history, level, area, number, None)
        notes = " ".join(filter(None, [note, f"LAIT year {label}." if period[2] else ""]))
        _keep(found, SeriesValue(
            code, current, str(row.get(at["area"]) or history.name(current)), level, period[0],
            None if value is None else clean_float(value), None, None, symbol or "",
            region, number, f"{path.name}: LAIT measure {measure}", notes, period[1],
        ))  # fmt: skip
    if problems:
        raise DataFileError(problems)
    return list(found.values())


# --------------------------------------------------------------------------------------------
# Fingertips
# --------------------------------------------------------------------------------------------

FINGERTIPS_COLUMNS = {
    "code": ("Area Code", "area_code", "AreaCode"),
    "name": ("Area Name", "area_name", "AreaName"),
    "period": ("Time period", "period", "Time Period", "time_period"),
    "value": ("Value", "value"),
    "indicator": ("Indicator Name", "indicator", "IndicatorName"),
    "id": ("Indicator ID", "indicator_id", "IndicatorID"),
    "count": ("Count", "count"),
    "denominator": ("Denominator", "denominator"),
    "sex": ("Sex", "sex"),
    "category": ("Category", "category", "inequality"),
    "area_type": ("Area Type", "area_type"),
}


def read_fingertips(
    path: str | Path, sources: SourceMap | None = None, history: LaHistory | None = None
) -> list[SeriesValue]:
    """The figures of a Fingertips export for the mapped indicators.

    Breakdown rows (a category or inequality other than none, a sex other than Persons) are
    left out; ``NA`` or a blank value is "not available". Counts and denominators are kept
    where the export gives them, so intervals can be worked out.

    Raises:
        DataFileError: a needed column is missing, no mapped indicator is in the file, or a
            value, count or denominator is not a number (each with its row and column).
    """
    from cyplan.analytics.ees import csv_rows

    path = Path(path)
    sources = sources or load_source_map()
    history = history or load_history()
    rows = csv_rows(path)
    header = [c.strip() for c in next(rows, [])]
    at = {role: _first(set(header), names) for role, names in FINGERTIPS_COLUMNS.items()}
    problems = [
        DataProblem(
            str(path),
            1,
            FINGERTIPS_COLUMNS[role][0],
            "Column missing.",
            "Use a Fingertips data export.",
        )  # fmt: skip
        for role in ("code", "period", "value")
        if at[role] is None
    ]
    if at["indicator"] is None and at["id"] is None:
        problems.append(DataProblem(str(path), 1, "Indicator ID", "Column missing.",
                                    "The export needs an indicator ID or name column."))  # fmt: skip
    if problems:
        raise DataFileError(problems)
    by_id = {m["id"]: m["indicator"] for m in sources.fingertips if m.get("id")}
    by_name = {_norm(m["name"]): m["indicator"] for m in sources.fingertips if m.get("name")}
    index = {column: position for position, column in enumerate(header)}
    found: dict[tuple, SeriesValue] = {}
    seen_codes = False
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        cell = {role: (cells[index[c]].strip() if c and index[c] < len(cells) else "")
                for role, c in at.items()}  # fmt: skip
        code = by_id.get(cell["id"]) if cell["id"] else None
        code = code or by_name.get(_norm(cell["indicator"]))
        if code is None:
            continue
        seen_codes = True
        if cell["category"] and _norm(cell["category"]) not in ("na", "none"):
            continue
        if cell["sex"] and _norm(cell["sex"]) not in ("persons", "na"):
            continue
        numbers = {}
        for role in ("value", "count", "denominator"):
            text = cell[role]
            if not text or _norm(text) in ("na", "-", "nan"):
                numbers[role] = None
                continue
            try:
                numbers[role] = parse_value(text)[0]
            except ValueError:
                problems.append(DataProblem(str(path), number, at[role],
                                            f"{text!r} is not a number.", "Correct the cell."))  # fmt: skip
                numbers[role] = None
        area = cell["code"]
        level = ("national" if area == ENGLAND else
                 "regional" if area.startswith(("E12", "E13")) else "local authority")  # fmt: skip
        if level == "local authority" and not re.fullmatch(r"E0[6-9]\d{6}|E10\d{6}", area):
            continue  # combined authorities, ICBs and other areas are not benchmarks here
        current, region, note = _place(history, level, area, "", None)
        period = re.sub(r"\s*-\s*", "-", cell["period"])
        value = numbers["value"]
        record = SeriesValue(
            code, current, cell["name"] or history.name(current), level, period,
            None if value is None else clean_float(value), numbers["count"],
            numbers["denominator"], "" if value is not None else "x", region, "",
            f"{path.name}: OHID Fingertips", note,
        )  # fmt: skip
        _keep(found, record)
    if not seen_codes:
        problems.append(DataProblem(str(path), 0, at["indicator"] or at["id"] or "",
                                    "No indicator in the source map is in this file.",
                                    "Add it to the fingertips list of benchmarks.yaml."))  # fmt: skip
    if problems:
        raise DataFileError(problems)
    return list(found.values())


def file_kind(path: str | Path) -> str:
    """ees, lait, fingertips or neighbours, from the file's suffix and header."""
    path = Path(path)
    if path.suffix.casefold() == ".parquet":
        return "lait"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = {c.strip().casefold() for c in next(csv.reader(handle), [])}
    if "time_period" in header and "geographic_level" in header:
        return "ees"
    if "short desc" in header or "short_desc" in header:
        return "lait"
    if ({"area code", "area_code"} & header) and ({"value"} & header):
        return "fingertips"
    if any(re.fullmatch(r"sn_?1", c) for c in header):
        return "neighbours"
    return "unknown"


def matches_file(source: EesSource, name: str) -> bool:
    return bool(source.file) and fnmatch(name, source.file)
