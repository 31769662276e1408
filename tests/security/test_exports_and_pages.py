"""Formula injection in every export and HTML injection in every narrative field.

A site where every text a person can type (plan and action titles and texts, board and
organisation names, update narratives, review comments, link titles, evidence file names,
figure sources and notes, target notes) starts like a spreadsheet formula and carries HTML:
every CSV download, the plan workbook and the report workbooks hold no formula, and every
page shows the HTML as text.
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from cyplan.accounts.models import Role
from cyplan.core.tables import FORMULA_START
from cyplan.delivery import services
from cyplan.outcomes.entry import ValueInput, save_value, set_target
from cyplan.plans.models import Board, PlanNode
from cyplan.reports import content, render
from cyplan.reports.models import ReportJob
from tests.factories import PLAN, make_plan, make_user
from tests.site.test_permission_matrix import MATRIX

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = f"=HYPERLINK(1){SCRIPT}{IMG}"
RAW_MARKERS = ["<script>alert(", "<img src=x onerror"]


def _hostile_plan() -> str:
    """The test plan with hostile text in its titles, names and lead roles (as YAML strings)."""
    text = PLAN
    for original in ("Run parenting courses", "Open a family hub", "Early help", "Testshire Council",
                     "Children's Executive Board", "Head of Early Help"):  # fmt: skip
        text = text.replace(original, json.dumps(f"{HOSTILE} {original}"))
    return text.replace("title: Test plan", f"title: {json.dumps('+' + HOSTILE)}")


@pytest.fixture
def hostile_site(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    plan = make_plan(_hostile_plan())
    lead_role = f"{HOSTILE} Head of Early Help"
    lead = make_user("lead", Role.ACTION_LEAD, lead_roles=[lead_role])
    manager = make_user("manager", Role.PLAN_MANAGER)
    board = make_user("board", Role.BOARD_MEMBER, boards=[Board.objects.get(key="ceb")])
    node = PlanNode.objects.get(plan=plan, key="p1-c1-a")
    other = PlanNode.objects.get(plan=plan, key="p1-c1-b")
    links = [{"url": "https://example.org/x", "title": "-" + HOSTILE}]
    first = services.save_update(
        lead, node,
        services.UpdateInput("2024-25-Q2", "off_track", "@" + HOSTILE, evidence_links=links),
        submit=True,
    )  # fmt: skip
    evidence = services.attach_evidence(lead, first, SimpleUploadedFile(f"{IMG}.txt", b"notes\n"))
    services.approve(manager, first)
    second = services.save_update(
        lead, other, services.UpdateInput("2024-25-Q3", "at_risk", HOSTILE), submit=True
    )
    services.return_update(manager, second, comment="=" + HOSTILE)
    figure = save_value(
        manager,
        "cla-rate",
        ValueInput("E06000099", "=" + HOSTILE, "2024", 41.0, 30, 7300, "", "+" + HOSTILE),
    )
    set_target(manager, "cla-3plus-placements", "E06000099", 5.0, note="=" + HOSTILE)
    job = ReportJob.objects.create(
        kind="board-pack", params={"board": "ceb"}, format="html", state="done",
        content=b"<html></html>", filename="pack.html", requested_by=manager,
    )  # fmt: skip
    from tests.disproportionality.helpers import make_cohort
    from tests.voice import helpers as voice

    said = voice.published_item(manager, published_text=HOSTILE, channel_detail="-" + HOSTILE)
    did = voice.response(manager, said, text="@" + HOSTILE, by_whom="=" + HOSTILE)
    cohort = make_cohort()
    cohort.title, cohort.phrase = "=" + HOSTILE, HOSTILE
    cohort.save()
    from cyplan.returns.models import ReturnUpload

    officer = make_user("officer", Role.DATA_OFFICER)
    bad = {"file": HOSTILE, "row": HOSTILE, "field": HOSTILE, "rule": HOSTILE, "message": HOSTILE}
    upload = ReturnUpload.objects.create(
        kind="cin", la="E09000006", state="checked", files=[HOSTILE], problems=[bad],
        uploaded_by=officer,
    )  # fmt: skip
    ids = {
        "return_upload": upload.pk,
        "update": second.pk,
        "evidence": evidence.pk,
        "value": figure.pk,
        "job": job.pk,
        "voice_item": said.pk,
        "voice_response": did.pk,
    }
    users = {"lead": lead, "manager": manager, "board": board, "officer": officer}
    return {"users": users, "ids": ids, "plan": plan}


def _clients(site):
    clients = {"public": Client()}
    for name, user in site["users"].items():
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def test_every_page_shows_html_as_text(hostile_site):
    """Every page of the matrix, for the public, a lead, a board member and a manager: the
    hostile HTML is escaped wherever it is shown."""
    pages = 0
    for role, client in _clients(hostile_site).items():
        for name, (url, _) in MATRIX.items():
            for query in ("", "?q=courses"):
                response = client.get(url.format(**hostile_site["ids"]) + query)
                if not response.get("Content-Type", "").startswith("text/html"):
                    continue
                pages += 1
                body = response.content.decode()
                for marker in RAW_MARKERS:
                    assert marker not in body, (role, name, marker)
    # Each of 4 roles sees at least the public pages of the matrix, twice (with a query).
    assert pages >= 4 * 2 * 10


def _csv_cells(response):
    text = response.content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_every_csv_download_holds_no_formula(hostile_site):
    """Every page with a CSV download (``?format=csv``), for a manager and the public: no
    cell starts with =, +, -, @, a tab or a carriage return; the hostile text is there, with
    an apostrophe in front."""
    downloads, neutralised = 0, 0
    for role, client in _clients(hostile_site).items():
        for name, (url, _) in MATRIX.items():
            joiner = "&" if "?" in url else "?"
            response = client.get(url.format(**hostile_site["ids"]) + joiner + "format=csv")
            if not response.get("Content-Type", "").startswith("text/csv"):
                continue
            downloads += 1
            for cell in _csv_cells(response):
                assert not cell.startswith(FORMULA_START), (role, name, cell)
                neutralised += cell.startswith("'") and "HYPERLINK" in cell
    assert downloads >= 8  # home, plan, node, search, indicators, ... (more for staff)
    assert neutralised > 0


def _formula_cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        f"{sheet.title}!{cell.coordinate}: {cell.value}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def _text_cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def test_plan_workbook_holds_no_formula(hostile_site, tmp_path):
    """``cyplan plan export --format xlsx``: the hostile titles are text cells."""
    path = tmp_path / "plan.xlsx"
    call_command("plan", "export", "test-plan", "--format", "xlsx", "--output", str(path),
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    data = path.read_bytes()
    assert _formula_cells(data) == []
    assert any("HYPERLINK" in cell for cell in _text_cells(data))


def test_report_workbooks_hold_no_formula(hostile_site):
    """The board pack and the scrutiny report as Excel: narratives and titles are text."""
    pack = render.render_pack(content.board_pack("ceb", "2024-25-Q3", public=False), "xlsx")
    plan = hostile_site["plan"]
    period, actions = content.scrutiny_rows(plan, "2024-25-Q3", public=False)
    scrutiny = render.render_scrutiny(plan, period, actions, "xlsx", public=False)
    for data in (pack, scrutiny):
        assert _formula_cells(data) == []
        assert any("HYPERLINK" in cell for cell in _text_cells(data))


def test_report_html_escapes_narratives(hostile_site):
    """The board pack as HTML (also the source of the PDF) shows the HTML as text."""
    html = render.pack_html(content.board_pack("ceb", "2024-25-Q3", public=False))
    for marker in RAW_MARKERS:
        assert marker not in html
    assert "&lt;script&gt;" in html
