"""Working days: the bank-holiday table, the counting convention and the DuckDB macros."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from cyplan.analytics import working_days as wd
from cyplan.analytics.working_days import (
    BANK_HOLIDAYS,
    FIRST_DAY,
    LAST_DAY,
    OutsideBankHolidayTable,
    add_working_days,
    is_working_day,
    register_working_days,
    working_days_between,
)


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm), to check the table independently."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _mondays(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    days = [first + timedelta(n) for n in range(31) if (first + timedelta(n)).month == month]
    return [d for d in days if d.weekday() == 0]


def _rule_holidays(year: int) -> set[date]:
    """The usual England and Wales holidays by the standing rules, with weekend substitutes."""
    easter = _easter(year)
    fixed = [date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)]
    days = {
        easter - timedelta(2),
        easter + timedelta(1),
        _mondays(year, 5)[0],
        _mondays(year, 5)[-1],
        _mondays(year, 8)[-1],
    }
    for day in fixed:
        while day.weekday() >= 5 or day in days:
            day += timedelta(1)
        days.add(day)
    return days


def test_table_matches_the_standing_rules_apart_from_the_one_off_changes():
    """Every year 2015 to 2027 is the rule-based set, changed only by the announced one-offs."""
    one_off_added = {date(2020, 5, 8), date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)}
    one_off_added.add(date(2023, 5, 8))
    # VE Day moved the early May holiday off 4 May 2020; the jubilee moved the spring holiday
    # off 30 May 2022 (to 2 June).
    one_off_removed = {date(2020, 5, 4), date(2022, 5, 30)}
    for year in range(2015, 2028):
        expected = (_rule_holidays(year) | one_off_added) - one_off_removed
        expected = {d for d in expected if d.year == year}
        assert {d for d in BANK_HOLIDAYS if d.year == year} == expected, year


def test_table_covers_2015_to_2027_and_no_holiday_falls_on_a_weekend():
    """The range is 2015-01-01 to 2027-12-31: 8 holidays a year, 10 in 2022, 9 in 2023."""
    assert (FIRST_DAY, LAST_DAY) == (date(2015, 1, 1), date(2027, 12, 31))
    per_year = {y: sum(1 for d in BANK_HOLIDAYS if d.year == y) for y in range(2015, 2028)}
    # 2022: 8 usual + jubilee (3 June) + funeral (19 September) = 10; 2023: 8 + coronation = 9.
    assert per_year == {**dict.fromkeys(range(2015, 2028), 8), 2022: 10, 2023: 9}
    assert all(d.weekday() < 5 for d in BANK_HOLIDAYS)


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2024, 3, 28), True),  # Maundy Thursday
        (date(2024, 3, 29), False),  # Good Friday
        (date(2024, 4, 1), False),  # Easter Monday
        (date(2020, 5, 4), True),  # the usual early May Monday, moved to VE Day in 2020
        (date(2020, 5, 8), False),  # VE Day
        (date(2022, 5, 30), True),  # spring holiday moved to 2 June 2022
        (date(2022, 6, 3), False),  # Platinum Jubilee
        (date(2022, 9, 19), False),  # State Funeral
        (date(2023, 5, 8), False),  # Coronation
        (date(2021, 12, 27), False),  # Christmas substitute (25th a Saturday)
        (date(2021, 12, 28), False),  # Boxing Day substitute
        (date(2024, 3, 30), False),  # a Saturday
    ],
)
def test_is_working_day(day, working):
    """Weekends, usual holidays, substitute days and one-off holidays are not working days."""
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    "start, end, expected",
    [
        # same day: the start is day 0
        (date(2024, 3, 27), date(2024, 3, 27), 0),
        # Wednesday to Thursday: 1
        (date(2024, 3, 27), date(2024, 3, 28), 1),
        # Thursday 28 March 2024 to Tuesday 2 April: Fri 29 (Good Friday), Sat, Sun, Mon 1 April
        # (Easter Monday) are not working days, Tue 2 April is: 1
        (date(2024, 3, 28), date(2024, 4, 2), 1),
        # Thursday to Easter Monday: nothing in between is a working day: 0
        (date(2024, 3, 28), date(2024, 4, 1), 0),
        # start on a Saturday is still day 0: Sat 30 March 2024 to Tue 2 April: 1
        (date(2024, 3, 30), date(2024, 4, 2), 1),
        # end on a Sunday: Fri 22 March to Sun 24 March: 0 (the Sunday is not counted)
        (date(2024, 3, 22), date(2024, 3, 24), 0),
        # Friday 16 September 2022 to Tuesday 20 September: Monday 19 was the funeral: 1
        (date(2022, 9, 16), date(2022, 9, 20), 1),
        # Wednesday 1 June 2022 to Monday 6 June: Thu 2 and Fri 3 June were holidays: 1
        (date(2022, 6, 1), date(2022, 6, 6), 1),
        # a full ordinary week Mon 4 March 2024 to Mon 11 March: Tue..Fri (4) + Mon (1) = 5
        (date(2024, 3, 4), date(2024, 3, 11), 5),
        # end before start is negative: Tue 2 April back to Thu 28 March 2024: -1
        (date(2024, 4, 2), date(2024, 3, 28), -1),
    ],
)
def test_working_days_between_convention(start, end, expected):
    """Working days after start up to and including end; weekend and holidays skipped."""
    assert working_days_between(start, end) == expected


def test_fifteen_working_days_over_easter_2024():
    """Day 15 after Thursday 28 March 2024 is Monday 22 April 2024."""
    # Day 0 Thu 28 Mar; Fri 29 and Mon 1 Apr are holidays. Tue 2 Apr (1), Wed 3 (2), Thu 4 (3),
    # Fri 5 (4), Mon 8 (5), Tue 9 (6), Wed 10 (7), Thu 11 (8), Fri 12 (9), Mon 15 (10),
    # Tue 16 (11), Wed 17 (12), Thu 18 (13), Fri 19 (14), Mon 22 (15).
    assert add_working_days(date(2024, 3, 28), 15) == date(2024, 4, 22)
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 22)) == 15
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 23)) == 16


def test_add_working_days_backwards_and_zero():
    """Backwards: the working day n working days before; zero gives the date itself."""
    # 1 working day back from Tue 2 April 2024 is Thu 28 March (Good Friday, Easter Monday).
    assert add_working_days(date(2024, 4, 2), -1) == date(2024, 3, 28)
    # From a Saturday, 1 back is the Friday: (Fri, Sat] holds no working day, (Thu, Sat] holds 1.
    assert add_working_days(date(2024, 3, 23), -1) == date(2024, 3, 21)
    assert add_working_days(date(2024, 3, 23), 0) == date(2024, 3, 23)
    # forward from a Saturday: the first working day is Monday
    assert add_working_days(date(2024, 3, 23), 1) == date(2024, 3, 25)


@pytest.mark.parametrize("day", [date(2014, 12, 31), date(2028, 1, 1)])
def test_dates_outside_the_table_raise(day):
    """A date the table does not cover raises an error naming it, never a silent count."""
    with pytest.raises(OutsideBankHolidayTable, match=day.isoformat()):
        working_days_between(date(2024, 1, 1), day)
    with pytest.raises(OutsideBankHolidayTable, match="2015-01-01 to 2027-12-31"):
        is_working_day(day)


def test_adding_past_the_end_of_the_table_raises():
    """Counting forward past 31 December 2027 is an error too."""
    with pytest.raises(OutsideBankHolidayTable):
        add_working_days(date(2027, 12, 30), 5)


@pytest.fixture
def con():
    """A DuckDB connection with the working-day calendar registered."""
    connection = duckdb.connect()
    register_working_days(connection)
    register_working_days(connection)  # a second call is harmless
    yield connection
    connection.close()


def test_sql_macros_follow_the_same_convention(con):
    """The SQL macros give the hand-worked answers of the Python functions."""
    row = con.execute(
        """SELECT working_days_between(DATE '2024-03-28', DATE '2024-04-02'),
                  working_days_between(DATE '2024-03-27', DATE '2024-03-27'),
                  add_working_days(DATE '2024-03-28', 15),
                  add_working_days(DATE '2024-04-02', -1),
                  working_days_between(NULL, DATE '2024-04-02')"""
    ).fetchone()
    assert row == (1, 0, date(2024, 4, 22), date(2024, 3, 28), None)


def test_sql_agrees_with_python_over_a_whole_column(con):
    """Every (start, start + k) pair in a column counts the same in SQL as in Python."""
    starts = [date(2015, 1, 1) + timedelta(37 * n) for n in range(120)]
    pairs = [(s, s + timedelta(k)) for s in starts for k in (0, 1, 3, 9, 23)]
    con.execute("CREATE TABLE pairs (s DATE, e DATE)")
    con.executemany("INSERT INTO pairs VALUES (?, ?)", pairs)
    got = con.execute(
        "SELECT s, e, working_days_between(s, e), add_working_days(s, 15) FROM pairs ORDER BY s, e"
    ).fetchall()
    expected = sorted((s, e, working_days_between(s, e), add_working_days(s, 15)) for s, e in pairs)
    assert got == expected


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT working_days_between(DATE '2024-01-01', DATE '2028-01-03')",
        "SELECT working_day_index(DATE '2014-06-01')",
        "SELECT add_working_days(DATE '2027-12-30', 3)",
        "SELECT add_working_days(DATE '2015-01-02', -1)",
    ],
)
def test_sql_outside_the_table_is_an_error(con, sql):
    """In SQL too a date past the table is an error naming the table's range."""
    with pytest.raises(duckdb.Error, match="outside the bank-holiday table"):
        con.execute(sql).fetchall()


def test_calendar_table_index():
    """The calendar's working_index counts working days up to and including the day."""
    table = wd.calendar_table().to_pylist()
    by_day = {row["day"]: row for row in table}
    # 1 January 2015 is a holiday (index 0), Fri 2 January the first working day (index 1),
    # Sat 3 and Sun 4 keep index 1, Mon 5 January is 2.
    assert [by_day[date(2015, 1, d)]["working_index"] for d in range(1, 6)] == [0, 1, 1, 1, 2]
    assert table[-1]["day"] == LAST_DAY
