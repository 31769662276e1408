"""Comparing an area's figure with England, its region and its statistical neighbours.

Intervals: Wilson for proportions, Byar's (exact Poisson below 10) for rates, at 95% and
99.8%; the indicator's own confidence level decides the comparison word. Trend: over the
five most recent periods. See docs/statistics.md.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from cyplan.outcomes.catalogue_sync import definition
from cyplan.outcomes.models import AreaGroup, IndicatorTarget, IndicatorValue


def _stats():
    """cyplan.analytics.stats, imported when first needed: it loads SciPy, seconds of start-up
    that `cyplan returns compute` (which stores values through this module) would pay."""
    from cyplan.analytics import stats

    return stats


def _trend():
    """cyplan.analytics.trend, imported when first needed (SciPy, as for :func:`_stats`)."""
    from cyplan.analytics import trend

    return trend


ENGLAND = "E92000001"


@dataclass
class Figure:
    area_code: str
    area_name: str
    period: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    symbol: str = ""
    lower95: float | None = None
    upper95: float | None = None
    lower998: float | None = None
    upper998: float | None = None


@dataclass
class Comparison:
    indicator: str
    title: str
    unit: str
    polarity: str
    confidence: float
    area: Figure
    benchmarks: list[dict] = field(default_factory=list)
    neighbours: dict | None = None
    trend: dict | None = None
    dimensions: dict = field(default_factory=dict)
    target: dict | None = None
    sentence: str = ""
    source: str = ""
    note: str = ""
    interval: dict = field(default_factory=dict)
    numerator_counts: str | None = None
    denominator_counts: str | None = None
    disclosure: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = asdict(self)
        area = data.pop("area")
        return {
            "indicator": self.indicator,
            "title": self.title,
            "unit": self.unit,
            "polarity": self.polarity,
            "confidence": self.confidence,
            "area": {"code": area["area_code"], "name": area["area_name"]},
            "period": area["period"],
            "dimensions": self.dimensions,
            "value": area["value"],
            "symbol": area["symbol"] or None,
            "numerator": area["numerator"],
            "denominator": area["denominator"],
            "lower95": area["lower95"],
            "upper95": area["upper95"],
            "lower998": area["lower998"],
            "upper998": area["upper998"],
            "benchmarks": data["benchmarks"],
            "neighbours": data["neighbours"],
            "trend": data["trend"],
            "target": data["target"],
            "basis": "counts"
            if area["numerator"] is not None and area["denominator"] is not None
            else "published value only",
            "source": self.source,
            "note": self.note or None,
            "summary": self.sentence,
            "interval": self.interval,
            "numerator_counts": self.numerator_counts,
            "denominator_counts": self.denominator_counts,
            "disclosure": self.disclosure,
        }


def interval_kind(code: str) -> str:
    entry = definition(code)
    if entry is not None:
        return entry.interval
    return "none"


def with_intervals(code: str, value: IndicatorValue) -> Figure:
    """A value with its 95% and 99.8% limits, when numerator and denominator are known."""
    figure = Figure(
        value.area_code,
        value.area_name,
        value.period,
        value.value,
        value.numerator,
        value.denominator,
        value.symbol,
    )
    x, n = value.numerator, value.denominator
    if x is None or n is None or n <= 0 or x < 0 or (x > n and interval_kind(code) == "wilson"):
        return figure
    entry = definition(code)
    kind = interval_kind(code)
    try:
        if kind == "wilson":
            multiplier = entry.multiplier if entry else 100
            figure.lower95, figure.upper95 = (
                v * multiplier for v in _stats().wilson_interval(x, n, 0.95)
            )
            figure.lower998, figure.upper998 = (
                v * multiplier for v in _stats().wilson_interval(x, n, 0.998)
            )
        elif kind == "byar":
            multiplier = entry.multiplier if entry else 10_000
            figure.lower95, figure.upper95 = _stats().rate_interval(x, n, 0.95, multiplier)
            figure.lower998, figure.upper998 = _stats().rate_interval(x, n, 0.998, multiplier)
    except ValueError:
        pass
    return figure


INTERVAL_METHODS = {"wilson": "Wilson score", "byar": "Byar's", "exact poisson": "exact Poisson"}


def interval_description(code: str, figure: Figure, confidence: float) -> dict:
    """The interval method for this figure, its levels and the level used to compare.

    Rates use Byar's method from a count of 10 and the exact Poisson interval below 10, as
    ``stats.rate_interval`` does; proportions the Wilson score interval.
    """
    kind = interval_kind(code)
    if kind == "byar" and figure.numerator is not None:
        key = "byar" if figure.numerator >= _stats().BYAR_MINIMUM_COUNT else "exact poisson"
    else:
        key = kind
    method = INTERVAL_METHODS.get(key)
    return {
        "method": method if figure.lower95 is not None else None,
        "levels": [0.95, 0.998] if figure.lower95 is not None else [],
        "comparison_level": confidence,
        "z95": _stats().Z_95,
        "z998": _stats().Z_998,
    }


def _rounded(value: float | None, places: int = 4) -> float | None:
    return (
        None
        if value is None or (isinstance(value, float) and math.isnan(value))
        else round(value, places)
    )


def values_for(
    code: str, *, period: str | None = None, dimensions_key: str | None = None, total_only=True
):
    rows = IndicatorValue.objects.filter(indicator__code=code)
    if period is not None:
        rows = rows.filter(period=period)
    if dimensions_key is not None:
        rows = rows.filter(dimensions_key=dimensions_key)
    elif total_only:
        rows = rows.filter(is_total=True)
    return rows


def dimensions_key(filters: dict[str, str] | None) -> str | None:
    if not filters:
        return None
    return "|".join(f"{k}={v}" for k, v in sorted(filters.items()))


NO_COUNTS = "not compared: no counts published"


def period_key(period: str) -> tuple:
    """Sort key putting periods in time order: a figure a plan quotes ("quoted, 2021") before
    published ones, then by first year, then a pooled span after a single year."""
    import re

    match = re.search(r"(\d{4})", period)
    year = int(match[1]) if match else 0
    return (not period.startswith("quoted"), year, len(period), period)


def neighbour_group(area_code: str, model: str | None = None) -> AreaGroup | None:
    """The area's statistical neighbours: of ``model`` (e.g. "2021"), else the latest model.

    Raises LookupError when a model is asked for and the area has no group of that model.
    """
    groups = list(
        AreaGroup.objects.filter(kind=AreaGroup.Kind.STATISTICAL_NEIGHBOURS, anchor_code=area_code)
    )
    if model:
        chosen = next((g for g in groups if g.model == model), None)
        if chosen is None:
            known = ", ".join(sorted(g.model for g in groups if g.model)) or "none"
            raise LookupError(
                f"no {model} neighbour model for {area_code} (models loaded: {known})"
            )
        return chosen
    return max(groups, key=lambda g: g.model or "", default=None)


def region_of(area_code: str, stored: str) -> str:
    """The E12 region to compare with: London boroughs are in London (E12000007) even where
    a file gives Inner or Outer London (E13000001/2)."""
    from cyplan.analytics.la_history import load_history

    region = load_history().region(area_code) or stored
    return "E12000007" if region.startswith("E13") else region


def compare(
    code: str,
    area_code: str,
    period: str,
    filters: dict[str, str] | None = None,
    neighbour_model: str | None = None,
) -> Comparison:
    """The figure for an area and period with benchmarks, neighbour rank and trend.

    Raises LookupError when the area has no value for that indicator and period.
    """
    entry = definition(code)
    key = dimensions_key(filters)
    rows = values_for(code, period=period, dimensions_key=key)
    mine = rows.filter(area_code=area_code).first()
    if mine is None:
        raise LookupError(f"no value of {code} for area {area_code} in {period}")
    polarity = entry.polarity if entry else "none"
    confidence = entry.confidence if entry else 0.95
    area = with_intervals(code, mine)
    lower, upper = (
        (area.lower95, area.upper95) if confidence == 0.95 else (area.lower998, area.upper998)
    )
    benchmarks = []
    no_counts = (
        lower is None
        and mine.value is not None
        and interval_kind(code) != "none"
        and (mine.numerator is None or mine.denominator is None)
    )
    for bench_code, label in (
        (ENGLAND, "England"),
        (region_of(area_code, mine.region_code), "region"),
    ):
        if not bench_code or bench_code == area_code:
            continue
        bench = rows.filter(area_code=bench_code).first()
        if bench is None:
            continue
        benchmarks.append(
            {
                "code": bench.area_code,
                "name": bench.area_name,
                "role": label,
                "value": bench.value,
                "comparison": _stats().compare_with_benchmark(lower, upper, bench.value, polarity),
                "reason": "no counts published" if no_counts else None,
                "label": NO_COUNTS
                if no_counts
                else _stats().compare_with_benchmark(lower, upper, bench.value, polarity),
                "period": bench.period,
                "source": bench.source,
            }
        )
    neighbours = None
    group = neighbour_group(area_code, neighbour_model)
    if group is not None and mine.value is not None:
        others = {
            v.area_code: v.value
            for v in rows.filter(area_code__in=group.members)
            if v.value is not None
        }
        if others:
            rank, of, quartile = _stats().rank_among(mine.value, list(others.values()), polarity)
            ordered = sorted(others.values())
            middle = len(ordered) // 2
            median = (
                ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
            )
            neighbours = {
                "rank": rank,
                "of": of,
                "quartile": quartile,
                "with_values": len(others),
                "group_size": len(group.members),
                "median": median,
                "rule": "rank 1 is the best by polarity (the highest when there is none)",
                "model": group.model or None,
                "members": [
                    {
                        "code": member,
                        "closeness": (group.closeness or [])[index]
                        if index < len(group.closeness or [])
                        else None,
                        "value": others.get(member),
                    }
                    for index, member in enumerate(group.members)
                ],
            }
    history = list(
        IndicatorValue.objects.filter(
            indicator__code=code, area_code=area_code, dimensions_key=mine.dimensions_key
        ).order_by("period")
    )
    history = sorted(
        (v for v in history if period_key(v.period) <= period_key(period)),
        key=lambda v: period_key(v.period),
    )[-5:]
    kind = (
        "proportion"
        if interval_kind(code) == "wilson"
        else "rate"
        if interval_kind(code) == "byar"
        else "other"
    )
    points = []
    for v in history:
        f = with_intervals(code, v)
        # The proportion test works on counts; the regression on values with 95% limits.
        points.append(
            _trend().TrendPoint(v.period, v.value, v.numerator, v.denominator, f.lower95, f.upper95)
        )
    result = _trend().trend(points, kind, None if polarity == "none" else polarity)
    trend_json = {
        "direction": result.direction,
        "judgement": result.judgement,
        "label": result.label,
        "statistic": _rounded(result.statistic),
        "periods": list(result.periods),
        "method": result.method,
        "reason": result.reason,
        "outlier": result.outlier,
        "direction_slope": _rounded(result.direction_slope, 6),
    }
    for name in ("value", "lower95", "upper95", "lower998", "upper998"):
        setattr(area, name, _rounded(getattr(area, name)))
    comparison = Comparison(
        indicator=code,
        title=entry.title if entry else mine.indicator.title,
        unit=entry.unit if entry else mine.indicator.unit,
        polarity=polarity,
        confidence=confidence,
        area=area,
        benchmarks=benchmarks,
        neighbours=neighbours,
        trend=trend_json,
        dimensions=dict(mine.dimensions),
        target=target_for(code, area_code, period, mine.value, polarity) if not key else None,
        source=mine.source,
        note=mine.note,
    )
    comparison.interval = interval_description(code, area, confidence)
    comparison.numerator_counts = entry.numerator if entry else None
    comparison.denominator_counts = entry.denominator if entry else None
    comparison.history = [(v, with_intervals(code, v)) for v in history]
    comparison.sentence = summary_sentence(comparison)
    return comparison


def target_for(code: str, area_code: str, period: str, value, polarity: str) -> dict | None:
    """The target for this period (or for every period) and the RAG rating against it."""
    targets = IndicatorTarget.objects.filter(
        indicator__code=code, area_code=area_code, period__in=[period, ""]
    )
    target = min(targets, key=lambda t: t.period == "", default=None)  # this period's first
    if target is None:
        return None
    if polarity == _stats().NO_POLARITY:
        rag = "not rated"  # a target needs a direction to be met or missed
    else:
        rag = _stats().rag_against_target(value, target.value, polarity)
    return {
        "value": target.value,
        "period": target.period or "every period",
        "rag": rag,
        "note": target.note,
    }


def summary_sentence(c: Comparison) -> str:
    """The comparison in plain English, e.g. for a board member."""
    a = c.area
    if a.value is None:
        return f"There is no published figure for {a.area_name} in {a.period}."
    unit = "%" if c.unit == "percent" else f" {c.unit}" if c.unit not in ("count", "") else ""
    parts = [f"{a.area_name}: {format_number(a.value)}{unit} in {a.period}"]
    if a.lower95 is not None and a.upper95 is not None:
        level = "95%" if c.confidence == 0.95 else "99.8%"
        lower, upper = (a.lower95, a.upper95) if c.confidence == 0.95 else (a.lower998, a.upper998)
        parts[0] += (
            f" ({level} confidence interval {format_number(lower)} to {format_number(upper)})"
        )
    for bench in c.benchmarks:
        word = bench["comparison"]
        if bench.get("reason") == "no counts published":
            phrase = (
                f"not compared with {bench['name']} ({format_number(bench['value'])}{unit}): "
                "no counts published"
            )
        elif word == "not compared":
            phrase = f"not compared with {bench['name']}"
        elif word in ("better", "worse"):
            phrase = f"{word} than {bench['name']} ({format_number(bench['value'])}{unit})"
        elif word in ("higher", "lower"):
            phrase = f"{word} than {bench['name']} ({format_number(bench['value'])}{unit})"
        else:
            phrase = f"similar to {bench['name']} ({format_number(bench['value'])}{unit})"
        parts.append(phrase)
    sentence = "; ".join(parts) + "."
    if c.neighbours:
        n = c.neighbours
        sentence += (
            f" Ranked {n['rank']} of {n['of']} against its statistical neighbours with figures."
        )
    if c.trend and c.trend["direction"] not in ("cannot be calculated",):
        sentence += f" Trend over the last five periods: {c.trend['label']}."
    if c.target and c.target["rag"] in ("green", "amber", "red"):
        met = "met" if c.target["rag"] == "green" else "not met"
        sentence += f" Target {format_number(c.target['value'])}{unit}: {met} ({c.target['rag']})."
    return sentence


def format_number(value: float | None) -> str:
    if value is None:
        return "no figure"
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.1f}"
