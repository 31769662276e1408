"""Reporting periods: quarters of the financial year by default (Q1 is April to June).

A plan says how often progress is reported (month, quarter, half-year or year). The
*current* period of a plan is the one containing today, or the plan's last period once
the plan has ended (so an ended plan can still be brought up to date).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    key: str
    label: str


def _financial_year(day: date) -> int:
    """The calendar year in which the financial year containing ``day`` starts."""
    return day.year if day.month >= 4 else day.year - 1


def _fy_label(year: int) -> str:
    return f"{year}/{str(year + 1)[2:]}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_containing(day: date, kind: str = "quarter") -> Period:
    """The reporting period of the given kind that contains ``day``."""
    fy = _financial_year(day)
    if kind == "month":
        return Period(
            date(day.year, day.month, 1),
            _month_end(day.year, day.month),
            f"{day.year}-{day.month:02d}",
            f"{calendar.month_name[day.month]} {day.year}",
        )
    months_into_year = (day.month - 4) % 12
    if kind == "quarter":
        size, prefix, count = 3, "Q", 4
    elif kind == "half-year":
        size, prefix, count = 6, "H", 2
    elif kind == "year":
        start = date(fy, 4, 1)
        return Period(start, date(fy + 1, 3, 31), f"{fy}-{(fy + 1) % 100:02d}", _fy_label(fy))
    else:
        raise ValueError(f"unknown reporting period {kind!r}")
    index = months_into_year // size
    first_month = 4 + index * size
    start_year = fy + (first_month - 1) // 12
    start_month = (first_month - 1) % 12 + 1
    last = first_month + size - 1
    end_year = fy + (last - 1) // 12
    end_month = (last - 1) % 12 + 1
    start = date(start_year, start_month, 1)
    end = _month_end(end_year, end_month)
    number = index + 1
    assert number <= count
    label = (
        f"{prefix}{number} {_fy_label(fy)} "
        f"({calendar.month_name[start_month]} to {calendar.month_name[end_month]} {end_year})"
    )
    return Period(start, end, f"{fy}-{(fy + 1) % 100:02d}-{prefix}{number}", label)


def periods_between(first: date, last: date, kind: str = "quarter") -> list[Period]:
    """Every period that overlaps ``first`` to ``last``, in order."""
    return list(_periods_between(first, last, kind))


@lru_cache(maxsize=512)
def _periods_between(first: date, last: date, kind: str) -> tuple[Period, ...]:
    periods = []
    current = period_containing(first, kind)
    while current.start <= last:
        periods.append(current)
        current = period_containing(date.fromordinal(current.end.toordinal() + 1), kind)
    return tuple(periods)


def current_period(plan_start: date, plan_end: date, kind: str, today: date) -> Period:
    """The period updates are due for now: today's, or the plan's last once it has ended."""
    day = min(max(today, plan_start), plan_end)
    return period_containing(day, kind)


def period_by_key(key: str, kind: str, plan_start: date, plan_end: date) -> Period | None:
    for period in periods_between(plan_start, plan_end, kind):
        if period.key == key:
            return period
    return None


def label_for_key(key: str) -> str:
    """A short label for a period key: ``2024-25-Q3`` -> ``Q3 2024/25``."""
    parts = key.split("-")
    if len(parts) == 3 and parts[2][:1] in ("Q", "H"):
        return f"{parts[2]} {parts[0]}/{parts[1]}"
    if len(parts) == 2 and len(parts[1]) == 2 and int(parts[1]) == (int(parts[0]) + 1) % 100:
        return f"{parts[0]}/{parts[1]}"
    if len(parts) == 2:
        return f"{calendar.month_name[int(parts[1])]} {parts[0]}"
    return key
