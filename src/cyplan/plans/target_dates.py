"""Read a target date from the words a plan uses ("April 2025 (AP)", "Sept 2024", "2024").

The rule (documented in docs/plan-format.md): a month means its last day, a bare year
means 31 December, a financial year ``2024/25`` means 31 March of the later year, and
when the wording names several dates the latest is the target. Bracketed notes such as
``(AP)`` are ignored for the date but kept in the text.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in {
        calendar.month_name[number].lower(),
        calendar.month_abbr[number].lower(),
    }
}
MONTHS["sept"] = 9

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_FINANCIAL = re.compile(r"\b(\d{4})\s*/\s*(\d{2}|\d{4})\b")
_MONTH_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{4})\b")
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_BRACKETS = re.compile(r"\([^)]*\)")


class TargetDateError(ValueError):
    """The wording holds no date this module can read."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_target_date(text: str) -> date:
    """Return the date a target-date wording means.

    >>> parse_target_date("April 2025 (AP)")
    datetime.date(2025, 4, 30)
    >>> parse_target_date("2024")
    datetime.date(2024, 12, 31)

    Raises:
        TargetDateError: when the wording names no date, or names an impossible one.
    """
    wording = _BRACKETS.sub(" ", text or "")
    found: list[date] = []
    try:
        for match in _ISO.finditer(wording):
            found.append(date(int(match[1]), int(match[2]), int(match[3])))
        wording = _ISO.sub(" ", wording)
        for match in _FINANCIAL.finditer(wording):
            start = int(match[1])
            end = int(match[2])
            end = end if end > 99 else (start // 100) * 100 + end
            if end != start + 1:
                raise TargetDateError(f"{match[0]!r} is not a financial year like 2024/25")
            found.append(date(end, 3, 31))
        wording = _FINANCIAL.sub(" ", wording)
        for match in _MONTH_YEAR.finditer(wording):
            month = MONTHS.get(match[1].lower())
            if month is None:
                continue
            found.append(_month_end(int(match[2]), month))
        wording = _MONTH_YEAR.sub(lambda m: " " if m[1].lower() in MONTHS else m[0], wording)
        for match in _YEAR.finditer(wording):
            found.append(date(int(match[1]), 12, 31))
    except ValueError as error:
        if isinstance(error, TargetDateError):
            raise
        raise TargetDateError(f"{text!r} names a date that does not exist ({error})") from None
    if not found:
        raise TargetDateError(
            f"{text!r} is not a date: write it like 2025-03-31, 'April 2025', 'Sept 2024', "
            "'2024' or '2024/25', or add 'target_date: null' if the action has no date"
        )
    return max(found)
