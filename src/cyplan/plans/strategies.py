"""Partner strategies' periods: which have run past their end.

A strategy's period is the plan's words ("2020 to 2022", "2019-2029", "2020"). Its end is
the last year named; a strategy has ended once that whole year is over (the plan gives no
month, so a strategy "to 2022" is current until 31 December 2022). A period with no year
is never called ended.
"""

from __future__ import annotations

import re
from datetime import date

YEAR = re.compile(r"(?<!\d)(19|20)(\d{2})(?:\s*/\s*(\d{2}))?(?!\d)")


def end_year(period: str) -> int | None:
    """The last year a period names; "2022/23" counts as 2023."""
    years = []
    for century, year, following in YEAR.findall(period or ""):
        full = int(century + year)
        years.append(full + 1 if following else full)
    return max(years) if years else None


def has_ended(period: str, today: date) -> bool:
    last = end_year(period)
    return last is not None and last < today.year
