"""`validate_return`: each DfE SSDA903 rule on a hand-made return for the year ending 31/03/2023.

Row numbers are CSV rows (the header is row 1, so the first episode is row 2).
"""

from __future__ import annotations

from pathlib import Path

from cyplan.analytics.returns.validate import SSDA903_RULES, validate_return

from .conftest import HEADER_COLUMNS, TODAY, episode_row, header_row, write_csv, write_return

OC2_COLUMNS = ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
               "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
               "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"]  # fmt: skip
OC3_COLUMNS = ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]


def x1(child, decom, dec, **changes):
    """An episode ending with REC X1 (a new episode begins the same day)."""
    return episode_row(child, decom, dec, REC="X1", **changes)


def run(tmp_path: Path, episodes, header=None, previous=None, extra=None, year=2023):
    children = sorted({e[0] for e in episodes})
    folder = write_return(tmp_path / "903", header or [header_row(c) for c in children], episodes)
    for name, (columns, rows) in (extra or {}).items():
        write_csv(folder / f"{name}.csv", columns, rows)
    last = None
    if previous is not None:
        last_children = sorted({e[0] for e in previous})
        last = write_return(tmp_path / "903-last", [header_row(c) for c in last_children], previous)
    return validate_return("ssda903", folder, la="E09000006", year=year, previous=last, today=TODAY)


def rows(findings, rule):
    return sorted(int(f.row) for f in findings if f.rule == rule)


def test_501_overlapping_episodes(tmp_path):
    # A: 01/05/2022-01/07/2022, next starts 01/06/2022, before the previous end: row 3.
    # B: a clean chain: not flagged.
    found = run(tmp_path, [
        x1("A", "01/05/2022", "01/07/2022"), episode_row("A", "01/06/2022", RNE="P"),
        x1("B", "01/05/2022", "01/07/2022"), episode_row("B", "01/07/2022", RNE="P"),
    ])  # fmt: skip
    assert rows(found, "501") == [3]


def test_433_continuation_episode_after_a_gap(tmp_path):
    # A: ends 01/07/2022, the next (RNE P) starts 05/07/2022: row 3. B starts S after a gap: fine.
    found = run(tmp_path, [
        x1("A", "01/05/2022", "01/07/2022"), episode_row("A", "05/07/2022", RNE="P"),
        episode_row("B", "01/05/2022", "01/07/2022"), episode_row("B", "05/07/2022"),
    ])  # fmt: skip
    assert rows(found, "433") == [3]


def test_431_a_start_the_day_the_previous_episode_ended(tmp_path):
    found = run(tmp_path, [
        episode_row("A", "01/05/2022", "01/07/2022"), episode_row("A", "01/07/2022", RNE="S"),
        episode_row("B", "01/05/2022", "01/07/2022"), episode_row("B", "02/07/2022", RNE="S"),
    ])  # fmt: skip
    assert rows(found, "431") == [3]


def test_388_x1_with_no_continuation_episode(tmp_path):
    # A ends with X1 and nothing follows: row 2. B's X1 is followed the same day: fine.
    found = run(tmp_path, [
        x1("A", "01/05/2022", "01/07/2022"),
        x1("B", "01/05/2022", "01/07/2022"), episode_row("B", "01/07/2022", RNE="P"),
    ])  # fmt: skip
    assert rows(found, "388") == [2]


def test_356_an_episode_ending_before_it_started(tmp_path):
    found = run(tmp_path, [episode_row("A", "01/07/2022", "01/05/2022")])
    assert rows(found, "356") == [2]


def test_385_an_episode_ending_after_the_collection_year(tmp_path):
    found = run(tmp_path, [episode_row("A", "01/07/2022", "01/04/2023"),
                           episode_row("B", "01/07/2022", "31/03/2023")])  # fmt: skip
    assert rows(found, "385") == [2]


def test_217_placed_for_adoption_with_current_carer_needs_rne_s_t_or_u(tmp_path):
    # A: U1 then A3 with RNE P (should be S, T or U): row 3. B: A5 with T: fine.
    found = run(tmp_path, [
        x1("A", "01/05/2022", "01/07/2022"), episode_row("A", "01/07/2022", RNE="P", PLACE="A3"),
        x1("B", "01/05/2022", "01/07/2022"), episode_row("B", "01/07/2022", RNE="T", PLACE="A5"),
    ])  # fmt: skip
    assert rows(found, "217") == [3]


def test_336_no_foster_or_adoptive_placement_before_a3_a5(tmp_path):
    # A: K2 (children's home) then A3: row 3. B: A4 then A5 (rule 336 allows A3-A6): fine.
    found = run(tmp_path, [
        x1("A", "01/05/2022", "01/07/2022", PLACE="K2"),
        episode_row("A", "01/07/2022", RNE="T", PLACE="A3"),
        x1("B", "01/05/2022", "01/07/2022", PLACE="A4"),
        episode_row("B", "01/07/2022", RNE="T", PLACE="A5"),
    ])  # fmt: skip
    assert rows(found, "336") == [3]


def test_225_reason_for_placement_change_missing(tmp_path):
    # A: U1 ends X1, next is a move (P) with no REASON_PLACE_CHANGE: row 2. B gives one: fine.
    found = run(tmp_path, [
        x1("A", "01/05/2022", "01/07/2022"), episode_row("A", "01/07/2022", RNE="P", PLACE="U4"),
        x1("B", "01/05/2022", "01/07/2022", REASON_PLACE_CHANGE="CARPL"),
        episode_row("B", "01/07/2022", RNE="P", PLACE="U4"),
    ])  # fmt: skip
    assert rows(found, "225") == [2]


def test_226_no_reason_for_placement_change_with_a_temporary_placement(tmp_path):
    # A: the episode before the T1 gives a reason: row 3 (the T1). B: none given: fine.
    found = run(tmp_path, [
        x1("A", "01/05/2022", "01/07/2022", REASON_PLACE_CHANGE="CARPL"),
        x1("A", "01/07/2022", "10/07/2022", RNE="P", PLACE="T1"),
        episode_row("A", "10/07/2022", RNE="P"),
        x1("B", "01/05/2022", "01/07/2022"),
        x1("B", "01/07/2022", "10/07/2022", RNE="P", PLACE="T1"),
        episode_row("B", "10/07/2022", RNE="P"),
    ])  # fmt: skip
    assert rows(found, "226") == [3]


def test_383_return_from_a_temporary_placement(tmp_path):
    # A: U1 -> T1 (row 3) -> U4, not back to U1: row 3. B: U1 -> T1 -> U1 with RNE P: fine.
    found = run(tmp_path, [
        x1("A", "01/05/2022", "01/07/2022"),
        x1("A", "01/07/2022", "10/07/2022", RNE="P", PLACE="T1"),
        episode_row("A", "10/07/2022", RNE="P", PLACE="U4"),
        x1("B", "01/05/2022", "01/07/2022"),
        x1("B", "01/07/2022", "10/07/2022", RNE="P", PLACE="T1"),
        episode_row("B", "10/07/2022", RNE="P"),
    ])  # fmt: skip
    assert rows(found, "383") == [3]  # the temporary episode itself


def test_rec_and_dec_together(tmp_path):
    # A: REC X1 on an open episode (no DEC): row 2. B: open with no REC: fine.
    found = run(
        tmp_path, [episode_row("A", "01/05/2022", REC="X1"), episode_row("B", "01/05/2022")]
    )
    assert rows(found, "REC-DEC") == [2]


def test_190_and_191_oc2_eligibility(tmp_path):
    # A: looked after since 01/01/2021, open: in the 12-month cohort; OC2 complete: fine.
    # B: since 01/02/2023 (under 12 months) but has an OC2 row: 190 at oc2 row 3.
    # C: in the cohort (since 01/03/2022) with no OC2 row: 191 at its episode (row 4).
    complete = ["", "", "0", "1", "1", "1", "1", "0", "", ""]
    found = run(
        tmp_path,
        [
            episode_row("A", "01/01/2021"),
            episode_row("B", "01/02/2023"),
            episode_row("C", "01/03/2022"),
        ],  # fmt: skip
        extra={
            "oc2": (OC2_COLUMNS, [["A", "14/07/2012", *complete], ["B", "14/07/2012", *complete]])
        },  # fmt: skip
    )
    assert [(f.file.rsplit("/", 1)[-1], int(f.row)) for f in found if f.rule == "190"] == [
        ("oc2.csv", 3)
    ]
    assert [(f.file.rsplit("/", 1)[-1], int(f.row)) for f in found if f.rule == "191"] == [
        ("episodes.csv", 4)
    ]


def test_1007_care_leaver_information_for_a_17_year_old_still_looked_after(tmp_path):
    # A born 14/07/2005: 17 on 31/03/2023, still looked after, with an OC3 row: oc3 row 2.
    # B born 14/07/2004: 18, left care in the year: fine.
    header = [header_row("A", dob="14/07/2005"), header_row("B", dob="14/07/2004")]
    found = run(
        tmp_path,
        [episode_row("A", "01/05/2022"), episode_row("B", "01/05/2022", "01/08/2022")],
        header=header,
        extra={
            "oc3": (
                OC3_COLUMNS,
                [["A", "14/07/2005", "YES", "F1", "B1"], ["B", "14/07/2004", "YES", "F1", "B1"]],
            )
        },  # fmt: skip
    )
    assert rows(found, "1007") == [2]


def test_1002_care_leaver_with_no_episodes_in_either_year(tmp_path):
    # L (in the header, no episodes this year or last) has an OC3 row: a warning at oc3 row 2.
    # M had episodes last year: fine.
    header = [header_row("A"), header_row("L", dob="14/07/2003"), header_row("M", dob="14/07/2003")]
    found = run(
        tmp_path,
        [episode_row("A", "01/05/2022")],
        header=header,
        previous=[episode_row("M", "01/05/2021", "01/02/2022", REC="E13")],
        extra={
            "oc3": (
                OC3_COLUMNS,
                [["L", "14/07/2003", "YES", "F1", "B1"], ["M", "14/07/2003", "YES", "F1", "B1"]],
            )
        },  # fmt: skip
    )
    flagged = [f for f in found if f.rule == "1002"]
    assert [(int(f.row), f.severity) for f in flagged] == [(2, "warning")]


def test_header_child_with_no_episodes(tmp_path):
    found = run(tmp_path, [episode_row("A", "01/05/2022")],
                header=[header_row("A"), header_row("Z")])  # fmt: skip
    assert rows(found, "HEADER-EPISODES") == [3]


def test_503_comparisons_with_the_open_episode_of_last_year(tmp_path):
    # A's open episode at the end of 2022 (DECOM 01/05/2021, LS C2, PLACE U1) comes back in
    # 2023 with LS C1 and PLACE U3: 503B and 503D at row 2. B's matches: fine. C was open last
    # year and is missing now: OPEN-LAST-YEAR at last year's row 4.
    previous = [episode_row("A", "01/05/2021"), episode_row("B", "01/05/2021"),
                episode_row("C", "01/05/2021")]  # fmt: skip
    found = run(
        tmp_path,
        [episode_row("A", "01/05/2021", LS="C1", PLACE="U3"), episode_row("B", "01/05/2021")],
        previous=previous,
    )
    assert rows(found, "503B") == rows(found, "503D") == [2]
    assert rows(found, "503A") == rows(found, "503C") == rows(found, "503F") == []
    assert rows(found, "OPEN-LAST-YEAR") == [4]


def test_a_clean_return_has_no_problems(tmp_path):
    found = run(tmp_path, [
        x1("A", "01/05/2022", "01/07/2022", REASON_PLACE_CHANGE="CARPL"),
        episode_row("A", "01/07/2022", RNE="P", PLACE="U4"),
    ])  # fmt: skip
    assert found == []


def test_year_mismatch_is_an_error(tmp_path):
    """A 2017-18 return validated as 2024 is refused as a whole."""
    found = run(tmp_path, [episode_row("A", "01/05/2017", "01/07/2017"),
                           episode_row("B", "01/06/2017")], year=2024)  # fmt: skip
    assert "year_mismatch" in {f.rule for f in found}
    assert all(f.severity == "error" for f in found)


def test_every_rule_has_a_number_a_message_and_a_topic():
    numbers = [r.number for r in SSDA903_RULES]
    assert len(numbers) == len(set(numbers)) and all(r.message and r.topic for r in SSDA903_RULES)
    assert HEADER_COLUMNS[0] == "CHILD"


def test_the_rule_count_in_the_docs_matches_the_code():
    """docs/returns.md states how many DfE rules are implemented: the rules here plus the
    readers' three (356, 385, 354); the cyplan-own rules are counted apart."""
    import re

    docs = (Path(__file__).resolve().parents[2] / "docs" / "returns.md").read_text()
    stated = re.search(r"DfE SSDA903 rules implemented \((\d+), plus (\d+) of cyplan", docs)
    own = [r for r in SSDA903_RULES if not r.number[:3].isdigit()]
    dfe = [r for r in SSDA903_RULES if r.number[:3].isdigit()]
    assert (int(stated.group(1)), int(stated.group(2))) == (len(dfe) + 3, len(own))
    for rule in dfe:
        assert f"| {rule.number} |" in docs or rule.number.startswith("503"), rule.number
