"""Section 47 enquiries and initial child protection conferences, on hand-built census tables."""

from __future__ import annotations

from datetime import date

import pytest

from cyplan.analytics.indicators.cin import icpc_15_days, icpc_to_cp_plan, s47_rate, s47_to_icpc

from .conftest import cin_connection, counts, kids, one

AGES_0_TO_18 = {age: 100 for age in range(18)} | {18: 5000}


def test_icpc_within_15_working_days_over_easter_2024():
    """Day 15 after a strategy discussion on Thursday 28 March 2024 is in time, day 16 late."""
    con = cin_connection(
        children=kids("A", "B", "C", "D"),
        section47=[
            # A: the 2024 census has the enquiry still open; the 2025 census repeats it with
            # the conference on Monday 22 April 2024. Day 0 Thu 28 March; Good Friday 29 March
            # and Easter Monday 1 April are not working days; Tue 2 April is day 1, ...,
            # Fri 19 April day 14, Mon 22 April day 15: in time.
            {"CHILD": "A", "YEAR": 2024, "S47ActualStartDate": date(2024, 3, 28)},
            {
                "CHILD": "A",
                "YEAR": 2025,
                "S47ActualStartDate": date(2024, 3, 28),
                "DateOfInitialCPC": date(2024, 4, 22),
            },
            # B: the same strategy discussion, conference Tue 23 April 2024: day 16, late.
            {
                "CHILD": "B",
                "YEAR": 2025,
                "S47ActualStartDate": date(2024, 3, 28),
                "DateOfInitialCPC": date(2024, 4, 23),
            },
            # C: conference on the day of the strategy discussion: day 0, in time.
            {
                "CHILD": "C",
                "YEAR": 2025,
                "S47ActualStartDate": date(2024, 4, 10),
                "DateOfInitialCPC": date(2024, 4, 10),
            },
            # D: Wed 20 March to Thu 28 March 2024 = 6 working days, held in the 2023-24 year.
            {
                "CHILD": "D",
                "YEAR": 2024,
                "S47ActualStartDate": date(2024, 3, 20),
                "DateOfInitialCPC": date(2024, 3, 28),
            },
        ],
    )
    # 2024-25: A (in time), B (late), C (in time): 2 of 3.
    row = one(icpc_15_days(con, 2025))
    assert (row["numerator"], row["denominator"]) == (2, 3)
    assert row["value"] == pytest.approx(200 / 3)
    assert row["code"] == "icpc-15-days" and row["year"] == 2025 and row["la"] == "E1"
    # 2023-24: only D, in time.
    assert counts(icpc_15_days(con, 2024)) == (1, 1)


def test_s47_rate_year_boundaries_ages_and_unborn():
    """Enquiries started 1 April to 31 March, children born and under 18, per 10,000 aged 0-17."""
    con = cin_connection(
        children=[
            *kids("A", "B", "C", "D"),
            # E unborn at its enquiry: an expected date of birth, no date of birth.
            {"CHILD": "E", "PersonBirthDate": None, "ExpectedPersonBirthDate": date(2023, 12, 1)},
            # F born June 2005: 18 on 1 September 2023. G born June 2006: 17 on 1 March 2024.
            {"CHILD": "F", "PersonBirthDate": date(2005, 6, 1)},
            {"CHILD": "G", "PersonBirthDate": date(2006, 6, 1)},
        ],
        section47=[
            {"CHILD": "A", "S47_SEQ": 1, "S47ActualStartDate": date(2023, 5, 1)},
            {"CHILD": "A", "S47_SEQ": 2, "S47ActualStartDate": date(2024, 3, 31)},  # last day
            {"CHILD": "B", "S47ActualStartDate": date(2023, 4, 1)},  # first day
            {"CHILD": "B", "YEAR": 2025, "S47ActualStartDate": date(2023, 4, 1)},  # repeated
            {"CHILD": "C", "YEAR": 2023, "S47ActualStartDate": date(2023, 3, 31)},  # year before
            {"CHILD": "D", "YEAR": 2025, "S47ActualStartDate": date(2024, 4, 1)},  # year after
            {"CHILD": "E", "S47ActualStartDate": date(2023, 9, 1)},
            {"CHILD": "F", "S47ActualStartDate": date(2023, 9, 1)},
            {"CHILD": "G", "S47ActualStartDate": date(2024, 3, 1)},
        ],
        population={"E1": AGES_0_TO_18},
    )
    # 2023-24: A twice (enquiries, not children), B once (repeated in the 2025 census, counted
    # once), G (17); not C, D (other years), E (unborn), F (18). 4 enquiries.
    # Denominator: ages 0 to 17 = 18 x 100 = 1,800 (the 5,000 aged 18 are not in it).
    row = one(s47_rate(con, 2024))
    assert (row["numerator"], row["denominator"]) == (4, 1800)
    assert row["value"] == pytest.approx(4 / 1800 * 10_000)
    # 2024-25: D only (started 1 April 2024).
    assert counts(s47_rate(con, 2025)) == (1, 1800)


def test_s47_rate_without_population_has_no_value():
    """An LA with no population estimate gets its count and no rate."""
    con = cin_connection(
        children=kids("A"), section47=[{"CHILD": "A", "S47ActualStartDate": date(2023, 5, 1)}]
    )
    row = one(s47_rate(con, 2024))
    assert (row["numerator"], row["denominator"], row["value"]) == (1, None, None)


def test_s47_leading_to_icpc_leaves_pending_enquiries_out():
    """Held / (held + not required); pending enquiries are in neither; a later conference counts."""
    con = cin_connection(
        children=kids("A", "B", "C", "D"),
        section47=[
            # A: conference held in the year.
            {
                "CHILD": "A",
                "S47ActualStartDate": date(2023, 6, 1),
                "DateOfInitialCPC": date(2023, 6, 20),
            },
            # B: conference not required.
            {"CHILD": "B", "S47ActualStartDate": date(2023, 7, 1), "ICPCnotRequired": True},
            # C: neither yet: pending.
            {"CHILD": "C", "S47ActualStartDate": date(2024, 3, 20), "ICPCnotRequired": False},
            # D: started 25 March 2024, conference 5 April 2024 (in the 2025 census).
            {"CHILD": "D", "S47ActualStartDate": date(2024, 3, 25)},
            {
                "CHILD": "D",
                "YEAR": 2025,
                "S47ActualStartDate": date(2024, 3, 25),
                "DateOfInitialCPC": date(2024, 4, 5),
            },
        ],
    )
    # numerator A, D; denominator A, B, D: 2 of 3.
    assert counts(s47_to_icpc(con, 2024)) == (2, 3)


def test_icpc_leading_to_a_plan_needs_a_plan_starting_on_the_conference_date():
    """A plan starting on the conference date counts; one starting the day after does not."""
    con = cin_connection(
        children=kids("A", "B", "C", "D"),
        section47=[
            {
                "CHILD": "A",
                "S47ActualStartDate": date(2023, 5, 20),
                "DateOfInitialCPC": date(2023, 6, 1),
            },
            {
                "CHILD": "B",
                "S47ActualStartDate": date(2023, 6, 20),
                "DateOfInitialCPC": date(2023, 7, 3),
            },
            {
                "CHILD": "C",
                "S47ActualStartDate": date(2023, 7, 20),
                "DateOfInitialCPC": date(2023, 8, 1),
            },
        ],
        # D's conference is recorded only on the referral (CINdetails).
        cin_details=[
            {
                "CHILD": "D",
                "CINreferralDate": date(2023, 8, 1),
                "DateOfInitialCPC": date(2023, 9, 5),
            }
        ],
        cp_plans=[
            {"CHILD": "A", "CPPstartDate": date(2023, 6, 1)},
            {"CHILD": "B", "CPPstartDate": date(2023, 7, 4)},
            {"CHILD": "D", "CPPstartDate": date(2023, 9, 5)},
        ],
    )
    # A yes, B no (plan a day later), C no (no plan), D yes: 2 of 4.
    assert counts(icpc_to_cp_plan(con, 2024)) == (2, 4)


def test_children_are_told_apart_by_la():
    """The same pseudonym in two LAs is two children, each counted in its own LA."""
    con = cin_connection(
        children=[{"CHILD": "A", "LA": "E1"}, {"CHILD": "A", "LA": "E2"}],
        section47=[
            {"CHILD": "A", "LA": "E1", "S47ActualStartDate": date(2023, 6, 1)},
            {"CHILD": "A", "LA": "E2", "S47ActualStartDate": date(2023, 6, 1)},
        ],
        population={"E1": {a: 10 for a in range(18)}, "E2": {a: 20 for a in range(18)}},
    )
    rows = s47_rate(con, 2024).select(["la", "numerator", "denominator"]).to_pylist()
    # one enquiry each; E1 population 18 x 10 = 180, E2 18 x 20 = 360.
    assert rows == [
        {"la": "E1", "numerator": 1, "denominator": 180},
        {"la": "E2", "numerator": 1, "denominator": 360},
    ]


@pytest.mark.parametrize("indicator", [s47_rate, s47_to_icpc, icpc_15_days, icpc_to_cp_plan])
def test_uasc_breakdown_is_refused(indicator):
    """The CIN census does not record UASC status: by='uasc' is a ValueError."""
    con = cin_connection(children=kids("A"))
    with pytest.raises(ValueError, match="uasc"):
        indicator(con, 2024, "uasc")


def test_no_census_loaded_gives_no_rows():
    """Without the CIN tables an indicator gives an empty result, not an error."""
    import duckdb

    assert s47_rate(duckdb.connect(), 2024).num_rows == 0
