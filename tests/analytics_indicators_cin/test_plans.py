"""Child protection plan indicators on hand-built census tables: rate, count, reviews, length, repeats."""

from __future__ import annotations

from datetime import date

import pytest

from cyplan.analytics.indicators.cin_cp import (
    cp_count,
    cp_plans_2_years_plus,
    cp_rate,
    cp_reviews_in_timescale,
    cp_second_or_later,
)

from .conftest import cin_connection, counts, kids, one

AGES_0_TO_18 = {age: 100 for age in range(18)} | {18: 5000}


@pytest.fixture
def on_a_plan():
    """Children around 31 March 2024: plan boundaries, two plans, ages 17 and 18, unborn."""
    return cin_connection(
        children=[
            *kids("A", "B", "C", "G"),
            # D born 1 April 2006: 17 on 31 March 2024 (18 the next day).
            {"CHILD": "D", "PersonBirthDate": date(2006, 4, 1)},
            # E born 1 March 2006: 18 on 31 March 2024.
            {"CHILD": "E", "PersonBirthDate": date(2006, 3, 1)},
            # F unborn on 31 March 2024.
            {"CHILD": "F", "PersonBirthDate": None, "ExpectedPersonBirthDate": date(2024, 5, 1)},
        ],
        cp_plans=[
            {"CHILD": "A", "CPPstartDate": date(2024, 3, 31)},  # starts on 31 March: open
            {  # ends on 31 March: not open
                "CHILD": "B",
                "CPPstartDate": date(2023, 1, 1),
                "CPPendDate": date(2024, 3, 31),
            },
            {"CHILD": "C", "CPP_SEQ": 1, "CPPstartDate": date(2023, 6, 1)},  # two open plans
            {"CHILD": "C", "CPP_SEQ": 2, "CPPstartDate": date(2023, 9, 1)},
            {"CHILD": "D", "CPPstartDate": date(2023, 5, 1)},
            {"CHILD": "E", "CPPstartDate": date(2023, 5, 1)},
            {"CHILD": "F", "CPPstartDate": date(2024, 2, 1)},
            # G: open in the 2024 census, the 2025 census gives its end on 10 April 2024.
            {"CHILD": "G", "CPPstartDate": date(2023, 10, 1)},
            {
                "CHILD": "G",
                "YEAR": 2025,
                "CPPstartDate": date(2023, 10, 1),
                "CPPendDate": date(2024, 4, 10),
            },
        ],
        population={"E1": AGES_0_TO_18},
    )


def test_cp_rate_counts_children_born_and_under_18_on_31_march(on_a_plan):
    """Children on a plan on 31 March aged 0 to 17 per 10,000 of the 0 to 17 population."""
    # A (starts that day), C (once, two plans), D (17), G (ends after 31 March): 4.
    # Not B (ended on 31 March), E (18), F (unborn). Denominator 18 x 100 = 1,800.
    row = one(cp_rate(on_a_plan, 2024))
    assert (row["numerator"], row["denominator"]) == (4, 1800)
    assert row["value"] == pytest.approx(4 / 1800 * 10_000)


def test_cp_count_counts_children_not_plans_and_leaves_unborn_out(on_a_plan):
    """The count is children on a plan on 31 March, unborn children not added in."""
    # A, C (once), D, E, G = 5; not B (ended 31 March) or F (unborn).
    row = one(cp_count(on_a_plan, 2024))
    assert (row["numerator"], row["denominator"], row["value"]) == (5, None, 5.0)


def test_cp_reviews_in_timescale():
    """First review within 3 months, later ones within 6 months; one day late is late."""
    con = cin_connection(
        children=[
            *kids("A", "B", "C", "D", "E", "F", "G"),
            {"CHILD": "H", "PersonBirthDate": None, "ExpectedPersonBirthDate": date(2024, 6, 1)},
        ],
        cp_plans=[
            {"CHILD": "A", "CPPstartDate": date(2023, 6, 15)},
            {"CHILD": "B", "CPPstartDate": date(2023, 6, 15)},
            {"CHILD": "C", "CPPstartDate": date(2023, 11, 30)},
            {"CHILD": "D", "CPPstartDate": date(2023, 12, 20)},
            {"CHILD": "E", "CPPstartDate": date(2024, 1, 5)},
            {"CHILD": "F", "CPPstartDate": date(2023, 12, 31)},
            {"CHILD": "G", "YEAR": 2022, "CPPstartDate": date(2022, 1, 10)},
            {"CHILD": "G", "YEAR": 2023, "CPPstartDate": date(2022, 1, 10)},
            {"CHILD": "G", "YEAR": 2024, "CPPstartDate": date(2022, 1, 10)},
            {"CHILD": "H", "CPPstartDate": date(2023, 10, 1)},
        ],
        cp_reviews=[
            # A: due 15 Sep 2023, held 15 Sep; next due 15 Mar 2024, held 15 Mar: on time.
            {"CHILD": "A", "REVIEW_SEQ": 1, "CPPreviewDate": date(2023, 9, 15)},
            {"CHILD": "A", "REVIEW_SEQ": 2, "CPPreviewDate": date(2024, 3, 15)},
            # B: due 15 Sep 2023, held 16 Sep: one day late.
            {"CHILD": "B", "REVIEW_SEQ": 1, "CPPreviewDate": date(2023, 9, 16)},
            # C: 30 Nov + 3 months = 29 Feb 2024 (no 30 February); held 29 Feb: on time.
            {"CHILD": "C", "REVIEW_SEQ": 1, "CPPreviewDate": date(2024, 2, 29)},
            # D: due 20 Mar 2024, none held by 31 March: late.
            # E: started 5 Jan 2024, under 3 months on 31 March: not counted at all.
            # F: started 31 Dec 2023 (3 months exactly), due 31 Mar, held 28 Mar: on time.
            {"CHILD": "F", "REVIEW_SEQ": 1, "CPPreviewDate": date(2024, 3, 28)},
            # G: reviews sent in three censuses, each within its limit:
            # 8 Apr 2022 <= 10 Apr; 1 Oct 2022 <= 8 Oct; 30 Mar 2023 <= 1 Apr;
            # 29 Sep 2023 <= 30 Sep; 27 Mar 2024 <= 29 Mar; next due 27 Sep 2024.
            {"CHILD": "G", "YEAR": 2022, "REVIEW_SEQ": 1, "CPPreviewDate": date(2022, 4, 8)},
            {"CHILD": "G", "YEAR": 2023, "REVIEW_SEQ": 1, "CPPreviewDate": date(2022, 10, 1)},
            {"CHILD": "G", "YEAR": 2023, "REVIEW_SEQ": 2, "CPPreviewDate": date(2023, 3, 30)},
            {"CHILD": "G", "YEAR": 2024, "REVIEW_SEQ": 1, "CPPreviewDate": date(2023, 9, 29)},
            {"CHILD": "G", "YEAR": 2024, "REVIEW_SEQ": 2, "CPPreviewDate": date(2024, 3, 27)},
            # H (unborn, on a pre-birth plan since 1 Oct 2023): due 1 Jan 2024, held 20 Dec.
            {"CHILD": "H", "REVIEW_SEQ": 1, "CPPreviewDate": date(2023, 12, 20)},
        ],
    )
    # Denominator A, B, C, D, F, G, H = 7 (not E); on time A, C, F, G, H = 5.
    assert counts(cp_reviews_in_timescale(con, 2024)) == (5, 7)


def test_cp_plan_reviews_late_earlier_in_the_plan_make_it_late():
    """A late review in an earlier year still makes the current plan late."""
    con = cin_connection(
        children=kids("A"),
        cp_plans=[
            {"CHILD": "A", "YEAR": 2023, "CPPstartDate": date(2022, 6, 1)},
            {"CHILD": "A", "YEAR": 2024, "CPPstartDate": date(2022, 6, 1)},
        ],
        cp_reviews=[
            # due 1 Sep 2022, held 2 Sep 2022 (late); later ones on time.
            {"CHILD": "A", "YEAR": 2023, "CPPreviewDate": date(2022, 9, 2)},
            {"CHILD": "A", "YEAR": 2023, "REVIEW_SEQ": 2, "CPPreviewDate": date(2023, 3, 1)},
            {"CHILD": "A", "YEAR": 2024, "CPPreviewDate": date(2023, 8, 30)},
            {"CHILD": "A", "YEAR": 2024, "REVIEW_SEQ": 2, "CPPreviewDate": date(2024, 2, 20)},
        ],
    )
    assert counts(cp_reviews_in_timescale(con, 2024)) == (0, 1)


def test_cp_plans_lasting_2_years_or_more():
    """Plans ending in the year; 2 years means on or after the same date 2 years on."""
    con = cin_connection(
        children=kids("A", "B", "C", "D"),
        cp_plans=[
            # A has two plans ending in 2024-25 (plans, not children, are counted):
            # 10 May 2022 to 10 May 2024 is exactly 2 years: counted.
            {
                "CHILD": "A",
                "YEAR": 2025,
                "CPP_SEQ": 1,
                "CPPstartDate": date(2022, 5, 10),
                "CPPendDate": date(2024, 5, 10),
            },
            {
                "CHILD": "A",
                "YEAR": 2025,
                "CPP_SEQ": 2,
                "CPPstartDate": date(2024, 6, 1),
                "CPPendDate": date(2025, 1, 1),
            },
            # B: a day short of 2 years.
            {
                "CHILD": "B",
                "YEAR": 2025,
                "CPPstartDate": date(2022, 5, 10),
                "CPPendDate": date(2024, 5, 9),
            },
            {
                "CHILD": "C",
                "YEAR": 2025,
                "CPPstartDate": date(2024, 1, 1),
                "CPPendDate": date(2024, 6, 1),
            },
            # D ends after the year: not counted.
            {
                "CHILD": "D",
                "YEAR": 2025,
                "CPPstartDate": date(2020, 1, 1),
                "CPPendDate": date(2025, 4, 1),
            },
        ],
    )
    # Ending in the year: A1, A2, B, C = 4; 2 years or more: A1 = 1.
    assert counts(cp_plans_2_years_plus(con, 2025)) == (1, 4)


def test_cp_second_or_later_uses_the_census_count_and_earlier_plans():
    """A plan is second or later if NumberOfPreviousCPP > 0 or an earlier plan is in the data."""
    con = cin_connection(
        children=kids("A", "B", "C", "D", "E"),
        cp_plans=[
            # A: two plans in the year; the census says 0 previous plans on both, but the
            # second follows the first: the first is a first plan, the second a repeat.
            {
                "CHILD": "A",
                "CPP_SEQ": 1,
                "CPPstartDate": date(2023, 5, 1),
                "CPPendDate": date(2023, 8, 1),
                "NumberOfPreviousCPP": 0,
            },
            {
                "CHILD": "A",
                "CPP_SEQ": 2,
                "CPPstartDate": date(2023, 11, 1),
                "NumberOfPreviousCPP": 0,
            },
            # B: the census records 2 previous plans (e.g. in another LA).
            {"CHILD": "B", "CPPstartDate": date(2023, 6, 1), "NumberOfPreviousCPP": 2},
            # C: an earlier plan in the 2019-20 census.
            {
                "CHILD": "C",
                "YEAR": 2020,
                "CPPstartDate": date(2019, 1, 1),
                "CPPendDate": date(2020, 1, 1),
                "NumberOfPreviousCPP": 0,
            },
            {"CHILD": "C", "CPPstartDate": date(2023, 7, 1), "NumberOfPreviousCPP": 0},
            # D: blank and no earlier plan: a first plan.
            {"CHILD": "D", "CPPstartDate": date(2023, 8, 1)},
            # E: starts 1 April 2024, the next year.
            {"CHILD": "E", "YEAR": 2025, "CPPstartDate": date(2024, 4, 1)},
        ],
    )
    # Starting in 2023-24: A1, A2, B, C, D = 5; second or later: A2, B, C = 3.
    assert counts(cp_second_or_later(con, 2024)) == (3, 5)
