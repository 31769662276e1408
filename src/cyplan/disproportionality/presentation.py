"""Disproportionality figures as text for pages, CSV and the CLI, after disclosure control.

For the public a small count is ``c`` and so is every figure built on it; staff with
permission (``public=False``) see the real values, marked ``revealed_to_staff``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cyplan.analytics import disproportionality as dp
from cyplan.analytics import ethnicity as eth
from cyplan.analytics.chart_scales import format_number
from cyplan.analytics.forest_plot import ForestRow


@dataclass(frozen=True)
class ShownRow:
    """One group's figures as text for a page or CSV, after disclosure control."""

    key: str
    label: str
    count: str
    population: str
    rate: str
    cohort_share: str
    population_share: str
    rri: str
    interval: str
    significance: str
    sentence: str
    revealed_to_staff: bool
    is_reference: bool
    merged: bool
    members: str


def shown_count(value: int | None, suppressed: bool, public: bool) -> str:
    if value is None:
        return "x"
    return "c" if suppressed and public else f"{value:,}"


def _number(value: float | None, hidden: bool, public: bool, suffix: str = "") -> str:
    if value is None:
        return "x"
    return "c" if hidden and public else format_number(value) + suffix


def show_row(row: dp.GroupResult, analysis: dp.Analysis, phrase: str, *, public: bool) -> ShownRow:
    """A group's figures as text; suppressed ones are ``c`` for the public."""
    hidden = row.suppressed
    if row.is_reference:
        rri, interval = "1", "reference"
    elif row.rri is None:
        rri, interval = "x", ""
    else:
        rri = "c" if hidden and public else dp.format_ratio(row.rri)
        if row.lower is None:
            interval = "cannot be calculated"
        else:
            lo, hi = dp.format_ratio(row.lower), dp.format_ratio(row.upper)
            interval = "c" if hidden and public else f"{lo} to {hi}"
    if hidden and public and not row.is_reference and row.population is not None:
        significance = dp.SUPPRESSED
        sentence = dp.summary(row, analysis, phrase)
    else:
        significance = row.significance
        visible = row if not hidden else _unhidden(row)
        sentence = dp.summary(visible, analysis, phrase)
    return ShownRow(
        key=row.key,
        label=row.label,
        count=shown_count(row.count, row.count_suppressed, public),
        population=shown_count(row.population, row.population_suppressed, public),
        rate=_number(row.rate, hidden, public),
        cohort_share=_number(row.cohort_share, hidden or row.share_suppressed, public, "%"),
        population_share=_number(
            row.population_share,
            row.population_suppressed or row.population_share_suppressed,
            public,
            "%",
        ),
        rri=rri,
        interval=interval,
        significance=significance,
        sentence=sentence,
        revealed_to_staff=hidden and not public,
        is_reference=row.is_reference,
        merged=row.merged,
        members=", ".join(eth.label(m) for m in row.members) if row.merged else "",
    )


def _unhidden(row: dp.GroupResult) -> dp.GroupResult:
    return replace(row, suppressed=False)


def forest_rows(analysis: dp.Analysis, *, public: bool) -> list[ForestRow]:
    rows = []
    for row in analysis.groups:
        if row.population is None:
            continue  # no population, no ratio: the table says so
        if row.is_reference:
            rows.append(ForestRow(row.label, 1.0, significance=dp.REFERENCE))
        elif row.suppressed and public:
            rows.append(ForestRow(row.label, None, significance=dp.SUPPRESSED, note="Suppressed"))
        elif row.rri is None or row.lower is None:
            note = "0 (no interval)" if row.rri == 0 else "Cannot be calculated"
            rows.append(ForestRow(row.label, row.rri, significance=dp.CANNOT, note=note))
        else:
            rows.append(ForestRow(row.label, row.rri, row.lower, row.upper, row.significance))
    return rows
