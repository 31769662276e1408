"""Importing counts: every problem with its row and column, nothing written on error, one
transaction, CSV and Excel, re-import replaces a breakdown; the staff forms; the CLI."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import Workbook

from cyplan.accounts.models import Role
from cyplan.core.models import AuditEntry
from cyplan.disproportionality.importing import ImportProblems, import_counts
from cyplan.disproportionality.models import Cohort, CohortCount, Denominator
from tests.factories import make_user

from .helpers import AREA, make_cohort

pytestmark = pytest.mark.django_db

GOOD = b"""area_code,area_name,year,characteristic,group,count
E06000099,Testshire,2025,ethnicity,WBRI,210
E06000099,Testshire,2025,ethnicity,bcrb,52
E06000099,Testshire,2025,ethnicity,Black or Black British,1
"""


@pytest.fixture
def cohort():
    return make_cohort(nodes=())


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_written(cohort):
    """Five bad cells in three rows: all five reported; the counts held are unchanged."""
    before = CohortCount.objects.count()
    data = b"""area_code,year,characteristic,group,count
E06000099,2025,ethnicity,WBRI,-3
E06000099,25,ethnicity,Martian,c
,2025,Ethnicity!,WBRI,4
E06000099,2025,ethnicity,WBRI,5
"""
    with pytest.raises(ImportProblems) as caught:
        import_counts("counts.csv", data, cohort=cohort)
    problems = caught.value.problems
    assert "counts.csv: row 2, column count: a whole number of 0 or more, not '-3'" in problems
    assert any(p.startswith("counts.csv: row 3, column year:") for p in problems)
    assert any(p.startswith("counts.csv: row 3, column group: 'Martian'") for p in problems)
    assert any(
        "row 3, column count" in p and "suppressed counts cannot be used" in p for p in problems
    )
    assert any(p.startswith("counts.csv: row 4, column area_code") for p in problems)
    assert any(p.startswith("counts.csv: row 4, column characteristic") for p in problems)
    assert len(problems) == 6
    assert CohortCount.objects.count() == before


def test_missing_columns_and_double_counting_are_reported(cohort):
    """A missing column is named; a main group with its own codes is refused."""
    with pytest.raises(ImportProblems, match="missing column"):
        import_counts(
            "x.csv", b"area_code,year,group,count\nE06000099,2025,WBRI,1\n", cohort=cohort
        )
    with pytest.raises(ImportProblems, match="counted twice"):
        import_counts("x.csv", GOOD, cohort=cohort)  # Black and BCRB in the same year


def test_csv_import_then_reimport_replaces_the_breakdown(cohort):
    """Importing a year adds its counts; importing it again with fewer groups leaves no stale ones."""
    data = GOOD.replace(b"Black or Black British,1", b"BAFR,30")
    summary = import_counts("counts.csv", data, cohort=cohort)
    assert summary.rows == 3 and summary.breakdowns == 1
    assert set(CohortCount.objects.filter(cohort=cohort, year="2025").values_list("group", "count")) == {
        ("WBRI", 210), ("BCRB", 52), ("BAFR", 30)
    }  # fmt: skip
    import_counts(
        "counts.csv",
        b"area_code,year,characteristic,group,count\nE06000099,2025,ethnicity,WBRI,211\n",
        cohort=cohort,
    )
    assert list(
        CohortCount.objects.filter(cohort=cohort, year="2025").values_list("group", "count")
    ) == [("WBRI", 211)]
    assert CohortCount.objects.filter(cohort=cohort, year="2024").count() == 3  # other years kept
    assert AuditEntry.objects.filter(action="imported counts").count() >= 2


def test_xlsx_import(cohort):
    """An Excel workbook is read from its first sheet, numbers as whole counts."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Area code", "Year", "Characteristic", "Group", "Count"])
    sheet.append(["E06000099", 2025, "ethnicity", "WBRI", 205])
    sheet.append(["E06000099", 2025, "ethnicity", "Black", 60.0])
    buffer = io.BytesIO()
    book.save(buffer)
    import_counts("counts.xlsx", buffer.getvalue(), cohort=cohort)
    assert dict(CohortCount.objects.filter(cohort=cohort, year="2025").values_list("group", "count")) == {
        "WBRI": 205, "Black": 60
    }  # fmt: skip
    with pytest.raises(ImportProblems, match="not a readable .xlsx"):
        import_counts("bad.xlsx", b"not a workbook", cohort=cohort)


def manager():
    client = Client()
    client.force_login(make_user("manager", Role.PLAN_MANAGER))
    return client


def test_upload_form_imports_or_lists_problems(cohort):
    """A manager uploads a file: good ones are imported; bad ones list every problem, 400."""
    client = manager()
    bad = SimpleUploadedFile(
        "counts.csv",
        b"area_code,year,characteristic,group,count\nE06000099,2025,ethnicity,WBRI,x\n",
    )
    response = client.post(
        "/disproportionality/import/", {"target": "cohort:children-in-care", "file": bad}
    )
    assert response.status_code == 400
    assert "counts.csv: row 2, column count" in response.content.decode()
    good = SimpleUploadedFile("counts.csv", GOOD.replace(b"Black or Black British,1", b"BAFR,30"))
    response = client.post(
        "/disproportionality/import/", {"target": "cohort:children-in-care", "file": good}
    )
    assert response.status_code == 302
    assert CohortCount.objects.filter(cohort=cohort, year="2025").count() == 3
    wrong = SimpleUploadedFile("counts.txt", b"x")
    response = client.post(
        "/disproportionality/import/", {"target": "cohort:children-in-care", "file": wrong}
    )
    assert response.status_code == 400 and "must be a .csv or .xlsx" in response.content.decode()


def test_entry_form_saves_one_year(cohort):
    """A manager types counts for 2025; blank groups are left out; bad numbers are errors."""
    client = manager()
    url = "/disproportionality/cohorts/children-in-care/enter/"
    response = client.post(url, {"area_code": "e06000099", "year": "2025", "count_WBRI": "-1"})
    assert (
        response.status_code == 400 and "the count cannot be negative" in response.content.decode()
    )
    response = client.post(url, {"area_code": "E06000099", "year": "2025"})
    assert "Enter at least one count" in response.content.decode()
    response = client.post(
        url, {"area_code": "e06000099", "year": "2025", "count_WBRI": "210", "count_BCRB": "52"}
    )
    assert response.status_code == 302
    assert dict(CohortCount.objects.filter(cohort=cohort, year="2025").values_list("group", "count")) == {
        "WBRI": 210, "BCRB": 52
    }  # fmt: skip


def test_forms_need_csrf(cohort):
    """Without the CSRF token a manager's POST is refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("manager", Role.PLAN_MANAGER))
    url = "/disproportionality/cohorts/children-in-care/enter/"
    assert (
        client.post(url, {"area_code": AREA, "year": "2025", "count_WBRI": "1"}).status_code == 403
    )
    assert client.post("/disproportionality/import/", {}).status_code == 403


def run(*args):
    out = io.StringIO()
    call_command("disproportionality", *args, stdout=out)
    return out.getvalue()


def test_cli_json_gives_the_worked_figures(cohort):
    """`cyplan disproportionality --json` for 2024: Black RRI 2.1 (1.6 to 2.9), suppressed output."""
    result = json.loads(run("--cohort", "children-in-care", "--characteristic", "ethnicity",
                            "--area", AREA, "--year", "2024", "--json"))  # fmt: skip
    assert result["denominator"] == "ONS mid-year estimates, aged 0 to 17"
    assert result["suppressed"] is True and result["synthetic"] is False
    (year,) = result["years"]
    black = next(g for g in year["groups"] if g["key"] == "Black")
    assert (black["count"], black["rri"], black["interval"]) == ("53", "2.1", "1.6 to 2.9")
    assert black["members"] == ["BCRB", "BAFR"]
    both = json.loads(run("--cohort", "children-in-care", "--area", AREA, "--json"))
    assert [y["year"] for y in both["years"]] == ["2023", "2024"]


def test_cli_adds_cohorts_imports_and_explains_mistakes(cohort, tmp_path):
    """add-denominator, add-cohort with a base cohort, import; bad input is a clear error."""
    run("add-cohort", "cp-plans", "--title", "Child protection plans", "--phrase",
        "to be on a child protection plan", "--base-cohort", "children-in-care")  # fmt: skip
    assert Cohort.objects.get(code="cp-plans").base_cohort == cohort
    path = tmp_path / "cp.csv"
    path.write_text(
        "area_code,year,characteristic,group,count\nE06000099,2024,ethnicity,WBRI,40\nE06000099,2024,ethnicity,Black,15\n"
    )
    assert "2 counts imported" in run("import", "--cohort", "cp-plans", str(path))
    with pytest.raises(CommandError, match="no such file"):
        run("import", "--cohort", "cp-plans", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="exactly one"):
        run("add-cohort", "x", "--title", "X", "--phrase", "to be x")
    with pytest.raises(CommandError, match="no cohort"):
        run("--cohort", "nope", "--area", AREA)
    run("add-denominator", "school-census", "--title", "School census headcount")
    assert Denominator.objects.filter(code="school-census").exists()


def test_another_cohort_as_the_denominator(cohort, tmp_path):
    """Child protection with children in care as its base: 15 of 53 Black, 40 of 200 White British."""
    # Black base = 53 (2024 merged), White British base = 200. Rates 15/53 = 0.28302 and
    # 40/200 = 0.2: RRI = 1.415; the page names the base cohort as the denominator.
    run("add-cohort", "cp-plans", "--title", "Child protection plans", "--phrase",
        "to be on a plan", "--base-cohort", "children-in-care")  # fmt: skip
    path = tmp_path / "cp.csv"
    path.write_text(
        "area_code,year,characteristic,group,count\nE06000099,2024,ethnicity,WBRI,40\nE06000099,2024,ethnicity,Black,15\n"
    )
    run("import", "--cohort", "cp-plans", str(path))
    result = json.loads(run("--cohort", "cp-plans", "--area", AREA, "--json"))
    assert result["denominator"] == "Children in care (another cohort)"
    black = next(g for g in result["years"][0]["groups"] if g["key"] == "Black")
    assert black["rri"] == "1.4"
