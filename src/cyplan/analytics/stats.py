"""Confidence intervals, benchmark comparison, ranking and RAG ratings for indicators.

The methods are those of OHID Fingertips and the PHEindicatormethods R package (Wilson for
proportions; Byar's method for rates with a count of 10 or more, exact Poisson below), so every
figure can be checked against a published one. The trend test is in :mod:`cyplan.analytics.trend`,
disclosure control in :mod:`cyplan.analytics.disclosure`; formulas and rules in
``docs/statistics.md``.

Example:
    >>> estimate = proportion_estimate(165, 577)
    >>> round(estimate.value, 2), round(estimate.lower95, 2), round(estimate.upper95, 2)
    (28.6, 25.06, 32.42)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from numbers import Real

from scipy.stats import chi2, norm

# Two-sided normal quantiles: norm.ppf(0.975) and norm.ppf(0.999), to full double precision.
Z_95: float = float(norm.ppf(0.975))  # 1.959963984540054
Z_998: float = float(norm.ppf(0.999))  # 3.090232306167813

# Polarity vocabulary: exactly these three strings (None is accepted as "none").
HIGHER_IS_BETTER = "higher-is-better"
LOWER_IS_BETTER = "lower-is-better"
NO_POLARITY = "none"
POLARITIES = (HIGHER_IS_BETTER, LOWER_IS_BETTER, NO_POLARITY)

# Words for comparing an area with a benchmark, and for a RAG rating against a target.
SIMILAR, BETTER, WORSE, HIGHER, LOWER = "similar", "better", "worse", "higher", "lower"
NOT_COMPARED = "not compared"
GREEN, AMBER, RED, NOT_SET, NO_DATA = "green", "amber", "red", "not set", "no data"

# Counts below this use the exact Poisson interval instead of Byar's approximation.
BYAR_MINIMUM_COUNT = 10


def is_missing(value: float | None) -> bool:
    """Return True for None or NaN, the two ways a figure can be absent.

    Example:
        >>> is_missing(None), is_missing(float("nan")), is_missing(0)
        (True, True, False)
    """
    return value is None or (isinstance(value, Real) and math.isnan(value))


def check_polarity(polarity: str | None) -> str:
    """Return the polarity in canonical form ("none" for None), or raise ValueError.

    Example:
        >>> check_polarity(None)
        'none'
    """
    if polarity is None:
        return NO_POLARITY
    if polarity not in POLARITIES:
        raise ValueError(
            f"polarity must be one of {', '.join(POLARITIES)} or None, not {polarity!r}"
        )
    return polarity


def z_for(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level given as a fraction.

    Args:
        confidence: the confidence level, strictly between 0 and 1 (0.95, 0.998, ...).

    Returns:
        z such that P(-z < Z < z) = confidence for a standard normal Z.

    Example:
        >>> round(z_for(0.95), 4), round(z_for(0.998), 4)
        (1.96, 3.0902)
    """
    if isinstance(confidence, bool) or not 0 < confidence < 1:
        raise ValueError(
            f"confidence must be a fraction between 0 and 1, such as 0.95, not {confidence!r}"
        )
    if confidence == 0.95:
        return Z_95
    if confidence == 0.998:
        return Z_998
    return float(norm.ppf(1 - (1 - confidence) / 2))


def _check_number(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return float(value)


def _check_rate_inputs(x: float, n: float) -> tuple[float, float]:
    x = _check_number(x, "count x")
    n = _check_number(n, "denominator n")
    if n <= 0:
        raise ValueError(f"denominator n must be greater than 0, not {n:g}")
    if x < 0:
        raise ValueError(f"count x must be 0 or more, not {x:g}")
    return x, n


def wilson_interval(x: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score confidence interval for a proportion x out of n.

    limits = (2x + z² ∓ z·√(z² + 4x(1 − x/n))) ÷ (2(n + z²)).

    Args:
        x: the number of events (numerator), 0 <= x <= n.
        n: the number of people (denominator), n > 0.
        confidence: the confidence level as a fraction (0.95 or 0.998).

    Returns:
        (lower, upper) as proportions in [0, 1].

    Raises:
        ValueError: when n <= 0, x < 0 or x > n.

    Example:
        >>> lower, upper = wilson_interval(165, 577)
        >>> round(lower, 4), round(upper, 4)
        (0.2506, 0.3242)
    """
    x = _check_number(x, "numerator x")
    n = _check_number(n, "denominator n")
    if n <= 0:
        raise ValueError(f"denominator n must be greater than 0, not {n:g}")
    if not 0 <= x <= n:
        raise ValueError(f"numerator x must be between 0 and n ({n:g}), not {x:g}")
    z = z_for(confidence)
    z2 = z * z
    root = z * math.sqrt(z2 + 4 * x * (1 - x / n))
    lower = (2 * x + z2 - root) / (2 * (n + z2))
    upper = (2 * x + z2 + root) / (2 * (n + z2))
    # Algebraically the lower limit is exactly 0 when x = 0 and the upper exactly 1 when x = n;
    # set them so rounding error cannot leave -1e-17 or 0.9999999999999999.
    if x == 0:
        lower = 0.0
    if x == n:
        upper = 1.0
    return max(0.0, lower), min(1.0, upper)


def byar_interval(
    x: float, n: float, confidence: float = 0.95, multiplier: float = 1
) -> tuple[float, float]:
    """Byar's approximation to the Poisson confidence interval for a rate x per n.

    lower = x(1 − 1/(9x) − z/(3√x))³, upper = (x+1)(1 − 1/(9(x+1)) + z/(3√(x+1)))³, then
    both divided by n and multiplied by ``multiplier`` (Breslow & Day 1987, as used by
    PHEindicatormethods for counts of 10 or more; use :func:`rate_interval` to choose).

    Args:
        x: the count of events, greater than 0.
        n: the population, greater than 0.
        confidence: the confidence level as a fraction.
        multiplier: scale of the rate, e.g. 10_000 for "per 10,000".

    Raises:
        ValueError: for x <= 0, or when the count is too small for the confidence level and
            the lower limit would be negative (the method is not valid there).

    Example:
        >>> [round(limit, 2) for limit in byar_interval(100, 10_000, multiplier=10_000)]
        [81.36, 121.63]
    """
    x, n = _check_rate_inputs(x, n)
    if x <= 0:
        raise ValueError("Byar's method needs a count greater than 0; use exact_poisson_interval")
    z = z_for(confidence)
    base = 1 - 1 / (9 * x) - z / (3 * math.sqrt(x))
    if base < 0:
        raise ValueError(
            f"Byar's method is not valid for a count of {x:g} at {confidence:g} confidence "
            "(negative lower limit); use exact_poisson_interval"
        )
    lower = x * base**3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lower / n * multiplier, upper / n * multiplier


def exact_poisson_interval(
    x: float, n: float, confidence: float = 0.95, multiplier: float = 1
) -> tuple[float, float]:
    """Exact (Garwood) Poisson confidence interval for a rate x per n.

    lower = χ²((1−c)/2; 2x)/2 (0 when x = 0), upper = χ²(c + (1−c)/2; 2x+2)/2, where c is the
    confidence level and χ²(p; d) the p-quantile of chi-squared on d degrees of freedom; both
    divided by n and multiplied by ``multiplier``.

    Example:
        >>> [round(limit, 4) for limit in exact_poisson_interval(1, 1)]
        [0.0253, 5.5716]
    """
    x, n = _check_rate_inputs(x, n)
    z_for(confidence)  # validates the confidence level
    alpha = 1 - confidence
    lower = 0.0 if x == 0 else float(chi2.ppf(alpha / 2, 2 * x)) / 2
    upper = float(chi2.ppf(confidence + alpha / 2, 2 * x + 2)) / 2
    return lower / n * multiplier, upper / n * multiplier


def rate_interval(
    x: float, n: float, confidence: float = 0.95, multiplier: float = 1
) -> tuple[float, float]:
    """Confidence interval for a rate: Byar's method for x >= 10, exact Poisson below.

    Example:
        >>> [round(limit, 2) for limit in rate_interval(10, 10_000, multiplier=10_000)]
        [4.79, 18.39]
    """
    x, n = _check_rate_inputs(x, n)
    if x >= BYAR_MINIMUM_COUNT:
        return byar_interval(x, n, confidence, multiplier)
    return exact_poisson_interval(x, n, confidence, multiplier)


@dataclass(frozen=True)
class Estimate:
    """A value with its numerator, denominator and 95% and 99.8% confidence limits.

    ``value`` and the limits are on the same scale (per cent, per 10,000, ...).
    ``method`` names the interval method: "wilson", "byar" or "exact poisson".
    """

    value: float
    numerator: float
    denominator: float
    lower95: float
    upper95: float
    lower998: float
    upper998: float
    method: str

    def limits(self, confidence: float = 0.95) -> tuple[float, float]:
        """The (lower, upper) limits at 0.95 or 0.998 confidence.

        Example:
            >>> rate_estimate(20, 10_000).limits(0.998)[0] < rate_estimate(20, 10_000).lower95
            True
        """
        if confidence == 0.95:
            return self.lower95, self.upper95
        if confidence == 0.998:
            return self.lower998, self.upper998
        raise ValueError(f"an Estimate holds 0.95 and 0.998 limits only, not {confidence!r}")


def proportion_estimate(x: float, n: float, multiplier: float = 100) -> Estimate:
    """A proportion x/n with Wilson 95% and 99.8% limits, as a percentage by default.

    Example:
        >>> round(proportion_estimate(1, 4).value, 1)
        25.0
    """
    lower95, upper95 = wilson_interval(x, n, 0.95)
    lower998, upper998 = wilson_interval(x, n, 0.998)
    return Estimate(
        value=x / n * multiplier,
        numerator=x,
        denominator=n,
        lower95=lower95 * multiplier,
        upper95=upper95 * multiplier,
        lower998=lower998 * multiplier,
        upper998=upper998 * multiplier,
        method="wilson",
    )


def rate_estimate(x: float, n: float, multiplier: float = 10_000) -> Estimate:
    """A rate x per n (per 10,000 by default) with 95% and 99.8% limits.

    Byar's method when x >= 10, exact Poisson otherwise (see :func:`rate_interval`).

    Example:
        >>> estimate = rate_estimate(43, 10_000)
        >>> estimate.value, estimate.method
        (43.0, 'byar')
    """
    lower95, upper95 = rate_interval(x, n, 0.95, multiplier)
    lower998, upper998 = rate_interval(x, n, 0.998, multiplier)
    return Estimate(
        value=x / n * multiplier,
        numerator=x,
        denominator=n,
        lower95=lower95,
        upper95=upper95,
        lower998=lower998,
        upper998=upper998,
        method="byar" if x >= BYAR_MINIMUM_COUNT else "exact poisson",
    )


def compare_with_benchmark(
    estimate_lower: float | None,
    estimate_upper: float | None,
    benchmark_value: float | None,
    polarity: str | None,
) -> str:
    """Compare an area's confidence interval with a benchmark value (England, region).

    Returns "similar" when the benchmark lies inside the interval (limits included);
    otherwise "better" or "worse" by polarity ("higher-is-better" / "lower-is-better"), or
    "higher" / "lower" (the area is higher or lower than the benchmark) when the polarity is
    "none" or None; "not compared" when any input is None or NaN.

    Example:
        >>> compare_with_benchmark(25.06, 32.42, 35.0, "higher-is-better")
        'worse'
    """
    polarity = check_polarity(polarity)
    if any(is_missing(v) for v in (estimate_lower, estimate_upper, benchmark_value)):
        return NOT_COMPARED
    if estimate_lower > estimate_upper:
        raise ValueError(f"lower limit {estimate_lower} is above upper limit {estimate_upper}")
    if estimate_lower <= benchmark_value <= estimate_upper:
        return SIMILAR
    area_is_higher = estimate_lower > benchmark_value
    if polarity == NO_POLARITY:
        return HIGHER if area_is_higher else LOWER
    return BETTER if area_is_higher == (polarity == HIGHER_IS_BETTER) else WORSE


def rank_among(
    value: float, others: Iterable[float | None], polarity: str | None
) -> tuple[int, int, int]:
    """Rank a value among other areas' values; rank 1 is the best.

    Best means highest for "higher-is-better" and "none", lowest for "lower-is-better".
    Ties share the better rank (1, 2, 2, 4). Missing values among ``others`` are ignored.
    Quartile = ⌊4 × (rank − 1) ÷ of⌋ + 1: 1 is the best quarter, 4 the worst; it puts an area in
    quarter q when the share of areas ranked strictly above it is in [(q−1)/4, q/4).

    Args:
        value: this area's value.
        others: the other areas' values (not including this one).
        polarity: "higher-is-better", "lower-is-better", "none" or None.

    Returns:
        (rank, of, quartile), where ``of`` counts this area plus the non-missing others.

    Example:
        >>> rank_among(71, [64, 68, 80, 59, 71, 75, 62], "higher-is-better")
        (3, 8, 2)
    """
    polarity = check_polarity(polarity)
    if is_missing(value):
        raise ValueError("cannot rank a missing value")
    present = [v for v in others if not is_missing(v)]
    if polarity == LOWER_IS_BETTER:
        ahead = sum(1 for v in present if v < value)
    else:
        ahead = sum(1 for v in present if v > value)
    rank = ahead + 1
    of = len(present) + 1
    quartile = 4 * (rank - 1) // of + 1
    return rank, of, quartile


def rag_against_target(
    value: float | None,
    target: float | None,
    polarity: str | None,
    amber_tolerance: float = 0.05,
) -> str:
    """Rate a value against a target: "green", "amber", "red", "not set" or "no data".

    Green: the target is met (value >= target when higher is better, <= when lower is better).
    Amber: not met, but within ``amber_tolerance`` × |target| of it (5% of the target by
    default, a relative tolerance; with a target of 0 there is no amber band). Red: otherwise.
    "not set" when there is no target, "no data" when there is no value.

    Raises:
        ValueError: for polarity "none" (a target needs a direction) or a negative tolerance.

    Example:
        >>> rag_against_target(96, 100, "higher-is-better")
        'amber'
    """
    polarity = check_polarity(polarity)
    if polarity == NO_POLARITY:
        raise ValueError("a target needs a direction: polarity must be higher- or lower-is-better")
    if amber_tolerance < 0:
        raise ValueError(f"amber_tolerance must be 0 or more, not {amber_tolerance!r}")
    if is_missing(target):
        return NOT_SET
    if is_missing(value):
        return NO_DATA
    # Distance by which the target is missed, positive when not met, whatever the polarity.
    shortfall = target - value if polarity == HIGHER_IS_BETTER else value - target
    if shortfall <= 0:
        return GREEN
    if shortfall <= amber_tolerance * abs(target):
        return AMBER
    return RED
