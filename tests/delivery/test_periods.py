"""Reporting periods: financial quarters, halves, years and months."""

from datetime import date

from cyplan.delivery.periods import (
    current_period,
    label_for_key,
    period_containing,
    periods_between,
)


def test_financial_quarters():
    """Q1 is April to June; Q4 is January to March of the next calendar year."""
    q1 = period_containing(date(2024, 5, 15))
    assert (q1.key, q1.start, q1.end) == ("2024-25-Q1", date(2024, 4, 1), date(2024, 6, 30))
    q3 = period_containing(date(2024, 12, 31))
    assert (q3.key, q3.start, q3.end) == ("2024-25-Q3", date(2024, 10, 1), date(2024, 12, 31))
    q4 = period_containing(date(2025, 2, 1))
    assert (q4.key, q4.start, q4.end) == ("2024-25-Q4", date(2025, 1, 1), date(2025, 3, 31))
    assert q4.label == "Q4 2024/25 (January to March 2025)"


def test_other_kinds():
    """Half-years, years and months."""
    assert period_containing(date(2024, 11, 1), "half-year").key == "2024-25-H2"
    assert period_containing(date(2025, 3, 31), "year").key == "2024-25"
    month = period_containing(date(2024, 2, 10), "month")
    assert (month.key, month.end) == ("2024-02", date(2024, 2, 29))


def test_periods_of_a_two_year_plan():
    """A plan from April 2024 to March 2026 has eight quarters."""
    keys = [p.key for p in periods_between(date(2024, 4, 1), date(2026, 3, 31))]
    assert keys == [f"{y}-{(y + 1) % 100:02d}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]


def test_current_period_of_an_ended_plan_is_its_last():
    """After the plan ends, updates are still due for its last period."""
    assert (
        current_period(date(2024, 4, 1), date(2025, 3, 31), "quarter", date(2026, 11, 23)).key
        == "2024-25-Q4"
    )
    assert (
        current_period(date(2024, 4, 1), date(2025, 3, 31), "quarter", date(2024, 8, 1)).key
        == "2024-25-Q2"
    )


def test_labels():
    """Keys read as people say them."""
    assert label_for_key("2024-25-Q3") == "Q3 2024/25"
    assert label_for_key("2024-25") == "2024/25"
    assert label_for_key("2024-10") == "October 2024"


def test_periods_are_read_as_people_write_them():
    """The site's label, the key and the usual variants all name the same period."""
    from cyplan.delivery.periods import parse_period

    for text in (
        "2024-25-Q3",
        "Q3 2024/25",
        "q3 2024-25",
        "Q3  2024/2025",
        "2024/25 Q3",
        "Q3 2024/25 (October to December 2024)",
    ):
        period = parse_period(text)
        assert (period.key, period.start, period.end) == (
            "2024-25-Q3",
            date(2024, 10, 1),
            date(2024, 12, 31),
        ), text
    assert parse_period("H2 2024/25").key == "2024-25-H2"
    assert parse_period("2024/25").key == parse_period("FY 2024-25").key == "2024-25"
    assert parse_period("October 2024").key == parse_period("2024-10").key == "2024-10"
    assert parse_period("2024-05").end == date(2024, 5, 31)  # a month, not a financial year


def test_unreadable_periods_say_how_to_write_one():
    import pytest

    from cyplan.delivery.periods import PeriodError, parse_period

    with pytest.raises(PeriodError, match="2024/26 is not a financial year"):
        parse_period("Q3 2024/26")
    for text in ("Q5 2024/25", "next quarter", ""):
        with pytest.raises(PeriodError, match="e.g. 'Q3 2024/25'"):
            parse_period(text)


def test_previous_period_of_each_kind():
    from cyplan.delivery.periods import parse_period, previous_period

    assert previous_period(parse_period("Q1 2024/25")).key == "2023-24-Q4"
    assert previous_period(parse_period("H1 2024/25")).key == "2023-24-H2"
    assert previous_period(parse_period("2024/25")).key == "2023-24"
    assert previous_period(parse_period("January 2025")).key == "2024-12"
