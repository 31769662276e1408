"""The quarter's updates in one workbook: one row per action out, every row checked back in.

A performance officer exports a plan's actions for a period (optionally one lead's), sends
the workbook round, and imports it back. The export carries, per action, what people need to
write an update (its text, measures, lead, target date, last status and narrative) and empty
cells for this period's status, RAG and narrative, with drop-down lists. The import checks
every row first (problems by sheet, row and column; nothing is written if one is wrong), then
writes the updates in one transaction as submitted, or as drafts.

Each row carries the action's id and a fingerprint of its wording (title, text, measures,
target date and leads) at export: a row whose action changed since is refused, so nobody's
update is filed against words they did not see.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cyplan.accounts import permissions
from cyplan.accounts.models import normalise_role
from cyplan.core.tables import safe_cell
from cyplan.delivery.models import ProgressUpdate, Rag, Status
from cyplan.delivery.periods import Period, periods_between
from cyplan.delivery.rollup import leaf_ids
from cyplan.plans.models import Plan, PlanNode
from cyplan.plans.nodes import plan_nodes

SHEET = "Updates"
ABOUT = "About"
#: (header, width, note) for each column, in order. The first and last are for cyplan.
COLUMNS = [
    ("Action id", 14, "cyplan's id for the action: do not change it"),
    ("Reference", 10, "the action's number in the plan"),
    ("Action", 60, "the action as the plan words it"),
    ("Measures of success", 45, "how the plan says success is measured"),
    ("Target date", 16, "as the plan words it"),
    ("Lead", 30, "who leads the action"),
    ("Last period", 14, "the period of the last update"),
    ("Last status", 14, "the status given then"),
    ("Last narrative", 50, "what was said then"),
    ("Status", 14, "required if you write an update: pick from the list"),
    ("RAG", 10, "optional: Red, Amber or Green (left empty, it follows the status)"),
    ("Narrative", 60, "required if you write an update: what happened this period"),
    ("Evidence link", 40, "optional: a link starting with https://"),
    ("Fingerprint", 14, "cyplan's check that the action has not changed: do not change it"),
]
HEADERS = [c[0] for c in COLUMNS]
STATUS_BY_WORD = {
    **{label.casefold(): value for value, label in Status.choices},
    **{value.casefold(): value for value in Status.values},
}
RAG_BY_WORD = {label.casefold(): value for value, label in Rag.choices if value} | {
    value: value for value in ("red", "amber", "green")
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook, and where: sheet, row and column."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class WorkbookError(Exception):
    """Raised when a workbook has problems; carries every one. Nothing was written."""

    def __init__(self, name: str, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"{name}: {count} problem{'s' if count != 1 else ''} found; nothing was changed:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


@dataclass
class UpdateRow:
    row: int
    node: PlanNode
    status: str
    rag: str
    narrative: str
    evidence: str


@dataclass
class ImportSummary:
    plan: Plan
    period: Period
    written: list[ProgressUpdate] = field(default_factory=list)
    skipped: int = 0
    submitted: bool = True

    def __str__(self) -> str:
        state = "submitted for approval" if self.submitted else "saved as drafts"
        return (
            f"{len(self.written)} update{'s' if len(self.written) != 1 else ''} for "
            f"{self.period.label} {state} on {self.plan.title}; {self.skipped} row"
            f"{'s' if self.skipped != 1 else ''} left empty."
        )


def plan_periods(plan: Plan) -> list[Period]:
    return periods_between(plan.period_start, plan.period_end, plan.reporting_period)


def find_period(plan: Plan, text: str) -> Period | None:
    """A plan's period given as its key (``2024-25-Q3``) or as people write it
    (``Q3 2024/25``): the one parser, ``periods.parse_period``, then the plan's own periods."""
    from cyplan.delivery.periods import PeriodError, parse_period

    try:
        wanted = parse_period(text)
    except PeriodError:
        return None
    return next((p for p in plan_periods(plan) if p.key == wanted.key), None)


def fingerprint(node: PlanNode) -> str:
    """A short digest of what the action says, to notice that it changed since export."""
    words = {
        "title": node.title,
        "text": node.text,
        "measures": list(node.measures),
        "target": node.target_date_text,
        "leads": [lead.role for lead in node.leads.all()],
    }
    return hashlib.sha256(json.dumps(words, sort_keys=True).encode()).hexdigest()[:16]


def export_nodes(plan: Plan, lead: str | None = None, user=None) -> list[PlanNode]:
    """The nodes that take updates (actions, and commitments without actions), in order;
    only those of ``lead`` (a role, any registered spelling) if given, and only those
    ``user`` leads if given."""
    infos = plan_nodes(plan)
    leaves = leaf_ids(infos)
    if user is not None:
        matches = permissions.lead_matcher(user)
        infos = [info for info in infos if matches(info.leads)]
    wanted = None
    if lead:
        from cyplan.accounts.models import registered_role_names

        registry = registered_role_names()
        wanted = {normalise_role(lead)}
        if normalise_role(lead) in registry:
            wanted.add(normalise_role(registry[normalise_role(lead)]))
    ids = [
        info.id
        for info in infos
        if info.id in leaves
        and (
            wanted is None
            or any(
                normalise_role(x.role) in wanted or normalise_role(x.registered_role) in wanted
                for x in info.leads
            )
        )
    ]
    by_id = PlanNode.objects.select_related("parent").prefetch_related("leads__organisation")
    nodes = by_id.in_bulk(ids)
    return [nodes[i] for i in ids]


def write_update_workbook(plan: Plan, period: Period, lead: str | None = None, user=None):
    """The workbook for ``plan`` and ``period`` (an openpyxl Workbook, not yet saved); only
    ``user``'s actions when given (a lead downloading their own)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    nodes = export_nodes(plan, lead, user)
    last = _last_updates(nodes, period)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    bold = Font(bold=True)
    to_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, (_header, width, note) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.comment = Comment(note, "cyplan")
        sheet.column_dimensions[cell.column_letter].width = width
    for node in nodes:
        previous = last.get(node.id)
        sheet.append(
            [
                node.key,
                _reference(node),
                safe_cell(node.text or node.title),
                safe_cell("\n".join(node.measures)),
                safe_cell(node.target_date_text),
                safe_cell("; ".join(lead.role for lead in node.leads.all())),
                previous.period_label if previous else "",
                previous.get_status_display() if previous else "",
                safe_cell(previous.narrative) if previous else "",
                "",
                "",
                "",
                "",
                fingerprint(node),
            ]
        )
    last_row = max(sheet.max_row, 2)
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(label for _, label in Status.choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error="Pick a status from the list",
    )
    rag = DataValidation(
        type="list",
        formula1='"Red,Amber,Green"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="RAG",
        error="Pick Red, Amber or Green, or leave it empty",
    )
    sheet.add_data_validation(status)
    sheet.add_data_validation(rag)
    status.add(f"J2:J{last_row}")
    rag.add(f"K2:K{last_row}")
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in row[9:13]:
            cell.fill = to_fill
    sheet.freeze_panes = "D2"
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["N"].hidden = True

    about = book.create_sheet(ABOUT)
    about.append(["Plan", plan.slug])
    about.append(["Plan title", plan.title])
    about.append(["Period", period.key])
    about.append(["Period label", period.label])
    about.append(["Lead", lead or "every lead"])
    about.append(["Exported", timezone.localtime().isoformat(timespec="minutes")])
    about.append([])
    about.append(
        [
            "How to fill it in",
            "For each action you report on, pick a Status, write a Narrative and, if you like, a "
            "RAG rating and an evidence link, in the yellow cells of the Updates sheet. Leave a "
            "row empty to say nothing for that action. Do not change the hidden columns or this "
            "sheet. Send the workbook back, or upload it on the plan's Updates workbook page.",
        ]
    )
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 100
    for cell in about["A"]:
        cell.font = bold
    return book


def _reference(node: PlanNode) -> str:
    if node.parent is None:
        return node.number
    if node.kind == "action":
        return f"{node.parent.number} {node.number})"
    return f"{node.parent.number}.{node.number}"


def _last_updates(nodes: list[PlanNode], period: Period) -> dict[int, ProgressUpdate]:
    """Each node's latest update before ``period`` (any state: staff read the workbook)."""
    from django.db.models import Max

    latest = dict(
        ProgressUpdate.objects.filter(node__in=nodes, period__lt=period.key)
        .order_by()
        .values("node_id")
        .annotate(last=Max("period"))
        .values_list("node_id", "last")
    )
    found: dict[int, ProgressUpdate] = {}
    wanted = ProgressUpdate.objects.filter(
        node_id__in=list(latest), period__in=set(latest.values())
    ).order_by()
    for update in wanted:
        if latest.get(update.node_id) == update.period:
            found[update.node_id] = update
    return found


def read_update_workbook(source: str | Path | IO[bytes], user, name: str = ""):
    """Read and check a workbook; return (plan, period, rows to write, rows left empty).

    Raises WorkbookError with every problem found, by sheet, row and column.
    """
    from openpyxl import load_workbook

    name = name or str(source)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookError(
            name, [Problem("", None, "", f"cannot open it as an Excel workbook (.xlsx): {error}")]
        ) from error
    try:
        missing = [s for s in (SHEET, ABOUT) if s not in book.sheetnames]
        if missing:
            raise WorkbookError(
                name,
                [
                    Problem(
                        sheet,
                        None,
                        "",
                        "the workbook has no such sheet: export a new one with "
                        "'cyplan updates export' or the plan's Updates workbook page",
                    )
                    for sheet in missing
                ],
            )
        about = {
            _text(row[0]): _text(row[1]) if len(row) > 1 else ""
            for row in book[ABOUT].iter_rows(values_only=True)
            if row and row[0]
        }
        table = [list(row) for row in book[SHEET].iter_rows(values_only=True)]
    finally:
        book.close()
    problems: list[Problem] = []
    plan = Plan.objects.filter(slug=about.get("Plan", "")).first()
    if plan is None:
        raise WorkbookError(
            name, [Problem(ABOUT, 1, "B", f"no plan {about.get('Plan', '')!r} in cyplan")]
        )
    period = find_period(plan, about.get("Period", ""))
    if period is None:
        raise WorkbookError(
            name,
            [Problem(ABOUT, 3, "B", f"{about.get('Period')!r} is not a period of {plan.title}")],
        )
    header = [_text(cell) for cell in (table[0] if table else [])]
    columns = {title: index for index, title in enumerate(header)}
    absent = [title for title in HEADERS if title not in columns]
    if absent:
        raise WorkbookError(
            name,
            [
                Problem(SHEET, 1, title, "this column is missing; do not delete columns")
                for title in absent
            ],
        )
    nodes = {
        n.key: n
        for n in PlanNode.objects.filter(plan=plan)
        .select_related("plan", "parent")
        .prefetch_related("leads", "children")
    }
    existing_updates = {
        u.node_id: u for u in ProgressUpdate.objects.filter(node__plan=plan, period=period.key)
    }
    rows: list[UpdateRow] = []
    skipped = 0
    seen: dict[str, int] = {}
    for number, values in enumerate(table[1:], start=2):
        cell = {title: _text(values[i]) if i < len(values) else "" for title, i in columns.items()}
        if not any(cell.values()):
            continue
        status_text, narrative = cell["Status"], cell["Narrative"]
        if not (status_text or narrative or cell["RAG"] or cell["Evidence link"]):
            skipped += 1
            continue
        key = cell["Action id"]
        node = nodes.get(key)
        if node is None:
            problems.append(
                Problem(SHEET, number, "Action id", f"no action {key!r} in {plan.title}")
            )
            continue
        if key in seen:
            problems.append(
                Problem(SHEET, number, "Action id", f"this action is also on row {seen[key]}")
            )
            continue
        seen[key] = number
        if cell["Fingerprint"] != fingerprint(node):
            problems.append(
                Problem(
                    SHEET,
                    number,
                    "Action",
                    "this action has changed in the plan since the workbook was exported: "
                    "export a new workbook and copy your update into it",
                )
            )
            continue
        status = STATUS_BY_WORD.get(status_text.casefold())
        if status is None:
            problems.append(Problem(SHEET, number, "Status", "pick a status from the list"))
        rag = ""
        if cell["RAG"]:
            rag = RAG_BY_WORD.get(cell["RAG"].casefold(), "")
            if not rag:
                problems.append(
                    Problem(SHEET, number, "RAG", "pick Red, Amber or Green, or leave it empty")
                )
        if not narrative:
            problems.append(Problem(SHEET, number, "Narrative", "write what happened this period"))
        elif len(narrative) > 5000:
            problems.append(
                Problem(
                    SHEET, number, "Narrative", "the narrative must be 5,000 characters or fewer"
                )
            )
        link = cell["Evidence link"]
        if link and not re.match(r"^https?://[^\s/]+", link):
            problems.append(
                Problem(
                    SHEET, number, "Evidence link", "enter a link starting with https:// or http://"
                )
            )
        if not permissions.can_record_update(user, node):
            problems.append(
                Problem(
                    SHEET, number, "Lead", "you do not lead this action, so you cannot update it"
                )
            )
        existing = existing_updates.get(node.id)
        if existing is not None and not permissions.can_edit_update(user, existing):
            problems.append(
                Problem(
                    SHEET,
                    number,
                    "Status",
                    f"the {period.label.split(' (')[0]} update is already approved, or another "
                    "lead has started it; ask a plan manager to change it",
                )
            )
        if status is not None:
            rows.append(UpdateRow(number, node, status, rag, narrative, link))
    if problems:
        raise WorkbookError(name, problems)
    return plan, period, rows, skipped


@transaction.atomic
def import_update_workbook(
    source: str | Path | IO[bytes], user, *, submit: bool = True, name: str = ""
) -> ImportSummary:
    """Check a workbook and write its updates in one transaction, or raise WorkbookError."""
    from cyplan.delivery.services import UpdateInput, save_updates

    plan, period, rows, skipped = read_update_workbook(source, user, name)
    summary = ImportSummary(plan, period, skipped=skipped, submitted=submit)
    entries = [
        (
            row.node,
            UpdateInput(
                period=period.key,
                status=row.status,
                narrative=row.narrative,
                rag=row.rag,
                evidence_links=[{"url": row.evidence}] if row.evidence else [],
            ),
        )
        for row in rows
    ]
    try:
        summary.written = save_updates(user, entries, submit=submit)
    except (ValidationError, PermissionDenied) as error:
        # read_update_workbook checked these already; a rule it missed still stops it all
        by_key = {row.node.key: row.row for row in rows}
        message = "; ".join(getattr(error, "messages", [str(error)]))
        key = next(iter(getattr(error, "message_dict", {})), "").split(".")[0]
        raise WorkbookError(
            name or str(source), [Problem(SHEET, by_key.get(key), "", message)]
        ) from error
    return summary


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
