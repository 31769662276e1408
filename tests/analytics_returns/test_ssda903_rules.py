"""SSDA903 validation rules on tiny hand-built returns."""

from __future__ import annotations

from datetime import date

import pytest

from cyplan.analytics.returns import _engine as engine
from cyplan.analytics.returns import read_ssda903

from .conftest import (
    EPISODE_COLUMNS,
    HEADER_COLUMNS,
    TODAY,
    episode_row,
    header_row,
    write_csv,
    write_return,
)


def _read(folder, pseudonymiser, **options):
    return read_ssda903(folder, pseudonymiser=pseudonymiser, today=TODAY, **options)


def _only(problems, rule):
    found = [p for p in problems if p.rule == rule]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def test_a_clean_return_is_loaded_with_typed_columns(tmp_path, pseudonymiser):
    """A valid return is ok, with dates as dates and one row per CSV row."""
    folder = write_return(tmp_path, [header_row("1"), header_row("2")], [
        episode_row("1", "01/05/2022", "03/06/2022"), episode_row("2", "2022-07-01"),
    ])  # fmt: skip
    result = _read(folder, pseudonymiser)
    assert result.ok and result.problems == []
    episodes = result.tables["episodes"]
    assert episodes.num_rows == 2
    assert episodes.column("DECOM").to_pylist() == [date(2022, 5, 1), date(2022, 7, 1)]
    assert episodes.column("DEC").to_pylist() == [date(2022, 6, 3), None]
    assert episodes.column("YEAR").to_pylist() == [2023, 2023]  # latest DECOM is in 2022-23


def test_old_and_new_sex_codes_are_normalised(tmp_path, pseudonymiser):
    """SEX 1/2 (to 2024) and M/F/U (from 2025) all become M, F or U."""
    rows = [header_row(str(n), sex=sex) for n, sex in enumerate(["1", "2", "M", "F", "U", "m"])]
    folder = write_return(tmp_path, rows, [episode_row("0")])
    result = _read(folder, pseudonymiser)
    assert result.ok
    assert result.tables["header"].column("SEX").to_pylist() == ["M", "F", "M", "F", "U", "M"]


def test_an_unknown_sex_code_is_a_problem(tmp_path, pseudonymiser):
    """SEX 3 is neither an old nor a new code."""
    folder = write_return(tmp_path, [header_row("1", sex="3")], [episode_row("1")])
    problem = _only(_read(folder, pseudonymiser).problems, "invalid_code")
    assert (problem.field, problem.row, problem.value) == ("SEX", 2, "3")


def test_a_bad_legal_status_is_reported_with_its_place(tmp_path, pseudonymiser):
    """LS X9 gives a problem naming the file, row, field and rule; nothing is loaded."""
    folder = write_return(tmp_path, [header_row("1")], [
        episode_row("1", "01/04/2022", "01/05/2022"), episode_row("1", "01/05/2022", LS="X9"),
    ])  # fmt: skip
    result = _read(folder, pseudonymiser)
    problem = _only(result.problems, "invalid_code")
    assert problem.file.endswith("episodes.csv")
    assert (problem.row, problem.field, problem.value) == (3, "LS", "X9")
    assert str(problem) == f"{problem.file}:3: LS: LS 'X9' is not in the code list"
    assert not result.ok and result.tables == {} and result.skipped_rows == []


@pytest.mark.parametrize("code", ["V2", "V3", "V4", "J1", "L3", "E1"])
def test_every_legal_status_family_is_accepted(tmp_path, pseudonymiser, code):
    """Short breaks (V3, V4), remands (J1) and the rest are valid legal statuses."""
    folder = write_return(tmp_path, [header_row("1")], [episode_row("1", LS=code)])
    assert _read(folder, pseudonymiser).ok


def test_dec_before_decom_is_a_problem(tmp_path, pseudonymiser):
    """An episode cannot end before it starts."""
    folder = write_return(
        tmp_path, [header_row("1")], [episode_row("1", "05/05/2022", "04/05/2022")]
    )
    problem = _only(_read(folder, pseudonymiser).problems, "end_before_start")
    assert (problem.field, problem.row, problem.value) == ("DEC", 2, "2022-05-04")


def test_a_date_in_the_future_is_a_problem(tmp_path, pseudonymiser):
    """Dates after ``today`` are refused; the duty-ended date of a UASC is allowed."""
    folder = write_return(tmp_path, [header_row("1")], [episode_row("1", "24/11/2026")])
    write_csv(
        folder / "uasc.csv",
        ["CHILD", "SEX", "DOB", "DUC"],
        [["1", "1", "14/07/2012", "14/07/2030"]],
    )
    problem = _only(_read(folder, pseudonymiser).problems, "future_date")
    assert (problem.file.endswith("episodes.csv"), problem.field, problem.row) == (True, "DECOM", 2)


def test_impossible_and_malformed_dates_are_problems(tmp_path, pseudonymiser):
    """31 February, two-digit years and text are not dates; a date of birth is not echoed."""
    folder = write_return(tmp_path, [header_row("1", dob="31/02/2012")], [
        episode_row("1", "01/05/22"), episode_row("1", "soon"),
    ])  # fmt: skip
    problems = _read(folder, pseudonymiser).problems
    invalid = sorted((p.field, p.row, p.value) for p in problems if p.rule == "invalid_date")
    assert invalid == [("DECOM", 2, "01/05/22"), ("DECOM", 3, "soon"), ("DOB", 2, None)]


def test_a_duplicate_episode_is_a_problem(tmp_path, pseudonymiser):
    """The same child starting two episodes on the same day: the second is reported."""
    folder = write_return(tmp_path, [header_row("1")], [
        episode_row("1", "01/05/2022"), episode_row("1", "02/05/2022"), episode_row("1", "01/05/2022"),
    ])  # fmt: skip
    problem = _only(_read(folder, pseudonymiser).problems, "duplicate_episode")
    assert (problem.row, problem.field) == (4, "DECOM")
    assert "row 2" in problem.message


def test_an_episode_of_a_child_missing_from_the_header_is_a_problem(tmp_path, pseudonymiser):
    """Every child with an episode must be in the header."""
    folder = write_return(tmp_path, [header_row("1")], [episode_row("1"), episode_row("2")])
    problem = _only(_read(folder, pseudonymiser).problems, "child_not_in_header")
    assert (problem.row, problem.field, problem.value) == (3, "CHILD", None)


def test_a_missing_required_column_refuses_the_return_even_when_skipping(tmp_path, pseudonymiser):
    """Without an LS column nothing can be loaded, whatever skip_invalid says."""
    write_csv(tmp_path / "header.csv", HEADER_COLUMNS, [header_row("1")])
    columns = [c for c in EPISODE_COLUMNS if c != "LS"]
    rows = [[v for c, v in zip(EPISODE_COLUMNS, episode_row("1"), strict=True) if c != "LS"]]
    write_csv(tmp_path / "episodes.csv", columns, rows)
    result = _read(tmp_path, pseudonymiser, skip_invalid=True)
    problem = _only(result.problems, "missing_column")
    assert (problem.row, problem.field) == (1, "LS")
    assert not result.ok and result.tables == {}


def test_an_optional_column_may_be_absent(tmp_path, pseudonymiser):
    """URN is optional: the table is loaded with the column empty."""
    write_csv(tmp_path / "header.csv", HEADER_COLUMNS, [header_row("1")])
    columns = [c for c in EPISODE_COLUMNS if c != "URN"]
    write_csv(tmp_path / "episodes.csv", columns, [episode_row("1")[:-1]])
    result = _read(tmp_path, pseudonymiser)
    assert result.ok and result.tables["episodes"].column("URN").to_pylist() == [None]


def test_a_truncated_file_reports_the_broken_row(tmp_path, pseudonymiser):
    """A file cut off mid-row: the last row is reported with its row number."""
    folder = write_return(
        tmp_path,
        [header_row("1")],
        [episode_row("1", "01/04/2022"), episode_row("1", "02/04/2022")],
    )
    text = (folder / "episodes.csv").read_text()
    (folder / "episodes.csv").write_text(text[: text.rindex("02/04/2022") + 5])
    result = _read(folder, pseudonymiser)
    problem = _only(result.problems, "truncated_row")
    assert (problem.row, problem.field) == (3, "(row)")
    skipping = _read(folder, pseudonymiser, skip_invalid=True)
    assert skipping.ok and skipping.tables["episodes"].num_rows == 1
    assert [(s.row, s.table) for s in skipping.skipped_rows] == [(3, "episodes")]


def test_skip_invalid_keeps_the_good_rows_and_lists_the_others(tmp_path, pseudonymiser):
    """Refused without skip_invalid; with it, bad rows are dropped and listed with reasons."""
    folder = write_return(tmp_path, [header_row("1"), header_row("2")], [
        episode_row("1", "01/04/2022"), episode_row("2", "01/04/2022", RNE="Q"),
        episode_row("1", "02/04/2022", "01/04/2022"), episode_row("2", "03/04/2022"),
    ])  # fmt: skip
    refused = _read(folder, pseudonymiser)
    assert not refused.ok and refused.tables == {} and len(refused.problems) == 2
    kept = _read(folder, pseudonymiser, skip_invalid=True)
    assert kept.ok and kept.tables["episodes"].num_rows == 2
    assert [(s.row, [p.rule for p in s.problems]) for s in kept.skipped_rows] == [
        (3, ["invalid_code"]), (4, ["end_before_start"]),
    ]  # fmt: skip
    assert kept.problems == refused.problems


def test_every_problem_says_where_and_which_rule(tmp_path, pseudonymiser):
    """Each problem carries file, row, field and rule, whatever went wrong."""
    folder = write_return(tmp_path, [header_row("1", dob=""), header_row("", sex="9")], [
        episode_row("1", "", PLACE="ZZ"), episode_row("3", "01/01/2030", HOME_POST="nowhere"),
    ])  # fmt: skip
    problems = _read(folder, pseudonymiser).problems
    assert len(problems) >= 7
    for problem in problems:
        assert problem.file and problem.field and problem.rule and problem.message
        assert isinstance(problem.row, int) and problem.row >= 2


def test_file_and_column_names_are_matched_case_insensitively(tmp_path, pseudonymiser):
    """Header.CSV with lower-case columns, a BOM and CRLF line ends is read."""
    lines = [",".join(c.lower() for c in HEADER_COLUMNS), ",".join(header_row("1"))]
    (tmp_path / "Header.CSV").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    write_csv(tmp_path / "EPISODES.csv", EPISODE_COLUMNS, [episode_row("1")])
    result = _read(tmp_path, pseudonymiser)
    assert result.ok and result.tables["header"].num_rows == 1


def test_blank_lines_do_not_shift_row_numbers(tmp_path, pseudonymiser):
    """Row numbers count every line as a spreadsheet would, blank ones included."""
    folder = write_return(tmp_path, [header_row("1")], [])
    good, bad = ",".join(episode_row("1")), ",".join(episode_row("1", "02/05/2022", LS="X9"))
    (folder / "episodes.csv").write_text(",".join(EPISODE_COLUMNS) + f"\n{good}\n\n{bad}\n")
    assert _only(_read(folder, pseudonymiser).problems, "invalid_code").row == 4


def test_windows_1252_files_are_read(tmp_path, pseudonymiser):
    """A CSV saved by Excel in Windows-1252 (here a £ in the URN) is still read."""
    folder = write_return(tmp_path, [header_row("1")], [])
    row = ",".join(episode_row("1", URN="£1"))
    (folder / "episodes.csv").write_bytes(
        (",".join(EPISODE_COLUMNS) + f"\n{row}\n").encode("cp1252")
    )
    result = _read(folder, pseudonymiser)
    assert result.ok and result.tables["episodes"].column("URN").to_pylist() == ["£1"]


def test_problems_beyond_the_limit_are_summarised(tmp_path, pseudonymiser, monkeypatch):
    """A wholly broken column lists the first problems and summarises the rest."""
    monkeypatch.setattr(engine, "MAX_PROBLEMS_PER_RULE", 2)
    rows = [episode_row("1", f"0{d}/05/2022", LS="X9") for d in range(1, 6)]
    folder = write_return(tmp_path, [header_row("1")], rows)
    result = _read(folder, pseudonymiser, skip_invalid=True)
    codes = [p for p in result.problems if p.rule == "invalid_code"]
    assert [p.row for p in codes] == [2, 3, 4]
    assert "3 more rows" in codes[-1].message
    assert len(result.skipped_rows) == 5
    # every episode row skipped: the return is refused rather than loaded with no episodes
    assert not result.ok and result.tables == {}
    assert [p.rule for p in result.problems if p.field == "(file)"] == ["no_episodes"]


def test_the_xml_form_gives_the_same_tables_as_the_csv_form(tmp_path, pseudonymiser):
    """One child as XML and as CSV: identical header and episode tables."""
    folder = write_return(tmp_path / "csv", [header_row("7", sex="2")], [
        episode_row("7", "01/04/2022", "01/05/2022", PLACE="U3"), episode_row("7", "01/05/2022"),
    ])  # fmt: skip
    xml = """<EXPSSDA903><CHILD><HEADER><CHILDID>7</CHILDID><SEX>2</SEX><DOB>14/07/2012</DOB>
    <ETHNIC>WBRI</ETHNIC><UPN>A123456789012</UPN><MOTHER/><MC_DOB/></HEADER>
    <EPISODE><DECOM>01/04/2022</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U3</PL>
    <PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>01/05/2022</DEC><REC>E11</REC><REASON_PLACE_CHANGE/>
    <HOME_POST>BR1 3UH</HOME_POST><PL_POST>SE12 9AA</PL_POST><URN>SC123456</URN></EPISODE>
    <EPISODE><DECOM>01/05/2022</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>
    <PLACE_PROVIDER>PR1</PLACE_PROVIDER><HOME_POST>BR1 3UH</HOME_POST><PL_POST>SE12 9AA</PL_POST>
    <URN>SC123456</URN></EPISODE></CHILD></EXPSSDA903>"""
    (tmp_path / "return.xml").write_text(xml)
    from_csv = _read(folder, pseudonymiser)
    from_xml = _read(tmp_path / "return.xml", pseudonymiser)
    assert from_csv.ok and from_xml.ok
    for table in ("header", "episodes"):
        assert from_xml.tables[table].equals(from_csv.tables[table]), table


def test_xml_problems_carry_the_element_path(tmp_path, pseudonymiser):
    """In XML a problem's row is the path of the offending element."""
    xml = """<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID><SEX>1</SEX><DOB>14/07/2012</DOB>
    <ETHNIC>WBRI</ETHNIC><UPN>UN1</UPN></HEADER></CHILD><CHILD><HEADER><CHILDID>2</CHILDID>
    <SEX>1</SEX><DOB>14/07/2012</DOB><ETHNIC>WBRI</ETHNIC><UPN>UN1</UPN></HEADER>
    <EPISODE><DECOM>01/04/2022</DECOM><RNE>S</RNE><LS>ZZ</LS><CIN>N1</CIN><PL>U1</PL></EPISODE>
    </CHILD></EXPSSDA903>"""
    (tmp_path / "return.xml").write_text(xml)
    problem = _only(_read(tmp_path / "return.xml", pseudonymiser).problems, "invalid_code")
    assert problem.row == "/EXPSSDA903/CHILD[2]/EPISODE[1]/LS"
