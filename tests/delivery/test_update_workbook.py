"""The quarter's updates in one workbook: export, fill in, check, import in one transaction."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from cyplan.accounts.models import Role
from cyplan.delivery.models import ProgressUpdate
from cyplan.delivery.update_workbook import (
    HEADERS,
    WorkbookError,
    find_period,
    import_update_workbook,
    write_update_workbook,
)
from cyplan.plans.models import Organisation, PlanNode
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db

# The test plan has four nodes that take updates: actions 1 a), 1 b), 2 a) and
# commitment p2-c1 (which has no actions).
LEAVES = ["p1-c1-a", "p1-c1-b", "p1-c2-a", "p2-c1"]


@pytest.fixture
def plan():
    return make_plan()


@pytest.fixture
def manager():
    return make_user("manager", Role.PLAN_MANAGER)


def exported(plan, period="Q3 2024/25", lead=None):
    book = write_update_workbook(plan, find_period(plan, period), lead)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return openpyxl.load_workbook(data)


def column(name):
    return HEADERS.index(name) + 1


def fill(book, key, status, narrative, rag="", link=""):
    sheet = book["Updates"]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, column("Action id")).value == key:
            sheet.cell(row, column("Status")).value = status
            sheet.cell(row, column("Narrative")).value = narrative
            sheet.cell(row, column("RAG")).value = rag
            sheet.cell(row, column("Evidence link")).value = link
            return row
    raise AssertionError(key)


def saved(book):
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def test_period_as_people_write_it(plan):
    """ "Q3 2024/25", "Q3 2024-25" and the key 2024-25-Q3 are the same quarter
    (October to December 2024); a quarter outside the plan is not found."""
    for text in ("Q3 2024/25", "q3 2024-25", "2024-25-Q3", "2024/25 Q3"):
        period = find_period(plan, text)
        assert period.key == "2024-25-Q3", text
        assert (period.start.isoformat(), period.end.isoformat()) == ("2024-10-01", "2024-12-31")
    assert find_period(plan, "Q3 2030/31") is None
    assert find_period(plan, "") is None


def test_export_has_one_row_per_action_with_lists_to_pick_from(plan):
    """One row per node that takes updates, with its words, lead and empty cells to fill."""
    book = exported(plan)
    sheet = book["Updates"]
    assert [c.value for c in sheet[1]] == HEADERS
    keys = [sheet.cell(r, column("Action id")).value for r in range(2, sheet.max_row + 1)]
    assert keys == LEAVES
    row = 2
    assert sheet.cell(row, column("Action")).value == "Run parenting courses"
    assert sheet.cell(row, column("Measures of success")).value == "Number of courses"
    assert sheet.cell(row, column("Lead")).value == "Head of Early Help"
    assert sheet.cell(row, column("Status")).value is None
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert "Not started,On track,At risk,Off track,Complete,Dropped" in lists["J2:J5"]
    assert lists["K2:K5"] == '"Red,Amber,Green"'
    about = {r[0].value: r[1].value for r in book["About"].iter_rows() if r[0].value}
    assert about["Plan"] == "test-plan" and about["Period"] == "2024-25-Q3"


def test_export_for_one_lead(plan):
    """--lead keeps only the actions that lead leads (two of the four)."""
    sheet = exported(plan, lead="head of early help")["Updates"]
    assert sheet.max_row - 1 == 2


def test_import_writes_every_filled_row_as_submitted(plan, manager):
    """Two rows filled, two left empty: two submitted updates for Q3, nothing else."""
    book = exported(plan)
    fill(book, "p1-c1-a", "On track", "Three courses ran.", link="https://example.org/report")
    fill(book, "p1-c2-a", "At risk", "Waiting for the new case officer.", rag="Red")
    summary = import_update_workbook(saved(book), manager, name="q3.xlsx")
    assert len(summary.written) == 2 and summary.skipped == 2
    first = ProgressUpdate.objects.get(node__key="p1-c1-a")
    assert (first.period, first.status, first.state) == ("2024-25-Q3", "on_track", "submitted")
    assert first.evidence_links == [{"url": "https://example.org/report", "title": ""}]
    second = ProgressUpdate.objects.get(node__key="p1-c2-a")
    assert (second.status, second.rag) == ("at_risk", "red")
    assert ProgressUpdate.objects.count() == 2


def test_import_as_drafts(plan, manager):
    book = exported(plan)
    fill(book, "p1-c1-a", "Complete", "All done.")
    import_update_workbook(saved(book), manager, submit=False)
    assert ProgressUpdate.objects.get().state == ProgressUpdate.State.DRAFT


def test_one_bad_row_writes_nothing_and_every_problem_is_listed(plan, manager):
    """A good row and three bad ones: four problems by row and column, no update saved."""
    book = exported(plan)
    fill(book, "p1-c1-a", "On track", "Fine.")
    bad_status = fill(book, "p1-c1-b", "Sort of", "Hmm.")
    no_narrative = fill(book, "p1-c2-a", "On track", "")
    bad_link = fill(book, "p2-c1", "On track", "Listening.", rag="Purple", link="ftp://x")
    with pytest.raises(WorkbookError) as caught:
        import_update_workbook(saved(book), manager, name="q3.xlsx")
    where = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert where == {
        ("Updates", bad_status, "Status"),
        ("Updates", no_narrative, "Narrative"),
        ("Updates", bad_link, "RAG"),
        ("Updates", bad_link, "Evidence link"),
    }
    assert "nothing was changed" in str(caught.value)
    assert not ProgressUpdate.objects.exists()


def test_a_row_whose_action_changed_since_export_is_refused(plan, manager):
    """The action's wording changed after the export: its row is refused, nothing written."""
    book = exported(plan)
    row = fill(book, "p1-c1-a", "On track", "Three courses ran.")
    PlanNode.objects.filter(key="p1-c1-a").update(title="Run six parenting courses")
    with pytest.raises(WorkbookError) as caught:
        import_update_workbook(saved(book), manager)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (row, "Action")
    assert "changed in the plan since the workbook was exported" in problem.message
    assert not ProgressUpdate.objects.exists()


def test_a_lead_can_only_import_their_own_actions(plan):
    """A lead of early help fills in an EHC plans row too: refused, nothing written."""
    lead = make_user(
        "lead",
        Role.ACTION_LEAD,
        lead_roles=["Head of Early Help"],
        organisation=Organisation.objects.get(key="council"),
    )
    book = exported(plan)
    fill(book, "p1-c1-a", "On track", "Fine.")
    other = fill(book, "p1-c2-a", "On track", "Not mine.")
    with pytest.raises(WorkbookError) as caught:
        import_update_workbook(saved(book), lead)
    assert [(p.row, p.column) for p in caught.value.problems] == [(other, "Lead")]
    assert not ProgressUpdate.objects.exists()


def test_not_a_workbook_is_a_clear_error(manager):
    with pytest.raises(WorkbookError, match="cannot open it as an Excel workbook"):
        import_update_workbook(io.BytesIO(b"not a zip"), manager, name="notes.txt")


def test_cli_export_then_import(plan, manager, tmp_path):
    """cyplan updates export / import, with the period as people write it."""
    path = tmp_path / "q3.xlsx"
    out = io.StringIO()
    call_command(
        "updates",
        "export",
        "--plan",
        "test-plan",
        "--period",
        "Q3 2024/25",
        "--output",
        str(path),
        stdout=out,
    )
    assert "4 actions" in out.getvalue()
    book = openpyxl.load_workbook(path)
    fill(book, "p2-c1", "Not started", "Planned for Q4.")
    book.save(path)
    out = io.StringIO()
    call_command("updates", "import", str(path), "--user", "manager", stdout=out)
    assert "1 update for Q3 2024/25" in out.getvalue()
    assert ProgressUpdate.objects.get().node.key == "p2-c1"
    with pytest.raises(CommandError, match="is not a reporting period"):
        call_command(
            "updates",
            "export",
            "--plan",
            "test-plan",
            "--period",
            "Q9 2024/25",
            "--output",
            str(path),
        )


def test_bulk_approve_and_return_are_all_or_nothing(plan, manager):
    """Two submitted updates approved at once; a batch with a non-submitted one changes none."""
    from cyplan.delivery import services
    from cyplan.delivery.services import UpdateInput

    book = exported(plan)
    fill(book, "p1-c1-a", "On track", "Fine.")
    fill(book, "p1-c2-a", "At risk", "Late.")
    fill(book, "p2-c1", "Not started", "Soon.")
    import_update_workbook(saved(book), manager)
    a, b, c = ProgressUpdate.objects.order_by("node__position")
    services.bulk_review(manager, [a.pk, b.pk], approve_them=True)
    assert {u.state for u in ProgressUpdate.objects.filter(pk__in=[a.pk, b.pk])} == {"approved"}
    # c is submitted, a is approved: returning both fails on a, and c stays submitted
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.bulk_review(manager, [c.pk, a.pk], approve_them=False, comment="Why?")
    c.refresh_from_db()
    assert c.state == "submitted"
    with pytest.raises(ValidationError):
        services.bulk_review(manager, [c.pk], approve_them=False, comment="  ")
    services.bulk_review(manager, [c.pk], approve_them=False, comment="When will it start?")
    c.refresh_from_db()
    assert (c.state, c.review_comment) == ("returned", "When will it start?")
    lead = make_user("lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"])
    from django.core.exceptions import PermissionDenied

    services.save_update(manager, c.node, UpdateInput("2024-25-Q3", "on_track", "x"), submit=True)
    with pytest.raises(PermissionDenied):
        services.bulk_review(lead, [c.pk], approve_them=True)


def test_a_returned_update_stays_on_my_actions_after_the_quarter_ends(plan, manager):
    """Returned in Q3 2024/25; with Q4 current (February 2025) it is still on the lead's
    My actions, as returned, with a link to answer it for Q3."""
    from datetime import date

    from cyplan.delivery import services
    from cyplan.delivery.mine import my_work
    from cyplan.delivery.services import UpdateInput

    lead = make_user(
        "lead",
        Role.ACTION_LEAD,
        lead_roles=["Head of Early Help"],
        organisation=Organisation.objects.get(key="council"),
    )
    node = PlanNode.objects.get(key="p1-c1-a")
    update = services.save_update(
        lead, node, UpdateInput("2024-25-Q3", "on_track", "Three ran."), submit=True
    )
    services.return_update(manager, update, "How many parents came?")
    work = my_work(lead, today=date(2025, 2, 10))
    returned = [i for i in work.items if i.returned]
    assert [(i.node.key, i.due_period.key) for i in returned] == [("p1-c1-a", "2024-25-Q3")]
    assert returned[0].due
    current = [i for i in work.items if i.node.key == "p1-c1-a" and not i.returned]
    assert current[0].due_period.key == "2024-25-Q4"


def test_the_workbook_page_downloads_and_uploads(client, plan, manager):
    """A manager downloads the Q3 workbook from the page and uploads it filled in."""
    client.force_login(manager)
    page = client.get("/plans/test-plan/updates-workbook/")
    assert page.status_code == 200 and "Download the workbook" in page.content.decode()
    download = client.get("/plans/test-plan/updates-workbook/?period=2024-25-Q3")
    assert download["Content-Disposition"].endswith('test-plan-2024-25-Q3-updates.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    fill(book, "p1-c1-a", "Off track", "No venue.")
    upload = saved(book)
    upload.name = "q3.xlsx"
    response = client.post("/plans/test-plan/updates-workbook/", {"workbook": upload})
    assert response.status_code == 200
    assert "1 update for Q3 2024/25" in response.content.decode()
    assert ProgressUpdate.objects.get().status == "off_track"
    # the same row again, now with a status nobody offers
    book["Updates"].cell(2, column("Status")).value = "Fine"
    bad = saved(book)
    bad.name = "q3.xlsx"
    response = client.post("/plans/test-plan/updates-workbook/", {"workbook": bad})
    assert response.status_code == 400
    assert "Updates, row 2, column &#x27;Status&#x27;: pick a status" in response.content.decode()
