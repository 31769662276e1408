"""Board packs and scrutiny reports: what they say, in every format, for the board and the public."""

import html
import io
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from cyplan.accounts.models import Role
from cyplan.delivery import services
from cyplan.delivery.services import UpdateInput
from cyplan.plans.models import PlanNode
from cyplan.reports import content, render
from tests.factories import make_plan, make_user
from tests.outcomes.helpers import value

pytestmark = pytest.mark.django_db
INJECTION = '=HYPERLINK("http://example.org","click")'


@pytest.fixture
def plan_with_updates(settings):
    """The test plan's four leaves (p1-c1-a, p1-c1-b, p1-c2-a, and commitment p2-c1) with updates."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    plan = make_plan()
    manager = make_user("manager", Role.PLAN_MANAGER)
    node = {n.key: n for n in PlanNode.objects.filter(plan=plan)}

    def update(key, period, status, narrative, approve=True):
        saved = services.save_update(
            manager, node[key], UpdateInput(period, status, narrative), submit=True
        )
        if approve:
            services.approve(manager, saved)

    update("p1-c1-a", "2024-25-Q2", "on_track", "Courses booked.")
    update("p1-c1-a", "2024-25-Q3", "off_track", "Venue lost; courses paused.")
    update("p1-c1-b", "2024-25-Q3", "at_risk", INJECTION, approve=False)  # submitted, not approved
    update("p1-c2-a", "2024-25-Q1", "complete", "All plans issued on time.")
    return plan


def test_staff_pack_summary_change_and_exceptions(plan_with_updates):
    """Q3 2024/25 for the CEB (whole plan), staff: worked by hand from the four leaves.

    Q3: p1-c1-a off track (and overdue: target Sept 2024), p1-c1-b at risk (submitted),
    p1-c2-a complete (Q1), p2-c1 no update. Q2: on track, no update, complete, no update.
    """
    pack = content.board_pack("ceb", "2024-25-Q3", public=False)
    [part] = pack.plans
    assert part.status_rows == [
        ("Off track", 1, 0, 1),
        ("At risk", 1, 0, 1),
        ("On track", 0, 1, -1),
        ("Complete", 1, 1, 0),
        ("No update yet", 1, 2, -1),
    ]
    assert [(a.node.key, a.exception) for a in part.exceptions] == [
        ("p1-c1-a", "off_track"),
        ("p1-c1-b", "at_risk"),
        ("p2-c1", "no_update"),
    ]
    assert (
        part.exceptions[0].overdue and part.exceptions[0].narrative == "Venue lost; courses paused."
    )
    assert part.overdue_count == 1


def test_public_pack_uses_approved_updates_only(plan_with_updates):
    """For the public, p1-c1-b's submitted update does not count: it has no update."""
    part = content.board_pack("Children's Executive Board", "2024-25-Q3", public=True).plans[0]
    shown = {a.node.key: a.status for a in part.actions}
    assert shown == {
        "p1-c1-a": "off_track",
        "p1-c1-b": "no_update",
        "p1-c2-a": "complete",
        "p2-c1": "no_update",
    }
    assert INJECTION not in render.pack_html(content.board_pack("ceb", "2024-25-Q3", public=True))


def test_a_pack_covers_only_what_its_board_monitors(plan_with_updates):
    """The SEND Board monitors commitment p1-c2 only: its pack has that one action, under its priority."""
    part = content.board_pack("send-board", "2024-25-Q3", public=False).plans[0]
    assert [a.node.key for a in part.actions] == ["p1-c2-a"]
    assert [p.node.key for p in part.priorities] == ["p1"]
    assert part.exceptions == []


def test_unknown_board_or_unreadable_period_says_what_exists(plan_with_updates):
    """A wrong board lists the boards; a period that cannot be read shows how to write one."""
    with pytest.raises(content.ReportError, match="ceb \\(Children's Executive Board\\)"):
        content.board_pack("cabinet", public=False)
    with pytest.raises(
        content.ReportError, match="Write it as the site shows it, e.g. 'Q3 2024/25'"
    ):
        content.board_pack("ceb", "third quarter", public=False)


def test_a_period_given_as_its_label_is_the_same_pack(plan_with_updates):
    """'Q3 2024/25' (what the site shows) and '2024-25-Q3' (the key) make the same pack."""
    by_label = content.board_pack("ceb", "Q3 2024/25", public=False)
    by_key = content.board_pack("ceb", "2024-25-Q3", public=False)
    assert by_label.period.key == by_key.period.key == "2024-25-Q3"
    assert by_label.plans[0].status_rows == by_key.plans[0].status_rows


def test_a_board_with_nothing_live_gets_a_pack_that_says_so(plan_with_updates):
    """The test plan runs April 2024 to March 2026: Q1 2030/31 has nothing live, which the pack
    says in every format instead of failing."""
    pack = content.board_pack("ceb", "Q1 2030/31", public=False)
    assert pack.nothing_live
    [part] = pack.plans
    assert not part.live and part.actions == [] and part.delivering == []
    note = "Nothing that Children's Executive Board monitors was live in Q1 2030/31"
    assert note in pack.nothing_live_note
    assert "ran from April 2024 to March 2026" in part.not_live_note
    assert note in html.unescape(render.pack_html(pack))
    text = " ".join(p.text for p in Document(io.BytesIO(render.pack_docx(pack))).paragraphs)
    assert note in text
    cover = load_workbook(io.BytesIO(render.pack_xlsx(pack)))["Cover"]
    assert any(note in str(c.value) for row in cover.iter_rows() for c in row)


def test_pdf_says_what_the_database_says(plan_with_updates, tmp_path):
    """The PDF, read back with pdftotext, has the headings, the exceptions and the counts."""
    path = tmp_path / "pack.pdf"
    call_command(
        "report",
        "board-pack",
        "--board",
        "ceb",
        "--period",
        "2024-25-Q3",
        "--format",
        "pdf",
        "--output",
        str(path),
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())  # lines wrap where the page does
    for heading in (
        "Children's Executive Board: board pack",
        "Summary",
        "Exceptions",
        "Appendix: all actions",
        "Outcomes scorecard",
        "Staff report: not for publication".upper(),
    ):
        assert heading in text, heading
    assert "Venue lost; courses paused." in text
    assert "Q3 2024/25 (October to December 2024)" in text
    assert "Page 1 of" in text


def test_word_has_real_headings_and_tables(plan_with_updates, tmp_path):
    """The Word file's headings are Word heading styles and the exceptions are a Word table."""
    data = render.render_pack(content.board_pack("ceb", "2024-25-Q3", public=False), "docx")
    document = Document(io.BytesIO(data))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert ("Heading 1", "Summary") in headings and ("Heading 1", "Exceptions") in headings
    assert ("Heading 2", "Priority 1: Early help") in headings
    exceptions = next(t for t in document.tables if t.rows[0].cells[1].text == "Why")
    assert [row.cells[1].text for row in exceptions.rows[1:]] == [
        "Off track",
        "At risk",
        "No update",
    ]
    assert exceptions.rows[1].cells[4].text == "Venue lost; courses paused."


def test_excel_never_runs_a_narrative_as_a_formula(plan_with_updates):
    """A narrative that starts with '=' is stored as quoted text in every sheet it appears in."""
    data = render.render_pack(content.board_pack("ceb", "2024-25-Q3", public=False), "xlsx")
    book = load_workbook(io.BytesIO(data))
    assert {"Summary", "Exceptions", "Scorecard", "All actions"} <= set(book.sheetnames)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == INJECTION]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    summary = {(r[1], r[2]) for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert ("Off track", 1) in summary and ("No update yet", 1) in summary


def test_public_pack_suppresses_small_numbers_and_staff_pack_says_it_does_not(plan_with_updates):
    """A count of 3 is 'c' in the public pack; the staff pack shows it and warns on its cover."""
    value("cp-count", "E06000099", "2024", 3.0, name="Testshire")
    public = content.board_pack("ceb", "2024-25-Q3", public=True)
    line = next(s for s in public.plans[0].scorecard if s.code == "cp-count")
    assert line.value == "c" and not public.contains_unsuppressed
    staff = content.board_pack("ceb", "2024-25-Q3", public=False)
    assert staff.contains_unsuppressed
    assert "contains unsuppressed figures" in render.pack_html(staff)
    assert "Small numbers are suppressed" in render.pack_html(public)


def test_command_errors_are_clear(plan_with_updates):
    """An unknown board is a CommandError naming the boards there are."""
    with pytest.raises(CommandError, match="No board called 'cabinet'"):
        call_command("report", "board-pack", "--board", "cabinet", "--format", "html")


def test_site_makes_the_pack_in_the_background_and_offers_it(plan_with_updates):
    """A manager asks for a Word pack; the job page offers the download, which is a Word file."""
    client = Client()
    client.force_login(make_user("manager2", Role.PLAN_MANAGER))
    bad = client.post(
        "/reports/", {"kind": "board-pack", "board": "", "format": "docx", "audience": "staff"}
    )
    assert bad.status_code == 400 and "Choose the board the pack is for" in bad.content.decode()
    response = client.post(
        "/reports/",
        {
            "kind": "board-pack",
            "board": "ceb",
            "period": "2024-25-Q3",
            "format": "docx",
            "audience": "staff",
        },
    )
    assert response.status_code == 302
    job_page = client.get(response["Location"]).content.decode()
    assert "Your report is ready" in job_page
    status = client.get(response["Location"] + "status.json").json()
    assert status["state"] == "done" and status["progress"] == 100
    download = client.get(response["Location"] + "download/")
    assert (
        download["Content-Disposition"] == 'attachment; filename="ceb-board-pack-2024-25-Q3.docx"'
    )
    assert any(p.text == "Exceptions" for p in Document(io.BytesIO(download.content)).paragraphs)


def test_a_failed_job_says_why(plan_with_updates, monkeypatch):
    """A scrutiny report for a period the plan does not have fails the job with the periods."""
    client = Client()
    client.force_login(make_user("manager2", Role.PLAN_MANAGER))
    # The list offers every plan's periods; another plan could have run in 2023/24.
    monkeypatch.setattr(
        "cyplan.reports.forms.period_choices", lambda: [("2023-24-Q1", "Q1 2023/24")]
    )
    response = client.post(
        "/reports/",
        {"kind": "scrutiny", "plan": "test-plan", "period": "2023-24-Q1", "format": "docx"},
    )
    page = client.get(response["Location"]).content.decode()
    assert "The report could not be made" in page and "has no reporting period" in page


def test_public_scrutiny_report_one_row_per_action(plan_with_updates):
    """Anyone can download the scrutiny table: one row per leaf, approved updates only."""
    response = Client().get("/plans/test-plan/scrutiny-report/?format=xlsx&period=2024-25-Q3")
    rows = list(load_workbook(io.BytesIO(response.content))["Actions"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Commitment", "Detail of action", "Measures of success")
    by_action = {r[1]: r for r in rows[1:]}
    assert len(by_action) == 4
    assert by_action["1 a) Run parenting courses"][5] == "Off track (overdue)"
    assert by_action["1 a) Run parenting courses"][2] == "Number of courses"
    assert by_action["1 b) Open a family hub"][6] == "No update yet"  # its update is not approved


def test_the_scrutiny_page_may_style_itself_but_run_no_script(plan_with_updates):
    """The standalone report's own stylesheet is allowed; scripts stay limited to the site's own."""
    policy = Client().get("/plans/test-plan/scrutiny-report/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert "'unsafe-inline'" in directives["style-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    other = Client().get("/plans/test-plan/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in other


@pytest.mark.django_db(transaction=True)  # the worker commits and closes its connection
def test_the_site_queues_the_pack_for_the_task_worker(plan_with_updates, settings):
    """With the database backend the web request only queues the task: the job waits until the
    worker (cyplan db_worker) runs it, then it is ready with its file."""
    from cyplan.reports.models import ReportJob

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client()
    client.force_login(make_user("manager2", Role.PLAN_MANAGER))
    response = client.post(
        "/reports/",
        {
            "kind": "board-pack",
            "board": "ceb",
            "period": "2024-25-Q3",
            "format": "html",
            "audience": "staff",
        },
    )
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.QUEUED
    assert client.get(response["Location"] + "status.json").json()["state"] == "queued"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE and job.filename == "ceb-board-pack-2024-25-Q3.html"


def test_the_form_lists_the_periods_with_the_labels_people_use(plan_with_updates):
    """The test plan runs April 2024 to March 2026 by quarters: 8 periods, newest first."""
    from cyplan.reports.forms import BoardPackForm

    choices = BoardPackForm().fields["period"].choices
    assert choices[0] == ("", "The current period")
    assert choices[1] == ("2025-26-Q4", "Q4 2025/26")
    assert choices[-1] == ("2024-25-Q1", "Q1 2024/25")
    assert len(choices) == 1 + 8
