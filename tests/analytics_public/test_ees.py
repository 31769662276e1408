"""EES tidy CSV reader: the real SEN2 timeliness file, symbols, classification and problems."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyplan.analytics.ees import DataFileError, is_total_row, parse_value, read_ees

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SEN2 = DATA / "dfe-ees" / "sen2_ehcp_timeliness_20_week.csv"
TOTAL = "All EHC plans issued"
HEAD = "time_period,time_identifier,geographic_level,country_code,country_name"
NATIONAL = "2023,Calendar year,National,E92000001,England"


@pytest.fixture(scope="module")
def sen2():
    """The real file, read once."""
    return read_ees(SEN2)


def plain_rows() -> list[dict[str, str]]:
    """The real file's rows as the csv module gives them."""
    with open(SEN2, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, *lines: str) -> Path:
    """Write a small CSV file, one line per argument."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_real_file_reads_every_row_with_no_problems(sen2):
    """All 12,212 data rows are read and nothing is wrong with them."""
    assert len(plain_rows()) == 12212
    assert len(sen2.rows) == 12212
    assert sen2.problems == []


def test_the_real_file_reads_well_under_a_second():
    """Reading 12k rows by 26 columns takes well under a second."""
    start = time.perf_counter()
    read_ees(SEN2)
    assert time.perf_counter() - start < 1.0


def test_filters_and_indicators_are_told_apart_from_the_values(sen2):
    """Without a meta file the breakdowns are filters and the counts are indicators."""
    assert sen2.filters == ["breakdown_topic", "breakdown"]
    for name in (
        "plans_issued_within_20_weeks",
        "plans_issued_den",
        "pc_plans_issued_within_20_weeks",
    ):
        assert name in sen2.indicators
    assert "la_name" not in sen2.filters + sen2.indicators
    assert len(sen2.filters) + len(sen2.indicators) == len(sen2.columns) - 10


def test_bromley_2024_total_matches_a_plain_csv_scan(sen2):
    """Numerator, denominator and percentage equal what the csv module finds."""
    [plain] = [
        row
        for row in plain_rows()
        if row["new_la_code"] == "E09000006"
        and row["time_period"] == "2024"
        and row["breakdown"] == TOTAL
    ]
    [ours] = sen2.select(area_code="E09000006", period="2024", totals_only=True)
    for name in (
        "plans_issued_within_20_weeks",
        "plans_issued_den",
        "pc_plans_issued_within_20_weeks",
    ):
        assert ours.value(name) == (float(plain[name]), None)
    assert ours.filters == {"breakdown_topic": TOTAL, "breakdown": TOTAL}
    assert (ours.old_la_code, ours.region_code, ours.area_name) == ("305", "E12000007", "Bromley")


def test_england_and_london_rows_have_their_area_codes(sen2):
    """National rows carry England's code, London's regional rows E12000007."""
    national = sen2.select(geographic_level="National")
    london = [
        row for row in sen2.rows if row.geographic_level == "Regional" and row.area_name == "London"
    ]
    assert len(national) == sum(row["geographic_level"] == "National" for row in plain_rows())
    assert {(row.area_code, row.area_name) for row in national} == {("E92000001", "England")}
    assert london and {row.area_code for row in london} == {"E12000007"}


def test_x_cells_parse_as_the_symbol_x(sen2):
    """Every cell written `x` reads as no value with symbol x, and only those."""
    plain = plain_rows()
    expected = sum(row[name] == "x" for row in plain for name in sen2.indicators)
    found = sum(row.value(name) == (None, "x") for row in sen2.rows for name in sen2.indicators)
    assert expected == found > 0
    assert sen2.rows[0].value("plans_issued_gt_1_year") == (None, "x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("719", (719.0, None)),
        ("1,234", (1234.0, None)),
        (" 1 234.5 ", (1234.5, None)),
        ("45.3", (45.3, None)),
        ("45.3%", (45.3, None)),
        ("-2.5", (-2.5, None)),
        ("0", (0.0, None)),
        ("c", (None, "c")),
        ("x", (None, "x")),
        ("z", (None, "z")),
        ("X", (None, "x")),
        ("low", (0.0, "low")),
        ("u", (None, "u")),
        ("12.5 u", (12.5, "u")),
        ("", (None, "x")),
        ("   ", (None, "x")),
    ],
)
def test_parse_value_reads_numbers_and_symbols(text, expected):
    """Numbers with separators, the five EES symbols and an empty cell."""
    assert parse_value(text) == expected


@given(
    st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from(["{:,}", "{:d}", " {:,} "])
)
def test_parse_value_reads_any_whole_number_as_written(number, style):
    """Any integer, with or without thousands separators and padding, reads back exactly."""
    assert parse_value(style.format(number)) == (float(number), None)


@pytest.mark.parametrize("text", ["4O5", "1,2,3", "12..5", "nan", "inf", "--", "n/a", "1,23"])
def test_parse_value_refuses_anything_else(text):
    """Text that is neither a number nor a symbol is an error, not a guess."""
    with pytest.raises(ValueError, match="not a number"):
        parse_value(text)


def test_a_garbled_number_in_the_real_file_is_reported_with_row_and_column(tmp_path):
    """One bad cell among 12k is reported where it is; the column stays an indicator."""
    with open(SEN2, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("plans_issued_den")
    line = next(
        n
        for n, row in enumerate(rows)
        if row[7] == "E09000006" and row[0] == "2024" and row[11] == TOTAL
    )
    rows[line][column] = "7l9"
    copy = tmp_path / "garbled.csv"
    with open(copy, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    data = read_ees(copy)
    [problem] = data.problems
    assert (problem.row, problem.column) == (line + 1, "plans_issued_den")
    assert "'7l9'" in problem.message and problem.action
    assert f"row {line + 1}, column plans_issued_den" in str(problem)
    assert "plans_issued_den" in data.indicators
    assert data.rows[line - 1].value("plans_issued_den") == (None, None)


def test_a_meta_file_decides_filters_and_indicators(tmp_path):
    """A numeric filter is a filter with the meta file, an indicator without it."""
    lines = [f"{HEAD},age,pupils", f"{NATIONAL},3,10", f"{NATIONAL},4,12", f"{NATIONAL},5,x"]
    data = write(tmp_path / "ages.csv", *lines)
    assert read_ees(data).filters == []
    meta = write(
        tmp_path / "meta.csv",
        "col_name,col_type,label",
        "age,Filter,Age",
        "pupils,Indicator,Pupils",
    )
    explicit = read_ees(data, meta)
    assert (explicit.filters, explicit.indicators, explicit.problems) == (["age"], ["pupils"], [])
    assert explicit.rows[2].value("pupils") == (None, "x")
    write(tmp_path / "ages.meta.csv", *meta.read_text().splitlines())
    found = read_ees(data)
    assert (found.filters, found.meta_path) == (["age"], tmp_path / "ages.meta.csv")


def test_text_in_an_indicator_named_by_the_meta_file_is_reported(tmp_path):
    """With a meta file even a small file's bad value is reported at its row and column."""
    data = write(tmp_path / "small.csv", f"{HEAD},pupils", f"{NATIONAL},12", f"{NATIONAL},twelve")
    meta = write(tmp_path / "small.meta.csv", "col_name,col_type", "pupils,Indicator")
    [problem] = read_ees(data, meta).problems
    assert (problem.row, problem.column) == (3, "pupils")


def test_a_numeric_column_with_a_total_is_a_filter(tmp_path):
    """Values like 3, 4 and Total make a filter even without a meta file."""
    data = write(
        tmp_path / "ages.csv", f"{HEAD},age,pupils", f"{NATIONAL},3,10", f"{NATIONAL},Total,10"
    )
    assert read_ees(data).filters == ["age"]


def test_a_missing_mandatory_column_is_refused_with_its_name(tmp_path):
    """No geographic_level: nothing is read and the column is named."""
    data = write(
        tmp_path / "bad.csv",
        "time_period,time_identifier,country_code,country_name,n",
        "2023,Calendar year,E92000001,England,1",
    )
    with pytest.raises(DataFileError) as caught:
        read_ees(data)
    assert [p.column for p in caught.value.problems] == ["geographic_level"]
    assert "geographic_level" in str(caught.value)


def test_local_authority_rows_need_the_la_columns(tmp_path):
    """A Local authority row in a file without la_name and the codes is refused."""
    data = write(
        tmp_path / "la.csv", f"{HEAD},n", "2023,Calendar year,Local authority,E92000001,England,1"
    )
    with pytest.raises(DataFileError) as caught:
        read_ees(data)
    assert {p.column for p in caught.value.problems} == {
        "region_code",
        "region_name",
        "new_la_code",
        "old_la_code",
        "la_name",
    }


def test_a_six_digit_period_becomes_an_academic_year(tmp_path):
    """202324 reads as 2023/24 and keeps its time identifier; 202325 is reported."""
    data = write(
        tmp_path / "years.csv",
        f"{HEAD},n",
        "202324,Academic year,National,E92000001,England,5",
        "202325,Academic year,National,E92000001,England,5",
    )
    result = read_ees(data)
    first = result.rows[0]
    assert (first.time_period, first.period, first.time_identifier) == (
        "202324",
        "2023/24",
        "Academic year",
    )
    [problem] = result.problems
    assert (problem.row, problem.column) == (3, "time_period")


def test_a_row_with_the_wrong_number_of_cells_is_reported(tmp_path):
    """A stray comma is reported with its row and the row is left out."""
    data = write(tmp_path / "short.csv", f"{HEAD},n", f"{NATIONAL},5", f"{NATIONAL},5,6")
    result = read_ees(data)
    assert len(result.rows) == 1 and [p.row for p in result.problems] == [3]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"breakdown_topic": TOTAL, "breakdown": TOTAL}, True),
        ({"sex": "Total", "age": "All ages"}, True),
        ({"sex": "Total", "age": "age 3"}, False),
        ({"breakdown": "Allergy"}, False),
        ({}, True),
    ],
)
def test_the_total_row_rule(filters, expected):
    """Every filter Total or beginning with the word All."""
    assert is_total_row(filters) is expected


def test_a_file_that_is_not_utf8_or_not_there_is_refused(tmp_path):
    """A Windows-1252 file is refused with what to do; so is a missing one."""
    data = tmp_path / "latin.csv"
    data.write_bytes(
        f"{HEAD},n\n{NATIONAL},5\n2023,Calendar year,National,E92000001,Angleterre\xe9,5\n".encode(
            "cp1252"
        )
    )
    with pytest.raises(DataFileError, match="CSV UTF-8"):
        read_ees(data)
    with pytest.raises(DataFileError, match="does not exist"):
        read_ees(tmp_path / "nowhere.csv")


def test_the_meta_file_and_the_data_disagreeing_is_reported(tmp_path):
    """A column only in the meta file, one only in the data and a bad col_type are named."""
    data = write(tmp_path / "d.csv", f"{HEAD},pupils,sex", f"{NATIONAL},12,Total")
    meta = write(
        tmp_path / "m.csv", "col_name,col_type", "pupils,Indicator", "age,Filter", "x,Both"
    )
    result = read_ees(data, meta)
    assert [(p.row, p.column) for p in result.problems] == [(0, "age"), (0, "sex"), (4, "col_type")]
    assert result.filters == ["sex"] and all(p.file == str(meta) for p in result.problems)


def test_an_la_row_without_its_codes_is_reported(tmp_path):
    """A Local authority row needs new_la_code or old_la_code."""
    head = f"{HEAD},region_code,region_name,new_la_code,old_la_code,la_name,n"
    row = "2023,Calendar year,Local authority,E92000001,England,E12000007,London"
    data = write(tmp_path / "la.csv", head, f"{row},E09000006,305,Bromley,5", f"{row},,,Nowhere,5")
    result = read_ees(data)
    assert [(p.row, p.column) for p in result.problems] == [(3, "new_la_code")]
    assert (result.rows[0].area_code, result.rows[0].old_la_code) == ("E09000006", "305")
