"""What the outcomes pages show, built as plain data for templates and CSV tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from cyplan.core.tables import Table
from cyplan.outcomes.catalogue_sync import catalogue, definition
from cyplan.outcomes.comparison import (
    ENGLAND,
    Comparison,
    compare,
    format_number,
    neighbour_group,
    period_key,
    region_of,
    with_intervals,
)
from cyplan.outcomes.models import IndicatorValue
from cyplan.outcomes.presentation import present
from cyplan.plans.models import Area, Plan


def home_area(code: str | None = None) -> tuple[str, str] | None:
    """The area a page is about: the one asked for, else the first area with a plan."""
    if code:
        value = IndicatorValue.objects.filter(area_code=code).only("area_code", "area_name").first()
        if value:
            return value.area_code, value.area_name
        area = Area.objects.filter(code=code).first()
        return (area.code, area.name) if area else None
    area = Area.objects.order_by("name").first()
    return (area.code, area.name) if area else None


def periods_for(code: str, area_code: str) -> list[str]:
    """The periods with a figure for the area, oldest first (quoted figures before published)."""
    return sorted(
        set(
            IndicatorValue.objects.filter(
                indicator__code=code, area_code=area_code, is_total=True
            ).values_list("period", flat=True)
        ),
        key=period_key,
    )


@dataclass
class IndicatorPage:
    code: str
    entry: object
    area_code: str
    area_name: str
    period: str | None
    periods: list[str]
    comparison: Comparison | None
    trend_rows: list[dict] = field(default_factory=list)
    neighbour_rows: list[dict] = field(default_factory=list)
    table: Table | None = None
    any_revealed: bool = False
    against_published: dict | None = None


def indicator_page(
    code: str, area_code: str, area_name: str, period: str | None, *, public: bool
) -> IndicatorPage:
    entry = definition(code)
    periods = periods_for(code, area_code)
    if period not in periods:
        period = periods[-1] if periods else None
    comparison = compare(code, area_code, period) if period else None
    page = IndicatorPage(code, entry, area_code, area_name, period, periods, comparison)
    page.against_published = return_against_published(code, area_code, period) if period else None
    unit = entry.unit if entry else ""
    if not periods:
        return page
    mine = IndicatorValue.objects.filter(
        indicator__code=code, area_code=area_code, is_total=True
    ).first()
    region = region_of(area_code, mine.region_code if mine else "")
    wanted = [area_code, region, ENGLAND]
    rows = IndicatorValue.objects.filter(
        indicator__code=code, is_total=True, area_code__in=[c for c in wanted if c]
    )
    by_key = {(v.area_code, v.period): v for v in rows}
    names = {v.area_code: v.area_name for v in rows}
    revealed = False
    for each in periods:
        row = {"period": each, "cells": []}
        for code_ in wanted:
            value = by_key.get((code_, each)) if code_ else None
            if value is None:
                row["cells"].append(None)
                continue
            shown = present(value, unit, public=public)
            figure = with_intervals(code, value)
            revealed = revealed or shown.revealed_to_staff
            row["cells"].append({"value": value, "shown": shown, "figure": figure})
        page.trend_rows.append(row)
    page.trend_columns = [names.get(c, "") for c in wanted]
    page.trend_codes = wanted
    group = neighbour_group(area_code)
    if group and period:
        values = {
            v.area_code: v
            for v in IndicatorValue.objects.filter(
                indicator__code=code,
                is_total=True,
                period=period,
                area_code__in=[area_code, *group.members],
            )
        }
        for rank, member in enumerate([area_code, *group.members]):
            value = values.get(member)
            if value is None:
                continue
            shown = present(value, unit, public=public)
            revealed = revealed or shown.revealed_to_staff
            page.neighbour_rows.append(
                {
                    "code": member,
                    "name": value.area_name,
                    "value": value,
                    "shown": shown,
                    "figure": with_intervals(code, value),
                    "is_area": member == area_code,
                    "neighbour_rank": rank if member != area_code else None,
                }
            )
    page.any_revealed = revealed
    table = Table(
        caption=f"{entry.title if entry else code}: values by period",
        headers=[
            "Period",
            "Area code",
            "Area",
            "Value",
            "Numerator",
            "Denominator",
            "Lower 95%",
            "Upper 95%",
            "Source",
        ],
        filename=f"{code}-{area_code}.csv",
    )
    for row in page.trend_rows:
        for cell in row["cells"]:
            if cell is None:
                continue
            shown, figure, value = cell["shown"], cell["figure"], cell["value"]
            hide = shown.suppressed
            table.rows.append(
                [
                    row["period"],
                    value.area_code,
                    value.area_name,
                    _plain(shown.value),
                    _plain(shown.numerator),
                    _plain(shown.denominator),
                    "" if hide or figure.lower95 is None else _plain(format_number(figure.lower95)),
                    "" if hide or figure.upper95 is None else _plain(format_number(figure.upper95)),
                    value.source,
                ]
            )
    page.table = table
    return page


def return_against_published(code: str, area_code: str, period: str) -> dict | None:
    """Our return's figure (computed by the returns engine) beside DfE's published one.

    None unless both exist for the area and period. The explanation lists what may cause a
    difference, in plain words, from what differs: the counts, the denominator, suppression.
    """
    from cyplan.outcomes.benchmark_import import COMPUTED, PUBLISHED_KEY

    ours = IndicatorValue.objects.filter(
        indicator__code=code, area_code=area_code, period=period, dimensions_key="",
        source__startswith=COMPUTED,
    ).first()  # fmt: skip
    published = IndicatorValue.objects.filter(
        indicator__code=code, area_code=area_code, period=period, dimensions_key=PUBLISHED_KEY
    ).first()
    if ours is None or published is None:
        return None
    entry = definition(code)
    reasons = []
    if published.value is None:
        reasons.append(
            f"DfE did not publish a figure ({published.symbol or 'x'}): small numbers are "
            "suppressed to protect children's privacy, so there is nothing to check against."
        )
    difference = (
        None if ours.value is None or published.value is None else ours.value - published.value
    )
    if ours.numerator is not None and published.numerator is not None:
        if ours.numerator != published.numerator:
            reasons.append(
                f"The counts differ ({format_number(ours.numerator)} in our return, "
                f"{format_number(published.numerator)} published). DfE counts the return as "
                "submitted at its deadline; records added or corrected later (late returns, "
                "amendments) are in our figure but not in DfE's."
            )
        if (ours.denominator or 0) != (published.denominator or 0):
            reasons.append(
                f"The denominators differ ({format_number(ours.denominator)} and "
                f"{format_number(published.denominator)}): a different population estimate "
                "or cohort (for a rate, DfE uses the ONS estimate of the previous mid-year, "
                "re-based in later releases)."
            )
    if entry is not None and any(rule.startswith("Reading:") for rule in entry.edge_cases):
        reasons.append(
            "Where the official definition is ambiguous the engine follows a stated reading "
            "(see 'Rules and edge cases' below), which DfE's processing may not share."
        )
    if difference is not None and published.numerator is None:
        reasons.append(
            "DfE publishes this figure rounded and without its counts, so a small difference "
            "can be rounding alone."
        )
    if difference is not None and abs(difference) < 0.05:
        summary = "The two figures agree."
    elif difference is None:
        summary = "The two figures cannot be compared."
    else:
        summary = f"Our return is {format_number(abs(difference))} {'higher' if difference > 0 else 'lower'}."
    return {
        "ours": ours,
        "published": published,
        "difference": difference,
        "summary": summary,
        "reasons": reasons,
    }


def _plain(text: str) -> str:
    """A figure as a spreadsheet reads it: no thousands separators (7,300 becomes 7300)."""
    return text.replace(",", "")


@dataclass
class ScoreRow:
    code: str
    title: str
    unit: str
    polarity: str
    comparison: Comparison | None
    nodes: list[str]


def plan_indicators(plan: Plan) -> list[tuple[str, list[str]]]:
    """Indicators that measure this plan's nodes (catalogue links), with the node keys."""
    found: dict[str, list[str]] = {}
    prefix = f"{plan.slug}#"
    for entry in catalogue():
        for ref in entry.plan_nodes:
            if ref.startswith(prefix):
                found.setdefault(entry.code, []).append(ref[len(prefix) :])
    for code in plan.key_figures.exclude(indicator_code="").values_list(
        "indicator_code", flat=True
    ):
        if code in catalogue():
            found.setdefault(code, [])
    # Any catalogue indicator with figures for the plan's area belongs on its scorecard too,
    # so a new area's plan has a scorecard as soon as its data is loaded.
    loaded = IndicatorValue.objects.filter(area_code=plan.area.code, is_total=True)
    for code in loaded.values_list("indicator__code", flat=True).distinct():
        if code in catalogue():
            found.setdefault(code, [])
    return sorted(found.items(), key=lambda item: catalogue().get(item[0]).title)


def scorecard(plan: Plan, area_code: str) -> list[ScoreRow]:
    rows = []
    for code, nodes in plan_indicators(plan):
        entry = catalogue().get(code)
        periods = periods_for(code, area_code)
        comparison = None
        if periods:
            try:
                comparison = compare(code, area_code, periods[-1])
            except LookupError:
                comparison = None
        rows.append(ScoreRow(code, entry.title, entry.unit, entry.polarity, comparison, nodes))
    # Indicators with figures first (still in title order), then those still waiting for data.
    rows.sort(key=lambda row: row.comparison is None)
    return rows


def source_periods(area_code: str) -> list[tuple[str, str]]:
    """Each source of the area's figures (the file, before any colon) and its latest period."""
    latest: dict[str, str] = {}
    rows = IndicatorValue.objects.filter(area_code=area_code, is_total=True)
    for source, period in rows.values_list("source", "period").distinct():
        name = source.split(":")[0].strip()
        if name not in latest or period_key(period) > period_key(latest[name]):
            latest[name] = period
    return sorted(latest.items())


def node_indicators(plan: Plan, node_key: str, area_code: str) -> list[ScoreRow]:
    ref = f"{plan.slug}#{node_key}"
    rows = []
    for entry in catalogue().for_plan_node(ref):
        periods = periods_for(entry.code, area_code)
        comparison = None
        if periods:
            try:
                comparison = compare(entry.code, area_code, periods[-1])
            except LookupError:
                comparison = None
        rows.append(
            ScoreRow(entry.code, entry.title, entry.unit, entry.polarity, comparison, [node_key])
        )
    return rows
