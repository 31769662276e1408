"""Reporting periods: quarters of the financial year by default (Q1 is April to June).

A plan says how often progress is reported (month, quarter, half-year or year). The
*current* period of a plan is the one containing today, or the plan's last period once
the plan has ended (so an ended plan can still be brought up to date).
"""

from __future__ import annotations

import calendar
import re
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


# ---- periods as people write them ------------------------------------------------------------

KIND_OF_KEY = {"Q": "quarter", "H": "half-year"}
_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name}


class PeriodError(ValueError):
    """A period that cannot be read; the message shows the forms that can."""


def _year_pair(first: str, second: str) -> int | None:
    """The starting year of a financial year written ``2024/25``, ``2024-25`` or ``2024/2025``."""
    start, end = int(first), int(second)
    if (len(second) == 2 and end == (start + 1) % 100) or (len(second) == 4 and end == start + 1):
        return start
    return None


def parse_period(text: str) -> Period:
    """The reporting period a person names, as a key or as the label the site shows.

    Quarters and halves of the financial year: ``2024-25-Q3``, ``Q3 2024/25``, ``Q3 2024-25``,
    ``2024/25 Q3``, ``Q3 2024/2025`` and the site's full label ``Q3 2024/25 (October to
    December 2024)``; years: ``2024-25``, ``2024/25``, ``FY 2024/25``; months: ``2024-10``,
    ``October 2024``, ``Oct 2024``. Case and spaces do not matter. Raises PeriodError.
    """

    original = text
    text = re.sub(r"\(.*\)$", "", (text or "").strip()).strip()  # the site's "(October to ...)"
    flat = " ".join(text.replace("_", " ").split()).casefold()
    year = r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})"
    patterns = [
        rf"^{year}\s*-?\s*([qh])([1-4])$",  # 2024-25-Q3, 2024/25 Q3
        rf"^([qh])([1-4])\s*(?:of\s+)?(?:fy\s*)?{year}$",  # Q3 2024/25
    ]
    for i, pattern in enumerate(patterns):
        match = re.match(pattern, flat)
        if match:
            if i == 0:
                first, second, prefix, number = match.groups()
            else:
                prefix, number, first, second = match.groups()
            fy = _year_pair(first, second)
            if fy is None:
                raise PeriodError(
                    f"{original!r}: {first}/{second} is not a financial year "
                    f"(a financial year is written like {first}/{(int(first) + 1) % 100:02d})"
                )
            prefix, number = prefix.upper(), int(number)
            count = 4 if prefix == "Q" else 2
            if number > count:
                raise PeriodError(
                    f"{original!r}: a financial year has {count} {KIND_OF_KEY[prefix]}s"
                )
            size = 12 // count
            first_month = 4 + (number - 1) * size
            start = date(fy + (first_month - 1) // 12, (first_month - 1) % 12 + 1, 1)
            return period_containing(start, KIND_OF_KEY[prefix])
    match = re.match(rf"^(?:fy\s*)?{year}$", flat)
    if match and _year_pair(*match.groups()) is not None:
        return period_containing(date(_year_pair(*match.groups()), 4, 1), "year")
    match = re.match(r"^(\d{4})-(\d{1,2})$", flat)
    if match and 1 <= int(match.group(2)) <= 12:
        return period_containing(date(int(match.group(1)), int(match.group(2)), 1), "month")
    match = re.match(r"^([a-z]+)\s+(\d{4})$", flat)
    if match and match.group(1) in _MONTHS:
        return period_containing(date(int(match.group(2)), _MONTHS[match.group(1)], 1), "month")
    raise PeriodError(
        f"{original!r} is not a reporting period. Write it as the site shows it, e.g. "
        "'Q3 2024/25', 'H1 2024/25', '2024/25' or 'October 2024', or as a key, e.g. '2024-25-Q3'"
    )


def kind_of(period: Period) -> str:
    """``quarter``, ``half-year``, ``year`` or ``month``, from the period's key."""
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    return {1: "month", 3: "quarter", 6: "half-year", 12: "year"}[months]


def previous_period(period: Period) -> Period:
    """The period of the same kind just before this one."""
    return period_containing(date.fromordinal(period.start.toordinal() - 1), kind_of(period))


def short_label(period: Period) -> str:
    """``Q3 2024/25``: the period's label without the months in brackets."""
    return label_for_key(period.key)
