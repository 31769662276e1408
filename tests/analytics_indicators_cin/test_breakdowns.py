"""Breakdowns of the CIN indicators: hand-checked groups, and groups adding up to the total."""

from __future__ import annotations

from datetime import date

import pytest

from cyplan.analytics.catalogue import load_catalogue
from cyplan.analytics.indicators import base, load_all
from cyplan.analytics.indicators.cin import s47_rate, s47_to_icpc

from .conftest import cin_connection

CIN_CODES = (
    "csc-referrals-count",
    "rereferrals-12-months",
    "assessments-45-days",
    "s47-rate",
    "s47-to-icpc",
    "icpc-15-days",
    "icpc-to-cp-plan",
    "cp-count",
    "cp-rate",
    "cp-reviews-in-timescale",
    "cp-plans-2-years-plus",
    "cp-second-or-later",
)
ANNEX_A_CODES = ("cin-visits-20-days", "cp-visits-10-days", "cp-seen-alone")
CHILD_BREAKDOWNS = ("sex", "age_band", "ethnicity", "ethnic_group", "disability")


def test_every_indicator_is_registered_under_its_catalogue_code():
    """Each CIN and Annex A indicator is in the registry and in the catalogue."""
    registry = load_all()
    catalogue = load_catalogue()
    for code in CIN_CODES + ANNEX_A_CODES:
        assert code in registry, code
        assert code in catalogue, code


@pytest.fixture
def mixed():
    """Six children of different sexes, ethnicities, ages and disabilities, each with one of everything."""
    children = [
        # A: F, White British, 12 on 1 June 2023 (born June 2010), not disabled (NONE).
        {"CHILD": "A", "Sex": "F", "Ethnicity": "WBRI", "PersonBirthDate": date(2010, 6, 1)},
        # B: M, Black African, born 1 June 2023 (0 on 1 June 2023), disabled (HAND).
        {
            "CHILD": "B",
            "Sex": "M",
            "Ethnicity": "BAFR",
            "PersonBirthDate": date(2023, 6, 1),
            "Disabilities": ["HAND"],
        },
        # C: sex unknown, not obtained, 4, nothing recorded about disability.
        {
            "CHILD": "C",
            "Sex": "U",
            "Ethnicity": "NOBT",
            "PersonBirthDate": date(2019, 1, 1),
            "Disabilities": None,
        },
        # D: unborn, M, White British, NONE.
        {
            "CHILD": "D",
            "Sex": "M",
            "PersonBirthDate": None,
            "ExpectedPersonBirthDate": date(2024, 6, 1),
        },
        # E: F, Pakistani, 16, disabled (AUT with NONE: a code other than NONE).
        {
            "CHILD": "E",
            "Ethnicity": "APKN",
            "PersonBirthDate": date(2007, 1, 1),
            "Disabilities": ["AUT", "NONE"],
        },
        # F: M, mixed White and Black Caribbean, 18, NONE.
        {"CHILD": "F", "Sex": "M", "Ethnicity": "MWBC", "PersonBirthDate": date(2005, 1, 1)},
    ]
    names = [c["CHILD"] for c in children]
    held = {"A", "B", "D"}
    return cin_connection(
        children=children,
        cin_details=[
            {"CHILD": n, "REFERRAL_SEQ": s, "CINreferralDate": d}
            for n in names
            for s, d in ((1, date(2023, 5, 1)), (2, date(2024, 2, 1)))
        ],
        assessments=[
            {
                "CHILD": n,
                "AssessmentActualStartDate": date(2023, 5, 2),
                "AssessmentAuthorisationDate": date(2023, 6, 1) if n in held else date(2023, 9, 1),
            }
            for n in names
        ],
        section47=[
            {
                "CHILD": n,
                "S47ActualStartDate": date(2023, 6, 1),
                "DateOfInitialCPC": date(2023, 6, 15) if n in held else None,
                "ICPCnotRequired": n not in held,
            }
            for n in names
        ],
        cp_plans=[
            {"CHILD": n, "CPPstartDate": date(2023, 6, 15), "NumberOfPreviousCPP": i % 2}
            for i, n in enumerate(names)
            if n in held
        ]
        + [
            {"CHILD": "C", "CPPstartDate": date(2021, 1, 1), "CPPendDate": date(2023, 7, 1)},
            {"CHILD": "E", "CPPstartDate": date(2022, 9, 1), "CPPendDate": date(2023, 8, 1)},
        ],
        cp_reviews=[{"CHILD": n, "CPPreviewDate": date(2023, 9, 1)} for n in ("A", "B")],
        population={"E1": {age: 100 for age in range(19)}},
    )


def _groups(table):
    return {row["group"]: (row["numerator"], row["denominator"]) for row in table.to_pylist()}


def test_s47_to_icpc_by_disability_and_age_band(mixed):
    """Hand-checked groups: disability from the Disabilities list, age bands with Unborn."""
    # Conferences held for A, B, D; not required for C, E, F.
    # Disabled: B (held), E (not required) -> 1 of 2. Not disabled (NONE only): A, D held,
    # F not -> 2 of 3. Unknown (nothing recorded): C -> 0 of 1.
    assert _groups(s47_to_icpc(mixed, 2024, "disability")) == {
        "Disabled": (1, 2),
        "Not disabled": (2, 3),
        "Unknown": (0, 1),
    }
    # Ages on 1 June 2023: A 12 (10 to 15), B 0 (Under 1), C 4 (1 to 4), D unborn,
    # E 16 and F 18 (16 and over).
    assert _groups(s47_to_icpc(mixed, 2024, "age_band")) == {
        "10 to 15": (1, 1),
        "Under 1": (1, 1),
        "1 to 4": (0, 1),
        "Unborn": (1, 1),
        "16 and over": (0, 2),
    }


def test_s47_rate_by_age_band_uses_each_bands_population(mixed):
    """Rates by age band divide by the band's population (ages clipped at 17)."""
    # Counted: A (10 to 15), B (Under 1), C (1 to 4), E (16 and over); not D (unborn) or F (18).
    # Populations at 100 a year of age: Under 1 = 100, 1 to 4 = 400, 10 to 15 = 600,
    # 16 and over = 16 and 17 only = 200.
    assert _groups(s47_rate(mixed, 2024, "age_band")) == {
        "Under 1": (1, 100),
        "1 to 4": (1, 400),
        "10 to 15": (1, 600),
        "16 and over": (1, 200),
    }
    # by sex: the estimate is persons only, so counts with no denominator.
    assert _groups(s47_rate(mixed, 2024, "sex")) == {"F": (2, None), "M": (1, None), "U": (1, None)}


@pytest.mark.parametrize("code", CIN_CODES)
@pytest.mark.parametrize("by", CHILD_BREAKDOWNS)
def test_groups_add_up_to_the_total(mixed, code, by):
    """For every CIN indicator and breakdown, the groups' numerators add up to the total's."""
    indicator = load_all()[code]
    total = indicator(mixed, 2024, None).to_pylist()
    groups = indicator(mixed, 2024, by).to_pylist()
    assert total, f"{code} gave no total on the mixed fixture"
    assert sum(g["numerator"] for g in groups) == total[0]["numerator"]
    assert {g["breakdown"] for g in groups} == {by}
    if total[0]["denominator"] is not None and code not in ("s47-rate", "cp-rate"):
        assert sum(g["denominator"] for g in groups) == total[0]["denominator"]
    assert indicator(mixed, 2024, by).schema == base.RESULT_SCHEMA
