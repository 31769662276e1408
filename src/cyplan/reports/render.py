"""Board packs and scrutiny reports as HTML, PDF (WeasyPrint), Word (python-docx) and Excel.

Each format is drawn from the same ``BoardPack`` (or scrutiny rows). Word files use real
headings and tables so a clerk can edit them; Excel cells whose text starts with ``=``,
``+``, ``-`` or ``@`` are stored as text with a quote prefix, so they can never run as a
formula.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from cyplan.core.tables import FORMULA_START
from cyplan.reports import charts
from cyplan.reports.content import EXCEPTION_LABELS, BoardPack

FORMATS = ("html", "pdf", "docx", "xlsx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _css() -> str:
    return (Path(settings.PACKAGE_DIR) / "templates" / "reports" / "print.css").read_text()


def _threshold_less_one() -> int:
    return settings.CYPLAN_DISCLOSURE_THRESHOLD - 1


# ---- board pack ---------------------------------------------------------------------------


def pack_html(pack: BoardPack, chart_svgs=None) -> str:
    status, spines = chart_svgs or charts.pack_charts(pack)
    return render_to_string(
        "reports/board_pack.html",
        {
            "pack": pack,
            "css": _css(),
            "status_charts": dict(enumerate(status)),
            "spine_charts": dict(enumerate(spines)),
            "exception_labels": EXCEPTION_LABELS,
            "threshold_less_one": _threshold_less_one(),
            "any_examples": any(p.has_examples for p in pack.plans),
        },
    )


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.PACKAGE_DIR)).write_pdf()


def pack_pdf(pack: BoardPack) -> bytes:
    return pdf_from_html(pack_html(pack))


class _Word:
    """A python-docx document with the few building blocks reports need."""

    def __init__(self, title: str):
        from docx import Document
        from docx.shared import Pt

        self.document = Document()
        style = self.document.styles["Normal"]
        style.font.name = "Arial"
        style.font.size = Pt(10)
        self.document.core_properties.title = title

    def heading(self, text: str, level: int) -> None:
        self.document.add_heading(text, level=level)

    def para(self, text: str, bold: bool = False) -> None:
        run = self.document.add_paragraph().add_run(text)
        run.bold = bold

    def table(self, headers: list[str], rows: list[list[str]], widths=None) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(text)).bold = True
        header = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
        repeat.set(qn("w:val"), "true")
        header.append(repeat)
        for values in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                cell.text = "" if text is None else str(text)

    def picture(self, svg: str) -> None:
        from docx.shared import Cm

        if svg:
            self.document.add_picture(io.BytesIO(charts.png(svg)), width=Cm(16))

    def page_break(self) -> None:
        self.document.add_page_break()

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def _cover(word: _Word, kind: str, title: str, lines: list[str]) -> None:
    word.para(kind.upper(), bold=True)
    word.document.add_heading(title, level=0)
    for line in lines:
        word.para(line)


def _cover_lines(pack: BoardPack) -> list[str]:
    lines = [
        pack.period_label,
        "; ".join(p.plan.title for p in pack.plans),
        *([pack.nothing_live_note] if pack.nothing_live else []),
        f"Produced by cyplan on {timezone.localtime(pack.generated):%-d %B %Y at %H:%M} from the live plan.",
    ]
    limit = _threshold_less_one()
    if pack.public:
        lines.append(f'Small numbers are suppressed: counts from 1 to {limit} are shown as "c".')
    elif pack.contains_unsuppressed:
        lines.append(
            f"This pack contains unsuppressed figures (counts from 1 to {limit}). "
            "Do not publish or share it outside the board."
        )
    else:
        lines.append(
            "Staff version: it includes updates not yet approved. It contains no figure "
            "that would be suppressed in public."
        )
    if any(p.has_examples for p in pack.plans):
        lines.append(
            "Example data: some progress updates in this pack were made up to show how cyplan works."
        )
    return lines


def _action_name(action) -> str:
    name = f"{action.node.label} {action.node.title}"
    return f"{name} ({action.plan_title})" if action.plan_title else name


def _delivered_rows(priority) -> list[list[str]]:
    """Other plans' actions under a priority, with why each is there."""
    return [
        [
            _action_name(a),
            f"{a.link.basis_label}: {a.link.explanation}",
            a.leads,
            a.status_label + (" (overdue)" if a.overdue else ""),
            a.narrative or "No update yet",
        ]
        for a in priority.delivered_by
    ]


DELIVERED_HEADERS = ["Action", "Why it is here", "Lead", "Status", "Latest update"]


def pack_docx(pack: BoardPack) -> bytes:
    word = _Word(f"{pack.title}, {pack.period_label}")
    _cover(
        word,
        "Public report" if pack.public else "Staff report: not for publication",
        pack.title,
        _cover_lines(pack),
    )
    status_svgs, spine_svgs = charts.pack_charts(pack)
    word.page_break()
    word.heading("Summary", 1)
    for i, part in enumerate(pack.plans):
        word.heading(part.plan.title, 2)
        if not part.live:
            word.para(part.not_live_note)
        if not part.has_content:
            continue
        word.para(
            (f"{len(part.actions)} actions of this plan" if part.live else "")
            + (" and " if part.live and part.delivering else "")
            + (
                f"{len(part.delivering)} actions of other plans that deliver its priorities"
                if part.delivering
                else ""
            )
            + f", {part.overdue_count} overdue, as at {part.period.label}."
        )
        headers = ["Status", part.period.label] + (
            [part.previous.label, "Change"] if part.previous else []
        )
        rows = [
            [label, now] + ([before, f"{change:+d}" if change else "0"] if part.previous else [])
            for label, now, before, change in part.status_rows
        ]
        word.table(headers, rows)
        word.picture(status_svgs[i])
    word.heading("Exceptions", 1)
    if pack.exceptions:
        word.table(
            ["Action", "Why", "Lead", "Target date", "Latest update"],
            [
                [
                    _action_name(a),
                    EXCEPTION_LABELS[a.exception],
                    a.leads,
                    a.target,
                    a.narrative or "No update yet",
                ]
                for _, a in pack.exceptions
            ],
        )
    else:
        word.para("None: every action is on track, complete or dropped.")
    for i, part in enumerate(pack.plans):
        word.page_break()
        word.heading(part.plan.title, 1)
        for priority in part.priorities:
            word.heading(priority.title, 2)
            if priority.actions:
                word.table(
                    ["Action", "Lead", "Target date", "Status", "Latest update"],
                    [
                        [
                            _action_name(a),
                            a.leads,
                            a.target,
                            a.status_label + (" (overdue)" if a.overdue else ""),
                            a.narrative or "No update yet",
                        ]
                        for a in priority.actions
                    ],
                )
            if priority.delivered_by:
                word.para("Actions of other plans that deliver this priority", bold=True)
                word.table(DELIVERED_HEADERS, _delivered_rows(priority))
        word.heading("Outcomes scorecard", 2)
        word.picture(spine_svgs[i])
        if part.scorecard:
            word.table(
                [
                    "Indicator",
                    "Period",
                    part.plan.area.name,
                    "England",
                    "Compared with England",
                    "Trend",
                    "Target",
                ],
                [
                    [s.title, s.period, s.value, s.england, s.comparison, s.trend, s.target]
                    for s in part.scorecard
                ],
            )
        for section in part.sections:
            word.heading(section.title + (f" ({section.label})" if section.label else ""), 2)
            for paragraph in section.paragraphs:
                word.para(paragraph)
            if section.rows:
                word.table(section.headers, section.rows)
    word.page_break()
    word.heading("Appendix: all actions", 1)
    for part in pack.plans:
        word.heading(part.plan.title, 2)
        word.table(
            ["Action", "Measures of success", "Lead", "Target date", "Status"],
            [
                [_action_name(a), "; ".join(a.measures), a.leads, a.target, a.status_label]
                for a in part.all_actions
            ],
        )
    return word.bytes()


class _Book:
    """An openpyxl workbook where text can never become a formula."""

    def __init__(self):
        from openpyxl import Workbook

        self.book = Workbook()
        self.book.remove(self.book.active)
        self.names: set[str] = set()

    def sheet(self, title: str, headers: list[str], rows: list[list]):
        from openpyxl.styles import Alignment, Font

        name = _sheet_name(title, self.names)
        sheet = self.book.create_sheet(name)
        sheet.append([str(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            if cell.value.startswith(FORMULA_START):  # a heading can be a board's name
                cell.data_type = "s"
                cell.quotePrefix = True
        for values in rows:
            sheet.append([_cell_value(v) for v in values])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    if cell.value.startswith(FORMULA_START):
                        cell.data_type = "s"  # text, never a formula
                        cell.quotePrefix = True
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column, header in zip(sheet.columns, headers, strict=False):
            longest = max([len(str(header))] + [len(str(c.value or "")) for c in column])
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, longest + 2))
        sheet.freeze_panes = "A2"
        return sheet

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def _cell_value(value):
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    return str(value)


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join("-" if ch in "[]:*?/\\" else ch for ch in title)[:28].strip() or "Sheet"
    name, n = base, 2
    while name.casefold() in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name.casefold())
    return name


def pack_xlsx(pack: BoardPack) -> bytes:
    book = _Book()
    book.sheet(
        "Cover",
        ["Board pack", pack.title],
        [["Period", pack.period_label]] + [["", line] for line in _cover_lines(pack)],
    )
    summary = []
    for part in pack.plans:
        for label, now, before, change in part.status_rows:
            summary.append(
                [
                    part.plan.title,
                    label,
                    now,
                    before if part.previous else "",
                    change if part.previous else "",
                ]
            )
    book.sheet("Summary", ["Plan", "Status", "This period", "Last period", "Change"], summary)
    book.sheet(
        "Exceptions",
        ["Plan", "Action", "Why", "Lead", "Target date", "Latest update"],
        [
            [
                p.plan.title,
                _action_name(a),
                EXCEPTION_LABELS[a.exception],
                a.leads,
                a.target,
                a.narrative,
            ]
            for p, a in pack.exceptions
        ],
    )
    for part in pack.plans:
        for priority in part.priorities:
            book.sheet(
                priority.node.label,
                ["Action", "Lead", "Target date", "Status", "Overdue", "Latest update"],
                [
                    [
                        _action_name(a),
                        a.leads,
                        a.target,
                        a.status_label,
                        "yes" if a.overdue else "no",
                        a.narrative,
                    ]
                    for a in priority.actions
                ],
            )
            if priority.delivered_by:
                book.sheet(
                    f"{priority.node.label} other plans",
                    DELIVERED_HEADERS,
                    _delivered_rows(priority),
                )
    book.sheet(
        "Scorecard",
        [
            "Plan",
            "Indicator",
            "Period",
            "Value",
            "England",
            "Compared with England",
            "Trend",
            "Target",
        ],
        [
            [p.plan.title, s.title, s.period, s.value, s.england, s.comparison, s.trend, s.target]
            for p in pack.plans
            for s in p.scorecard
        ],
    )
    for part in pack.plans:
        for section in part.sections:
            if section.rows:
                book.sheet(section.title, section.headers, section.rows)
    book.sheet(
        "All actions",
        ["Plan", "Priority", "Action", "Measures of success", "Lead", "Target date", "Status"],
        [
            [
                p.plan.title,
                a.priority,
                _action_name(a),
                "; ".join(a.measures),
                a.leads,
                a.target,
                a.status_label,
            ]
            for p in pack.plans
            for a in p.all_actions
        ],
    )
    return book.bytes()


def render_pack(pack: BoardPack, fmt: str) -> bytes:
    if fmt == "html":
        return pack_html(pack).encode("utf-8")
    return {"pdf": pack_pdf, "docx": pack_docx, "xlsx": pack_xlsx}[fmt](pack)


# ---- scrutiny report ------------------------------------------------------------------------

SCRUTINY_HEADERS = [
    "Commitment",
    "Detail of action",
    "Measures of success",
    "Target date",
    "Lead",
    "Status",
    "Latest update",
]


def _scrutiny_cells(action) -> list[str]:
    return [
        action.commitment,
        _action_name(action),
        "; ".join(action.measures),
        action.target,
        action.leads,
        action.status_label + (" (overdue)" if action.overdue else ""),
        action.narrative or "No update yet",
    ]


def render_scrutiny(plan, period, actions, fmt: str, *, public: bool) -> bytes:
    generated = timezone.now()
    if fmt in ("html", "pdf"):
        html = render_to_string(
            "reports/scrutiny.html",
            {
                "plan": plan,
                "period": period,
                "actions": actions,
                "public": public,
                "generated": generated,
                "css": _css() + "\n@page { size: A4 landscape; }",
            },
        )
        return html.encode("utf-8") if fmt == "html" else pdf_from_html(html)
    if fmt == "docx":
        from docx.enum.section import WD_ORIENT

        word = _Word(f"{plan.title}: scrutiny report")
        section = word.document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        _cover(
            word,
            "Public report" if public else "Staff report: not for publication",
            plan.title,
            [f"Progress report for scrutiny, {period.label}", f"{len(actions)} actions."],
        )
        word.table(SCRUTINY_HEADERS, [_scrutiny_cells(a) for a in actions])
        return word.bytes()
    book = _Book()
    book.sheet("Actions", SCRUTINY_HEADERS, [_scrutiny_cells(a) for a in actions])
    return book.bytes()
