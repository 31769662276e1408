"""National benchmark series from ../shared/data: the done-when figures, checked against the
files with the arithmetic worked out by hand in the comments (issue 17)."""

from __future__ import annotations

import json
from io import StringIO

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.urls import reverse

from cyplan.outcomes.benchmark_import import import_neighbour_model, import_series_files
from cyplan.outcomes.comparison import NO_COUNTS, compare
from cyplan.outcomes.models import AreaGroup, IndicatorValue
from tests.conftest import SHARED

DATA = SHARED / "data"
EES = DATA / "dfe-ees"
BROMLEY = "E09000006"

pytestmark = pytest.mark.django_db


def _load(*relative):
    missing = [p for p in relative if not (DATA / p).exists()]
    assert not missing, f"shared sample files missing: {missing}"
    return import_series_files([DATA / p for p in relative])


def _compare_json(*args):
    out = StringIO()
    call_command("indicators", "compare", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def _bench(result, role):
    return next(b for b in result["benchmarks"] if b["role"] == role)


def test_cla_rate_bromley_2025_against_england_and_london():
    _load("dfe-ees/cla/cla_number_and_rate_per_10k_children.csv")
    result = _compare_json("--indicator", "cla-rate", "--area", BROMLEY, "--period", "2025")
    # Bromley: 343 children looked after of 73,457 aged 0-17: 343 / 73457 * 10000 = 46.69.
    assert (result["numerator"], result["denominator"]) == (343, 73457)
    assert round(result["value"], 1) == 46.7
    assert result["lower95"] < 46.69 < result["upper95"]
    # England 81,770 / 12,183,016 * 10000 = 67.12, outside Bromley's interval (about 42 to 52).
    england = _bench(result, "England")
    assert round(england["value"], 1) == 67.1 and england["comparison"] == "lower"
    # London is the E12 region (the file gives Bromley Outer London): 9,290 / 1,916,086 = 48.48.
    london = _bench(result, "region")
    assert london["code"] == "E12000007" and round(london["value"], 1) == 48.5
    assert london["comparison"] == "similar"
    assert result["basis"] == "counts"


def test_placement_stability_measures():
    _load("dfe-ees/cla/la_cla_placement_stability.csv")
    three = compare("cla-3plus-placements", BROMLEY, "2025").as_json()
    # 37 of the 343 looked after on 31 March had 3+ placements: 10.79%; England 8,500/81,770.
    assert (three["numerator"], three["denominator"]) == (37, 343)
    assert round(three["value"], 1) == 10.8
    assert round(_bench(three, "England")["value"], 1) == 10.4
    assert _bench(three, "England")["comparison"] == "similar"
    stable = compare("cla-long-term-stability", BROMLEY, "2025").as_json()
    # 60 of 96 (62.5%); the 'Total children' row gives the denominator. England 19,680/28,710.
    assert (stable["numerator"], stable["denominator"]) == (60, 96)
    assert stable["value"] == 62.5
    assert round(_bench(stable, "England")["value"], 1) == 68.5
    assert round(_bench(stable, "region")["value"], 1) == 68.3  # London 1,700 / 2,490
    assert _bench(stable, "England")["comparison"] == "similar"


def test_cp_rate_uses_the_previous_mid_year_population():
    _load(
        "dfe-ees/cin/ons_mid-year_population_estimates_2012_to_2024.csv",
        "dfe-ees/cin/d5_cpps_at31march_by_duration_2013_to_2025.csv",
    )
    result = compare("cp-rate", BROMLEY, "2025").as_json()
    # 304 plans on 31 March 2025 over the mid-2024 estimate 73,457: 41.38 per 10,000 (the
    # README's 41.4). England 49,420 / 12,183,016 = 40.56; London 7,120 / 1,916,086 = 37.16.
    assert (result["numerator"], result["denominator"]) == (304, 73457)
    assert round(result["value"], 1) == 41.4
    assert round(_bench(result, "England")["value"], 1) == 40.6
    assert round(_bench(result, "region")["value"], 1) == 37.2
    assert _bench(result, "England")["comparison"] == "similar"


def test_rereferrals_within_12_months():
    _load("dfe-ees/cin/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")
    result = compare("rereferrals-12-months", BROMLEY, "2025").as_json()
    # 1,101 re-referrals of 4,630 referrals = 23.78% (published 23.8). Wilson 95%: centre
    # 0.23801, half-width 0.01226, so 22.58% to 25.03%. England 142,900/632,830 = 22.581%
    # sits just inside; London 20,520/105,790 = 19.40% is below, and lower is better: worse.
    assert (result["numerator"], result["denominator"]) == (1101, 4630)
    assert round(result["value"], 1) == 23.8
    assert round(result["lower95"], 1) == 22.6 and round(result["upper95"], 1) == 25.0
    assert _bench(result, "England")["comparison"] == "similar"
    assert _bench(result, "region")["comparison"] == "worse"


def test_lait_only_indicator_is_percentage_only_and_not_compared():
    _load("lait/bds_long_0.parquet")
    table = pq.read_table(DATA / "lait/bds_long_0.parquet").to_pylist()
    wanted = {
        row["LA Number"]: row["Values"]
        for row in table
        if row["Short Desc"] == "KS2RWM_Expected_STD" and row["Years"] == "2025"
    }
    result = compare("ks2-rwm-expected", BROMLEY, "2025").as_json()
    assert result["value"] == float(wanted[305.0]) == 71  # the README spot check
    england = _bench(result, "England")
    assert england["value"] == float(wanted[970.0])
    assert _bench(result, "region")["value"] == float(wanted[986.0])  # LAIT London is 986
    assert england["comparison"] == "not compared" and england["reason"] == "no counts published"
    assert england["label"] == NO_COUNTS == "not compared: no counts published"
    assert "not compared with England" in compare("ks2-rwm-expected", BROMLEY, "2025").sentence
    assert result["basis"] == "published value only"


def test_buckinghamshire_figures_under_the_old_code_are_filed_for_the_unitary():
    _load(
        "dfe-ees/cin/ons_mid-year_population_estimates_2012_to_2024.csv",
        "dfe-ees/cin/b1_children_in_need_2013_to_2025.csv",
    )
    assert not IndicatorValue.objects.filter(area_code="E10000002").exists()
    old = IndicatorValue.objects.get(
        indicator__code="cin-rate", area_code="E06000060", period="2019"
    )
    assert "E10000002" in old.note
    # Trend runs across the change of code: 2019 and 2025 both under E06000060.
    assert IndicatorValue.objects.filter(
        indicator__code="cin-rate", area_code="E06000060", period="2025"
    ).exists()


def test_bromley_has_ten_neighbours_in_the_2025_model_and_the_2021_model_is_selectable():
    import_neighbour_model(DATA / "reference/sn-2025/sn_model_2025_wide.csv")
    import_neighbour_model(
        DATA / "reference/sn-2021/New_Statistical_Neighbour_Groupings_April_2021.csv"
    )
    group = AreaGroup.objects.get(anchor_code=BROMLEY, model="2025")
    # The README lists them: Hertfordshire, Trafford, Buckinghamshire (825, now E06000060)...
    assert len(group.members) == 10
    assert group.members[:3] == ["E10000015", "E08000009", "E06000060"]
    assert group.closeness[0] == "Very close"
    assert AreaGroup.objects.filter(anchor_code=BROMLEY, model="2021").exists()
    _load("dfe-ees/cla/cla_number_and_rate_per_10k_children.csv")
    latest = compare("cla-rate", BROMLEY, "2025").as_json()["neighbours"]
    assert latest["model"] == "2025" and latest["with_values"] == 10
    older = _compare_json(
        "--indicator", "cla-rate", "--area", BROMLEY, "--period", "2025", "--neighbours", "2021"
    )["neighbours"]
    assert older["model"] == "2021"
    # The EHC plan file gives Buckinghamshire's 2019 row under E10000002: it is still found.
    _load("dfe-ees/sen2_ehcp_timeliness_20_week.csv")
    ehcp = compare("ehcp-issued-20-weeks", BROMLEY, "2019").as_json()["neighbours"]
    assert ehcp["with_values"] == 10
    assert next(m for m in ehcp["members"] if m["code"] == "E06000060")["value"] is not None


def test_loading_twice_duplicates_nothing():
    files = ("dfe-ees/cin/d3_cpps_subsequent_plan_2013_to_2025.csv",)
    first = _load(*files)[0]
    count = IndicatorValue.objects.count()
    second = _load(*files)[0]
    assert first.created == count and second.created == 0 and second.updated == 0
    assert IndicatorValue.objects.count() == count


def test_portfolio_scorecard_compares_at_least_15_indicators_with_england(
    builtin_plans, client, admin_user
):
    _load(
        "dfe-ees/cin/ons_mid-year_population_estimates_2012_to_2024.csv",
        "dfe-ees/cin/b1_children_in_need_2013_to_2025.csv",
        "dfe-ees/cin/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "dfe-ees/cin/c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv",
        "dfe-ees/cin/d3_cpps_subsequent_plan_2013_to_2025.csv",
        "dfe-ees/cin/d5_cpps_at31march_by_duration_2013_to_2025.csv",
        "dfe-ees/cla/cla_number_and_rate_per_10k_children.csv",
        "dfe-ees/cla/la_cla_placement_stability.csv",
        "dfe-ees/cla/la_conviction_health_outcome_cla.csv",
        "dfe-ees/cla/la_care_leavers_accommodation_suitability.csv",
        "dfe-ees/sen2_ehcp_timeliness_20_week.csv",
        "dfe-ees/cla/la_care_leavers_activity.csv",
        "fingertips/la_hospital_admissions_2324.csv",
    )
    client.force_login(admin_user)
    plan = builtin_plans["bromley-cef-portfolio-2024-2025"]
    response = client.get(reverse("outcomes:scorecard", args=[plan.slug]) + "?format=csv")
    assert response.status_code == 200
    import csv

    rows = list(csv.DictReader(StringIO(response.content.decode("utf-8-sig"))))
    compared = [
        r
        for r in rows
        if r["Compared with England"] in ("Better", "Worse", "Similar", "Higher", "Lower")
        or r["Compared with England"].lower() in ("better", "worse", "similar", "higher", "lower")
    ]
    assert len(compared) >= 15, [(r["Indicator"], r["Compared with England"]) for r in rows]
    page = client.get(reverse("outcomes:scorecard", args=[plan.slug]))
    text = page.content.decode()
    assert "Neighbour median" in text and "Latest period by source" in text
    assert "London: " in text


def test_our_return_against_the_published_figure(builtin_plans, client, admin_user):
    from cyplan.outcomes.catalogue_sync import sync_catalogue
    from cyplan.outcomes.pages import return_against_published

    # The returns engine computed 340 of 73,457 (46.29 per 10,000) for Bromley in 2025.
    IndicatorValue.objects.create(
        indicator=sync_catalogue()["cla-rate"], area_code=BROMLEY, area_name="Bromley",
        area_level="local_authority", period="2025", value=340 / 73457 * 10000,
        numerator=340, denominator=73457, source="Computed from SSDA903 2025",
    )  # fmt: skip
    _load("dfe-ees/cla/cla_number_and_rate_per_10k_children.csv")
    ours = IndicatorValue.objects.get(
        indicator__code="cla-rate", area_code=BROMLEY, period="2025", dimensions_key=""
    )
    assert ours.numerator == 340  # the published import did not overwrite our figure
    result = return_against_published("cla-rate", BROMLEY, "2025")
    assert result["published"].numerator == 343
    # 340/73457*1e4 - 343/73457*1e4 = -3/73457*1e4 = -0.408
    assert round(result["difference"], 3) == -0.408
    assert result["summary"] == "Our return is 0.4 lower."
    assert any("late returns" in reason for reason in result["reasons"])
    # The comparison still uses DfE's published England and London figures.
    assert (
        round(_bench(compare("cla-rate", BROMLEY, "2025").as_json(), "England")["value"], 1) == 67.1
    )
    client.force_login(admin_user)
    page = client.get(
        reverse("outcomes:indicator", args=["cla-rate"]) + f"?area={BROMLEY}&period=2025"
    )
    text = page.content.decode()
    assert "Our return against the published figure" in text and "Published by DfE" in text


def test_docs_list_each_indicator_with_its_source_file_and_release():
    from cyplan.analytics.benchmarks import load_source_map
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1]: line for line in text.splitlines() if line.startswith("| `")}
    sources = load_source_map()
    for entry in sources.ees:
        assert entry.file in rows[entry.indicator] and entry.release in rows[entry.indicator]
    for measure, code in sources.lait.items():
        assert f"measure {measure}" in rows[code]
    for entry in sources.fingertips:
        assert entry["file"] in rows[entry["indicator"]]


def test_import_ees_reads_a_2025_release_through_the_series_map():
    out = StringIO()
    call_command("data", "import-ees", str(EES / "cla/la_cla_placement_stability.csv"), stdout=out)
    assert "cla-long-term-stability" in out.getvalue()
    value = IndicatorValue.objects.get(
        indicator__code="cla-long-term-stability", area_code=BROMLEY, period="2025"
    )
    assert (value.numerator, value.denominator) == (60, 96)


def test_a_corrupted_series_file_writes_nothing(tmp_path):
    from django.core.management.base import CommandError

    good = (EES / "cin/d3_cpps_subsequent_plan_2013_to_2025.csv").read_text(encoding="utf-8")
    lines = good.splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",twenty"  # CPP_subsequent_percent of row 6
    bad = tmp_path / "d3.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("data", "import-series", str(bad))
    assert "d3.csv, row 6, column CPP_subsequent_percent" in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert IndicatorValue.objects.count() == 0


def test_a_figure_published_for_authorities_reporting_jointly_is_stored(db):
    """Kingston and Richmond publish some series together under "E09000021 / E09000027" (21
    characters): the figure is stored whole, on PostgreSQL too (its column once held 12)."""
    from cyplan.outcomes.models import Indicator, IndicatorValue

    indicator = Indicator.objects.create(code="joint-test", title="Joint", unit="count")
    joint = "E09000021 / E09000027"
    IndicatorValue.objects.create(
        indicator=indicator, area_code=joint, area_name="Kingston and Richmond",
        area_level="la", period="2025", value=12, region_code=joint,
    )  # fmt: skip
    assert IndicatorValue.objects.get(indicator=indicator).area_code == joint
