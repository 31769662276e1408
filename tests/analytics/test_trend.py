"""The recent-trend test (Fingertips trend markers), with statistics worked out by hand."""

import numpy as np
import pytest

from cyplan.analytics.trend import CHI2_998_1DF, TrendPoint, trend


def proportion_points(numerators, denominators=None):
    """Yearly proportion points from 2019 onwards."""
    denominators = denominators or [100] * len(numerators)
    return [
        TrendPoint(str(2019 + i), numerator=o, denominator=n)
        for i, (o, n) in enumerate(zip(numerators, denominators, strict=True))
    ]


def rate_points(values, ci_width):
    """Yearly points with a symmetric 95% interval of the given width around each value."""
    return [
        TrendPoint(str(2019 + i), value=v, lower95=v - ci_width / 2, upper95=v + ci_width / 2)
        for i, v in enumerate(values)
    ]


def test_critical_value_is_9_5495():
    """The threshold is chi-squared's 99.8% point on 1 d.f., 9.5495 to 4 d.p. (3.0902323²)."""
    assert round(CHI2_998_1DF, 4) == 9.5495
    assert CHI2_998_1DF == pytest.approx(3.090232306167813**2, rel=1e-12)


def test_clearly_increasing_proportion_is_significant():
    """10, 20, 30, 40, 50 out of 100: χ² = 100² / (0.3 × 0.7 × 1000) = 47.62, increasing."""
    # O = 150, N = 500, p = 0.3; Σ T·O = 550; Σ N·T = 1500; U = 550 − 150 × 1500 / 500 = 100;
    # S_TT = Σ N·T² − (Σ N·T)² / N = 5500 − 4500 = 1000.
    result = trend(proportion_points([10, 20, 30, 40, 50]), "proportion", "higher-is-better")
    assert result.statistic == pytest.approx(10_000 / 210, rel=1e-12)
    assert result.slope == pytest.approx(100 / 1000)
    assert result.significant
    assert (result.direction, result.judgement) == ("increasing", "getting better")
    assert result.label == "increasing and getting better"
    assert result.method == "chi-squared test for linear trend"
    assert result.periods == ("2019", "2020", "2021", "2022", "2023")


def test_polarity_turns_direction_into_better_or_worse():
    """Increasing is worse when lower is better; decreasing is better; no polarity: no word."""
    rising = proportion_points([10, 20, 30, 40, 50])
    falling = proportion_points([50, 40, 30, 20, 10])
    assert trend(rising, "proportion", "lower-is-better").judgement == "getting worse"
    assert trend(falling, "proportion", "lower-is-better").label == "decreasing and getting better"
    assert trend(falling, "proportion", "higher-is-better").judgement == "getting worse"
    assert trend(rising, "proportion", "none").judgement is None
    assert trend(rising, "proportion").label == "increasing"


def test_flat_series_shows_no_significant_change():
    """30 of 100 every year: U = 0, χ² = 0."""
    result = trend(proportion_points([30] * 5), "proportion", "higher-is-better")
    assert result.direction == "no significant change"
    assert result.statistic == pytest.approx(0.0, abs=1e-12)
    assert not result.significant and result.judgement is None


def test_small_proportion_example_by_hand():
    """2, 3, 5, 6, 9 of 20 each: U = 92 − 75 = 17, S_TT = 200, χ² = 289 / 37.5 = 7.7067."""
    # O = 25, N = 100, p = 0.25; Σ T·O = 2 + 6 + 15 + 24 + 45 = 92; Σ N·T = 300;
    # Σ N·T² = 1100; S_TT = 1100 − 300² / 100 = 200; χ² = 17² / (0.25 × 0.75 × 200).
    result = trend(proportion_points([2, 3, 5, 6, 9], [20] * 5), "proportion")
    assert result.statistic == pytest.approx(289 / 37.5, rel=1e-12)
    assert result.slope == pytest.approx(17 / 200)
    assert result.direction == "no significant change"  # 7.71 < 9.5495


def test_proportion_statistic_equals_n_times_correlation_squared():
    """Armitage's χ² equals N·r² for the correlation of year score and outcome over people."""
    numerators, denominators = [12, 15, 22, 30, 41], [150, 160, 155, 170, 165]
    scores, outcomes = [], []
    for t, (o, n) in enumerate(zip(numerators, denominators, strict=True), start=1):
        scores += [t] * n
        outcomes += [1] * o + [0] * (n - o)
    r = np.corrcoef(scores, outcomes)[0, 1]
    result = trend(proportion_points(numerators, denominators), "proportion")
    assert result.statistic == pytest.approx(len(scores) * r * r, rel=1e-9)
    assert result.direction == "increasing"


# A 95% interval is 2 × 1.959964 = 3.919928 standard errors wide (one z constant everywhere).
W = 2 * 1.959963984540054


def test_regression_trend_by_hand():
    """Values rising by 2 a year with SE 1 (CI width 2 × 1.959964): slope 2, χ² = 2² × 10 = 40."""
    result = trend(rate_points([10, 12, 14, 16, 18], W), "rate", "lower-is-better")
    assert result.slope == pytest.approx(2.0)
    assert result.statistic == pytest.approx(40.0)  # S_TT = Σ (t − 3)² / SE² = 10
    assert result.label == "increasing and getting worse"
    assert result.method == "weighted linear regression"


def test_regression_threshold_either_side():
    """SE 2: χ² = 4 × 10/4 = 10 > 9.5495 (significant); SE 2.1: χ² = 40/4.41 = 9.07 (not)."""
    significant = trend(rate_points([10, 12, 14, 16, 18], 2 * W), "other")
    assert significant.statistic == pytest.approx(10.0)
    assert significant.direction == "increasing"
    not_significant = trend(rate_points([10, 12, 14, 16, 18], 2.1 * W), "other")
    assert not_significant.statistic == pytest.approx(40 / 4.41)
    assert not_significant.direction == "no significant change"


def test_regression_weights_precise_points_more():
    """Weights are 1/SE²: an imprecise outlier barely moves the slope."""
    points = rate_points([10, 12, 14, 16], W)
    points.append(
        TrendPoint("2023", value=100, lower95=100 - 100 * W, upper95=100 + 100 * W)
    )  # SE 200
    result = trend(points, "rate")
    # Weights 1, 1, 1, 1, 1/40000: the slope stays close to 2, far from the unweighted 18.4.
    assert result.slope == pytest.approx(2.0, abs=0.01)


def test_fewer_than_five_points_cannot_be_calculated():
    """Four points: "cannot be calculated", saying why."""
    result = trend(proportion_points([10, 20, 30, 40]), "proportion", "higher-is-better")
    assert result.direction == "cannot be calculated"
    assert "5 points" in result.reason and "only 4" in result.reason
    assert result.statistic is None and not result.significant


def test_only_the_five_most_recent_points_are_used():
    """An older sixth point is ignored."""
    points = proportion_points([90, 10, 20, 30, 40, 50])
    result = trend(points, "proportion")
    assert result.periods == ("2020", "2021", "2022", "2023", "2024")
    assert result.statistic == pytest.approx(10_000 / 210)


def test_missing_figures_make_the_trend_incalculable():
    """A missing interval (rates) or denominator (proportions) is reported as the reason."""
    points = rate_points([10, 12, 14, 16, 18], W)
    points[2] = TrendPoint("2021", value=14)
    assert "2021" in trend(points, "rate").reason
    flat = rate_points([10, 12, 14, 16, 18], 0)
    assert "zero width" in trend(flat, "rate").reason
    props = proportion_points([10, 20, 30, 40, 50])
    props[0] = TrendPoint("2019", numerator=10)
    assert trend(props, "proportion").direction == "cannot be calculated"


def test_points_can_be_mappings_and_kinds_are_checked():
    """Plain dicts work as points; an unknown kind or polarity is an error."""
    points = [
        {"period": str(y), "numerator": k, "denominator": 100, "extra": 1}
        for y, k in zip(range(5), [10, 20, 30, 40, 50], strict=True)
    ]
    assert trend(points, "proportion").direction == "increasing"
    with pytest.raises(ValueError, match="kind"):
        trend(points, "ratio")
    with pytest.raises(ValueError, match="polarity"):
        trend(points, "proportion", "up")


def test_all_zero_proportions_are_flat():
    """0 of 100 every year has no variation: no significant change, χ² = 0."""
    result = trend(proportion_points([0] * 5), "proportion")
    assert (result.direction, result.statistic) == ("no significant change", 0.0)


BROMLEY_EHCP = [  # EHC plans issued within 20 weeks, Bromley (SEN2): issued in time / issued
    ("2020", 256, 453),  # 56.5%
    ("2021", 177, 476),  # 37.2%
    ("2022", 120, 441),  # 27.2%
    ("2023", 165, 577),  # 28.6%
    ("2024", 326, 719),  # 45.3%
]


def test_bromley_ehcp_series_is_no_significant_change_outlier_found():
    """Issue 14, finding 6. The chi-squared test is significant:
    O = 1044, N = 2666, p = 0.39160; ΣNT = 8631, ΣTO = 3260, U = 3260 − 1044 × 8631/2666 = −119.87;
    S_TT = 33533 − 8631²/2666 = 5590.4; χ² = 119.87² / (0.3916 × 0.6084 × 5590.4) = 10.79 > 9.5495.
    The unweighted slope of the percentages is (−2×.5651 − .3718 + .2860 + 2×.4534)/10 = −0.0309,
    but without 2020 it is (−1.5×.3718 − .5×.2721 + .5×.2860 + 1.5×.4534)/5 = +0.0259: the sign
    turns, so Fingertips marks no significant change (outlier found), not "decreasing"."""
    points = [TrendPoint(p, numerator=n, denominator=d) for p, n, d in BROMLEY_EHCP]
    result = trend(points, "proportion", "higher-is-better")
    assert result.statistic == pytest.approx(10.79, abs=0.01)
    assert result.direction_slope == pytest.approx(-0.0309, abs=0.0001)
    assert result.outlier and not result.significant
    assert result.direction == "no significant change" and result.judgement is None
    assert result.label == "no significant change (outlier found)"


def test_a_steady_trend_survives_every_refit():
    """10, 20, 30, 40, 50 of 100: every leave-one-out slope is +0.1, so still increasing."""
    points = [TrendPoint(str(2019 + i), numerator=k, denominator=100) for i, k in enumerate(
        (10, 20, 30, 40, 50))]  # fmt: skip
    result = trend(points, "proportion", "lower-is-better")
    assert result.label == "increasing and getting worse" and not result.outlier
    assert result.direction_slope == pytest.approx(0.1)


def test_periods_must_be_consecutive():
    """2018, 2019, 2021, 2022, 2023 has a break: the trend cannot be calculated."""
    years = ["2018", "2019", "2021", "2022", "2023"]
    points = [TrendPoint(y, numerator=k, denominator=100) for y, k in zip(years, (10, 20, 30, 40, 50), strict=True)]  # fmt: skip
    result = trend(points, "proportion")
    assert (
        result.direction == "cannot be calculated" and "2019 is followed by 2021" in result.reason
    )
    financial = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    points = [TrendPoint(y, numerator=k, denominator=100) for y, k in zip(financial, (10, 20, 30, 40, 50), strict=True)]  # fmt: skip
    assert trend(points, "proportion").direction == "increasing"
