"""Care leavers aged 19 to 21 (OC3), from a hand-built return (year ending 31 March 2024)."""

from __future__ import annotations

import pytest

from .builders import figure, leaver, ssda903, store_with

# Ages on 31 March 2024 (the birthday falls in the year exactly when this is its age).
LEAVERS = [
    leaver("Q1", "2004-06-01", "YES", "F1", "B1"),  # 19: EET, suitable
    leaver("Q2", "2003-06-01", "YES", "G4", "B2"),  # 20: NEET, not suitable
    leaver("Q3", "2002-06-01", "NO", "0", "0"),  # 21: not in touch: in the denominator only
    leaver("Q4", "2003-01-01", "REFU", "0", "0"),  # 21: refused contact: denominator only
    leaver("Q5", "2004-01-01", "DIED", "0", "0"),  # 20: died: left out of the denominator
    leaver("Q6", "2006-06-01", "YES", "F1", "B1"),  # 17: not in the 19-21 cohort
    leaver("Q7", "2003-06-01", "NO", "F2", "C1"),  # 20: not in touch, activity never EET
]


def test_not_in_touch_is_never_eet():
    """Not in touch or refused stays in the denominator and is never EET; died is left out."""
    # Denominator Q1, Q2, Q3, Q4, Q7 = 5; EET Q1 only -> 1 / 5 = 20%.
    store = store_with(ssda903(2024, [], oc3=LEAVERS))
    row = figure(store, "care-leavers-eet", 2024)
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 5, pytest.approx(20.0))


def test_suitable_accommodation_needs_a_code_ending_in_1():
    """ACCOM ending in 1 is suitable; 2, 0 and not in touch are not."""
    # Denominator as above (5); suitable Q1 only (Q7's C1 is not known: not in touch) -> 20%.
    store = store_with(ssda903(2024, [], oc3=LEAVERS))
    row = figure(store, "care-leavers-suitable-accommodation", 2024)
    assert (row["numerator"], row["denominator"]) == (1, 5)


def test_care_leavers_count_is_the_17_to_21_cohort():
    """Everyone aged 17 to 21 on 31 March is a care leaver in the count: all 7."""
    store = store_with(ssda903(2024, [], oc3=LEAVERS))
    assert figure(store, "care-leavers-count", 2024)["numerator"] == 7
