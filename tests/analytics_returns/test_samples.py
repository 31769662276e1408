"""Every real sample file in ../shared/data/formats is read, and the counts add up."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, datetime

import openpyxl
import pytest

from cyplan.analytics.returns import read_annex_a, read_cin_census, read_ssda903

from .conftest import FORMATS, TODAY, csv_rows

SSDA903 = FORMATS / "ssda903"
CIN = FORMATS / "cin-census"
ANNEX_A = FORMATS / "annex-a" / "Annex_A_sample.xlsx"
TABLE_OF_FILE = {
    "DoLo.csv": "dolo",
    "ad1.csv": "ad1",
    "episodes.csv": "episodes",
    "header.csv": "header",
    "missing.csv": "missing",
    "oc2.csv": "oc2",
    "oc3.csv": "oc3",
    "placed_for_adoption.csv": "placed_for_adoption",
    "previous_permanence.csv": "previous_permanence",
    "reviews.csv": "reviews",
    "sw_episodes.csv": "sw_episodes",
    "uasc.csv": "uasc",
}
CIN_FILES = ("CIN_Census_2024.xml", "CIN_Census_2026.xml", "fake_CIN_data.xml")


def test_every_sample_file_is_covered_by_these_tests():
    """No sample data file is left untested (the XSD is a schema, not data)."""
    on_disk = {p.relative_to(FORMATS).as_posix() for p in FORMATS.rglob("*") if p.is_file()}
    covered = {f"ssda903/{name}" for name in TABLE_OF_FILE} | {"ssda903/fake_903.xml"}
    covered |= {f"cin-census/{name}" for name in CIN_FILES} | {"annex-a/Annex_A_sample.xlsx"}
    assert on_disk - covered == {"cin-census/CIN_schema_2024.xsd"}


def test_ssda903_csv_tables_account_for_every_row(pseudonymiser):
    """Rows kept plus rows skipped equal an independent csv-module count, table by table."""
    result = read_ssda903(SSDA903, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    assert result.ok
    skipped = Counter(s.table for s in result.skipped_rows)
    for file_name, table in TABLE_OF_FILE.items():
        expected = len(csv_rows(SSDA903 / file_name))
        assert result.tables[table].num_rows + skipped[table] == expected, file_name
    episodes = csv_rows(SSDA903 / "episodes.csv")
    # The sample is the return for the year ending 31 March 2018 (its latest DECOM); episodes
    # ending after that day break DfE rule 385 and are skipped (counted independently here).
    late = [r for r in episodes if r["DEC"] and _dmy(r["DEC"]) > date(2018, 3, 31)]
    assert result.tables["episodes"].num_rows == len(episodes) - len(late) == 5050 - len(late)
    assert skipped["episodes"] == len(late) > 0
    assert result.tables["header"].num_rows == len(csv_rows(SSDA903 / "header.csv")) == 2675
    children = {row["CHILD"] for row in episodes}
    assert len(set(result.tables["episodes"].column("CHILD").to_pylist())) == len(children)


def test_ssda903_csv_problems_are_exactly_the_bad_values(pseudonymiser):
    """Read strictly, the sample is refused for the values an independent check finds wrong."""
    result = read_ssda903(SSDA903, pseudonymiser=pseudonymiser, today=TODAY)
    assert not result.ok and result.tables == {}
    oc3 = csv_rows(SSDA903 / "oc3.csv")
    accommodation = [r for r in oc3 if not re.fullmatch(r"[A-Z]\d|0", r["ACCOM"])]
    future_reviews = [r for r in csv_rows(SSDA903 / "reviews.csv") if _dmy(r["REVIEW"]) > TODAY]
    reasons = {"RD1", "RD2", "RD3", "RD4", ""}
    placed = csv_rows(SSDA903 / "placed_for_adoption.csv")
    placed = [r for r in placed if r["REASON_PLACED_CEASED"] not in reasons]
    found = Counter((p.file.rsplit("/", 1)[-1], p.field, p.rule) for p in result.problems)
    assert found[("oc3.csv", "ACCOM", "invalid_code")] == len(accommodation) == 2
    assert found[("reviews.csv", "REVIEW", "future_date")] == len(future_reviews) > 0
    assert found[("placed_for_adoption.csv", "REASON_PLACED_CEASED", "invalid_code")] == len(placed)
    # DoLo.csv and sw_episodes.csv describe a child (CHILD10) who is not in header.csv
    assert found[("DoLo.csv", "CHILD", "child_not_in_header")] == 1
    assert found[("sw_episodes.csv", "CHILD", "child_not_in_header")] == 1
    assert all(p.file and p.row and p.field and p.rule for p in result.problems)


def test_ssda903_xml_counts_match_the_document(pseudonymiser):
    """fake_903.xml: children, episodes and reviews match an independent element count."""
    root = ET.parse(SSDA903 / "fake_903.xml").getroot()
    children = root.findall("CHILD")
    result = read_ssda903(
        SSDA903 / "fake_903.xml", pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY
    )
    assert result.ok
    skipped = Counter(s.table for s in result.skipped_rows)
    assert result.tables["header"].num_rows == len(children) == 253
    episodes = root.findall("CHILD/EPISODE")
    late = [
        e for e in episodes if e.findtext("DEC") and _dmy(e.findtext("DEC")) > date(2018, 3, 31)
    ]
    assert len(episodes) == 459
    assert result.tables["episodes"].num_rows == len(episodes) - len(late)  # rule 385
    reviews = len(root.findall("CHILD/HEADER/AREVIEW"))
    assert result.tables["reviews"].num_rows + skipped["reviews"] == reviews
    assert result.tables["uasc"].num_rows == len(root.findall("CHILD/HEADER/DUC"))
    assert set(result.tables["episodes"].column("PLACE").to_pylist()) <= {
        e.text for e in root.iter("PL")
    }


@pytest.mark.parametrize("name", CIN_FILES)
def test_cin_census_counts_match_the_document(name, pseudonymiser):
    """Each CIN file: children and referrals match an independent element count."""
    root = ET.parse(CIN / name).getroot()
    result = read_cin_census(
        CIN / name, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY
    )
    assert result.ok
    skipped = Counter(s.table for s in result.skipped_rows)
    children = root.findall("Children/Child")
    referrals = root.findall("Children/Child/CINdetails")
    assert result.tables["children"].num_rows + skipped["children"] == len(children)
    assert result.tables["cin_details"].num_rows + skipped["cin_details"] == len(referrals)
    plans = root.findall("Children/Child/CINdetails/ChildProtectionPlans")
    assert result.tables["cp_plans"].num_rows + skipped["cp_plans"] == len(plans)


def test_annex_a_lists_account_for_every_row(pseudonymiser):
    """Every list's rows kept plus skipped equal the non-empty rows under its header."""
    workbook = openpyxl.load_workbook(ANNEX_A, read_only=True)
    expected = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))[1:]
        number = int(sheet.title.split()[-1])
        expected[f"list_{number}"] = sum(1 for r in rows if any(v not in (None, "") for v in r))
    workbook.close()
    result = read_annex_a(ANNEX_A, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    assert result.ok
    skipped = Counter(s.table for s in result.skipped_rows)
    assert set(result.tables) == set(expected) == {f"list_{n}" for n in range(1, 12)}
    for name, count in expected.items():
        assert result.tables[name].num_rows + skipped[name] == count, name


def _dmy(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()
