"""Collection-year checks that refuse a return, and a bad non-key value kept as unknown (issue 13)."""

from __future__ import annotations

from cyplan.analytics.returns import read_cin_census, read_ssda903
from cyplan.analytics.store import AnalyticalStore

from .conftest import EPISODE_COLUMNS, TODAY, episode_row, header_row, write_csv, write_return
from .test_cin import _child, _write


def rules(result):
    return [p.rule for p in result.problems]


def test_a_2017_18_return_loaded_as_2024_is_refused(tmp_path, pseudonymiser):
    """Every date is before 1 April 2023: not the 2024 return, whatever --year says."""
    folder = write_return(tmp_path / "903", [header_row("1"), header_row("2")], [
        episode_row("1", "01/05/2017", "01/07/2017"), episode_row("2", "01/06/2017"),
    ])  # fmt: skip
    result = read_ssda903(folder, pseudonymiser=pseudonymiser, today=TODAY, year=2024)
    assert not result.ok and result.tables == {}
    assert "year_mismatch" in rules(result)
    # the closed episode (row 2) is also outside the collection year on its own
    assert [(p.row, p.field) for p in result.problems if p.rule == "outside_collection_year"] == [
        (2, "DEC")
    ]
    # skipping invalid rows cannot get round it: the whole return is refused
    lenient = read_ssda903(
        folder, pseudonymiser=pseudonymiser, today=TODAY, year=2024, skip_invalid=True
    )
    assert not lenient.ok and lenient.tables == {}


def test_an_episodes_file_with_only_a_header_is_refused(tmp_path, pseudonymiser):
    """No episodes: no year can be told and nothing would be loaded but header rows."""
    folder = write_return(tmp_path / "903", [header_row("1")], [])
    result = read_ssda903(folder, pseudonymiser=pseudonymiser, today=TODAY)
    assert not result.ok and result.tables == {}
    assert rules(result) == ["no_year"]
    given = read_ssda903(folder, pseudonymiser=pseudonymiser, today=TODAY, year=2023)
    assert not given.ok and given.tables == {} and rules(given) == ["no_episodes"]


def test_an_end_date_after_31_march_is_refused(tmp_path, pseudonymiser):
    """DfE rule 385: DEC 01/04/2023 in the return for the year ending 31/03/2023."""
    write_return(tmp_path / "2023", [header_row("1")], [
        episode_row("1", "01/05/2022", "01/04/2023"),
    ])  # fmt: skip
    result = read_ssda903(tmp_path, pseudonymiser=pseudonymiser, today=TODAY)
    assert not result.ok and [(p.row, p.field, p.rule) for p in result.problems] == [
        (2, "DEC", "385")
    ]


def test_cin_year_must_agree_with_the_reference_date(tmp_path, pseudonymiser):
    """The census header's ReferenceDate (31/03/2024) against --year 2023: refused."""
    path = _write(tmp_path, _child("A1"))
    result = read_cin_census(path, pseudonymiser=pseudonymiser, today=TODAY, year=2023)
    assert not result.ok and "year_mismatch" in rules(result)
    assert read_cin_census(path, pseudonymiser=pseudonymiser, today=TODAY, year=2024).ok


def test_an_unknown_accom_code_keeps_the_care_leaver_in_the_denominator(tmp_path, pseudonymiser):
    """With --skip-invalid, ACCOM 'Z9' is listed and left unknown; the row stays."""
    # Two care leavers born July 2003 (19 on 31/03/2023): P in EET with suitable accommodation,
    # Q with an unknown ACCOM code. EET: 1 of 2 (Q's ACTIV G4 is NEET). Suitable: P only, 1 of 2.
    # Dropping Q's row would make both 1 of 1 (100%).
    folder = write_return(
        tmp_path / "903",
        [header_row("A"), header_row("P", dob="14/07/2003"), header_row("Q", dob="14/07/2003")],
        [episode_row("A", "01/05/2022")],
    )
    write_csv(folder / "oc3.csv", ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], [
        ["P", "14/07/2003", "YES", "F1", "B1"], ["Q", "14/07/2003", "YES", "G4", "Z9"],
    ])  # fmt: skip
    result = read_ssda903(folder, pseudonymiser=pseudonymiser, today=TODAY, skip_invalid=True)
    assert result.ok and [(p.row, p.field, p.rule) for p in result.problems] == [
        (3, "ACCOM", "invalid_code")
    ]
    assert result.tables["oc3"].num_rows == 2 and result.skipped_rows == []
    store = AnalyticalStore(None)
    store.load_ssda903(result, "E09000006")
    eet = store.compute(["care-leavers-eet"], year=2023).to_pylist()[0]
    suitable = store.compute(["care-leavers-suitable-accommodation"], year=2023).to_pylist()[0]
    assert (eet["numerator"], eet["denominator"]) == (1, 2)
    assert (suitable["numerator"], suitable["denominator"]) == (1, 2)
    assert EPISODE_COLUMNS[0] == "CHILD"
