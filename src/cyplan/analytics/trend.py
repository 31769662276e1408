"""The recent-trend test over the five most recent points, as Fingertips trend markers do it.

* Proportions: the chi-squared test for linear trend (Armitage's test, as in Altman, Practical
  Statistics for Medical Research, 1991) on the numerators and denominators, scores 1 to 5.
* Rates and everything else: weighted linear regression of value on time (scores 1 to 5), weights
  1/SE², SE = (upper95 − lower95)/(2 × 1.959964); chi-squared = (slope / SE of slope)².

Either way the trend is significant only if chi-squared > 9.5495, the 99.8% point of chi-squared
on 1 degree of freedom. Points are in time order, oldest first; only the last five are used, and
they must be consecutive periods (2020, 2021, ... or 2020/21, 2021/22, ...) with no breaks.

As the current Fingertips trend markers (PHEindicatormethods ``assign_trend_markers``) do, the
direction comes from the ordinary (unweighted) least-squares slope of the values on time, and a
significant trend is checked for outliers: the slope is refitted leaving out each point in turn,
and if any refit's slope has the other sign the marker is "no significant change (outlier
found)".

Example:
    >>> points = [TrendPoint(str(year), numerator=k, denominator=100)
    ...           for year, k in zip(range(2019, 2024), (10, 20, 30, 40, 50))]
    >>> result = trend(points, "proportion", "higher-is-better")
    >>> result.direction, result.judgement, round(result.statistic, 2)
    ('increasing', 'getting better', 47.62)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from scipy.stats import chi2

from cyplan.analytics.stats import (
    HIGHER_IS_BETTER,
    NO_POLARITY,
    Z_95,
    check_polarity,
    is_missing,
)

TREND_POINTS = 5
# 99.8% point of chi-squared on 1 degree of freedom: 9.54954 (= 3.0902323² = norm.ppf(0.999)²).
CHI2_998_1DF: float = float(chi2.ppf(0.998, 1))
# A 95% confidence interval is 2z standard errors wide, z = norm.ppf(0.975) = 1.959964: the one
# z constant every method uses (2z = 3.919928).
CI95_WIDTH_PER_SE = 2 * Z_95

KINDS = ("proportion", "rate", "other")

INCREASING = "increasing"
DECREASING = "decreasing"
NO_SIGNIFICANT_CHANGE = "no significant change"
CANNOT_BE_CALCULATED = "cannot be calculated"
GETTING_BETTER = "getting better"
GETTING_WORSE = "getting worse"

OUTLIER_FOUND = "outlier found"

PROPORTION_METHOD = "chi-squared test for linear trend"
REGRESSION_METHOD = "weighted linear regression"


@dataclass(frozen=True)
class TrendPoint:
    """One period of an indicator: its label and whatever figures are available."""

    period: str
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    lower95: float | None = None
    upper95: float | None = None


@dataclass(frozen=True)
class TrendResult:
    """The outcome of :func:`trend`.

    Attributes:
        direction: "increasing", "decreasing", "no significant change" or "cannot be calculated".
        judgement: "getting better" / "getting worse" for a significant trend on an indicator
            with a polarity, else None.
        statistic: the chi-squared statistic on 1 degree of freedom (None if not calculated).
        slope: the fitted change per period (a proportion for proportions, in the value's
            units otherwise), None if not calculated.
        significant: True when the marker is a significant trend: statistic > 9.5495 and no
            outlier found.
        periods: the labels of the points used.
        method: "chi-squared test for linear trend" or "weighted linear regression".
        reason: why the trend cannot be calculated (None otherwise).
        direction_slope: the unweighted least-squares slope of the values on time, whose sign
            gives the direction (per period, in the values' units).
        outlier: True when the test was significant but leaving out one point turned the
            slope round, so the marker is "no significant change (outlier found)".
    """

    direction: str
    judgement: str | None = None
    statistic: float | None = None
    slope: float | None = None
    significant: bool = False
    periods: tuple[str, ...] = ()
    method: str | None = None
    reason: str | None = None
    direction_slope: float | None = None
    outlier: bool = False

    @property
    def label(self) -> str:
        """Direction and judgement in one phrase, e.g. "increasing and getting better"."""
        if self.outlier:
            return f"{self.direction} ({OUTLIER_FOUND})"
        return f"{self.direction} and {self.judgement}" if self.judgement else self.direction


_POINT_FIELDS = {f.name for f in fields(TrendPoint)}


def _as_point(point: TrendPoint | Mapping[str, Any]) -> TrendPoint:
    if isinstance(point, TrendPoint):
        return point
    return TrendPoint(**{k: v for k, v in point.items() if k in _POINT_FIELDS})


def _cannot(reason: str, periods: tuple[str, ...], method: str | None) -> TrendResult:
    return TrendResult(CANNOT_BE_CALCULATED, periods=periods, method=method, reason=reason)


def _proportion_trend(points: Sequence[TrendPoint]) -> tuple[float, float] | str:
    """Return (slope, chi-squared) or a reason it cannot be calculated."""
    for p in points:
        if is_missing(p.numerator) or is_missing(p.denominator):
            return f"{p.period} has no numerator or denominator"
        if p.denominator <= 0 or not 0 <= p.numerator <= p.denominator:
            return f"{p.period} needs 0 <= numerator <= denominator and denominator > 0"
    scores = range(1, len(points) + 1)
    o = [float(p.numerator) for p in points]
    n = [float(p.denominator) for p in points]
    total_o, total_n = sum(o), sum(n)
    p_bar = total_o / total_n
    sum_nt = sum(ni * t for ni, t in zip(n, scores, strict=True))
    # U: observed minus expected events, weighted by score. S_TT: weighted spread of the scores.
    u = sum(t * oi for oi, t in zip(o, scores, strict=True)) - total_o * sum_nt / total_n
    s_tt = sum(ni * t * t for ni, t in zip(n, scores, strict=True)) - sum_nt**2 / total_n
    if p_bar in (0.0, 1.0):
        # Every point is 0% (or 100%): a flat series with no variance to test.
        return 0.0, 0.0
    return u / s_tt, u * u / (p_bar * (1 - p_bar) * s_tt)


def _regression_trend(points: Sequence[TrendPoint]) -> tuple[float, float] | str:
    """Return (slope, chi-squared) or a reason it cannot be calculated."""
    for p in points:
        if is_missing(p.value) or is_missing(p.lower95) or is_missing(p.upper95):
            return f"{p.period} has no value or no 95% confidence interval"
        if not p.upper95 > p.lower95:
            return f"{p.period} has a confidence interval of zero width, so no standard error"
    scores = range(1, len(points) + 1)
    weights = [(CI95_WIDTH_PER_SE / (p.upper95 - p.lower95)) ** 2 for p in points]
    values = [float(p.value) for p in points]
    total_w = sum(weights)
    t_bar = sum(w * t for w, t in zip(weights, scores, strict=True)) / total_w
    y_bar = sum(w * y for w, y in zip(weights, values, strict=True)) / total_w
    s_tt = sum(w * (t - t_bar) ** 2 for w, t in zip(weights, scores, strict=True))
    s_ty = sum(
        w * (t - t_bar) * (y - y_bar) for w, t, y in zip(weights, scores, values, strict=True)
    )
    slope = s_ty / s_tt
    # With known standard errors Var(slope) = 1 / S_TT, so (slope / SE)² = slope² · S_TT.
    return slope, slope * slope * s_tt


def _start_year(period: str) -> int | None:
    """The year a period starts in: 2024, 2023/24, 2023-24, 2023-2024, 2023 to 2024, FY2023."""
    match = re.fullmatch(r"\D{0,4}(\d{4})(?:\s*(?:/|-|to)\s*\d{2,4})?", period.strip())
    return int(match[1]) if match else None


def _gap(periods: Sequence[str]) -> str | None:
    """Why the periods are not consecutive years, or None when they are (or cannot be read)."""
    years = [_start_year(str(p)) for p in periods]
    if None in years:
        return None  # labels that are not years: the caller vouches for the order
    for before, after, y0, y1 in zip(periods, periods[1:], years, years[1:], strict=False):
        if y1 - y0 != 1:
            return f"the periods are not consecutive ({before} is followed by {after})"
    return None


def _ols_slope(values: Sequence[float], times: Sequence[float]) -> float:
    """Ordinary least-squares slope of values on times."""
    t_bar = sum(times) / len(times)
    y_bar = sum(values) / len(values)
    s_tt = sum((t - t_bar) ** 2 for t in times)
    return sum((t - t_bar) * (y - y_bar) for t, y in zip(times, values, strict=True)) / s_tt


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def trend(
    points: Sequence[TrendPoint | Mapping[str, Any]],
    kind: str,
    polarity: str | None = None,
) -> TrendResult:
    """Test the five most recent points for a significant linear trend.

    Args:
        points: periods in time order, oldest first, as :class:`TrendPoint` or mappings with
            the same keys. Proportions need numerator and denominator; other kinds need value,
            lower95 and upper95.
        kind: "proportion", "rate" or "other".
        polarity: "higher-is-better", "lower-is-better", "none" or None.

    Returns:
        A :class:`TrendResult`; "cannot be calculated" (with a reason) when there are fewer
        than 5 points or a figure the method needs is missing.

    Example:
        >>> flat = [{"period": str(y), "numerator": 30, "denominator": 100} for y in range(5)]
        >>> trend(flat, "proportion").direction
        'no significant change'
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    polarity = check_polarity(polarity)
    method = PROPORTION_METHOD if kind == "proportion" else REGRESSION_METHOD
    recent = [_as_point(p) for p in points][-TREND_POINTS:]
    periods = tuple(p.period for p in recent)
    if len(recent) < TREND_POINTS:
        return _cannot(
            f"needs {TREND_POINTS} points, only {len(recent)} available", periods, method
        )
    gap = _gap(periods)
    if gap:
        return _cannot(gap, periods, method)
    fitted = _proportion_trend(recent) if kind == "proportion" else _regression_trend(recent)
    if isinstance(fitted, str):
        return _cannot(fitted, periods, method)
    slope, statistic = fitted
    values = [
        p.numerator / p.denominator if kind == "proportion" else float(p.value) for p in recent
    ]
    times = list(range(1, len(recent) + 1))
    beta = _ols_slope(values, times)
    significant = statistic > CHI2_998_1DF
    if not significant or _sign(beta) == 0:
        return TrendResult(
            NO_SIGNIFICANT_CHANGE, None, statistic, slope, False, periods, method,
            direction_slope=beta,
        )  # fmt: skip
    # Leave each point out in turn: a refit whose slope turns round marks an outlier.
    for i in range(len(values)):
        refit = _ols_slope(values[:i] + values[i + 1 :], times[:i] + times[i + 1 :])
        if _sign(refit) != _sign(beta):
            return TrendResult(
                NO_SIGNIFICANT_CHANGE, None, statistic, slope, False, periods, method,
                direction_slope=beta, outlier=True,
            )  # fmt: skip
    direction = INCREASING if beta > 0 else DECREASING
    judgement = None
    if polarity != NO_POLARITY:
        judgement = (
            GETTING_BETTER if (beta > 0) == (polarity == HIGHER_IS_BETTER) else GETTING_WORSE
        )
    return TrendResult(
        direction, judgement, statistic, slope, True, periods, method, direction_slope=beta
    )
