"""Read the CIN census (children in need, child protection) XML, 2017 to 2026 layouts.

The document is parsed with defusedxml (no DTD, no entities, no external references) and
streamed child by child, so a national file is never held in memory as a tree. Output
tables, all keyed by the pseudonymised ``CHILD`` and the collection ``YEAR``: children,
cin_details (one row per referral), assessments, cin_plans, section47, cp_plans and
cp_reviews. See cin_spec.py for the columns.

Layout differences handled: ``Sex`` (M/F/U, 2026) or ``GenderCurrent`` (1/2/0/9,
earlier); ``PreProceedingsandFGDM`` (2026) and any other element not listed in cin_spec.py
is ignored; element names are matched case-insensitively and without namespaces.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _columns as col
from . import _engine as eng
from . import cin_spec as spec
from ._xml import Collector, XmlRefused, local, stream, text_of
from .problems import WHOLE_DOCUMENT, Problem, ReadResult, SkippedRow, finish
from .pseudonymise import Pseudonymiser
from .ssda903 import year_of_folder

_CHILD_SOURCE = "ChildIdentifiers/LAchildID"


def read_cin_census(
    path: str | os.PathLike[str],
    *,
    pseudonymiser: Pseudonymiser,
    skip_invalid: bool = False,
    today: date | None = None,
    year: int | None = None,
) -> ReadResult:
    """Read, validate and pseudonymise CIN census XML: one file, or a folder of them.

    ``YEAR`` (year ending 31 March) comes from ``year``, else a year folder's name
    (``2024/``), else the header: the ``ReferenceDate`` (its year ending 31 March), or
    failing that the ``Year`` element.
    """
    today = today or date.today()
    root = Path(path)
    files = _files(root)
    tables: dict[str, list[pa.Table]] = {}
    problems: list[Problem] = []
    skipped: list[SkippedRow] = []
    fatal = not files
    if not files:
        text = "no CIN census XML file found" if root.exists() else "no such file or folder"
        problems.append(Problem(str(root), WHOLE_DOCUMENT, "(document)", "no_tables", text))
    for file in files:
        file_year = year or year_of_folder(file.parent.name)
        outcome = _read_file(file, pseudonymiser, today, file_year, skip_invalid)
        if isinstance(outcome, Problem):
            problems.append(outcome)
            fatal = True
            continue
        for name, (table, check) in outcome.items():
            problems.extend(check.problems())
            if skip_invalid:
                skipped.extend(check.skipped())
            tables.setdefault(name, []).append(table)
    merged = {n: pa.concat_tables(parts) for n, parts in tables.items()}
    return finish(merged, problems, skipped, fatal, skip_invalid)


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    found = [f for f in root.iterdir() if f.is_file() and f.suffix.lower() == ".xml"]
    for folder in root.iterdir():
        if folder.is_dir() and year_of_folder(folder.name):
            found += [f for f in folder.iterdir() if f.is_file() and f.suffix.lower() == ".xml"]
    return sorted(found)


def _read_file(
    file: Path, pseudonymiser: Pseudonymiser, today: date, year: int | None, skip_invalid: bool
) -> Problem | dict[str, tuple[pa.Table, eng.TableCheck]]:
    """One census file's tables and checks, or the problem that refuses it."""
    display = str(file)
    rows = {name: Collector(tuple(f.name for f in spec.fields(name))) for name in spec.TABLES}
    header: dict[str, str | None] = {}
    tags: dict[str, str] = {}
    try:
        for tag, element, where in stream(file, display, "child", frozenset({"header"})):
            if tag == "header":
                header = _header(element)
            else:
                _add_child(rows, element, where, header.get("LA"), tags)
    except XmlRefused as refused:
        return refused.problem
    census_year = _collection_year(header)
    if year is not None and census_year is not None and census_year != year:
        return Problem(
            display, "/Message/Header/CollectionDetails/ReferenceDate", "ReferenceDate",
            "year_mismatch",
            f"the census ReferenceDate is in the year ending 31 March {census_year}, "
            f"but the year given is {year}: nothing is loaded (check --year or the year folder)",
        )  # fmt: skip
    year = year or census_year
    out = {}
    for name, collected in rows.items():
        sources = {f.name: tags.get(f.name, src.rstrip("*")) for f, src in spec.TABLES[name]}
        sources["CHILD"] = _CHILD_SOURCE if name == "children" else f"child:{_CHILD_SOURCE}"
        labels = eng.XmlPaths(collected.paths, sources, collected.child_paths)
        check = eng.TableCheck(name, display, len(collected), labels)
        raw = collected.arrays()
        cleaned = eng.clean(check, raw, spec.fields(name), pseudonymiser, today, "yyyy-mm-dd")
        for start, end in spec.ORDER.get(name, ()):
            eng.flag_order(cleaned, start, end)
        for column, accepted in spec.LISTS.items():
            if column in cleaned.columns:
                cleaned.columns[column] = _code_list(cleaned, column, accepted)
        if name == "children":
            _flag_children(cleaned)
        if year is not None:
            cleaned.columns["YEAR"] = pa.array(np.full(check.n, year, dtype=np.int64))
        keep = ~check.bad if skip_invalid else None
        out[name] = (cleaned.table(keep), check)
    return out


def _header(element: ET.Element) -> dict[str, str | None]:
    return {
        "ReferenceDate": _find(element, "CollectionDetails/ReferenceDate"),
        "Year": _find(element, "CollectionDetails/Year"),
        "LA": _find(element, "Source/LEA"),
    }


def _collection_year(header: dict[str, str | None]) -> int | None:
    reference = header.get("ReferenceDate")
    if reference:
        try:
            when = date.fromisoformat(reference[:10])
        except ValueError:
            when = None
        if when is not None:
            return when.year if (when.month, when.day) <= (3, 31) else when.year + 1
    year_text = header.get("Year") or ""
    return int(year_text) if year_text.isdigit() and len(year_text) == 4 else None


def _elements(parent: ET.Element, path: str) -> list[ET.Element]:
    """Elements at ``path`` below ``parent``; a last step ``A|B`` accepts either tag."""
    current = [parent]
    for step in path.strip("*").split("/"):
        names = {s.lower() for s in step.split("|")}
        current = [c for p in current for c in p if local(c.tag) in names]
    return current


def _find(parent: ET.Element, path: str) -> str | None:
    if path.endswith("*"):
        items = [text_of(e) for e in _elements(parent, path)]
        items = [i for i in items if i]
        return spec.LIST_SEPARATOR.join(items) if items else None
    found = _elements(parent, path)
    return text_of(found[0]) if found else None


def _record(fields, element: ET.Element, tags: dict[str, str]) -> dict[str, str | None]:
    values = {}
    for field, source in fields:
        if not source:
            continue
        values[field.name] = _find(element, source)
        if "|" in source and field.name not in tags:
            found = _elements(element, source)
            if found:
                prefix = source.rsplit("/", 1)[0]
                tags[field.name] = f"{prefix}/{found[0].tag.rsplit('}', 1)[-1]}"
    return values


def _add_child(rows, child: ET.Element, where: str, la: str | None, tags) -> None:
    ident = {"CHILD": _find(child, _CHILD_SOURCE)}
    rows["children"].add({**_record(spec.CHILDREN, child, tags), "LA": la}, where, where)
    groups = ("Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans")
    tables = ("assessments", "cin_plans", "section47", "cp_plans")
    for r, referral in enumerate(_elements(child, "CINdetails"), start=1):
        ref_path, seq = f"{where}/CINdetails[{r}]", {"REFERRAL_SEQ": str(r)}
        rows["cin_details"].add(
            {**ident, **seq, **_record(spec.CIN_DETAILS, referral, tags)}, ref_path, where
        )
        for group, table in zip(groups, tables, strict=True):
            seq_name = spec.SEQ[table][1]
            for k, element in enumerate(_elements(referral, group), start=1):
                values = {**ident, **seq, seq_name: str(k)}
                values.update(_record(spec.TABLES[table], element, tags))
                rows[table].add(values, f"{ref_path}/{group}[{k}]", where)
                if table == "cp_plans":
                    _add_reviews(rows, element, {**values}, f"{ref_path}/{group}[{k}]", where)


def _add_reviews(rows, plan: ET.Element, values, plan_path: str, where: str) -> None:
    base = {k: values[k] for k in ("CHILD", "REFERRAL_SEQ", "CPP_SEQ")}
    for k, review in enumerate(_elements(plan, "Reviews/CPPreviewDate"), start=1):
        row = {**base, "REVIEW_SEQ": str(k), "CPPreviewDate": text_of(review)}
        rows["cp_reviews"].add(row, f"{plan_path}/Reviews/CPPreviewDate[{k}]", where)


def _code_list(cleaned: eng.Cleaned, column: str, accepted: frozenset[str]) -> pa.Array:
    """Split a repeated element into a list column and check each item's code."""
    joined = pc.utf8_upper(cleaned.columns[column])
    lists = pc.split_pattern(joined, spec.LIST_SEPARATOR)
    items = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    wrong = ~col.mask(pc.is_in(items, pa.array(sorted(accepted))))
    if wrong.any():
        rows = np.unique(parents[wrong])
        bad_items = col.pylist(items.filter(pa.array(wrong)))
        by_row: dict[int, list[str]] = {}
        for row, item in zip(parents[wrong].tolist(), bad_items, strict=True):
            by_row.setdefault(row, []).append(item)
        shown = pa.array([", ".join(by_row.get(i, [])) for i in range(len(joined))])
        text = f"{column} has codes not in the code list: {{}}"
        cleaned.check.flag(rows, column, "invalid_code", lambda v: text.format(v), shown)
    return lists


def _flag_children(cleaned: eng.Cleaned) -> None:
    """A date of birth (or an expected one, for an unborn child); each child once."""
    born = col.present(cleaned.columns["PersonBirthDate"])
    expected = col.present(cleaned.columns["ExpectedPersonBirthDate"])
    text = "PersonBirthDate is blank and there is no ExpectedPersonBirthDate"
    cleaned.check.flag(~born & ~expected, "PersonBirthDate", "required", text)
    if cleaned.check.n:
        gid, complete = eng.group_ids([cleaned.groups["CHILD"]])
        gid = np.where(complete, gid, -1 - np.arange(len(gid)))
        chosen, first_of = eng.first_rows(gid)
        labels = cleaned.check.labels
        for index in np.flatnonzero(~chosen).tolist():
            text = f"the same LAchildID appears again: first at {labels(int(first_of[index]))}"
            cleaned.check.flag(np.array([index]), "CHILD", "duplicate_child", text)
