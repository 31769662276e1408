"""ONS mid-year estimates (MYE2 persons): the real mid-2023 file and broken copies of it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cyplan.analytics.ees import DataFileError
from cyplan.analytics.population import read_mid_year_estimates

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
MYE = DATA / "ons" / "mid_year_population_2023_persons.csv"


@pytest.fixture(scope="module")
def table():
    """The real file, read once."""
    return read_mid_year_estimates(MYE)


def plain_rows() -> list[list[str]]:
    """The real file's rows as the csv module gives them, preamble included."""
    with open(MYE, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def number(text: str) -> int:
    """A count as ONS writes it (' 331,162 ') as an int."""
    return int(text.strip().replace(",", ""))


def write_copy(path: Path, rows: list[list[str]]) -> Path:
    """Write rows as a CRLF CSV file, as Excel does."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_bromley_aged_0_to_17_is_the_published_figure(table):
    """72,770 children in Bromley in mid-2023, as ONS publishes."""
    assert table.aged("E09000006", 0, 17) == 72770
    assert table.ages_0_17()["E09000006"] == 72770


def test_england_aged_0_to_17_is_the_sum_of_its_row(table):
    """England's 0 to 17 equals its 18 age cells added up with the csv module."""
    rows = plain_rows()
    header = rows[7]
    england = next(row for row in rows if row[0] == "E92000001")
    expected = sum(number(england[header.index(str(age))]) for age in range(18))
    assert table.aged("E92000001", 0, 17) == expected
    assert table.ages_0_17()["E92000001"] == expected
    assert table.aged("E92000001", 0) == number(england[header.index("All ages")])


def test_every_area_matches_a_plain_csv_reading(table):
    """Each area's children, and 90+, agree with the csv module's reading."""
    rows = plain_rows()
    header = rows[7]
    expected = {
        row[0]: (sum(number(row[header.index(str(age))]) for age in range(18)), number(row[-1]))
        for row in rows[8:]
        if not row[1].startswith("LA_")
    }
    assert {
        code: (total, table.aged(code, 90)) for code, total in table.ages_0_17().items()
    } == expected


def test_the_duplicate_welsh_rows_are_skipped_not_errors(table):
    """LA_1 to LA_4 repeat four Welsh areas: listed as skipped, no problems."""
    assert table.problems == []
    assert [(s.row, s.name) for s in table.skipped] == [
        (366, "LA_1"),
        (367, "LA_2"),
        (368, "LA_3"),
        (369, "LA_4"),
    ]
    assert "repeats row 362 (Blaenau Gwent)" in str(table.skipped[0])
    assert table.names["W06000019"] == "Blaenau Gwent"


def test_names_geographies_and_the_top_age(table):
    """Names and kinds of area by code; ages stop at 90+."""
    assert table.names["E09000006"] == "Bromley"
    assert table.geographies["E09000006"] == "London Borough"
    assert table.geographies["E12000007"] == "Region"
    assert table.top_age == 90
    assert len(table.areas) == len({row[0] for row in plain_rows()[8:]}) == 357


def test_age_ranges_the_table_cannot_give_are_refused(table):
    """Ages past 89 one by one, a backwards range and an unknown code are errors."""
    with pytest.raises(ValueError, match="90\\+"):
        table.aged("E09000006", 0, 90)
    with pytest.raises(ValueError):
        table.aged("E09000006", 17, 0)
    with pytest.raises(KeyError, match="E09000060"):
        table.aged("E09000060", 0, 17)


def test_a_file_without_the_header_row_is_refused(tmp_path):
    """No row starting Code,Name: nothing is read."""
    rows = [row for row in plain_rows() if row[0] != "Code"]
    with pytest.raises(DataFileError, match="Code,Name"):
        read_mid_year_estimates(write_copy(tmp_path / "no_header.csv", rows))


@pytest.mark.parametrize("missing", ["45", "90+", "All ages"])
def test_a_file_with_a_column_missing_is_refused_naming_it(tmp_path, missing):
    """A missing age, top age or All ages column is named."""
    rows = plain_rows()
    index = rows[7].index(missing)
    rows = [row[:index] + row[index + 1 :] for row in rows]
    with pytest.raises(DataFileError) as caught:
        read_mid_year_estimates(write_copy(tmp_path / "short.csv", rows))
    assert missing in [problem.column for problem in caught.value.problems]


def test_bad_counts_and_conflicting_rows_are_reported(tmp_path):
    """A count that is not a number, ages not adding up and a conflicting repeat."""
    rows = plain_rows()
    header = rows[7]
    bromley = next(n for n, row in enumerate(rows) if row[0] == "E09000006")
    rows[bromley][header.index("5")] = "3,9S6"
    rows[bromley + 1][header.index("All ages")] = "1"
    rows[-1][4] = "1"  # LA_4 now differs from Newport
    table = read_mid_year_estimates(write_copy(tmp_path / "bad.csv", rows))
    found = [(p.row, p.column) for p in table.problems]
    assert found == [(bromley + 1, "5"), (bromley + 2, "All ages"), (len(rows), "Code")]
    assert "E09000006" not in table.areas and len(table.skipped) == 3
