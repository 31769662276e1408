"""LA codes, names and regions, name normalisation and the statistical neighbours file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cyplan.analytics.areas import (
    ENGLAND_CODE,
    REGION_CODES,
    load_local_authorities,
    normalise_name,
    read_statistical_neighbours,
    region_code,
)
from cyplan.analytics.ees import DataFileError, read_ees

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
LA_CODES = DATA / "reference" / "la_codes.csv"
LA_REGIONS = DATA / "reference" / "la_regions.csv"
NEIGHBOURS = DATA / "reference" / "statistical_neighbours.csv"


@pytest.fixture(scope="module")
def directory():
    """The real LA codes and regions."""
    return load_local_authorities(LA_CODES, LA_REGIONS)


def plain(path: Path) -> list[list[str]]:
    """A CSV file's rows as the csv module gives them."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_bromley_is_found_by_old_code_new_code_and_name(directory):
    """305, E09000006, 'bromley' and the council's full name are all Bromley."""
    for key in ("305", "E09000006", "e09000006", "bromley", " London Borough of Bromley "):
        la = directory.find(key)
        assert la is not None and la.name == "Bromley", key
    la = directory.find("Bromley")
    assert (la.old_code, la.new_code, la.region_name, la.region_code) == (
        "305",
        "E09000006",
        "London",
        "E12000007",
    )


def test_every_la_in_the_codes_file_is_loaded_with_no_problems(directory):
    """One authority per data row; placeholder codes are not ONS codes."""
    rows = plain(LA_CODES)[1:]
    assert len(directory.authorities) == len(rows) == 184
    assert directory.problems == []
    assert len(directory.by_old_code) == 184
    assert len(directory.by_new_code) == sum(row[2] != "X999999" for row in rows)
    assert "X999999" not in directory.by_new_code
    assert directory.by_new_code("E09000006") is directory.by_old_code["305"]
    assert directory.by_new_code("E99999999") is None


def test_former_authorities_are_found_by_their_plain_name(directory):
    """'Cumbria' is the pre-2023 county; a current LA wins over a former one."""
    assert directory.find("Cumbria").name == "Pre-LGR 2023 Cumbria"
    assert directory.find("Cumbria").new_code == "E10000006"
    assert directory.find("Bedfordshire").old_code == "820"  # the 2009 one, not 1997's
    assert directory.find("Derbyshire").name == "Derbyshire"
    assert not directory.find("Derbyshire").former and directory.find("Cumbria").former


def test_every_current_la_has_an_english_region(directory):
    """The regions file names each current LA once, with a real region."""
    current = [la for la in directory.authorities if not la.former]
    assert len(current) == 153
    assert all(la.region_code == REGION_CODES[la.region_name] for la in current)
    assert directory.find("Bradford").region_code == "E12000003"  # " Yorkshire and The Humber"


def test_the_region_codes_are_the_official_ones():
    """The nine regions and England, by hand from the ONS register."""
    assert region_code("North East") == "E12000001"
    assert region_code("Yorkshire and the Humber") == "E12000003"
    assert region_code("east of england") == "E12000006"
    assert region_code("South West") == "E12000009"
    assert sorted(REGION_CODES.values()) == [f"E1200000{n}" for n in range(1, 10)]
    assert ENGLAND_CODE == "E92000001" and region_code("Wales") is None


def test_every_la_in_the_ees_file_matches_the_directory(directory):
    """Each LA row's codes and region agree with the directory (old ONS codes too)."""
    rows = read_ees(DATA / "dfe-ees" / "sen2_ehcp_timeliness_20_week.csv").rows
    for row in (row for row in rows if row.geographic_level == "Local authority"):
        by_code, by_old = directory.find(row.area_code), directory.find(row.old_la_code)
        assert by_code is by_old is not None, row
        assert by_code.region_code in (row.region_code, None), row
    assert directory.find("E10000027").name == "Somerset"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Bedford Borough", "Bedford"),
        ("Bristol, City of", "Bristol"),
        ("Kingston Upon Hull, City of", "Kingston upon Hull"),
        ("Herefordshire, County of", "Herefordshire"),
        ("St. Helens", "St Helens"),
        ("Bournemouth, Christchurch & Poole", "Bournemouth, Christchurch and Poole"),
        ("County Durham", "Durham"),
        ("Southend on Sea", "Southend-on-Sea"),
        ("Royal Borough of Greenwich", "Greenwich"),
        ("Isles Of Scilly", "Isles of Scilly"),
        ("Leeds City Council", "Leeds"),
        (" Yorkshire and The Humber", "Yorkshire and the Humber"),
    ],
)
def test_spellings_of_one_name_share_a_key(one, other):
    """Names that differ between sources normalise to the same key."""
    assert normalise_name(one) == normalise_name(other)


def test_city_of_london_is_not_london(directory):
    """Dropping 'city of' must not turn the City into London."""
    assert normalise_name("City of London") != normalise_name("London")
    assert directory.find("City of London").old_code == "201"
    assert directory.find("London") is None


def test_bad_rows_in_the_codes_file_are_reported(tmp_path):
    """A code that is not 3 digits or an ONS code is named with its row."""
    path = tmp_path / "codes.csv"
    path.write_text("name,old,new\nBromley,305,E09000006\nNowhere,3O5,E1\nBarnet,302,E9\n")
    directory = load_local_authorities(path)
    assert [(p.row, p.column) for p in directory.problems] == [(3, "old code"), (4, "new code")]
    assert directory.find("Barnet").new_code is None
    with pytest.raises(DataFileError):
        load_local_authorities(tmp_path / "missing.csv")


def test_every_neighbour_name_resolves_and_each_la_has_ten(directory):
    """All 153 columns and their 1,530 names resolve; nothing is reported."""
    header = plain(NEIGHBOURS)[0]
    result = read_statistical_neighbours(NEIGHBOURS, directory)
    assert result.problems == []
    assert len(result.neighbours) == sum(bool(name) for name in header) == 153
    assert all(len(ranked) == 10 for ranked in result.neighbours.values())


def test_bromleys_neighbours_are_in_the_files_order(directory):
    """Bromley's first neighbour is Hertfordshire, and the ranking is kept."""
    rows = plain(NEIGHBOURS)
    column = rows[0].index("Bromley")
    names = [row[column] for row in rows[1:11]]
    assert names[0] == "Hertfordshire"
    codes = {row[0]: row[2] for row in plain(LA_CODES)}
    result = read_statistical_neighbours(NEIGHBOURS, directory)
    assert result.neighbours["E09000006"] == [codes[name] for name in names]
    assert result.neighbours["E09000006"][0] == "E10000015"


def test_an_unknown_neighbour_name_is_reported_with_a_suggestion(tmp_path, directory):
    """A misspelt name is named with its row and column and the closest real names."""
    rows = plain(NEIGHBOURS)
    column = rows[0].index("Bromley")
    rows[3][column] = "Bukinghamshire"
    rows[10][column] = ""
    path = tmp_path / "neighbours.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    problems = read_statistical_neighbours(path, directory).problems
    typo = next(p for p in problems if p.row == 4)
    assert typo.column == "Q (Bromley)"
    assert "'Bukinghamshire'" in typo.message and "'Buckinghamshire'" in typo.message
    assert any("9 neighbours" in p.message and p.column == "Q (Bromley)" for p in problems)


def test_repeats_unknown_names_and_unknown_regions_are_reported(tmp_path):
    """A repeated LA, an LA the codes file lacks, a misspelt region and an LA with no region."""
    codes = tmp_path / "codes.csv"
    codes.write_text("Bromley,305,E09000006\nBarnet,302,E09000003\nLB Bromley,305,E09000006\n")
    regions = tmp_path / "regions.csv"
    regions.write_text(
        "\ufeffLocal authority,Region\nBromley,Londn\nBarnett,London\n", encoding="utf-8"
    )
    directory = load_local_authorities(codes, regions)
    found = [(p.file, p.row, p.column) for p in directory.problems]
    assert found == [
        (str(codes), 3, "name"),
        (str(regions), 2, "region"),
        (str(regions), 3, "LA"),
        (str(regions), 0, "LA"),
        (str(regions), 0, "LA"),
    ]
    assert "'London'" in directory.problems[1].message
    assert "'Barnet'" in directory.problems[2].message
