"""Loading indicator values: EES tidy CSV files, statistical neighbours, figures quoted by plans.

Every import checks the whole file first and writes in one transaction; importing the same
file again changes nothing (values are matched on indicator, area, period and breakdown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from cyplan.analytics.ees import DataFileError, is_total_row, parse_value, read_ees
from cyplan.outcomes.catalogue_sync import catalogue, sync_catalogue
from cyplan.outcomes.comparison import dimensions_key
from cyplan.outcomes.models import AreaGroup, AreaLevel, Indicator
from cyplan.outcomes.storing import upsert_values

LEVELS = {
    "national": AreaLevel.NATIONAL,
    "regional": AreaLevel.REGIONAL,
    "local authority": AreaLevel.LOCAL_AUTHORITY,
}
#: Benchmark names that plans quote, and their official codes.
NAMED_AREAS = {
    "england": ("E92000001", AreaLevel.NATIONAL),
    "london": ("E12000007", AreaLevel.REGIONAL),
}
VALUE_FIELDS = (
    "area_name",
    "area_level",
    "old_la_code",
    "region_code",
    "time_identifier",
    "dimensions",
    "is_total",
    "value",
    "numerator",
    "denominator",
    "symbol",
    "source",
    "note",
)


class ImportProblems(Exception):
    """Everything wrong with a file; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s); nothing was imported:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


@dataclass
class ImportSummary:
    source: str
    indicators: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.source}: {', '.join(self.indicators)}: {self.created} new, {self.updated} changed, "
            f"{self.unchanged} unchanged values."
        )


@dataclass(frozen=True)
class _Mapping:
    code: str
    value: str
    numerator: str | None
    denominator: str | None
    total_filters: dict


def _plain_title(column: str) -> str:
    return re.sub(r"[_\s]+", " ", column).strip().capitalize()


def import_ees(
    path: str | Path,
    *,
    meta_path=None,
    extra: dict[str, str] | None = None,
    source: str | None = None,
) -> ImportSummary:
    """Import an EES tidy CSV: the catalogue's indicators that it holds, plus ``extra`` columns.

    ``extra`` maps an indicator column to an indicator code; a code the catalogue does not
    know becomes a plain indicator. Raises ImportProblems listing every problem.
    """
    path = Path(path)
    extra = dict(extra or {})
    try:
        data = read_ees(path, meta_path)
    except DataFileError as error:  # the file cannot be used at all: say why, write nothing
        raise ImportProblems([str(p) for p in error.problems]) from None
    problems = [str(p) for p in data.problems]
    columns = set(data.columns)
    mappings: list[_Mapping] = []
    for entry in catalogue().for_ees_columns(columns):
        mapping = entry.ees
        mappings.append(
            _Mapping(
                entry.code,
                mapping.value,
                mapping.numerator,
                mapping.denominator,
                dict(mapping.filters),
            )
        )
    for column, code in extra.items():
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", code):
            problems.append(
                f"--indicator {column}={code}: the code must be lower-case letters, digits and hyphens"
            )
        if column not in columns:
            problems.append(
                f"{path.name}: there is no column {column!r}; its indicator columns are: "
                + ", ".join(data.indicators)
            )
        elif code not in {m.code for m in mappings}:
            mappings.append(_Mapping(code, column, None, None, {}))
    if not mappings and not problems:
        problems.append(
            f"{path.name}: no catalogue indicator matches this file's columns. Name the column to import "
            f"with --indicator COLUMN=CODE; its indicator columns are: {', '.join(data.indicators)}"
        )
    if problems:
        raise ImportProblems(problems)
    return _write(path, data, mappings, extra, source or path.name)


@transaction.atomic
def _write(path, data, mappings, extra, source) -> ImportSummary:
    indicators = sync_catalogue()
    for column, code in extra.items():
        if code not in indicators:
            unit = "percent" if column.lower().startswith(("pc", "percent", "pt_")) else ""
            indicators[code], _ = Indicator.objects.get_or_create(
                code=code,
                defaults={"title": _plain_title(column), "unit": unit, "in_catalogue": False},
            )
    summary = ImportSummary(source=source, indicators=[m.code for m in mappings])
    wanted: dict[tuple, dict] = {}
    for row in data.rows:
        level = LEVELS.get(row.geographic_level.strip().lower(), AreaLevel.OTHER)
        if not row.area_code:
            continue
        for mapping in mappings:
            value, symbol = parse_value(row.values.get(mapping.value, ""))
            numerator = parse_value(row.values[mapping.numerator])[0] if mapping.numerator else None
            denominator = (
                parse_value(row.values[mapping.denominator])[0] if mapping.denominator else None
            )
            if mapping.total_filters:
                total = all(row.filters.get(k) == v for k, v in mapping.total_filters.items())
            else:
                total = is_total_row(row.filters)
            key = (mapping.code, row.area_code, row.period, dimensions_key(row.filters) or "")
            wanted[key] = {
                "area_name": row.area_name,
                "area_level": level,
                "old_la_code": row.old_la_code or "",
                "region_code": row.region_code or "",
                "time_identifier": row.time_identifier,
                "dimensions": dict(row.filters),
                "is_total": total,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "symbol": symbol or "",
                "source": source,
                "note": "",
            }
    _upsert(indicators, wanted, summary)
    return summary


def _upsert(
    indicators: dict[str, Indicator], wanted: dict[tuple, dict], summary: ImportSummary
) -> None:
    created, updated, unchanged = upsert_values(indicators, wanted, VALUE_FIELDS)
    summary.created, summary.updated, summary.unchanged = created, updated, unchanged


@transaction.atomic
def import_neighbours(neighbours_path, la_codes_path, regions_path=None) -> int:
    """Store each local authority's statistical neighbours; return how many groups."""
    from cyplan.analytics.areas import load_local_authorities, read_statistical_neighbours

    try:
        directory = load_local_authorities(la_codes_path, regions_path)
        result = read_statistical_neighbours(neighbours_path, directory)
    except DataFileError as error:  # a file cannot be used at all: say why, write nothing
        raise ImportProblems([str(p) for p in error.problems]) from None
    if result.problems:
        raise ImportProblems([str(p) for p in result.problems])
    for anchor, members in result.neighbours.items():
        authority = directory.by_new_code(anchor)
        name = authority.name if authority else anchor
        AreaGroup.objects.update_or_create(
            kind=AreaGroup.Kind.STATISTICAL_NEIGHBOURS,
            anchor_code=anchor,
            model="",
            defaults={
                "name": f"Statistical neighbours of {name}",
                "members": list(members),
                "source": Path(neighbours_path).name,
            },
        )
    return len(result.neighbours)


@transaction.atomic
def load_key_figures(plan) -> ImportSummary:
    """The figures a plan quotes (with their benchmarks) as indicator values, marked with their source."""
    indicators = sync_catalogue()
    source = f"Quoted in {plan.title}"
    summary = ImportSummary(source=source)
    wanted: dict[tuple, dict] = {}
    for figure in plan.key_figures.exclude(indicator_code="").exclude(value=None):
        if figure.indicator_code not in indicators:
            continue
        # Benchmarks sit in the same period as the figure the plan compares them with; the
        # date the plan gives a benchmark, if different, is kept in its note.
        # A figure the plan gives no date for is filed under the year the plan starts, marked
        # as quoted (it is older than the plan, but the plan does not say by how much).
        period = figure.date_text or f"quoted, {plan.period_start.year}"
        entries = []
        region = ""
        for bench in figure.benchmarks:
            named = NAMED_AREAS.get(str(bench.get("area", "")).strip().lower())
            if named and bench.get("value") is not None:
                note = (
                    f"The plan gives this benchmark for {bench['date']}."
                    if bench.get("date")
                    else ""
                )
                entries.append((named[0], bench["area"], named[1], float(bench["value"]), "", note))
                if named[1] == AreaLevel.REGIONAL:
                    region = named[0]
        entries.insert(
            0,
            (
                plan.area.code,
                plan.area.name,
                AreaLevel.LOCAL_AUTHORITY,
                float(figure.value),
                region,
                "",
            ),
        )
        for code, name, level, value, region_code, note in entries:
            key = (figure.indicator_code, code, period, "")
            wanted[key] = {
                "area_name": name,
                "area_level": level,
                "old_la_code": "",
                "region_code": region_code,
                "time_identifier": "",
                "dimensions": {},
                "is_total": True,
                "value": value,
                "numerator": None,
                "denominator": None,
                "symbol": "",
                "source": source,
                "note": note,
            }
            if figure.indicator_code not in summary.indicators:
                summary.indicators.append(figure.indicator_code)
    _upsert(indicators, wanted, summary)
    return summary
