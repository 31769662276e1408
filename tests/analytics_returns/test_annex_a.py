"""Ofsted Annex A: sheet and column variants, canonical columns, pseudonyms and dates."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from cyplan.analytics.returns import read_annex_a
from cyplan.analytics.returns.annex_a_spec import list_number

from .conftest import FORMATS, TODAY

SAMPLE = FORMATS / "annex-a" / "Annex_A_sample.xlsx"


def test_lists_6_and_7_give_the_visit_dates_in_canonical_form(pseudonymiser):
    """CIN and CP visit timeliness need these two columns, as dates."""
    result = read_annex_a(SAMPLE, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    list_6, list_7 = result.tables["list_6"], result.tables["list_7"]
    assert list_6.schema.field("date_child_last_seen").type == "date32[day]"
    assert list_7.schema.field("date_of_last_statutory_visit").type == "date32[day]"
    assert list_6.column("date_child_last_seen").to_pylist()[0] == date(2021, 1, 21)
    assert list_7.column("date_of_last_statutory_visit").to_pylist()[0] == date(2021, 1, 22)
    assert "cpp_start_date" in list_7.column_names and "cin_start_date" in list_6.column_names


def test_the_sample_workbook_is_pseudonymised_and_stripped(pseudonymiser):
    """Ids hashed, dates of birth to the month, ages and worker names dropped."""
    result = read_annex_a(SAMPLE, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    first = result.tables["list_1"].to_pylist()[0]
    assert first["child_id"] == pseudonymiser.child_id("9212044")
    assert first["date_of_birth"] == date(2015, 1, 1)  # born 25 January 2015
    assert (first["sex"], first["ethnicity"]) == ("F", "WBRI")
    names = {n for t in result.tables.values() for n in t.column_names}
    assert not {"age", "allocated_worker"} & names
    adopters = result.tables["list_11"].column("adopter_id").to_pylist()
    assert adopters[0] == pseudonymiser.pseudonym("adopter", 7105179)


def test_the_sample_postcode_that_is_not_a_postcode_is_reported(pseudonymiser):
    """List 8 has "nope" as a placement postcode: one problem, in the right row."""
    result = read_annex_a(SAMPLE, pseudonymiser=pseudonymiser, today=TODAY)
    [problem] = result.problems
    assert (problem.row, problem.field, problem.rule) == (
        3,
        "placement_postcode",
        "invalid_postcode",
    )
    assert problem.file.endswith("Annex_A_sample.xlsx[List 8]")


@pytest.mark.parametrize(
    ("name", "number"),
    [("List 1", 1), ("List_6", 6), ("list6", 6), ("List 7 - Child Protection", 7),
     ("Child protection", 7), ("Children in need", 6), ("Care leavers", 9), ("Notes", None)],
)  # fmt: skip
def test_sheet_names_are_recognised(name, number):
    """Numbered or named sheets map to their list; others are ignored."""
    assert list_number(name) == number


def test_header_variants_title_rows_and_bad_dates(tmp_path, pseudonymiser):
    """A title above the header, variant headings, a name column and a bad date."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "List_6 - CIN"
    sheet.append(["Annex A - List 6: children in need"])
    sheet.append([])
    sheet.append(["Child ID", "Child Name", "Gender", "Ethnicity", "DOB", "Date child was seen",
                  "CIN Start Date", "Primary need", "CIN closure date"])  # fmt: skip
    sheet.append(["C1", "Ann Example", "Female", "k) APKN", datetime(2012, 5, 17),
                  datetime(2025, 1, 2), "01/12/2024", "N1", None])  # fmt: skip
    sheet.append(["C2", "Bob Example", "a) Male", "White British", "2013-02-03",
                  "31/02/2025", datetime(2024, 12, 1), "N2", None])  # fmt: skip
    path = tmp_path / "annex.xlsx"
    workbook.save(path)
    result = read_annex_a(path, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    [problem] = result.problems
    assert (problem.row, problem.field, problem.rule) == (5, "date_child_last_seen", "invalid_date")
    [row] = result.tables["list_6"].to_pylist()
    assert row["child_id"] == pseudonymiser.child_id("C1")
    assert row["date_child_last_seen"] == date(2025, 1, 2)
    assert row["cin_start_date"] == date(2024, 12, 1)
    assert (row["sex"], row["ethnicity"], row["date_of_birth"]) == ("F", "APKN", date(2012, 5, 1))
    assert "Ann Example" not in str(result.tables["list_6"].to_pylist())


def test_a_list_without_its_visit_column_is_refused(tmp_path, pseudonymiser):
    """List 7 without "date of the last statutory visit" cannot serve visit timeliness."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "List 7"
    sheet.append(["Child Unique ID", "Child Protection Plan Start Date"])
    sheet.append(["C1", datetime(2024, 1, 1)])
    workbook.save(tmp_path / "annex.xlsx")
    result = read_annex_a(tmp_path / "annex.xlsx", pseudonymiser=pseudonymiser, today=TODAY)
    assert [(p.field, p.rule) for p in result.problems] == [
        ("date_of_last_statutory_visit", "missing_column")
    ]
    assert not result.ok


def test_a_file_that_is_not_a_workbook_is_a_problem(tmp_path, pseudonymiser):
    """A CSV renamed .xlsx is refused with a clear problem, not an exception."""
    path = tmp_path / "annex.xlsx"
    path.write_text("Child ID,Gender\n1,F\n")
    result = read_annex_a(path, pseudonymiser=pseudonymiser, today=TODAY)
    assert [p.rule for p in result.problems] == ["unreadable_file"] and not result.ok
