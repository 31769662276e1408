"""Children looked after on 31 March, starts and ceases, from hand-built returns (year 2024)."""

from __future__ import annotations

import pytest

from cyplan.analytics.store import ReturnNotLoaded

from .builders import ep, figure, ssda903, store_with


def test_placement_change_on_31_march_counts_the_child_once():
    """A child whose placement changes on 31 March is looked after once; one leaving that day is not."""
    # A: episode ends 31 March (X1) and the next starts 31 March -> looked after, once.
    # B: leaves care on 31 March (E11) -> not looked after, but a cease in the year.
    store = store_with(
        ssda903(
            2024,
            [
                ep("A", "2023-06-01", "S", "U1", "2023-10-01"),
                ep("A", "2023-10-01", "P", "U4", "2024-03-31"),
                ep("A", "2024-03-31", "P", "R1"),
                ep("B", "2023-05-01", "S", "U1", "2024-03-31", "E11"),
            ],
        )
    )
    assert figure(store, "cla-count", 2024)["numerator"] == 1
    assert figure(store, "cla-ceases", 2024)["numerator"] == 1  # B only (A's ends are X1)
    assert figure(store, "cla-starts", 2024)["numerator"] == 2  # A and B started with S


def test_short_breaks_only_are_not_looked_after():
    """A child looked after only under V3/V4 is in no count; a C2 child is."""
    # E: V3 short breaks, open on 31 March -> excluded from count and starts.
    # F: V4 ended in May, then a care order (C2) from June, open -> counted once, one start (June).
    store = store_with(
        ssda903(
            2024,
            [
                ep("E", "2023-05-01", "S", "U1", ls="V3"),
                ep("F", "2023-04-20", "S", "U1", "2023-05-10", "E8", ls="V4"),
                ep("F", "2023-06-01", "S", "U1", ls="C2"),
            ],
        )
    )
    assert figure(store, "cla-count", 2024)["numerator"] == 1
    assert figure(store, "cla-starts", 2024)["numerator"] == 1
    assert figure(store, "cla-ceases", 2024)["numerator"] == 0  # F's V4 end is a short break


def test_episodes_outside_the_year_are_not_starts_or_ceases():
    """Starts and ceases are episodes beginning or ending between 1 April and 31 March."""
    # G starts 31 March 2023 (year 2023), ceases 1 April 2023 (year 2024).
    # H starts 1 April 2023 (2024) and ceases 1 April 2024 (year 2025).
    store = store_with(
        ssda903(
            2024,
            [
                ep("G", "2023-03-31", "S", "U1", "2023-04-01", "E13"),
                ep("H", "2023-04-01", "S", "U1", "2024-04-01", "E13"),
            ],
        )
    )
    assert figure(store, "cla-starts", 2024)["numerator"] == 1  # H
    assert figure(store, "cla-ceases", 2024)["numerator"] == 1  # G
    assert figure(store, "cla-count", 2024)["numerator"] == 1  # H, open past 31 March 2024
    # 2023 has no return of its own here: its figures come from nowhere else (issue 13).
    with pytest.raises(ReturnNotLoaded, match="return for 2023"):
        figure(store, "cla-starts", 2023)


def test_cla_rate_uses_the_0_to_17_population(tmp_path):
    """The rate divides by children aged 0 to 17 in the estimate and multiplies by 10,000."""
    from cyplan.analytics.population import AreaPopulation, PopulationTable

    # Population: 100 at each age 0..90 -> 18 x 100 = 1,800 children aged 0 to 17.
    # 9 children looked after -> 9 / 1,800 x 10,000 = 50 per 10,000.
    store = store_with(ssda903(2024, [ep(f"C{i}", "2023-06-01", "S", "U1") for i in range(9)]))
    areas = {
        "E09000006": AreaPopulation("E09000006", "Bromley", "London Borough", 9100, (100,) * 91, 2)
    }
    store.load_population(PopulationTable(tmp_path / "p.csv", 90, areas), 2023)
    row = figure(store, "cla-rate", 2024)
    assert (row["numerator"], row["denominator"], row["value"]) == (9, 1800, pytest.approx(50.0))
    # Default children are born 1 June 2012: 11 on 31 March 2024, "10 to 15"; its
    # population is ages 10..15, 6 x 100 = 600 -> 9 / 600 x 10,000 = 150.
    band = figure(store, "cla-rate", 2024, group="10 to 15", by="age_band")
    assert (band["denominator"], band["value"]) == (600, pytest.approx(150.0))


def test_unsupported_breakdowns_are_refused():
    """cla-rate has no population by ethnicity, and the SSDA903 records no disability."""
    store = store_with(ssda903(2024, [ep("A", "2023-06-01", "S", "U1")]))
    with pytest.raises(ValueError, match="cla-rate"):
        store.compute(["cla-rate"], year=2024, by="ethnicity")
    with pytest.raises(ValueError, match="disability"):
        store.compute(["cla-count"], year=2024, by="disability")
    with pytest.raises(ValueError, match="unknown breakdown"):
        store.compute(["cla-count"], year=2024, by="shoe_size")
