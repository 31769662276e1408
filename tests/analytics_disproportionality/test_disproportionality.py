"""The disproportionality maths against values worked by hand."""

import math

import pyarrow as pa
import pytest

from cyplan.analytics import disproportionality as dp
from cyplan.analytics.ethnicity import read_group


def test_rri_and_katz_interval_worked_by_hand():
    """50 of 2,000 against 200 of 40,000: RRI 5 with the Katz interval 3.680 to 6.794."""
    # rates 50/2000 = 0.025 and 200/40000 = 0.005, so RRI = 0.025 / 0.005 = 5.
    # variance of ln(RRI) = 1/50 - 1/2000 + 1/200 - 1/40000 = 0.02 - 0.0005 + 0.005 - 0.000025
    #   = 0.024475; se = 0.156445; 1.96 se = 0.306632; ln 5 = 1.609438
    # lower = exp(1.609438 - 0.306632) = exp(1.302806) = 3.680
    # upper = exp(1.609438 + 0.306632) = exp(1.916070) = 6.794
    ratio = dp.relative_rate_index(50, 2000, 200, 40000)
    assert ratio.rri == pytest.approx(5.0)
    assert ratio.lower == pytest.approx(3.680, abs=0.001)
    assert ratio.upper == pytest.approx(6.794, abs=0.001)
    assert ratio.significance == dp.OVER


def test_under_representation_worked_by_hand():
    """10 of 5,000 against 200 of 40,000: RRI 0.4, interval 0.212 to 0.754, under-represented."""
    # rates 0.002 and 0.005: RRI 0.4; variance = 0.1 - 0.0002 + 0.005 - 0.000025 = 0.104775
    # se = 0.323690; 1.96 se = 0.634432; ln 0.4 = -0.916291
    # lower = exp(-1.550723) = 0.212; upper = exp(-0.281859) = 0.754
    ratio = dp.relative_rate_index(10, 5000, 200, 40000)
    assert ratio.rri == pytest.approx(0.4)
    assert ratio.lower == pytest.approx(0.212, abs=0.001)
    assert ratio.upper == pytest.approx(0.754, abs=0.001)
    assert ratio.significance == dp.UNDER


def test_an_interval_containing_one_is_not_significant():
    """12 of 2,000 against 100 of 20,000: RRI 1.2, interval 0.661 to 2.180 contains 1."""
    # rates 0.006 and 0.005: RRI 1.2; variance = 1/12 - 1/2000 + 1/100 - 1/20000 = 0.0927833
    # se = 0.304604; 1.96 se = 0.597023; ln 1.2 = 0.182322
    # lower = exp(-0.414701) = 0.661; upper = exp(0.779345) = 2.180
    ratio = dp.relative_rate_index(12, 2000, 100, 20000)
    assert ratio.lower == pytest.approx(0.661, abs=0.001)
    assert ratio.upper == pytest.approx(2.180, abs=0.001)
    assert ratio.significance == dp.NOT_SIGNIFICANT


def test_reference_group_with_zero_count_cannot_be_calculated():
    """No White British children in the cohort: every ratio says it cannot be calculated, no infinity."""
    result = dp.analyse({"WBRI": 0, "BCRB": 30}, {"WBRI": 40000, "BCRB": 2000})
    black = result.group("BCRB")
    assert black.rri is None and black.lower is None and black.upper is None
    assert black.significance == dp.CANNOT
    assert "reference group" in black.reason
    assert black.rate == pytest.approx(150.0)  # 30 / 2000 * 10,000 = 150 still shown
    sentence = dp.summary(black, result, "to be in care")
    assert "cannot be calculated" in sentence and "inf" not in sentence


def test_zero_children_in_a_group_gives_a_ratio_of_zero_without_an_interval():
    """A group with no children has RRI 0 and an interval that cannot be calculated (ln 0)."""
    ratio = dp.relative_rate_index(0, 1000, 200, 40000)
    assert ratio.rri == 0.0 and ratio.lower is None and ratio.significance == dp.CANNOT


def test_more_children_than_population_cannot_be_calculated():
    """A cohort count above its population is a data problem, reported in words."""
    ratio = dp.relative_rate_index(30, 20, 200, 40000)
    assert ratio.rri is None and "more children in the cohort" in ratio.reason


def test_all_other_children_as_the_reference():
    """Against all other children, Black Caribbean's reference is the other 200 of 40,000."""
    # total cohort 250, total population 42,000: b = 250 - 50 = 200, n_ref = 42000 - 2000 = 40000,
    # the same as the first worked example: RRI 5, interval 3.680 to 6.794.
    result = dp.analyse(
        {"WBRI": 200, "BCRB": 50}, {"WBRI": 40000, "BCRB": 2000}, reference=dp.ALL_OTHER
    )
    black = result.group("BCRB")
    assert black.rri == pytest.approx(5.0)
    assert black.lower == pytest.approx(3.680, abs=0.001)
    assert result.reference_label == "all other children"


def test_rates_and_shares():
    """Rates per 10,000 and shares of cohort and population, worked by hand."""
    result = dp.analyse({"WBRI": 200, "BCRB": 50}, {"WBRI": 40000, "BCRB": 2000})
    white, black = result.group("WBRI"), result.group("BCRB")
    assert white.rate == pytest.approx(50.0)  # 200 / 40000 * 10,000
    assert black.rate == pytest.approx(250.0)  # 50 / 2000 * 10,000
    assert black.cohort_share == pytest.approx(20.0)  # 50 / 250
    assert black.population_share == pytest.approx(100 * 2000 / 42000)  # 4.76%
    assert result.total.rate == pytest.approx(250 / 42000 * 10000)  # 59.5
    assert white.is_reference and white.significance == dp.REFERENCE


def test_small_cells_are_suppressed_with_a_second_cell():
    """Without merging, 3 children is suppressed, and so is the next smallest cell (secondary)."""
    cohort = {"WBRI": 200, "BCRB": 50, "BAFR": 3}
    population = {"WBRI": 40000, "BCRB": 2000, "BAFR": 3000}
    result = dp.analyse(cohort, population, merge=dp.MERGE_NONE)
    assert result.group("BAFR").count_suppressed and result.group("BAFR").suppressed
    assert result.group("BAFR").suppression_reason == "small count"
    # the total 253 is shown, so one more cell must go: the smallest other non-zero, 50.
    assert result.group("BCRB").count_suppressed
    assert not result.group("WBRI").count_suppressed
    assert not result.total.count_suppressed
    assert any("suppressed" in note for note in result.notes)


def test_small_groups_are_merged_into_main_groups_saying_so():
    """White Irish (3) and Any other Black (2) are small: White and Black groups are merged."""
    cohort = {"WBRI": 200, "WIRI": 3, "WOTH": 20, "BCRB": 40, "BAFR": 30, "BOTH": 2,
              "AIND": 10, "APKN": 8}  # fmt: skip
    population = {"WBRI": 40000, "WIRI": 1000, "WOTH": 4000, "BCRB": 2000, "BAFR": 3000,
                  "BOTH": 1000, "AIND": 3000, "APKN": 2000}  # fmt: skip
    result = dp.analyse(cohort, population)
    keys = [row.key for row in result.groups]
    assert keys == ["WBRI", "White-other", "AIND", "APKN", "Black"]
    other_white = result.group("White-other")
    assert other_white.count == 23 and other_white.population == 5000  # 3 + 20; 1000 + 4000
    assert other_white.label == "White (other than White British)"
    black = result.group("Black")
    # Black: 40 + 30 + 2 = 72 of 2000 + 3000 + 1000 = 6000, rate 120; White British 50: RRI 2.4
    # variance = 1/72 - 1/6000 + 1/200 - 1/40000 = 0.0186972; se = 0.136738; 1.96 se = 0.268006
    # ln 2.4 = 0.875469: lower = exp(0.607463) = 1.836, upper = exp(1.143475) = 3.138
    assert black.count == 72 and black.merged
    assert black.rri == pytest.approx(2.4)
    assert black.lower == pytest.approx(1.836, abs=0.001)
    assert black.upper == pytest.approx(3.138, abs=0.001)
    assert not any(row.suppressed for row in result.groups)  # nothing small is left
    assert any(
        "Black Caribbean, Black African, Any other Black background" in n for n in result.notes
    )
    sentence = dp.summary(black, result, "to be in care")
    assert sentence == (
        "Black children are 2.4 times as likely as White British children to be in care "
        "(95% CI 1.8 to 3.1)."
    )


def test_merging_to_main_groups_always_and_never():
    """merge="main" shows main groups; merge="none" keeps every code."""
    cohort = {"WBRI": 200, "BCRB": 40, "BAFR": 30}
    population = {"WBRI": 40000, "BCRB": 2000, "BAFR": 3000}
    assert [r.key for r in dp.analyse(cohort, population, merge="main").groups] == ["WBRI", "Black"]
    assert [r.key for r in dp.analyse(cohort, population, merge="none").groups] == [
        "WBRI", "BCRB", "BAFR"
    ]  # fmt: skip


def test_years_share_the_same_merges():
    """A main group merged in one year is merged in every year, so rows line up over time."""
    population = {"WBRI": 40000, "BCRB": 2000, "BAFR": 3000}
    years = {
        "2023": ({"WBRI": 200, "BCRB": 40, "BAFR": 2}, population),
        "2024": ({"WBRI": 190, "BCRB": 35, "BAFR": 30}, population),
    }
    results = dp.analyse_years(years)
    assert [a.year for a in results] == ["2023", "2024"]
    for analysis in results:
        assert [r.key for r in analysis.groups] == ["WBRI", "Black"]
    # 2024: Black 65 of 5000 = 130 per 10,000; White British 190 of 40,000 = 47.5: RRI 2.737
    assert results[1].group("Black").rri == pytest.approx(130 / 47.5)


def test_unknown_ethnicity_has_no_rate_but_counts_in_the_total():
    """Refused and not obtained have no population: no rate, counted in the total and shares."""
    result = dp.analyse(
        {"WBRI": 200, "BCRB": 50, "REFU": 10, "NOBT": 10}, {"WBRI": 40000, "BCRB": 2000}
    )
    unknown = result.group("REFU")
    assert unknown.rate is None and unknown.significance == dp.NOT_APPLICABLE
    assert result.total.count == 270
    assert result.group("BCRB").cohort_share == pytest.approx(100 * 50 / 270)


def test_main_group_names_are_accepted_and_double_counting_refused():
    """Files may give main groups by name; a main group with its own codes is an error."""
    assert read_group("ethnicity", "Black or Black British") == "Black"
    assert read_group("ethnicity", "wbri") == "WBRI"
    with pytest.raises(ValueError, match="not a DfE ethnicity code"):
        read_group("ethnicity", "Martian")
    result = dp.analyse({"White": 300, "Black": 90}, {"White": 50000, "Black": 6000})
    assert result.reference == dp.ALL_OTHER  # no White British group: all other children
    with pytest.raises(ValueError, match="counted twice"):
        dp.analyse({"Black": 9, "BCRB": 4}, {"Black": 900, "BCRB": 400})


def test_other_characteristics_are_compared_with_all_other_children():
    """For sex, groups are free labels, never merged, and the reference is all other children."""
    result = dp.analyse({"Male": 60, "Female": 40}, {"Male": 30000, "Female": 30000},
                        characteristic="sex")  # fmt: skip
    # male 60/30000 = 0.002 against female 40/30000: RRI 1.5
    assert result.group("Male").rri == pytest.approx(1.5)
    assert not result.merges


def test_bad_counts_are_refused():
    """Negative or fractional counts raise ValueError naming the group."""
    with pytest.raises(ValueError, match="BCRB"):
        dp.analyse({"BCRB": -1}, {"BCRB": 10})
    with pytest.raises(ValueError, match="no population figure"):
        dp.analyse({"BCRB": 1}, {"BCRB": 10}, reference="WBRI")


def test_adapter_reads_an_indicator_engine_table():
    """An engine result table becomes cohort counts by LA and year; the total row is left out."""
    table = pa.table(
        {
            "code": ["cla-rate"] * 5 + ["cp-rate"],
            "la": ["305"] * 6,
            "year": [2024, 2024, 2024, 2023, 2024, 2024],
            "breakdown": ["ethnicity", "ethnicity", "", "ethnicity", "sex", "ethnicity"],
            "group": ["WBRI", "bcrb", "", "WBRI", "Male", "WBRI"],
            "numerator": [120.0, 30.0, 150.0, 110.0, 80.0, 9.0],
            "denominator": [40000.0, 2000.0, 42000.0, 40000.0, 21000.0, 40000.0],
            "value": [30.0, 150.0, 35.7, 27.5, 38.1, 2.25],
        }
    )
    counts = dp.cohort_from_indicator_table(table, code="cla-rate")
    assert counts == {("305", "2024"): {"WBRI": 120, "BCRB": 30}, ("305", "2023"): {"WBRI": 110}}
    with pytest.raises(ValueError, match="numerator"):
        bad = table.set_column(5, "numerator", pa.array([1.5] * 6))
        dp.cohort_from_indicator_table(bad, code="cla-rate")


def test_format_ratio():
    """Ratios keep two significant figures below 10."""
    assert [dp.format_ratio(v) for v in (2.345, 0.4512, 12.34, 0.0)] == ["2.3", "0.45", "12.3", "0"]
    # 1.004 rounds to "1.0" at 2 significant figures, which hides that it is above 1
    assert [dp.format_ratio(v) for v in (1.004, 0.998, 1.0)] == ["1.004", "0.998", "1.0"]
    assert not math.isinf(dp.relative_rate_index(1, 10, 0, 10).rri or 0.0)


def test_codes_are_added_up_to_a_main_group_the_other_side_uses():
    """A cohort by main group against a population by code is compared main group to main group."""
    # Black population 2000 + 3000 = 5000; cohort Black 60: rate 120; White British 200 / 40000
    # = 50 per 10,000: RRI 2.4.
    result = dp.analyse({"WBRI": 200, "Black": 60}, {"WBRI": 40000, "BCRB": 2000, "BAFR": 3000})
    black = result.group("Black")
    assert black.population == 5000 and black.rri == pytest.approx(2.4)
    assert any("added up to match" in note for note in result.notes)


def test_all_other_children_leave_unknown_ethnicity_out():
    """Issue 14, finding 7. White British 200 of 40,000 and Black Caribbean 10 of 2,000 are both
    50 per 10,000; 20 children of unknown ethnicity have no population. Against all other
    children Black Caribbean's reference is 200 of 40,000 (the unknowns are left out), so
    RRI = 50/50 = 1.00. Counting the unknowns gave b = 220 over 40,000 = 55: RRI 0.91."""
    result = dp.analyse(
        {"WBRI": 200, "BCRB": 10, "NOBT": 20},
        {"WBRI": 40000, "BCRB": 2000},
        reference=dp.ALL_OTHER,
    )
    assert result.group("BCRB").rri == pytest.approx(1.0)
    assert result.group("WBRI").rri == pytest.approx(1.0)
    assert result.total.count == 230  # the unknowns are still in the total


def test_one_z_constant():
    """The Katz interval uses z = 1.959964 like every other interval, not 1.96.
    a=50, n_g=2000, b=200, n_ref=40000: SE = √(1/50 − 1/2000 + 1/200 − 1/40000) = √0.024475
    = 0.1564449; upper = 5·exp(1.959964 × 0.1564449) = 5·exp(0.3066263) = 5 × 1.3588332
    = 6.794166 (with 1.96: 5·exp(0.3066320) = 6.794204)."""
    from cyplan.analytics.stats import Z_95
    from cyplan.analytics.trend import CI95_WIDTH_PER_SE

    assert dp.Z == Z_95 == pytest.approx(1.959964, abs=1e-6)
    assert CI95_WIDTH_PER_SE == pytest.approx(3.919928, abs=1e-6)
    ratio = dp.relative_rate_index(50, 2000, 200, 40000)
    assert ratio.upper == pytest.approx(6.794166, abs=2e-6)
