"""Confidence intervals, benchmark comparison, ranking and RAG ratings.

Expected figures are worked out by hand in each test from the published formulas, or taken from
published figures (sources named beside them), never copied from the code's own output.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyplan.analytics.stats import (
    Z_95,
    Z_998,
    byar_interval,
    compare_with_benchmark,
    exact_poisson_interval,
    proportion_estimate,
    rag_against_target,
    rank_among,
    rate_estimate,
    rate_interval,
    wilson_interval,
    z_for,
)

Z = 1.959963984540054  # the 97.5% point of the standard normal, to double precision


def test_normal_quantiles_are_exact():
    """Z_95 and Z_998 are the 97.5% and 99.9% normal points (tables: 1.959964, 3.090232)."""
    assert Z_95 == pytest.approx(Z, abs=1e-15)
    assert Z_998 == pytest.approx(3.090232306167813, abs=1e-14)
    assert z_for(0.95) == Z_95 and z_for(0.998) == Z_998
    assert z_for(0.9) == pytest.approx(1.6448536269514722, abs=1e-12)  # tables: 1.644854


@pytest.mark.parametrize("bad", [0, 1, 95, -0.5, True])
def test_z_for_rejects_levels_that_are_not_fractions(bad):
    """A confidence level must be a fraction strictly between 0 and 1."""
    with pytest.raises(ValueError, match="confidence"):
        z_for(bad)


def test_wilson_165_of_577_by_hand():
    """Wilson 95% limits for 165 of 577, worked step by step from the formula."""
    z2 = Z * Z  # 3.8414588206941
    centre = 2 * 165 + z2  # 333.841458820694
    inside_root = z2 + 4 * 165 * (1 - 165 / 577)  # 3.8414588 + 271920/577 = 475.1066234...
    half_width = Z * math.sqrt(inside_root)  # 1.959964 × 21.796941 = 42.721219...
    denominator = 2 * (577 + z2)  # 1161.6829176...
    lower, upper = wilson_interval(165, 577)
    assert lower == pytest.approx((centre - half_width) / denominator, abs=1e-12)
    assert upper == pytest.approx((centre + half_width) / denominator, abs=1e-12)
    # The same to 4 decimal places: 291.1202 / 1161.6829 and 376.5627 / 1161.6829.
    assert (round(lower, 4), round(upper, 4)) == (0.2506, 0.3242)


@pytest.mark.parametrize(
    ("x", "n", "confidence", "side", "published"),
    [
        # Published expected values in the tests of PHStatsMethods, DHSC's Python port of
        # PHEindicatormethods (ph_statistical_methods/unit_tests/test.wilsons.py).
        (20, 360, 0.95, 0, 0.036248204600072345),
        (550, 2400, 0.998, 0, 0.20375892211705743),
        (30, 400, 0.95, 1, 0.10504770626130437),
        (76, 238, 0.998, 1, 0.418131030603369),
    ],
)
def test_wilson_matches_published_figures(x, n, confidence, side, published):
    """Wilson limits agree with the figures PHEindicatormethods' Python port publishes."""
    assert wilson_interval(x, n, confidence)[side] == pytest.approx(published, rel=1e-12)


def test_wilson_edges_are_exact():
    """x = 0 gives a lower limit of exactly 0; x = n an upper limit of exactly 1."""
    lower, upper = wilson_interval(0, 50)
    assert lower == 0.0
    assert upper == pytest.approx(Z * Z / (50 + Z * Z), abs=1e-12)  # (z² + z·z) / 2(n + z²)
    lower, upper = wilson_interval(50, 50)
    assert upper == 1.0
    assert lower == pytest.approx(50 / (50 + Z * Z), abs=1e-12)  # (2n + z² − z²) / 2(n + z²)


@pytest.mark.parametrize(("x", "n", "message"), [(1, 0, "greater than 0"), (-1, 5, "between")])
def test_wilson_rejects_impossible_counts(x, n, message):
    """n must be positive and x between 0 and n."""
    with pytest.raises(ValueError, match=message):
        wilson_interval(x, n)


def test_wilson_rejects_more_events_than_people():
    """x > n is not a proportion."""
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(6, 5)


def test_byar_100_per_10000_by_hand():
    """Byar's limits for 100 events in 10,000 people, per 10,000: 81.36 to 121.63."""
    lower = 100 * (1 - 1 / 900 - Z / (3 * 10)) ** 3  # 100 × 0.9335568³
    upper = 101 * (1 - 1 / 909 + Z / (3 * math.sqrt(101))) ** 3  # 101 × 1.0639077³
    got = byar_interval(100, 10_000, multiplier=10_000)
    assert got == pytest.approx((lower, upper), abs=1e-9)
    assert (round(got[0], 2), round(got[1], 2)) == (81.36, 121.63)
    assert rate_interval(100, 10_000, multiplier=10_000) == got


def test_byar_10_per_10000_by_hand():
    """Byar's limits for 10 events: 10(1 − 1/90 − z/(3√10))³ and 11(1 − 1/99 + z/(3√11))³."""
    lower = 10 * (1 - 1 / 90 - Z / (3 * math.sqrt(10))) ** 3  # 4.787
    upper = 11 * (1 - 1 / 99 + Z / (3 * math.sqrt(11))) ** 3  # 18.39
    assert rate_interval(10, 10_000, multiplier=10_000) == pytest.approx((lower, upper), abs=1e-9)


def test_byar_refuses_counts_it_cannot_handle():
    """Byar's method needs x > 0 and a non-negative lower limit (x = 1 at 99.8% is not)."""
    with pytest.raises(ValueError, match="greater than 0"):
        byar_interval(0, 100)
    with pytest.raises(ValueError, match="not valid"):
        byar_interval(1, 100, confidence=0.998)


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), summed term by term."""
    term, total = math.exp(-mean), 0.0
    for i in range(k + 1):
        total += term
        term *= mean / (i + 1)
    return total


def _solve(f, low: float, high: float) -> float:
    """Bisection for a decreasing f with f(low) > 0 > f(high)."""
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if f(middle) > 0 else (low, middle)
    return (low + high) / 2


def _exact_by_definition(x: int, tail: float) -> tuple[float, float]:
    """Garwood's limits from their definition: P(X >= x | lower) = P(X <= x | upper) = tail."""
    lower = 0.0 if x == 0 else _solve(lambda m: tail - (1 - _poisson_cdf(x - 1, m)), 0, 100)
    upper = _solve(lambda m: _poisson_cdf(x, m) - tail, 0, 100)
    return lower, upper


@pytest.mark.parametrize(
    ("x", "table"),
    # Standard tables of exact (Garwood 1936) Poisson 95% limits; 3.689 for x = 0 is also
    # quoted in the epitools pois.exact documentation.
    [(0, (0.0, 3.689)), (1, (0.0253, 5.572)), (9, (4.115, 17.085))],
)
def test_exact_poisson_matches_its_definition_and_tables(x, table):
    """Exact Poisson 95% limits for x = 0, 1, 9 solve the Poisson tail equations."""
    got = exact_poisson_interval(x, 1)
    assert got == pytest.approx(_exact_by_definition(x, 0.025), abs=1e-9)
    assert got == pytest.approx(table, abs=6e-4)
    assert rate_interval(x, 1) == got


def test_exact_poisson_closed_forms():
    """x = 0: upper = ln(40) (95%), ln(1000) (99.8%); x = 1: lower = −ln(0.975)."""
    assert exact_poisson_interval(0, 1) == (0.0, pytest.approx(math.log(40), abs=1e-12))
    assert exact_poisson_interval(0, 1, 0.998)[1] == pytest.approx(math.log(1000), abs=1e-12)
    assert exact_poisson_interval(1, 1)[0] == pytest.approx(-math.log(0.975), abs=1e-12)
    assert exact_poisson_interval(1, 1)[1] == pytest.approx(5.5716, abs=1e-4)  # tables
    # Per 10,000 with a population of 200: both limits × 10,000 / 200 = × 50.
    by_definition = _exact_by_definition(1, 0.025)
    assert exact_poisson_interval(1, 200, multiplier=10_000) == pytest.approx(
        (-math.log(0.975) * 50, by_definition[1] * 50), rel=1e-9
    )


def test_rate_interval_is_continuous_around_ten():
    """Limits rise from x = 9 (exact) to x = 10 (Byar) and Byar at 10 is within 1% of exact."""
    low9, up9 = rate_interval(9, 1)
    low10, up10 = rate_interval(10, 1)
    assert low9 < low10 and up9 < up10
    exact10 = _exact_by_definition(10, 0.025)  # published: 4.795 to 18.390
    assert low10 == pytest.approx(exact10[0], rel=0.01)
    assert up10 == pytest.approx(exact10[1], rel=0.01)


def test_rate_interval_rejects_bad_inputs():
    """Rates need a population above 0 and a count of 0 or more."""
    with pytest.raises(ValueError, match="greater than 0"):
        rate_interval(3, 0)
    with pytest.raises(ValueError, match="0 or more"):
        rate_interval(-1, 10)


def test_proportion_estimate_is_a_percentage_with_both_levels():
    """165 of 577 is 28.60% (25.06% to 32.42%) and the 99.8% interval is wider."""
    e = proportion_estimate(165, 577)
    assert e.value == pytest.approx(16500 / 577)
    assert (round(e.lower95, 2), round(e.upper95, 2)) == (25.06, 32.42)
    assert e.lower998 < e.lower95 and e.upper998 > e.upper95
    assert (e.numerator, e.denominator, e.method) == (165, 577, "wilson")
    assert e.limits(0.998) == (e.lower998, e.upper998)
    with pytest.raises(ValueError):
        e.limits(0.9)


def test_rate_estimate_uses_the_right_method():
    """43 per 10,000 uses Byar's method; 9 uses exact Poisson; both per 10,000."""
    assert rate_estimate(43, 10_000).method == "byar"
    assert rate_estimate(43, 10_000).value == pytest.approx(43.0)
    small = rate_estimate(9, 10_000)
    assert small.method == "exact poisson"
    assert small.lower95 == pytest.approx(4.115, abs=5e-4)  # exact table, n = multiplier


@pytest.mark.parametrize(
    ("lower", "upper", "benchmark", "polarity", "expected"),
    [
        (10, 20, 15, "higher-is-better", "similar"),
        (10, 20, 10, "higher-is-better", "similar"),  # on the lower limit: inclusive
        (10, 20, 20, "lower-is-better", "similar"),  # on the upper limit: inclusive
        (10, 20, 9.99, "higher-is-better", "better"),
        (10, 20, 9.99, "lower-is-better", "worse"),
        (10, 20, 20.01, "higher-is-better", "worse"),
        (10, 20, 20.01, "lower-is-better", "better"),
        (10, 20, 5, "none", "higher"),
        (10, 20, 25, "none", "lower"),
        (10, 20, 5, None, "higher"),
        (10, 20, 15, None, "similar"),
        (None, 20, 15, "higher-is-better", "not compared"),
        (10, None, 15, "lower-is-better", "not compared"),
        (10, 20, None, "none", "not compared"),
        (math.nan, 20, 15, "higher-is-better", "not compared"),
        (10, 20, math.nan, "higher-is-better", "not compared"),
    ],
)
def test_compare_with_benchmark(lower, upper, benchmark, polarity, expected):
    """Every comparison word: similar (inclusive), better/worse, higher/lower, not compared."""
    assert compare_with_benchmark(lower, upper, benchmark, polarity) == expected


def test_compare_with_benchmark_rejects_unknown_polarity_and_crossed_limits():
    """Only the three polarity words are accepted, and limits must be in order."""
    with pytest.raises(ValueError, match="polarity"):
        compare_with_benchmark(1, 2, 3, "high")
    with pytest.raises(ValueError, match="above"):
        compare_with_benchmark(2, 1, 3, "none")


def test_rank_among_with_polarity_and_ties():
    """Rank 1 is best by polarity; ties share the better rank; quartile = ⌊4(rank−1)/of⌋+1."""
    others = [64, 68, 80, 59, 71, 75, 62]  # with our 71: 8 areas
    assert rank_among(71, others, "higher-is-better") == (3, 8, 2)  # 80, 75 above; 4×2/8 = 1
    assert rank_among(71, others, "none") == (3, 8, 2)
    assert rank_among(71, others, "lower-is-better") == (5, 8, 3)  # 59, 62, 64, 68 below
    assert rank_among(5, [5, 5, 5], "higher-is-better") == (1, 4, 1)
    assert rank_among(7, [], None) == (1, 1, 1)
    assert rank_among(3, [None, math.nan, 4], "lower-is-better") == (1, 2, 1)


def test_quartiles_split_eight_areas_two_by_two():
    """Of 8 areas ranks 1–2 are quartile 1, 3–4 quartile 2, 5–6 quartile 3, 7–8 quartile 4."""
    values = list(range(1, 9))
    quartiles = [
        rank_among(v, [o for o in values if o != v], "higher-is-better")[2] for v in values
    ]
    assert quartiles == [4, 4, 3, 3, 2, 2, 1, 1]
    with pytest.raises(ValueError):
        rank_among(None, values, "none")


@pytest.mark.parametrize(
    ("value", "target", "polarity", "expected"),
    [
        (100, 100, "higher-is-better", "green"),
        (101, 100, "higher-is-better", "green"),
        (95, 100, "higher-is-better", "amber"),  # exactly 5% short: amber
        (94.9, 100, "higher-is-better", "red"),
        (10, 10, "lower-is-better", "green"),
        (10.5, 10, "lower-is-better", "amber"),
        (10.6, 10, "lower-is-better", "red"),
        (0.1, 0, "lower-is-better", "red"),  # a target of 0 has no amber band
        (50, None, "higher-is-better", "not set"),
        (None, 50, "higher-is-better", "no data"),
    ],
)
def test_rag_against_target(value, target, polarity, expected):
    """Green when met, amber within 5% of the target, red otherwise."""
    assert rag_against_target(value, target, polarity) == expected


def test_rag_needs_a_direction_and_a_sane_tolerance():
    """No polarity means no RAG; the amber tolerance is configurable but not negative."""
    with pytest.raises(ValueError, match="direction"):
        rag_against_target(1, 2, "none")
    with pytest.raises(ValueError, match="tolerance"):
        rag_against_target(1, 2, "higher-is-better", amber_tolerance=-0.1)
    assert rag_against_target(90, 100, "higher-is-better", amber_tolerance=0.1) == "amber"


proportions = st.integers(min_value=1, max_value=100_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@settings(max_examples=200, deadline=None)
@given(proportions, st.sampled_from([0.95, 0.998]))
def test_wilson_contains_the_estimate_within_0_and_1(xn, confidence):
    """A Wilson interval contains x/n and lies within [0, 1]."""
    x, n = xn
    lower, upper = wilson_interval(x, n, confidence)
    assert 0.0 <= lower <= x / n <= upper <= 1.0


@settings(max_examples=200, deadline=None)
@given(proportions)
def test_wilson_narrows_as_n_grows(xn):
    """Doubling x and n (same proportion) narrows the interval."""
    x, n = xn
    lower, upper = wilson_interval(x, n)
    lower2, upper2 = wilson_interval(2 * x, 2 * n)
    assert upper2 - lower2 < upper - lower


@settings(max_examples=200, deadline=None)
@given(proportions)
def test_wilson_998_contains_95(xn):
    """The 99.8% Wilson interval contains the 95% one."""
    x, n = xn
    lower95, upper95 = wilson_interval(x, n, 0.95)
    lower998, upper998 = wilson_interval(x, n, 0.998)
    assert lower998 <= lower95 and upper95 <= upper998


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=50_000),
    st.integers(min_value=1, max_value=10_000_000),
    st.sampled_from([1, 100, 1_000, 10_000, 100_000]),
)
def test_rate_intervals_contain_the_rate_and_nest(x, n, multiplier):
    """Rate limits are non-negative, contain x/n × multiplier, and 99.8% contains 95%."""
    lower95, upper95 = rate_interval(x, n, 0.95, multiplier)
    lower998, upper998 = rate_interval(x, n, 0.998, multiplier)
    rate = x / n * multiplier
    assert 0.0 <= lower95 <= rate <= upper95
    assert lower998 <= lower95 and upper95 <= upper998
