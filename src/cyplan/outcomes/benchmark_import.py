"""Storing national benchmark series (EES, NEET, LAIT, Fingertips) and neighbour models.

Each file is read and checked in full first (:mod:`cyplan.analytics.benchmarks`); only a file
with no problem is written, in one transaction, and a value is matched on indicator, area,
period and breakdown, so loading a folder again changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.db import transaction

from cyplan.analytics import benchmarks as series
from cyplan.analytics.ees import DataFileError, csv_rows
from cyplan.analytics.la_history import load_history
from cyplan.outcomes.catalogue_sync import catalogue, sync_catalogue
from cyplan.outcomes.importing import VALUE_FIELDS, ImportProblems, ImportSummary
from cyplan.outcomes.models import AreaGroup, AreaLevel, IndicatorValue
from cyplan.outcomes.storing import upsert_values

LEVELS = {
    "national": AreaLevel.NATIONAL,
    "regional": AreaLevel.REGIONAL,
    "local authority": AreaLevel.LOCAL_AUTHORITY,
}


def multipliers() -> dict[str, int]:
    return {entry.code: entry.multiplier for entry in catalogue()}


def read_file(path: str | Path) -> list[series.SeriesValue]:
    """Read one benchmark file of any kind; ImportProblems lists every problem."""
    path = Path(path)
    try:
        kind = series.file_kind(path)
        if kind == "ees":
            return series.read_ees_series(path, multipliers=multipliers())
        if kind == "lait":
            return series.read_lait(path)
        if kind == "fingertips":
            return series.read_fingertips(path)
    except DataFileError as error:
        raise ImportProblems([str(p) for p in error.problems]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ImportProblems([f"{path}: cannot be read ({error})."]) from None
    raise ImportProblems([f"{path}: not an EES tidy CSV, a LAIT data set or a Fingertips export."])


def _stored_populations() -> dict[tuple[str, str], float]:
    return {
        (v.area_code, v.period): v.value
        for v in IndicatorValue.objects.filter(
            indicator__code="population-0-17", is_total=True, value__isnull=False
        ).only("area_code", "period", "value")
    }


def import_series_files(paths: list[str | Path], *, report=None) -> list[ImportSummary]:
    """Read every file, fill population rates, and store each file's figures.

    Files with problems are reported through ``report(path, error)`` and left out (nothing of
    theirs is written); with no ``report`` the first one raises ImportProblems.
    """
    groups: list[tuple[Path, list[series.SeriesValue]]] = []
    for path in map(Path, paths):
        try:
            groups.append((path, read_file(path)))
        except ImportProblems as error:
            if report is None:
                raise
            report(path, error)
    populations = _stored_populations()
    populations.update(series.population_series([(str(p), r) for p, r in groups]))
    every = [record for _path, records in groups for record in records]
    series.fill_population_rates(every, populations, multipliers())
    return [store_records(path.name, records) for path, records in groups]


PUBLISHED_KEY = "published=DfE"
"""The breakdown key of the published copy of a figure the returns engine also computes."""
COMPUTED = "Computed from"


def _home_areas() -> set[str]:
    from cyplan.plans.models import Area

    return set(Area.objects.values_list("code", flat=True))


@transaction.atomic
def store_records(name: str, records: list[series.SeriesValue]) -> ImportSummary:
    """Store one file's records (in one transaction).

    For the areas with a plan here, a figure of an indicator the returns engine computes is also
    kept as a published copy (breakdown ``published=DfE``), and a figure the engine computed is
    never overwritten by the published one, so the indicator page can show both.
    """
    indicators = sync_catalogue()
    summary = ImportSummary(source=name)
    wanted: dict[tuple, dict] = {}
    homes = _home_areas()
    computable = {e.code for e in catalogue() if e.computable_from}
    computed = set(
        IndicatorValue.objects.filter(
            area_code__in=homes, source__startswith=COMPUTED, dimensions_key=""
        ).values_list("indicator__code", "area_code", "period")
    )
    for record in records:
        if record.indicator not in indicators:
            continue
        if record.indicator not in summary.indicators:
            summary.indicators.append(record.indicator)
        key = (record.indicator, record.area_code, record.period, "")
        fields = _fields(record)
        if record.area_code in homes and record.indicator in computable:
            copy = dict(fields, dimensions={"published": "DfE"}, is_total=False)
            wanted[(*key[:3], PUBLISHED_KEY)] = copy
        if key[:3] not in computed:
            wanted[key] = fields
    summary.created, summary.updated, summary.unchanged = upsert_values(
        indicators, wanted, VALUE_FIELDS
    )
    return summary


def _fields(record: series.SeriesValue) -> dict:
    return {
        "area_name": record.area_name,
        "area_level": LEVELS.get(record.level, AreaLevel.OTHER),
        "old_la_code": (record.old_la_code or "")[:3],
        "region_code": record.region_code,
        "time_identifier": "",
        "dimensions": {},
        "is_total": True,
        "value": record.value,
        "numerator": record.numerator,
        "denominator": record.denominator,
        "symbol": record.symbol,
        "source": record.source[:300],
        "note": record.note,
    }


# --------------------------------------------------------------------------------------------
# Statistical neighbour models (DfE wide files: an LA per row, SN_1..SN_10 with closeness)
# --------------------------------------------------------------------------------------------

_SN = re.compile(r"^sn_?(\d{1,2})$", re.IGNORECASE)
_ANCHOR = ("old_la_code", "la num", "la number", "la_num")


def read_neighbour_model(path: str | Path) -> dict[str, tuple[list[str], list[str]]]:
    """Each LA's ranked neighbours (ONS codes) and their closeness, from a DfE model file.

    The file has one row per LA: its old LA number, then SN1 to SN10 (old LA numbers), each
    followed by its closeness ("Very close", "Close", "Somewhat close", "Not close"). Old LA
    numbers become today's ONS codes through the LA code history (Buckinghamshire 825 is
    E06000060). Raises ImportProblems naming each row and column it cannot use.
    """
    path = Path(path)
    history = load_history()
    try:
        rows = list(csv_rows(path))
    except DataFileError as error:
        raise ImportProblems([str(p) for p in error.problems]) from None
    if not rows:
        raise ImportProblems([f"{path}, row 1: the file is empty."])
    header = [c.strip() for c in rows[0]]
    lowered = [c.casefold() for c in header]
    anchor = next((lowered.index(name) for name in _ANCHOR if name in lowered), None)
    ranked = [(int(m[1]), i) for i, c in enumerate(header) if (m := _SN.match(c))]
    problems = []
    if anchor is None:
        problems.append(f"{path}, row 1: no old LA number column (old_la_code or LA num).")
    if len(ranked) < 1:
        problems.append(f"{path}, row 1: no neighbour columns (SN_1 to SN_10).")
    if problems:
        raise ImportProblems(problems)
    result: dict[str, tuple[list[str], list[str]]] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = [c.strip() for c in cells] + [""] * len(header)
        if not cells[anchor]:
            continue  # a heading or note row ("Old SNs:"), not an LA
        code = history.code_for_number(cells[anchor])
        if code is None:
            problems.append(f"{path}, row {number}, column {header[anchor]}: "
                            f"{cells[anchor]!r} is not an LA number in the code history.")  # fmt: skip
            continue
        members, closeness = [], []
        for _rank, index in sorted(ranked):
            text = cells[index]
            if not text:
                continue
            member = history.code_for_number(text)
            if member is None:
                problems.append(f"{path}, row {number}, column {header[index]}: {text!r} is not "
                                "an LA number in the code history.")  # fmt: skip
                continue
            members.append(member)
            closeness.append(
                cells[index + 1].strip().capitalize() if index + 1 < len(header) else ""
            )
        result[code] = (members, closeness)
    if problems:
        raise ImportProblems(problems)
    return result


@transaction.atomic
def import_neighbour_model(path: str | Path, model: str | None = None) -> int:
    """Store a neighbour model's groups (replacing the same model's); returns how many."""
    path = Path(path)
    if model is None:
        found = re.search(r"(20\d{2})", path.name) or re.search(r"(20\d{2})", str(path.parent))
        model = found[1] if found else ""
    groups = read_neighbour_model(path)
    history = load_history()
    for anchor, (members, closeness) in groups.items():
        AreaGroup.objects.update_or_create(
            kind=AreaGroup.Kind.STATISTICAL_NEIGHBOURS,
            anchor_code=anchor,
            model=model,
            defaults={
                "name": f"Statistical neighbours of {history.name(anchor)} ({model} model)",
                "members": members,
                "closeness": closeness,
                "source": path.name,
            },
        )
    return len(groups)


def series_files(root: Path) -> list[Path]:
    """Every benchmark data file under a folder laid out like shared/data."""
    found = []
    for folder in ("dfe-ees", "dfe-neet", "fingertips", "lait"):
        base = root / folder
        if base.is_dir():
            found += [p for p in sorted(base.rglob("*.csv")) if not p.name.endswith(".meta.csv")
                      and "dictionary" not in p.name]  # fmt: skip
            found += sorted(base.rglob("*.parquet"))
    return found
