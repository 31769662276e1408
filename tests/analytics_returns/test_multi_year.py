"""Several years of SSDA903 returns: a YEAR column and repeated open episodes de-duplicated."""

from __future__ import annotations

from datetime import date

from cyplan.analytics.returns import read_ssda903
from cyplan.analytics.returns.ssda903 import year_of_folder

from .conftest import (
    EPISODE_COLUMNS,
    HEADER_COLUMNS,
    TODAY,
    episode_row,
    header_row,
    write_csv,
    write_return,
)


def test_year_folders_are_read_and_each_year_is_kept_whole(tmp_path, pseudonymiser):
    """An episode open at 31 March 2023 reappears, now closed, in 2024: both copies are kept,
    each with its own YEAR (the store decides which speaks for which dates)."""
    write_return(tmp_path / "2023", [header_row("1"), header_row("2")], [
        episode_row("1", "01/06/2022"),  # open at the end of 2022-23
        episode_row("2", "01/07/2022", "01/08/2022"),
    ])  # fmt: skip
    write_return(tmp_path / "2024", [header_row("1")], [
        episode_row("1", "01/06/2022", "15/09/2023"),  # the same episode, closed in 2023-24
        episode_row("1", "15/09/2023"),
    ])  # fmt: skip
    result = read_ssda903(tmp_path, pseudonymiser=pseudonymiser, today=TODAY)
    assert result.ok, result.problems
    rows = sorted(result.tables["episodes"].to_pylist(), key=lambda r: (r["CHILD"], r["DECOM"]))
    assert len(rows) == 4  # 4 rows read, none dropped
    child_1 = [r for r in rows if r["CHILD"] == pseudonymiser.child_id("1")]
    assert sorted((r["YEAR"], r["DECOM"], r["DEC"] or date.max) for r in child_1) == [
        (2023, date(2022, 6, 1), date.max),
        (2024, date(2022, 6, 1), date(2023, 9, 15)),
        (2024, date(2023, 9, 15), date.max),
    ]
    assert sorted(result.tables["header"].column("YEAR").to_pylist()) == [2023, 2023, 2024]


def test_a_year_column_in_one_set_of_files_is_used(tmp_path, pseudonymiser):
    """With a YEAR column, duplicates are checked within a year; each year keeps its rows."""
    write_csv(tmp_path / "header.csv", [*HEADER_COLUMNS, "YEAR"], [
        [*header_row("1"), "2023"], [*header_row("1"), "2024"],
    ])  # fmt: skip
    write_csv(tmp_path / "episodes.csv", [*EPISODE_COLUMNS, "YEAR"], [
        [*episode_row("1", "01/06/2022"), "2023"],
        [*episode_row("1", "01/06/2022", "01/02/2024"), "2024"],
    ])  # fmt: skip
    result = read_ssda903(tmp_path, pseudonymiser=pseudonymiser, today=TODAY)
    assert result.ok, result.problems
    episodes = result.tables["episodes"].to_pylist()
    assert sorted((r["YEAR"], r["DEC"] or date.min) for r in episodes) == [
        (2023, date.min),
        (2024, date(2024, 2, 1)),
    ]


def test_a_duplicate_within_one_year_is_still_a_problem(tmp_path, pseudonymiser):
    """Repeats across years are expected; within a year they are an error."""
    write_csv(tmp_path / "header.csv", [*HEADER_COLUMNS, "YEAR"], [[*header_row("1"), "2023"]])
    write_csv(tmp_path / "episodes.csv", [*EPISODE_COLUMNS, "YEAR"], [
        [*episode_row("1", "01/06/2022"), "2023"], [*episode_row("1", "01/06/2022"), "2023"],
    ])  # fmt: skip
    result = read_ssda903(tmp_path, pseudonymiser=pseudonymiser, today=TODAY)
    assert [p.rule for p in result.problems] == ["duplicate_episode"]


def test_the_year_comes_from_the_argument_when_nothing_else_says(tmp_path, pseudonymiser):
    """A plain folder with year=2023 labels every row 2023."""
    folder = write_return(tmp_path / "return", [header_row("1")], [episode_row("1", "01/06/2022")])
    result = read_ssda903(folder, pseudonymiser=pseudonymiser, today=TODAY, year=2023)
    assert result.tables["episodes"].column("YEAR").to_pylist() == [2023]


def test_an_episode_starting_after_the_collection_year_is_refused(tmp_path, pseudonymiser):
    """year=2021 on an episode starting 1 June 2022: DfE rule 354 (after 31 March 2021)."""
    folder = write_return(tmp_path / "return", [header_row("1")], [episode_row("1", "01/06/2022")])
    result = read_ssda903(folder, pseudonymiser=pseudonymiser, today=TODAY, year=2021)
    assert not result.ok and [(p.field, p.rule) for p in result.problems] == [("DECOM", "354")]


def test_year_folder_names():
    """2023 and 2022-23 both mean the year ending 31 March 2023; other names are not years."""
    assert year_of_folder("2023") == 2023
    assert year_of_folder("2022-23") == year_of_folder("2022_23") == 2023
    assert year_of_folder("2022-24") is None
    assert year_of_folder("episodes") is None
    assert year_of_folder("1850") is None
