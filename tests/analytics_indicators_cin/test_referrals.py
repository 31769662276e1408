"""Referrals, re-referrals and assessment timeliness on hand-built census tables."""

from __future__ import annotations

from datetime import date

import pytest

from cyplan.analytics.indicators.cin import (
    assessments_45_days,
    csc_referrals_count,
    rereferrals_12_months,
)

from .conftest import cin_connection, counts, kids


@pytest.fixture
def referrals():
    """Referrals around the 12-month boundary, repeated across two censuses."""

    def referral(child, day, year, seq=1):
        return {"CHILD": child, "YEAR": year, "REFERRAL_SEQ": seq, "CINreferralDate": day}

    return cin_connection(
        children=kids("A", "B", "C", "D", "E"),
        cin_details=[
            # A: 10 June 2023, then 10 June 2024, exactly 12 months later: a re-referral.
            # The first referral, still open, is repeated in the 2025 census.
            referral("A", date(2023, 6, 10), 2024),
            referral("A", date(2023, 6, 10), 2025, 1),
            referral("A", date(2024, 6, 10), 2025, 2),
            # B: 9 June 2023, then 10 June 2024: 12 months and a day, not a re-referral.
            referral("B", date(2023, 6, 9), 2024),
            referral("B", date(2024, 6, 10), 2025),
            # C: 28 February 2023, then 29 February 2024: one year back from 29 February is
            # 28 February, so a re-referral (in 2023-24).
            referral("C", date(2023, 2, 28), 2023),
            referral("C", date(2024, 2, 29), 2024),
            # D: a single referral.
            referral("D", date(2024, 5, 1), 2025),
            # E: three referrals in 2024-25; the second and third are re-referrals.
            referral("E", date(2024, 4, 5), 2025, 1),
            referral("E", date(2024, 9, 1), 2025, 2),
            referral("E", date(2025, 3, 1), 2025, 3),
        ],
    )


def test_rereferrals_within_12_months(referrals):
    """A referral exactly 12 months after the last is a re-referral; a day more is not."""
    # 2024-25 referrals: A2, B2, D, E1, E2, E3 = 6; re-referrals A2, E2, E3 = 3.
    assert counts(rereferrals_12_months(referrals, 2025)) == (3, 6)
    # 2023-24 referrals: A1, B1, C2 = 3; re-referral C2 (29 February back to 28 February) = 1.
    assert counts(rereferrals_12_months(referrals, 2024)) == (1, 3)


def test_referrals_count_counts_referrals_once(referrals):
    """Referrals in the year, each once though repeated in two censuses."""
    # 2024-25: A2, B2, D, E1, E2, E3 = 6. 2023-24: A1, B1, C2 = 3 (A1 is in two censuses).
    assert counts(csc_referrals_count(referrals, 2025)) == (6, None)
    assert counts(csc_referrals_count(referrals, 2024)) == (3, None)


def test_assessments_within_45_working_days():
    """Day 45 is in time and day 46 late, with bank holidays skipped."""

    def assessment(child, start, authorised, year):
        return {
            "CHILD": child,
            "YEAR": year,
            "AssessmentActualStartDate": start,
            "AssessmentAuthorisationDate": authorised,
        }

    con = cin_connection(
        children=kids("A", "B", "C", "D", "E", "F"),
        assessments=[
            # Mon 8 January 2024 + 9 weeks (no holidays) = Mon 11 March: day 45, in time.
            assessment("A", date(2024, 1, 8), date(2024, 3, 11), 2024),
            # Tue 12 March: day 46, late.
            assessment("B", date(2024, 1, 8), date(2024, 3, 12), 2024),
            # Thu 28 March 2024: day 15 is Mon 22 April (Easter); then 30 more working days
            # with Mon 6 May and Mon 27 May holidays: Wed 5 June is day 45, in time.
            assessment("C", date(2024, 3, 28), date(2024, 6, 5), 2025),
            # Thu 6 June: day 46, late.
            assessment("D", date(2024, 3, 28), date(2024, 6, 6), 2025),
            # E: not authorised: open, in neither count.
            assessment("E", date(2024, 2, 1), None, 2024),
            # F: started 1 March 2024, open at 31 March (2024 census), authorised 2 April 2024
            # (2025 census): 2024-25, 21 working days (1 March to 28 March is 19, then 2 April).
            assessment("F", date(2024, 3, 1), None, 2024),
            assessment("F", date(2024, 3, 1), date(2024, 4, 2), 2025),
        ],
    )
    assert counts(assessments_45_days(con, 2024)) == (1, 2)  # A in time of A, B
    assert counts(assessments_45_days(con, 2025)) == (2, 3)  # C, F in time of C, D, F


def test_working_days_past_the_table_end_is_an_error():
    """An assessment authorised after the bank-holiday table ends raises, never a silent count."""
    import duckdb

    con = cin_connection(
        children=kids("A"),
        assessments=[
            {
                "CHILD": "A",
                "YEAR": 2028,
                "AssessmentActualStartDate": date(2027, 12, 1),
                "AssessmentAuthorisationDate": date(2028, 1, 20),
            }
        ],
    )
    with pytest.raises(duckdb.Error, match="outside the bank-holiday table"):
        assessments_45_days(con, 2028)
