"""Plans as Excel workbooks, laid out like a portfolio plan's action tables.

A workbook has a ``Plan`` sheet (one row per field: slug, title, area name, area code,
period start, period end, …) and an ``Actions`` sheet with the columns
``Ambition or priority | Commitment | Detail | Measures of success | Target date | Lead | Id``.
A filled *Ambition or priority* cell starts a top-level node, a filled *Commitment* cell a
commitment and a filled *Detail* cell an action. A row with only measures, dates or leads
continues the action above (as rows do in a printed table). An empty *Lead* means the same
lead as the action above in the same commitment (a merged cell). Measures and leads may be
several lines in one cell. ``read_workbook`` turns the workbook into plan data and then runs
the same checks as a YAML plan file, so errors name the sheet, row and column.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cyplan.plans import models as m
from cyplan.plans.exporter import plan_document
from cyplan.plans.plan_file import FORMAT, PlanFile, Problem, check_plan_data, measure_items

ACTION_COLUMNS = [
    "Ambition or priority",
    "Commitment",
    "Detail",
    "Measures of success",
    "Target date",
    "Lead",
    "Id",
]
PLAN_FIELDS = [
    ("slug", "Slug (stable id, e.g. my-area-cypp-2025-2028)"),
    ("title", "Title"),
    ("area_name", "Area name"),
    ("area_code", "Area code (ONS, e.g. E09000006)"),
    ("old_la_code", "Old LA code (3 digits)"),
    ("period_start", "Period start (YYYY-MM-DD)"),
    ("period_end", "Period end (YYYY-MM-DD)"),
    ("status", "Status (draft, published or archived)"),
    ("owner", "Owner"),
    ("vision", "Vision"),
]
_TOP = re.compile(r"^\s*(ambition|priority)\s+(\w+)\s*[:.\-–]\s*(.+)$", re.IGNORECASE | re.DOTALL)
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s*(.+)$", re.DOTALL)
_LETTERED = re.compile(r"^\s*\(?([a-z])\)\s*(.+)$", re.DOTALL)
_BULLET = re.compile(r"^\s*[-•·*]\s*")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def first_sentence(text: str) -> str:
    """A node's title from its text: the first sentence, or the first line."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    match = re.match(r"^(.+?[.!?])(\s|$)", line)
    return (match.group(1) if match else line).strip()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _lines(text: str) -> list[str]:
    return [_BULLET.sub("", line).strip() for line in text.splitlines() if line.strip()]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_workbook(path: str | Path, display_name: str | None = None) -> PlanFile:
    """Read an action-plan workbook into checked plan data (see the module docstring)."""
    name = display_name or str(path)
    result = PlanFile(name=name)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        result.problems.append(
            Problem(name, None, None, "", f"cannot open it as an Excel workbook (.xlsx): {error}")
        )
        return result
    try:
        for sheet in ("Plan", "Actions"):
            if sheet not in book.sheetnames:
                result.problems.append(
                    Problem(
                        name,
                        None,
                        None,
                        sheet,
                        f"the workbook has no sheet named {sheet!r}; run 'cyplan plan template FILE' for an example",
                    )
                )
        if result.problems:
            return result
        spec = _read_plan_sheet(book["Plan"], result)
        nodes = _read_actions_sheet(book["Actions"], result)
    finally:
        book.close()
    if result.problems:
        return result
    result.data = {"format": FORMAT, "plan": spec, "nodes": nodes}
    # Remember where each node came from, so that schema problems name the row.
    for index, node in enumerate(nodes):
        row = node.pop("_row")
        result.positions[("nodes", index)] = (row, 1)
    for key, row in spec.pop("_rows").items():
        result.positions[("plan", *key)] = (row, 2)
    check_plan_data(result)
    result.problems = [
        Problem(p.file, p.line, p.column, _sheet_of(p.field) + p.field, p.message)
        for p in result.problems
    ]
    return result


def _sheet_of(field: str) -> str:
    return (
        "Actions sheet, "
        if field.startswith("nodes")
        else "Plan sheet, "
        if field.startswith("plan")
        else ""
    )


def _read_plan_sheet(sheet, result: PlanFile) -> dict:
    labels = {label.split(" (")[0].lower(): key for key, label in PLAN_FIELDS}
    labels.update({key: key for key, _ in PLAN_FIELDS})
    values: dict[str, tuple[str, int]] = {}
    for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not row or row[0] is None:
            continue
        label = _cell_text(row[0]).split(" (")[0].strip().lower()
        if label in ("field",):
            continue
        key = labels.get(label)
        if key is None:
            result.problems.append(
                Problem(result.name, row_number, 1, "Plan sheet", f"unknown field {row[0]!r}")
            )
            continue
        values[key] = (_cell_text(row[1] if len(row) > 1 else None), row_number)
    spec: dict[str, Any] = {"_rows": {}}

    def put(path: tuple, key: str) -> None:
        if key in values and values[key][0]:
            target = spec
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = values[key][0]
            spec["_rows"][path] = values[key][1]

    put(("slug",), "slug")
    put(("title",), "title")
    put(("area", "name"), "area_name")
    put(("area", "code"), "area_code")
    put(("area", "old_code"), "old_la_code")
    put(("period", "start"), "period_start")
    put(("period", "end"), "period_end")
    put(("status",), "status")
    put(("owner",), "owner")
    put(("vision",), "vision")
    return spec


def _read_actions_sheet(sheet, result: PlanFile) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    header = [(_cell_text(c)).lower() for c in next(rows, ())]
    wanted = [c.lower() for c in ACTION_COLUMNS]
    missing = [c for c in wanted[:6] if c not in header]
    if missing:
        result.problems.append(
            Problem(
                result.name,
                1,
                None,
                "Actions sheet",
                "the first row must name the columns "
                + ", ".join(ACTION_COLUMNS[:6])
                + f"; missing: {', '.join(missing)}",
            )
        )
        return []
    col = {name: header.index(name) for name in wanted if name in header}
    nodes: list[dict] = []
    top: dict | None = None
    commitment: dict | None = None
    action: dict | None = None
    commitments_seen = actions_seen = tops_seen = 0

    for row_number, row in enumerate(rows, start=2):
        values = {
            name: _cell_text(row[col[name]]) if name in col and col[name] < len(row) else ""
            for name in wanted
        }
        if not any(values.values()):
            continue
        where = f"Actions row {row_number}"
        # The Id column names the most specific node that this row starts.
        starts = [name for name in ("ambition or priority", "commitment", "detail") if values[name]]
        given_id = {starts[-1]: values["id"]} if starts and values["id"] else {}
        if values["ambition or priority"]:
            tops_seen += 1
            match = _TOP.match(values["ambition or priority"])
            kind, number, title = (
                (match[1].lower(), match[2], match[3].strip())
                if match
                else ("priority", str(tops_seen), values["ambition or priority"])
            )
            top = {
                "id": given_id.get("ambition or priority") or f"{kind}-{_slug(number)}",
                "kind": kind,
                "number": number,
                "title": title,
                "_row": row_number,
            }
            nodes.append(top)
            commitment = action = None
            commitments_seen = 0
        if values["commitment"]:
            commitments_seen += 1
            match = _NUMBERED.match(values["commitment"])
            number, text = (
                (match[1], match[2].strip())
                if match
                else (str(commitments_seen), values["commitment"])
            )
            prefix = top["id"] if top else "commitment"
            commitment = {
                "id": given_id.get("commitment") or f"{prefix}-c{_slug(number)}",
                "kind": "commitment",
                "number": number,
                "title": first_sentence(text),
                "text": text,
                "_row": row_number,
            }
            if top:
                commitment["parent"] = top["id"]
            nodes.append(commitment)
            action = None
            actions_seen = 0
        if values["detail"]:
            if commitment is None:
                result.problems.append(
                    Problem(
                        result.name,
                        row_number,
                        col["detail"] + 1,
                        where,
                        "an action (Detail) must come under a commitment: fill in the "
                        "Commitment column on this row or a row above",
                    )
                )
                continue
            actions_seen += 1
            match = _LETTERED.match(values["detail"])
            letter = match[1] if match else chr(ord("a") + actions_seen - 1)
            text = match[2].strip() if match else values["detail"]
            inherited = action["leads"] if action and action.get("leads") else None
            action = {
                "id": given_id.get("detail") or f"{commitment['id']}-{letter}",
                "parent": commitment["id"],
                "kind": "action",
                "number": letter,
                "title": first_sentence(text),
                "text": text,
                "_row": row_number,
            }
            nodes.append(action)
            _apply_cells(action, values, inherited)
        elif starts:
            # A row that starts a commitment or a top-level node may carry its own measures.
            _apply_cells(nodes[-1], values, None)
        elif action is not None:
            _apply_cells(action, values, None, continuing=True)
        else:
            result.problems.append(
                Problem(
                    result.name,
                    row_number,
                    None,
                    where,
                    "this row has measures, a date or a lead but no action above it to belong to",
                )
            )
    return nodes


def _apply_cells(node: dict, values: dict, inherited, continuing: bool = False) -> None:
    """Put a row's measures, target date and leads on a node (or add them, continuing)."""
    measures = _lines(values["measures of success"])
    if measures:
        node.setdefault("measures", []).extend(measures)
    if values["target date"]:
        dates = values["target date"].replace("\n", "; ")
        node["target_date_text"] = (
            f"{node['target_date_text']}; {dates}"
            if continuing and node.get("target_date_text")
            else dates
        )
    leads = [{"role": role} for role in _lines(values["lead"])]
    if leads:
        node.setdefault("leads", [])
        node["leads"].extend(lead for lead in leads if lead not in node["leads"])
    elif inherited and not continuing:
        node["leads"] = [dict(lead) for lead in inherited]


def _write_row(sheet, values: list[Any]) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            if cell.value.startswith(_FORMULA_START):
                # Stored as text, never as a formula: a plan's words can start with "-".
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_workbook(plan: m.Plan, path: str | Path) -> None:
    """Write a plan as a workbook that ``read_workbook`` reads back."""
    document = plan_document(plan)
    spec = document["plan"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    _write_row(sheet, ["Field", "Value"])
    flat = {
        "slug": spec["slug"],
        "title": spec["title"],
        "area_name": spec["area"]["name"],
        "area_code": spec["area"]["code"],
        "old_la_code": spec["area"].get("old_code", ""),
        "period_start": spec["period"]["start"],
        "period_end": spec["period"]["end"],
        "status": spec.get("status", "draft"),
        "owner": spec.get("owner", ""),
        "vision": spec.get("vision", ""),
    }
    for key, label in PLAN_FIELDS:
        _write_row(sheet, [label, flat[key]])
    _style(sheet, [32, 100])

    actions = book.create_sheet("Actions")
    _write_row(actions, ACTION_COLUMNS)
    by_id = {n["id"]: n for n in document["nodes"]}
    for node in document["nodes"]:
        kind = node["kind"]
        # A measure's own date and leads have no column of their own: its text only.
        measures = "\n".join(item["text"] for item in measure_items(node))
        leads = "\n".join(lead["role"] for lead in node.get("leads", []))
        date_text = node.get("target_date_text", "")
        text = node.get("text") or node["title"]
        number = node.get("number", "")
        if kind in ("ambition", "priority"):
            row = [
                f"{kind.title()} {number}: {node['title']}",
                "",
                "",
                measures,
                date_text,
                leads,
                node["id"],
            ]
        elif kind == "commitment":
            row = [
                "",
                f"{number}. {text}" if number else text,
                "",
                measures,
                date_text,
                leads,
                node["id"],
            ]
        else:
            parent = by_id.get(node.get("parent"), {})
            if parent.get("kind") != "commitment":
                continue  # only actions under commitments fit the table
            row = [
                "",
                "",
                f"{number}) {text}" if number else text,
                measures,
                date_text,
                leads,
                node["id"],
            ]
        _write_row(actions, row)
    _style(actions, [30, 50, 50, 50, 18, 30, 18])

    if document.get("strategies"):
        priorities = [n for n in document["nodes"] if n.get("parent") is None]
        strategies = book.create_sheet("Strategies")
        _write_row(strategies, ["Strategy", "Period"] + [n["title"] for n in priorities])
        for strategy in document["strategies"]:
            ticks = ["Yes" if n["id"] in strategy.get("aligned_to", []) else "" for n in priorities]
            _write_row(strategies, [strategy["title"], strategy.get("period", "")] + ticks)
        _style(strategies, [50, 16] + [20] * len(priorities))
    book.save(path)


def write_template(path: str | Path) -> None:
    """An empty workbook with the two sheets and an example row, for a new plan."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    _write_row(sheet, ["Field", "Value"])
    example = {
        "slug": "my-area-cypp-2025-2028",
        "title": "Children and Young People's Plan 2025 to 2028",
        "area_name": "",
        "area_code": "",
        "old_la_code": "",
        "period_start": "2025-04-01",
        "period_end": "2028-03-31",
        "status": "draft",
        "owner": "",
        "vision": "",
    }
    for key, label in PLAN_FIELDS:
        _write_row(sheet, [label, example[key]])
    _style(sheet, [40, 60])
    actions = book.create_sheet("Actions")
    _write_row(actions, ACTION_COLUMNS)
    _write_row(
        actions,
        [
            "Priority 1: Early help",
            "1. Help families early.",
            "a) Run parenting courses.",
            "Number of courses\nParents' feedback",
            "April 2026",
            "Head of Early Help",
            "",
        ],
    )
    _style(actions, [30, 50, 50, 50, 18, 30, 18])
    book.save(path)


def _style(sheet, widths: list[int]) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
