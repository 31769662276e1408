"""The national series readers against each quirk the shared data README lists, and corrupted
files (issue 17). Small files written here; expected values worked out by hand."""

from __future__ import annotations

import pytest

from cyplan.analytics.benchmarks import (
    fill_population_rates,
    lait_period,
    population_series,
    read_ees_series,
    read_fingertips,
    read_lait,
)
from cyplan.analytics.ees import DataFileError
from cyplan.analytics.la_history import load_history

HEAD = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
MULT = {"cla-3plus-placements": 100, "cp-rate": 10_000, "cla-rate": 10_000}


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def by_key(records):
    return {(r.indicator, r.area_code, r.period): r for r in records}


def test_2023_column_names_and_2025_column_names_both_import(tmp_path):
    # 2023 release: number, percentage; la_name before new_la_code. 2025: children_count.
    old = write(tmp_path, "old.csv", HEAD + "la_name,new_la_code,cla_group,placement_stability,number,percentage\n"
        "2023,Reporting year,Local authority,E92000001,England,E13000002,Outer London,305,Bromley,E09000006,CLA on 31 March,With 3 or more placements during the year,30,10\n"
        "2023,Reporting year,Local authority,E92000001,England,E13000002,Outer London,305,Bromley,E09000006,CLA on 31 March,Total children,300,100\n")  # fmt: skip
    new = write(tmp_path, "new.csv", HEAD + "new_la_code,la_name,cla_group,placement_stability,children_count,children_percent\n"
        "2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,305,E09000006,Bromley,CLA on 31 March,With 3 or more placements during the year,37,11\n"
        "2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,305,E09000006,Bromley,CLA on 31 March,Total children,343,100\n")  # fmt: skip
    a = by_key(read_ees_series(old, multipliers=MULT))[
        ("cla-3plus-placements", "E09000006", "2023")
    ]
    b = by_key(read_ees_series(new, multipliers=MULT))[
        ("cla-3plus-placements", "E09000006", "2025")
    ]
    assert (a.numerator, a.denominator, a.value) == (30, 300, 10.0)  # 30 / 300
    assert (b.numerator, b.denominator, round(b.value, 2)) == (37, 343, 10.79)  # 37 / 343
    # Inner/Outer London in the file; London E12000007 as the region to compare with.
    assert a.region_code == b.region_code == "E12000007"


def test_symbols_and_suppressed_counts(tmp_path):
    path = write(tmp_path, "s.csv", HEAD + "new_la_code,la_name,population_type,population_estimate,children_count,rate_per_10000\n"
        "2025,Reporting year,Local authority,E92000001,England,E12000002,North West,350,E08000001,Bolton,Children looked after on 31 March each year,70000,c,c\n"
        "2025,Reporting year,Local authority,E92000001,England,E12000002,North West,351,E08000002,Bury,Children looked after on 31 March each year,40000,low,low\n"
        "2025,Reporting year,Local authority,E92000001,England,E12000002,North West,352,E08000003,Manchester,Children looked after on 31 March each year,x,k,z\n")  # fmt: skip
    found = by_key(read_ees_series(path, multipliers=MULT))
    assert found[("cla-rate", "E08000001", "2025")].value is None
    assert found[("cla-rate", "E08000001", "2025")].symbol == "c"
    assert found[("cla-rate", "E08000002", "2025")].value == 0.0  # low: positive, rounds to 0
    assert found[("cla-count", "E08000003", "2025")].value == 0.0  # k: rounds to 0
    assert found[("cla-rate", "E08000003", "2025")].symbol == "z"


def test_code_changes_follow_the_authority_and_splits_do_not(tmp_path):
    path = write(tmp_path, "b.csv", HEAD + "new_la_code,la_name,category,CPP_At31\n"
        "2019,Reporting year,Local authority,E92000001,England,E12000008,South East,825,E10000002,Buckinghamshire,x,500\n"
        "2020,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,928,E10000021,Northamptonshire,x,600\n")  # fmt: skip
    found = by_key(read_ees_series(path, multipliers=MULT))
    assert found[("cp-count", "E06000060", "2019")].value == 500
    assert "E10000002" in found[("cp-count", "E06000060", "2019")].note
    assert ("cp-count", "E10000021", "2020") in found  # kept as Northamptonshire's own
    history = load_history()
    assert history.refusal("E10000021", "E06000061").startswith(
        "Northamptonshire (E10000021) is not"
    )
    assert history.refusal("E10000002", "E06000060") is None
    assert (
        history.current("E10000023") == "E06000065" and history.current("E10000027") == "E06000066"
    )
    assert "Cumberland" in history.refusal("E10000006", "E06000063")
    # Poole merged into Bournemouth, Christchurch and Poole: not BCP's figure.
    assert "merged" in history.refusal("E06000029", "E06000058")
    assert history.code_for_number("825", 2019) == "E10000002"
    assert history.code_for_number("825", 2025) == "E06000060"
    assert history.region("E09000006") == "E12000007"  # Outer London borough, London region


def test_rates_use_the_latest_release_of_each_population_year(tmp_path):
    pop = "new_la_code,la_name,age_group,population_estimate\n"
    older = write(tmp_path, "p2023.csv", HEAD + pop +
        "2023,Reporting year,Local authority,E92000001,England,E13000002,Outer London,305,E09000006,Bromley,Children aged 0 to 17 years,70000\n")  # fmt: skip
    newer = write(tmp_path, "p2024.csv", HEAD + pop +
        "2023,Reporting year,Local authority,E92000001,England,E13000002,Outer London,305,E09000006,Bromley,Children aged 0 to 17 years,80000\n"
        "2024,Reporting year,Local authority,E92000001,England,E13000002,Outer London,305,E09000006,Bromley,Children aged 0 to 17 years,81000\n")  # fmt: skip
    plans = write(tmp_path, "d5.csv", HEAD + "new_la_code,la_name,category,CPP_At31\n"
        "2024,Reporting year,Local authority,E92000001,England,E13000002,Outer London,305,E09000006,Bromley,x,400\n")  # fmt: skip
    groups = [(p.name, read_ees_series(p, multipliers=MULT)) for p in (newer, older, plans)]
    populations = population_series(groups)
    assert populations[("E09000006", "2023")] == 80000  # the re-based figure of the newer release
    records = groups[2][1]
    fill_population_rates(records, populations, MULT)
    rate = by_key(records)[("cp-rate", "E09000006", "2024")]
    assert rate.denominator == 80000 and rate.value == 50.0  # 400 / 80,000 (mid-2023) x 10,000


def test_neet_demo_rows_are_dropped(tmp_path):
    path = write(tmp_path, "neet.csv", "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,Age,Cohort_DJFavg,NEET_not_known_percent\n"
        "2021,Calendar year,Regional,E92000001,England,,Region demo,,,,16-17,120000,4.2\n"
        "2021,Calendar year,Local authority,E92000001,England,,Region demo,,,LA demo,16-17,6595,4.5\n"
        "2021,Calendar year,Local authority,E92000001,England,E12000007,London,305,E09000006,Bromley,16-17,7070,2\n")  # fmt: skip
    records = read_ees_series(path)
    assert [(r.area_code, r.value) for r in records] == [("E09000006", 2.0)]


def test_lait_labels_numbers_dashes_and_float_artefacts(tmp_path):
    assert lait_period("2023/24") == ("2023/24", 1, "")
    assert lait_period("2023-24") == ("2023/24", 1, "")
    assert lait_period("2025 (Rev)") == ("2025", 2, "revised")
    assert lait_period("2014-16") == ("2014-16", 1, "pooled years")
    assert lait_period("2013/14-15/16")[0] == "2013/14-15/16"
    assert lait_period("0") is None
    path = write(tmp_path, "lait.csv", "Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
        "KS2RWM_Expected_STD,,2025,Bromley,70.999999999999999,305,Outer London\n"
        "KS2RWM_Expected_STD,,2025 (Rev),Bromley,71.0,305,Outer London\n"
        "KS2RWM_Expected_STD,,2025,England,-,970,NA\n"
        "KS2RWM_Expected_STD,,2019,Buckinghamshire,9.3699999999999992,825,South East\n"
        "Unmapped,,zzz,Nowhere,junk,1,NA\n")  # fmt: skip
    found = by_key(read_lait(path))
    bromley = found[("ks2-rwm-expected", "E09000006", "2025")]
    assert bromley.value == 71.0 and bromley.rank == 2  # the revised figure wins
    assert found[("ks2-rwm-expected", "E92000001", "2025")].symbol == "x"
    assert found[("ks2-rwm-expected", "E06000060", "2019")].value == 9.37


def test_fingertips_counts_and_breakdowns(tmp_path):
    path = write(tmp_path, "ft.csv", "Indicator ID,Indicator Name,Area Code,Area Name,Sex,Category,Time period,Value,Count,Denominator\n"
        "90284,x,E09000006,Bromley,Persons,,2023/24,39.57,240,60654\n"
        "90284,x,E09000006,Bromley,Male,,2023/24,45,130,31000\n"
        "90284,x,E92000001,England,Persons,Most deprived,2023/24,120,1,1\n")  # fmt: skip
    found = by_key(read_fingertips(path))
    assert list(found) == [("injury-admissions-0-14", "E09000006", "2023/24")]
    assert (found[list(found)[0]].numerator, found[list(found)[0]].denominator) == (240, 60654)


def test_corrupted_files_name_file_row_and_column(tmp_path):
    ees = write(tmp_path, "bad.csv", HEAD + "new_la_code,la_name,category,CPP_At31\n"
        "2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,305,E09000006,Bromley,x,12\n"
        "2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,306,E09000007,Croydon,x,3O4\n")  # fmt: skip
    with pytest.raises(DataFileError) as error:
        read_ees_series(ees)
    assert "bad.csv, row 3, column CPP_At31" in str(error.value)
    lait = write(tmp_path, "bad_lait.csv", "Short Desc,Years,LA and Regions,Values,LA Number\n"
        "KS2RWM_Expected_STD,2025,Bromley,seventy,305\nKS2RWM_Expected_STD,2025,Nowhere,1,999\n")  # fmt: skip
    with pytest.raises(DataFileError) as error:
        read_lait(lait)
    assert "row 2, column Values" in str(error.value) and "row 3, column LA Number" in str(
        error.value
    )
    missing = write(tmp_path, "no_column.csv", "Short Desc,Years,Values\nA,2025,1\n")
    with pytest.raises(DataFileError, match="column LA and Regions"):
        read_lait(missing)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(DataFileError, match="Not a readable parquet file"):
        read_lait(broken)
    ft = write(
        tmp_path,
        "bad_ft.csv",
        "Indicator ID,Area Code,Time period,Value,Count\n90284,E09000006,2023/24,39.6,two hundred\n",
    )
    with pytest.raises(DataFileError, match="bad_ft.csv, row 2, column Count"):
        read_fingertips(ft)
