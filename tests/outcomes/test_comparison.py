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
