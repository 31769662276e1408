"""Working days: England and Wales bank holidays, counting and adding working days.

Statutory timescales in children's social care are in working days (Working Together to
Safeguard Children: an initial child protection conference within 15 working days of the
strategy discussion, an assessment within 45 working days). A working day is a Monday to
Friday that is not an England and Wales bank holiday.

**The convention.** ``working_days_between(start, end)`` counts the working days *after*
``start`` up to *and including* ``end``: the start date is day 0 and is never counted, the
end date is counted when it is a working day. So a conference on the day of the strategy
discussion is 0 working days after it, and one on the next working day is 1. A start on a
weekend or bank holiday is still day 0. When ``end`` is before ``start`` the count is
negative (minus the working days after ``end`` up to and including ``start``).

**The table's range.** Bank holidays are a dated table in this module (from the GOV.UK list,
``https://www.gov.uk/bank-holidays``), covering :data:`FIRST_DAY` (1 January 2015) to
:data:`LAST_DAY` (31 December 2027), with substitute days and the one-off holidays (8 May
2020 moved for VE Day, 2 and 3 June 2022 for the Platinum Jubilee, 19 September 2022 for
the Queen's funeral, 8 May 2023 for the Coronation). A date outside that range raises
:class:`OutsideBankHolidayTable` (in SQL, an error naming the date), never a silent count
that ignores holidays. Extend :data:`BANK_HOLIDAYS` each year when GOV.UK publishes the
next year's dates, and move :data:`LAST_DAY` with it.

**In DuckDB.** :func:`register_working_days` adds a calendar table and three macros to a
connection, so indicators count working days over whole columns in SQL:
``working_day_index(d)``, ``working_days_between(s, e)`` and ``add_working_days(d, n)``,
with the same convention and the same error outside the table.

Pure Python and DuckDB: no Django import.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from functools import cache
from itertools import accumulate

import duckdb
import pyarrow as pa

FIRST_DAY = date(2015, 1, 1)
"""The first date the bank-holiday table covers."""
LAST_DAY = date(2027, 12, 31)
"""The last date the bank-holiday table covers."""

#: England and Wales bank holidays, as GOV.UK lists them (substitute days included: when a
#: holiday falls on a weekend, the next weekday that is not already a holiday is the holiday).
BANK_HOLIDAYS: dict[date, str] = {
    # 2015: Boxing Day on a Saturday, substitute Monday 28 December.
    date(2015, 1, 1): "New Year's Day",
    date(2015, 4, 3): "Good Friday",
    date(2015, 4, 6): "Easter Monday",
    date(2015, 5, 4): "Early May bank holiday",
    date(2015, 5, 25): "Spring bank holiday",
    date(2015, 8, 31): "Summer bank holiday",
    date(2015, 12, 25): "Christmas Day",
    date(2015, 12, 28): "Boxing Day (substitute day)",
    # 2016: Christmas Day on a Sunday, substitute Tuesday 27 December.
    date(2016, 1, 1): "New Year's Day",
    date(2016, 3, 25): "Good Friday",
    date(2016, 3, 28): "Easter Monday",
    date(2016, 5, 2): "Early May bank holiday",
    date(2016, 5, 30): "Spring bank holiday",
    date(2016, 8, 29): "Summer bank holiday",
    date(2016, 12, 26): "Boxing Day",
    date(2016, 12, 27): "Christmas Day (substitute day)",
    # 2017: New Year's Day on a Sunday, substitute Monday 2 January.
    date(2017, 1, 2): "New Year's Day (substitute day)",
    date(2017, 4, 14): "Good Friday",
    date(2017, 4, 17): "Easter Monday",
    date(2017, 5, 1): "Early May bank holiday",
    date(2017, 5, 29): "Spring bank holiday",
    date(2017, 8, 28): "Summer bank holiday",
    date(2017, 12, 25): "Christmas Day",
    date(2017, 12, 26): "Boxing Day",
    date(2018, 1, 1): "New Year's Day",
    date(2018, 3, 30): "Good Friday",
    date(2018, 4, 2): "Easter Monday",
    date(2018, 5, 7): "Early May bank holiday",
    date(2018, 5, 28): "Spring bank holiday",
    date(2018, 8, 27): "Summer bank holiday",
    date(2018, 12, 25): "Christmas Day",
    date(2018, 12, 26): "Boxing Day",
    date(2019, 1, 1): "New Year's Day",
    date(2019, 4, 19): "Good Friday",
    date(2019, 4, 22): "Easter Monday",
    date(2019, 5, 6): "Early May bank holiday",
    date(2019, 5, 27): "Spring bank holiday",
    date(2019, 8, 26): "Summer bank holiday",
    date(2019, 12, 25): "Christmas Day",
    date(2019, 12, 26): "Boxing Day",
    # 2020: the early May bank holiday moved from Monday 4 May to Friday 8 May (VE Day 75);
    # Boxing Day on a Saturday, substitute Monday 28 December.
    date(2020, 1, 1): "New Year's Day",
    date(2020, 4, 10): "Good Friday",
    date(2020, 4, 13): "Easter Monday",
    date(2020, 5, 8): "Early May bank holiday (VE Day)",
    date(2020, 5, 25): "Spring bank holiday",
    date(2020, 8, 31): "Summer bank holiday",
    date(2020, 12, 25): "Christmas Day",
    date(2020, 12, 28): "Boxing Day (substitute day)",
    # 2021: Christmas Day and Boxing Day on a weekend, substitutes 27 and 28 December.
    date(2021, 1, 1): "New Year's Day",
    date(2021, 4, 2): "Good Friday",
    date(2021, 4, 5): "Easter Monday",
    date(2021, 5, 3): "Early May bank holiday",
    date(2021, 5, 31): "Spring bank holiday",
    date(2021, 8, 30): "Summer bank holiday",
    date(2021, 12, 27): "Christmas Day (substitute day)",
    date(2021, 12, 28): "Boxing Day (substitute day)",
    # 2022: New Year's Day on a Saturday (substitute 3 January); the spring bank holiday moved
    # to Thursday 2 June and Friday 3 June added (Platinum Jubilee); Monday 19 September added
    # (State Funeral of Queen Elizabeth II); Christmas Day on a Sunday (substitute 27 December).
    date(2022, 1, 3): "New Year's Day (substitute day)",
    date(2022, 4, 15): "Good Friday",
    date(2022, 4, 18): "Easter Monday",
    date(2022, 5, 2): "Early May bank holiday",
    date(2022, 6, 2): "Spring bank holiday",
    date(2022, 6, 3): "Platinum Jubilee bank holiday",
    date(2022, 8, 29): "Summer bank holiday",
    date(2022, 9, 19): "Bank Holiday for the State Funeral of Queen Elizabeth II",
    date(2022, 12, 26): "Boxing Day",
    date(2022, 12, 27): "Christmas Day (substitute day)",
    # 2023: New Year's Day on a Sunday (substitute 2 January); Monday 8 May added (Coronation).
    date(2023, 1, 2): "New Year's Day (substitute day)",
    date(2023, 4, 7): "Good Friday",
    date(2023, 4, 10): "Easter Monday",
    date(2023, 5, 1): "Early May bank holiday",
    date(2023, 5, 8): "Bank holiday for the coronation of King Charles III",
    date(2023, 5, 29): "Spring bank holiday",
    date(2023, 8, 28): "Summer bank holiday",
    date(2023, 12, 25): "Christmas Day",
    date(2023, 12, 26): "Boxing Day",
    date(2024, 1, 1): "New Year's Day",
    date(2024, 3, 29): "Good Friday",
    date(2024, 4, 1): "Easter Monday",
    date(2024, 5, 6): "Early May bank holiday",
    date(2024, 5, 27): "Spring bank holiday",
    date(2024, 8, 26): "Summer bank holiday",
    date(2024, 12, 25): "Christmas Day",
    date(2024, 12, 26): "Boxing Day",
    date(2025, 1, 1): "New Year's Day",
    date(2025, 4, 18): "Good Friday",
    date(2025, 4, 21): "Easter Monday",
    date(2025, 5, 5): "Early May bank holiday",
    date(2025, 5, 26): "Spring bank holiday",
    date(2025, 8, 25): "Summer bank holiday",
    date(2025, 12, 25): "Christmas Day",
    date(2025, 12, 26): "Boxing Day",
    # 2026: Boxing Day on a Saturday, substitute Monday 28 December.
    date(2026, 1, 1): "New Year's Day",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 4): "Early May bank holiday",
    date(2026, 5, 25): "Spring bank holiday",
    date(2026, 8, 31): "Summer bank holiday",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 28): "Boxing Day (substitute day)",
    # 2027: Christmas Day and Boxing Day on a weekend, substitutes 27 and 28 December.
    date(2027, 1, 1): "New Year's Day",
    date(2027, 3, 26): "Good Friday",
    date(2027, 3, 29): "Easter Monday",
    date(2027, 5, 3): "Early May bank holiday",
    date(2027, 5, 31): "Spring bank holiday",
    date(2027, 8, 30): "Summer bank holiday",
    date(2027, 12, 27): "Christmas Day (substitute day)",
    date(2027, 12, 28): "Boxing Day (substitute day)",
}

CALENDAR_TABLE = "working_day_calendar"
"""The name of the calendar table :func:`register_working_days` creates."""


class OutsideBankHolidayTable(ValueError):
    """A date the bank-holiday table does not cover: its working days cannot be counted."""

    def __init__(self, day: date):
        self.day = day
        super().__init__(
            f"working days: {day.isoformat()} is outside the bank-holiday table "
            f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}); add that year's "
            "England and Wales bank holidays to cyplan.analytics.working_days.BANK_HOLIDAYS"
        )


def _check(day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise OutsideBankHolidayTable(day)


def is_working_day(day: date) -> bool:
    """True for a Monday to Friday that is not an England and Wales bank holiday."""
    _check(day)
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


@cache
def _working_days() -> tuple[date, ...]:
    """Every working day in the table's range, in order."""
    days = (FIRST_DAY + timedelta(n) for n in range((LAST_DAY - FIRST_DAY).days + 1))
    return tuple(d for d in days if d.weekday() < 5 and d not in BANK_HOLIDAYS)


def _index(day: date) -> int:
    """How many working days there are from FIRST_DAY up to and including ``day``."""
    _check(day)
    return bisect_right(_working_days(), day)


def working_days_between(start: date, end: date) -> int:
    """The working days after ``start`` up to and including ``end`` (negative if end < start).

    >>> working_days_between(date(2024, 3, 28), date(2024, 4, 2))  # Good Friday, Easter Monday
    1
    """
    return _index(end) - _index(start)


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (before it when ``n`` is negative).

    For ``n > 0`` it is the working day ``d`` with ``working_days_between(start, d) == n``:
    the last day a 15-working-day timescale allows is ``add_working_days(start, 15)``. For
    ``n < 0`` it is the working day ``d`` with ``working_days_between(d, start) == -n``, so
    ``x >= add_working_days(ref, -20)`` says that ``x`` is within 20 working days before
    ``ref``. ``n == 0`` gives ``start`` itself.
    """
    if n == 0:
        _check(start)
        return start
    days = _working_days()
    # The working day at 1-based position p in the table has index p, and the wanted day's
    # index is index(start) + n in both directions.
    target = _index(start) + n
    if not 1 <= target <= len(days):
        raise OutsideBankHolidayTable(
            LAST_DAY + timedelta(1) if n > 0 else FIRST_DAY - timedelta(1)
        )
    return days[target - 1]


def calendar_table() -> pa.Table:
    """The calendar as an Arrow table: ``day``, ``is_working``, ``working_index``.

    ``working_index`` is the number of working days from :data:`FIRST_DAY` up to and
    including ``day``, so the working days after ``s`` up to and including ``e`` are
    ``index(e) - index(s)``.
    """
    days = [FIRST_DAY + timedelta(n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
    working = [d.weekday() < 5 and d not in BANK_HOLIDAYS for d in days]
    index = list(accumulate(int(w) for w in working))
    return pa.table(
        {
            "day": pa.array(days, pa.date32()),
            "is_working": pa.array(working, pa.bool_()),
            "working_index": pa.array(index, pa.int32()),
        }
    )


def register_working_days(con: duckdb.DuckDBPyConnection) -> None:
    """Add the calendar table and the working-day macros to ``con`` (safe to call again).

    They are temporary (they live as long as the connection, and work on a read-only one).

    ``working_day_index(d)``: the table's working-day index of ``d`` (NULL for NULL, an error
    naming the date outside the table). ``working_days_between(s, e)``: working days after
    ``s`` up to and including ``e``, as :func:`working_days_between`.
    ``add_working_days(d, n)``: as :func:`add_working_days`. Indicators join on the table or
    call the macros; either way the whole column is done in one vectorised query.
    """
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [CALENDAR_TABLE]
    ).fetchone()
    if exists and exists[0]:
        return
    # Temporary objects, so that a read-only store can count working days too.
    con.register("_working_day_calendar_in", calendar_table())
    try:
        con.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {CALENDAR_TABLE} AS "
            "SELECT * FROM _working_day_calendar_in"
        )
    finally:
        con.unregister("_working_day_calendar_in")
    first, last = f"DATE '{FIRST_DAY.isoformat()}'", f"DATE '{LAST_DAY.isoformat()}'"
    outside = (
        "error('working days: ' || CAST(d AS VARCHAR) || ' is outside the bank-holiday table "
        f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}); add that year''s England and "
        "Wales bank holidays to cyplan.analytics.working_days.BANK_HOLIDAYS')"
    )
    # The index by day number is a list lookup (1-based), which DuckDB does for the whole
    # column without a join; the list is built once per query from the calendar table.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP MACRO working_day_index(d) AS (
            CASE
                WHEN d IS NULL THEN NULL
                WHEN CAST(d AS DATE) < {first} OR CAST(d AS DATE) > {last}
                    THEN CAST({outside} AS INTEGER)
                ELSE (SELECT list(working_index ORDER BY day) FROM {CALENDAR_TABLE})[
                    CAST(date_diff('day', {first}, CAST(d AS DATE)) AS INTEGER) + 1]
            END
        )
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO working_days_between(s, e) AS "
        "(working_day_index(e) - working_day_index(s))"
    )
    # n != 0: the working day whose index is index(d) + n (see add_working_days); n = 0: d.
    # A result past either end of the table is an error, not NULL.
    beyond = (
        "error('working days: ' || CAST(n AS VARCHAR) || ' working days from ' || "
        "CAST(d AS VARCHAR) || ' is outside the bank-holiday table "
        f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})')"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP MACRO add_working_days(d, n) AS (
            CASE
                WHEN d IS NULL OR n IS NULL THEN NULL
                WHEN n = 0 THEN CAST(d AS DATE) + 0 * working_day_index(d)
                WHEN working_day_index(d) + n NOT BETWEEN 1 AND {len(_working_days())}
                    THEN CAST({beyond} AS DATE)
                ELSE (SELECT list(day ORDER BY day) FILTER (WHERE is_working)
                      FROM {CALENDAR_TABLE})[working_day_index(d) + n]
            END
        )
        """
    )
