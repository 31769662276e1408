"""The SSDA903 return as XML (``<EXPSSDA903><CHILD><HEADER>...<EPISODE>...``), streamed into
the same string tables as the CSV files, so both go through the same checks.

Layout (as exported by case-management systems and the DfE's COLLECT): each ``CHILD`` has
one ``HEADER`` and any number of ``EPISODE`` elements. The header's own elements are the
header table (``CHILDID`` is ``CHILD``), plus the UASC (``UASC``, ``DUC``), OC3 and AD1
fields for the children they apply to; its ``AREVIEW``, ``AMISSING``, ``OC2``,
``PERMANENCE`` and ``AD_PLACED`` elements are rows of the other tables. ``PL`` in an
episode is ``PLACE``. Social worker and DoLo records are recognised by their fields
(``SW_ID``, ``DOLO_START``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ._engine import XmlPaths
from ._xml import Collector, children_by_tag, local, stream, text_of
from .ssda903_spec import TABLES

_RENAME = {"CHILDID": "CHILD", "PL": "PLACE"}
_TAG = {"CHILD": "CHILDID", "PLACE": "PL"}
_SUBTABLES = {
    "areview": "reviews",
    "amissing": "missing",
    "oc2": "oc2",
    "permanence": "previous_permanence",
    "ad_placed": "placed_for_adoption",
}
_BY_FIELD = {"SW_ID": "sw_episodes", "DOLO_START": "dolo", "REVIEW": "reviews"}
_FROM_HEADER = {"CHILD", "DOB", "SEX"}
_OPTIONAL_GROUPS = {
    "oc3": ("IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
}


def _columns(table: str) -> tuple[str, ...]:
    return tuple(f.name for f in TABLES[table].fields if f.name != "YEAR")


def _leaves(element: ET.Element) -> dict[str, str | None]:
    values = {}
    for child in element:
        if len(child) == 0:
            name = child.tag.rsplit("}", 1)[-1].upper()
            values[_RENAME.get(name, name)] = text_of(child)
    return values


def read_903_xml(path: Path, display: str) -> dict[str, tuple[dict, XmlPaths, int]]:
    """String columns, row labels and row count for each table found in the document.

    Raises ``XmlRefused`` for an unsafe or malformed document.
    """
    rows = {name: Collector(_columns(name)) for name in TABLES}
    for _, child, child_path in stream(path, display, "child"):
        parts = children_by_tag(child)
        header_el = (parts.get("header") or [None])[0]
        header = _leaves(header_el) if header_el is not None else {}
        common = {k: header.get(k) for k in _FROM_HEADER}
        header_path = f"{child_path}/HEADER"
        rows["header"].add(header, header_path, child_path)
        uasc = (header.get("UASC") or "").upper() in ("1", "TRUE", "Y", "YES")
        if uasc or header.get("DUC"):
            rows["uasc"].add(header, header_path, child_path)
        for table, names in _OPTIONAL_GROUPS.items():
            if any(header.get(name) for name in names):
                rows[table].add(header, header_path, child_path)
        if header_el is not None:
            _add_subtables(rows, header_el, common, header_path, child_path)
        for k, episode in enumerate(parts.get("episode", []), start=1):
            values = {**common, **_leaves(episode)}
            rows["episodes"].add(values, f"{child_path}/EPISODE[{k}]", child_path)
    out = {}
    for name, collected in rows.items():
        if not len(collected) and name not in ("header", "episodes"):
            continue
        sources = {c: _TAG.get(c, c) for c in collected.columns}
        for c in _FROM_HEADER:
            sources[c] = f"child:HEADER/{_TAG.get(c, c)}"
        if name == "header":
            sources = {c: _TAG.get(c, c) for c in collected.columns}
        labels = XmlPaths(collected.paths, sources, collected.child_paths)
        out[name] = (collected.arrays(), labels, len(collected))
    return out


def _add_subtables(rows, header_el: ET.Element, common, header_path: str, child_path: str):
    seen: dict[str, int] = {}
    for element in header_el:
        if len(element) == 0:
            continue
        tag = local(element.tag)
        values = _leaves(element)
        table = _SUBTABLES.get(tag) or next(
            (t for field, t in _BY_FIELD.items() if field in values), None
        )
        if table is None:
            continue
        seen[tag] = seen.get(tag, 0) + 1
        name = element.tag.rsplit("}", 1)[-1]
        where = f"{header_path}/{name}[{seen[tag]}]"
        rows[table].add({**values, **common}, where, child_path)
