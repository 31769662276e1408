"""Read the SSDA903 (children looked after) return: CSV tables or XML, one year or several.

``path`` may be:

* a folder of CSV files named after the tables (``header.csv``, ``Episodes.CSV`` ...);
* an XML file, or a folder holding one;
* a folder of year folders (``2023/``, ``2023-24/``...), each holding one of the above;
* a folder of CSV files with a ``YEAR`` column (several years in one set of files).

Every table gets a ``YEAR`` column: the collection year, ending 31 March YEAR. It comes from
the ``YEAR`` column, else the year folder's name, else the ``year`` argument, else the
latest episode start date, DECOM (the year ending 31 March that contains it).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _columns as col
from . import _engine as eng
from ._csv import FILE_FIELD, read_csv_columns
from ._xml import XmlRefused
from .problems import WHOLE_FILE, Problem, ReadResult, SkippedRow, finish
from .pseudonymise import Pseudonymiser
from .ssda903_spec import TABLES, table_for_file
from .ssda903_xml import read_903_xml

_YEAR_DIR = re.compile(r"^(\d{4})(?:[-_ ]?(\d{2}))?$")


@dataclass
class _Source:
    """One year's return: its CSV files or its XML file."""

    year: int | None
    csv: dict[str, Path] = field(default_factory=dict)
    xml: Path | None = None


@dataclass
class _Gathered:
    tables: dict[str, list[pa.Table]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    fatal: bool = False


def read_ssda903(
    path: str | os.PathLike[str],
    *,
    pseudonymiser: Pseudonymiser,
    skip_invalid: bool = False,
    today: date | None = None,
    year: int | None = None,
    row_labels: bool = False,
) -> ReadResult:
    """Read, validate and pseudonymise an SSDA903 return (see the module docstring).

    ``row_labels=True`` adds a ``_ROW`` column to every table: where the row came from (the
    CSV row number, or the XML element path), for validation reports. Never load it.
    """
    today = today or date.today()
    root = Path(path)
    out = _Gathered()
    sources = _discover(root, year, out)
    for source in sources:
        _read_source(source, pseudonymiser, today, skip_invalid, out, row_labels)
    tables = {}
    for name, parts in out.tables.items():
        # Each year's return is kept whole: an open episode sent again in the next return
        # stays in both, and the store decides which copy speaks for which dates.
        tables[name] = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    if not out.fatal and sources:
        episodes = tables.get("episodes")
        if episodes is None or episodes.num_rows == 0:
            where = str(root)
            text = (
                "the return has no usable episodes: nothing is loaded, so that a year's stored "
                "episodes are never replaced by none"
            )
            _fatal(out, where, "no_episodes", text)
    return finish(tables, out.problems, out.skipped, out.fatal, skip_invalid)


def year_of_folder(name: str) -> int | None:
    """``2023`` -> 2023; ``2022-23`` or ``2022_23`` -> 2023 (the year ending 31 March)."""
    match = _YEAR_DIR.match(name.strip())
    if not match:
        return None
    first = int(match.group(1))
    if match.group(2) is None:
        return first if 2000 <= first <= 2100 else None
    second = int(match.group(2))
    return first + 1 if (first + 1) % 100 == second and 2000 <= first < 2100 else None


def _fatal(out: _Gathered, where: str, rule: str, message: str) -> None:
    out.problems.append(Problem(where, WHOLE_FILE, FILE_FIELD, rule, message))
    out.fatal = True


def _discover(root: Path, year: int | None, out: _Gathered) -> list[_Source]:
    if not root.exists():
        _fatal(out, str(root), "not_found", "no such file or folder")
        return []
    if root.is_file():
        source = _Source(year or year_of_folder(root.parent.name))
        _add_file(source, root, out)
        return [source] if source.csv or source.xml else _none_found(root, out)
    year_dirs = sorted(
        (year_of_folder(d.name), d) for d in root.iterdir() if d.is_dir() and year_of_folder(d.name)
    )
    folders = year_dirs or [(year or year_of_folder(root.name), root)]
    sources = []
    for folder_year, folder in folders:
        source = _Source(folder_year)
        for file in sorted(folder.iterdir()):
            if file.is_file():
                _add_file(source, file, out)
        if source.csv and source.xml:
            source.xml = None  # the CSV tables are the return; an XML copy is ignored
        if source.csv or source.xml:
            sources.append(source)
    return sources or _none_found(root, out)


def _none_found(root: Path, out: _Gathered) -> list[_Source]:
    names = ", ".join(f"{n}.csv" for n in TABLES)
    _fatal(out, str(root), "no_tables", f"no SSDA903 tables found: expected {names} or an XML file")
    return []


def _add_file(source: _Source, file: Path, out: _Gathered) -> None:
    suffix = file.suffix.lower()
    if suffix == ".xml":
        if source.xml is not None:
            _fatal(out, str(file), "duplicate_file", f"two XML files for one year: {source.xml}")
        source.xml = file
    elif suffix == ".csv" and (table := table_for_file(file.name)):
        if table in source.csv:
            text = f"two files for the {table} table: {source.csv[table].name} and {file.name}"
            _fatal(out, str(file), "duplicate_file", text)
        source.csv[table] = file


def _read_source(
    source: _Source,
    pseudonymiser: Pseudonymiser,
    today: date,
    skip_invalid: bool,
    out: _Gathered,
    row_labels: bool = False,
) -> None:
    """Read one year's files, check them and their cross-table rules, add them to ``out``."""
    loaded: dict[str, tuple[eng.TableCheck, dict]] = {}
    if source.xml is not None:
        display = str(source.xml)
        try:
            parsed = read_903_xml(source.xml, display)
        except XmlRefused as refused:
            out.problems.append(refused.problem)
            out.fatal = True
            return
        for name, (raw, labels, n) in parsed.items():
            loaded[name] = (eng.TableCheck(name, display, n, labels), raw)
    for name, file in source.csv.items():
        spec, display = TABLES[name], str(file)
        read = read_csv_columns(file, display, spec.canonical, spec.required_columns)
        if read.fatal:
            out.problems.extend(read.fatal)
            out.fatal = True
            continue
        out.problems.extend(read.malformed)
        out.skipped.extend(SkippedRow(p.file, p.row, name, (p,)) for p in read.malformed)
        loaded[name] = (eng.TableCheck(name, display, read.n, read.labels), read.columns)
    cleaned = {
        name: eng.clean(check, raw, TABLES[name].fields, pseudonymiser, today)
        for name, (check, raw) in loaded.items()
    }
    for name, table in cleaned.items():
        for start, end in TABLES[name].order:
            eng.flag_order(table, start, end)
    if "episodes" in cleaned:
        _flag_duplicate_episodes(cleaned["episodes"])
    if "header" in cleaned:
        _flag_children_not_in_header(cleaned)
    inferred = _infer_year(cleaned)
    year = source.year or inferred
    if year is None:
        if "episodes" in cleaned:
            _fatal(out, str(source.csv.get("episodes") or source.xml), "no_year",
                   "the collection year cannot be told (no episode dates and no year folder): "
                   "give it with --year YYYY")  # fmt: skip
    else:
        _check_collection_year(cleaned, year, inferred, out, source)
    for name, table in cleaned.items():
        out.problems.extend(table.check.problems())
        if skip_invalid:
            out.skipped.extend(table.check.skipped())
        keep = ~table.check.bad if skip_invalid else None
        result = table.table(keep)
        if row_labels:
            labels = pa.array([str(table.check.labels(i)) for i in range(table.check.n)])
            if keep is not None:
                labels = labels.filter(pa.array(keep))
            result = result.append_column("_ROW", labels)
            result = result.append_column("_FILE", pa.array([table.check.file] * len(labels)))
        if year is not None:
            given = result.column("YEAR")
            filled = pc.fill_null(given, pa.scalar(year, pa.int64()))
            result = result.set_column(result.schema.get_field_index("YEAR"), "YEAR", filled)
        out.tables.setdefault(name, []).append(_year_first(result))


def _year_first(table: pa.Table) -> pa.Table:
    names = ["YEAR", *(n for n in table.column_names if n != "YEAR")]
    return table.select(names)


def _flag_duplicate_episodes(episodes: eng.Cleaned) -> None:
    """The same child starting two episodes on the same day (within one collection year)."""
    columns = episodes.columns
    decom_days, decom_ok = episodes.days["DECOM"]
    keys = [episodes.groups["CHILD"], np.where(decom_ok, decom_days, -1)]
    year = columns["YEAR"]
    if year.null_count < len(year):
        keys.append(year.fill_null(0).to_numpy(zero_copy_only=False))
    gid, complete = eng.group_ids(keys)
    gid = np.where(complete, gid, -1 - np.arange(len(gid)))  # incomplete keys never match
    chosen, first_of = eng.first_rows(gid)
    repeats = np.flatnonzero(~chosen)
    labels = episodes.check.labels
    for index in repeats.tolist():
        first = labels(int(first_of[index]), "DECOM")
        text = f"duplicate episode: same CHILD and DECOM as row {first}"
        episodes.check.flag(np.array([index]), "DECOM", "duplicate_episode", text)


def _key(cleaned: eng.Cleaned, with_year: bool) -> pa.Array:
    child = cleaned.columns["CHILD"]
    if not with_year:
        return child
    year = pc.cast(cleaned.columns["YEAR"], pa.string())
    return pc.binary_join_element_wise(year, child, "|")


def _flag_children_not_in_header(cleaned: dict[str, eng.Cleaned]) -> None:
    """Every child in another table must be in the header (of the same year)."""
    header = cleaned["header"]
    header_has_year = header.columns["YEAR"].null_count < len(header.columns["YEAR"])
    for name, table in cleaned.items():
        if name == "header":
            continue
        has_year = header_has_year and table.columns["YEAR"].null_count < table.check.n
        known = pc.unique(_key(header, has_year).drop_null())
        key = _key(table, has_year)
        missing = col.present(key) & ~col.mask(pc.is_in(key, value_set=known))
        text = "this child is not in the header table"
        table.check.flag(missing, "CHILD", "child_not_in_header", text)


def _infer_year(cleaned: dict[str, eng.Cleaned]) -> int | None:
    """The collection year ending 31 March that contains the latest episode start (DECOM)."""
    episodes = cleaned.get("episodes")
    if episodes is None or "DECOM" not in episodes.days:
        return None
    latest = None
    for name in ("DECOM",):
        if name in episodes.days:
            days, usable = episodes.days[name]
            if usable.any():
                value = int(days[usable].max())
                latest = value if latest is None else max(latest, value)
    if latest is None:
        return None
    when = date.fromordinal(date(1970, 1, 1).toordinal() + latest)
    return when.year if (when.month, when.day) <= (3, 31) else when.year + 1


def _check_collection_year(
    cleaned: dict[str, eng.Cleaned],
    year: int,
    inferred: int | None,
    out: _Gathered,
    source: _Source,
) -> None:
    """Dates that do not belong in the return for the year ending 31 March ``year``.

    * DfE rule 385: an episode ending after 31 March ``year``;
    * DfE rule 354: an episode starting after 31 March ``year``;
    * an episode that ended before 1 April ``year - 1`` is not in this collection year
      (an SSDA903 return holds the episodes open at some time in the year);
    * the whole return: when the latest episode date falls in an earlier year than the one
      given (``--year 2024`` on a 2017-18 return), it is refused.
    """
    episodes = cleaned.get("episodes")
    if episodes is None or "DECOM" not in episodes.days:
        return
    epoch = date(1970, 1, 1).toordinal()
    given = episodes.columns["YEAR"].fill_null(year).to_numpy(zero_copy_only=False)
    given = given.astype(np.int64)
    # Per row (a YEAR column may give several years): 1 April Y-1 and 31 March Y as day numbers.
    starts = np.array([date(int(y) - 1, 4, 1).toordinal() - epoch for y in given.tolist()])
    ends = np.array([date(int(y), 3, 31).toordinal() - epoch for y in given.tolist()])
    if given.size == 0:
        return
    first = int(starts.min()) if len(set(given.tolist())) == 1 else None
    never = (np.zeros(episodes.check.n, dtype=np.int64), np.zeros(episodes.check.n, dtype=bool))
    dec_days, dec_ok = episodes.days.get("DEC", never)
    decom_days, decom_ok = episodes.days["DECOM"]
    check = episodes.check
    check.flag(dec_ok & (dec_days > ends), "DEC", "385",
               "Date episode ceased must be on or before the end of the current collection "
               f"year. (collection year ending 31/03/{year})")  # fmt: skip
    check.flag(decom_ok & (decom_days > ends), "DECOM", "354",
               "Date episode started must be on or before the end of the current collection "
               f"year. (collection year ending 31/03/{year})")  # fmt: skip
    check.flag(dec_ok & (dec_days < starts), "DEC", "outside_collection_year",
               f"this episode ended before 1 April of the year before its collection year "
               f"(01/04/{year - 1} for {year}), so it is not in that return")  # fmt: skip
    latest = [
        int(d[ok].max()) for d, ok in ((decom_days, decom_ok), (dec_days, dec_ok)) if ok.any()
    ]
    if first is None:
        return
    # Only a return with some ended episode can be told apart: one whose episodes are all open
    # and began before the year fits any later year.
    if latest and dec_ok.any() and max(latest) < first:
        where = str(source.csv.get("episodes") or source.xml)
        _fatal(out, where, "year_mismatch",
               f"every episode date is before 01/04/{year - 1} (the latest in the year ending "
               f"31 March {inferred}), so this is not the return for {year}: "
               "this looks like another year's return (check --year or the year folder)")  # fmt: skip
