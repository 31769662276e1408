"""Reading target dates from a plan's wording."""

from datetime import date

import pytest

from cyplan.plans.target_dates import TargetDateError, parse_target_date


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("April 2025 (AP)", date(2025, 4, 30)),  # a month means its last day; (AP) is a note
        ("Sept 2024", date(2024, 9, 30)),
        ("Sept 2024 (AP)", date(2024, 9, 30)),
        ("August 2024", date(2024, 8, 31)),
        ("Feb 2024", date(2024, 2, 29)),  # 2024 is a leap year
        ("2024", date(2024, 12, 31)),  # a bare year means 31 December
        ("2024/25", date(2025, 3, 31)),  # a financial year ends on 31 March
        ("2025-03-31", date(2025, 3, 31)),
        ("April 2025 (AP); Sept 2024", date(2025, 4, 30)),  # several dates: the latest
        ("by the end of March 2026", date(2026, 3, 31)),
    ],
)
def test_wording_gives_the_date_a_reader_would_expect(wording, expected):
    """Each wording used in real plans gives the date worked out by hand."""
    assert parse_target_date(wording) == expected


@pytest.mark.parametrize("wording", ["Ongoing", "", "2025-02-30", "2024/27", "soon (2025 maybe)"])
def test_wording_without_a_readable_date_is_an_error(wording):
    """Words with no date, an impossible date or a bad financial year are refused."""
    with pytest.raises(TargetDateError):
        parse_target_date(wording)
