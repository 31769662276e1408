"""Comparing an area with England, its region, its neighbours, and its own trend."""

import json

import pytest
from django.core.management import call_command

from cyplan.outcomes.comparison import compare

from .helpers import BROMLEY, ENGLAND, LONDON, neighbours, value

pytestmark = pytest.mark.django_db
EHCP = "ehcp-issued-20-weeks"  # percent, higher is better, Wilson, 95%


@pytest.fixture
def ehcp():
    value(EHCP, BROMLEY, "2024", 28.6, 165, 577, name="Bromley", region=LONDON)
    value(EHCP, LONDON, "2024", 30.0, name="London", level="regional")
    value(EHCP, ENGLAND, "2024", 46.4, name="England", level="national")
    for code, figure in (("E09000002", 40.0), ("E09000003", 20.0), ("E09000004", 30.0)):
        value(EHCP, code, "2024", figure)
    neighbours(BROMLEY, ["E09000002", "E09000003", "E09000004", "E09000099"])


def test_intervals_and_benchmark_words(ehcp):
    """165 of 577: Wilson 95% 25.06 to 32.42 (worked in tests/analytics); England 46.4 is above: worse."""
    result = compare(EHCP, BROMLEY, "2024")
    assert result.area.lower95 == pytest.approx(25.06, abs=0.01)
    assert result.area.upper95 == pytest.approx(32.42, abs=0.01)
    words = {b["name"]: b["comparison"] for b in result.benchmarks}
    assert words == {
        "England": "worse",
        "London": "similar",
    }  # London's 30.0 lies inside the interval


def test_neighbour_rank(ehcp):
    """Among 40, 20 and 30 (one neighbour has no figure), 28.6 is third of four: quartile 3."""
    result = compare(EHCP, BROMLEY, "2024")
    assert (result.neighbours["rank"], result.neighbours["of"], result.neighbours["quartile"]) == (
        3,
        4,
        3,
    )
    assert result.neighbours["group_size"] == 4 and result.neighbours["with_values"] == 3


def test_trend_over_five_periods():
    """10, 20, 30, 40, 50 out of 100 rises significantly (chi-squared 47.6 > 9.55): getting better."""
    for year, count in zip(range(2020, 2025), (10, 20, 30, 40, 50), strict=True):
        value(EHCP, BROMLEY, str(year), float(count), count, 100)
    result = compare(EHCP, BROMLEY, "2024")
    assert result.trend["direction"] == "increasing"
    assert result.trend["judgement"] == "getting better"
    assert result.trend["statistic"] == pytest.approx(10000 / 210, abs=0.01)
    early = compare(EHCP, BROMLEY, "2023")  # only four points up to 2023
    assert early.trend["direction"] == "cannot be calculated"


def test_no_polarity_says_higher_or_lower():
    """CLA rate has no 'better' direction: 43 per 10,000 against England's 70 is 'lower'."""
    value(
        "cla-rate", BROMLEY, "2024", 43.0, 313, 72770, region=LONDON
    )  # 313 / 72,770 x 10,000 = 43.0
    value("cla-rate", ENGLAND, "2024", 70.0, name="England", level="national")
    result = compare("cla-rate", BROMLEY, "2024")
    assert [b["comparison"] for b in result.benchmarks] == ["lower"]
    # Byar's method for 313 over 72,770: lower = 313(1 - 1/2817 - 1.96/(3*sqrt 313))^3 / 72770 * 10000.
    lower = 313 * (1 - 1 / (9 * 313) - 1.959964 / (3 * 313**0.5)) ** 3 / 72770 * 10000
    assert result.area.lower95 == pytest.approx(lower, abs=0.001)


def test_figures_without_counts_are_not_compared():
    """A figure quoted with no numerator and denominator has no interval: 'not compared'."""
    value("cla-3plus-placements", BROMLEY, "2020/21", 4.0, region=LONDON)
    value("cla-3plus-placements", ENGLAND, "2020/21", 10.0, name="England", level="national")
    result = compare("cla-3plus-placements", BROMLEY, "2020/21")
    assert result.benchmarks[0]["comparison"] == "not compared"
    assert "not compared with England" in result.sentence


def test_cli_compare_json(ehcp, capsys):
    """`cyplan indicators compare --json` prints the documented fields."""
    call_command(
        "indicators",
        "compare",
        "--indicator",
        EHCP,
        "--area",
        BROMLEY,
        "--period",
        "2024",
        "--json",
    )
    data = json.loads(capsys.readouterr().out)
    for key in (
        "value",
        "numerator",
        "denominator",
        "lower95",
        "upper95",
        "lower998",
        "upper998",
        "benchmarks",
        "neighbours",
        "trend",
    ):
        assert key in data
    assert data["value"] == 28.6 and data["numerator"] == 165
    assert data["lower998"] < data["lower95"] < data["upper95"] < data["upper998"]
    assert {b["comparison"] for b in data["benchmarks"]} == {"worse", "similar"}


def test_cli_list_json(capsys):
    """`cyplan indicators list --json` lists code, title, unit and polarity for the catalogue."""
    call_command("indicators", "list", "--json")
    rows = json.loads(capsys.readouterr().out)
    codes = {row["code"] for row in rows}
    assert {
        "cla-rate",
        "cla-3plus-placements",
        "cla-long-term-stability",
        "s47-rate",
        "icpc-15-days",
        "cp-rate",
        "cp-reviews-in-timescale",
        "ehcp-issued-20-weeks",
    } <= codes
    assert set(rows[0]) == {"code", "title", "unit", "polarity"}


def compare_json(capsys, *extra):
    call_command(
        "indicators", "compare", "--indicator", EHCP, "--area", BROMLEY, "--period", "2024",
        "--json", *extra,
    )  # fmt: skip
    return json.loads(capsys.readouterr().out)


def test_cli_compare_suppresses_like_the_pages(capsys):
    """1 of 4 plans (issue 14, finding 5): the public JSON shows c and says nothing about it;
    --unsuppressed shows the figures and says they are for staff only."""
    value(EHCP, BROMLEY, "2024", 25.0, 1, 4, name="Bromley", region=LONDON)
    value(EHCP, ENGLAND, "2024", 46.4, name="England", level="national")
    data = compare_json(capsys)
    assert data["value"] == "c" and data["numerator"] == "c" and data["denominator"] == "c"
    assert data["lower95"] is None and data["upper998"] is None
    assert [b["comparison"] for b in data["benchmarks"]] == [None]
    assert data["trend"] is None and data["neighbours"] is None
    assert "1" not in data["summary"].split() and "suppressed" in data["summary"]
    assert data["disclosure"]["public"] is True and data["disclosure"]["suppressed"] is True

    staff = compare_json(capsys, "--unsuppressed")
    assert staff["value"] == 25.0 and staff["numerator"] == 1 and staff["denominator"] == 4
    assert "staff only" in staff["disclosure"]["note"]
    call_command(
        "indicators", "compare", "--indicator", EHCP, "--area", BROMLEY, "--period", "2024",
        "--unsuppressed",
    )  # fmt: skip
    assert "UNSUPPRESSED: for staff only" in capsys.readouterr().out


def test_cli_compare_names_the_interval_method_level_and_counts(capsys, ehcp):
    """165 of 577 plans: Wilson score at 95% and 99.8%, compared at 95%; the catalogue says
    what the numerator and denominator count."""
    data = compare_json(capsys)
    assert data["interval"]["method"] == "Wilson score"
    assert data["interval"]["levels"] == [0.95, 0.998]
    assert data["interval"]["comparison_level"] == 0.95
    assert data["interval"]["z95"] == pytest.approx(1.959964, abs=1e-6)
    assert "20 weeks" in data["numerator_counts"] and data["denominator_counts"]
    assert data["value"] == 28.6 and data["disclosure"]["suppressed"] is False


def test_cli_compare_names_byar_and_exact_poisson(capsys):
    """A rate uses Byar's method from 10 events and the exact Poisson interval below."""
    value("cla-rate", BROMLEY, "2024", 43.0, 313, 72770, region=LONDON)
    value("cla-rate", BROMLEY, "2023", 1.2, 9, 72770, region=LONDON)
    for period, method in (("2024", "Byar's"), ("2023", "exact Poisson")):
        call_command(
            "indicators", "compare", "--indicator", "cla-rate", "--area", BROMLEY,
            "--period", period, "--json",
        )  # fmt: skip
        data = json.loads(capsys.readouterr().out)
        assert data["interval"]["method"] == method
        assert data["numerator_counts"] and data["denominator_counts"]


def test_bromley_ehcp_trend_is_no_significant_change_outlier_found():
    """Issue 14, finding 6: Bromley 2020-2024 (56.5, 37.2, 27.2, 28.6, 45.3%) was "decreasing
    and getting worse"; Fingertips' marker is no significant change (outlier found)."""
    for year, n, d in (
        (2020, 256, 453), (2021, 177, 476), (2022, 120, 441), (2023, 165, 577), (2024, 326, 719)
    ):  # fmt: skip
        value(EHCP, BROMLEY, str(year), round(100 * n / d, 1), n, d, name="Bromley")
    result = compare(EHCP, BROMLEY, "2024")
    assert result.trend["label"] == "no significant change (outlier found)"
    assert result.trend["outlier"] is True
