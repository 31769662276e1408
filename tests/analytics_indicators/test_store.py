"""The analytical store: idempotent loading, multi-year returns, breakdowns and the real sample files."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest

from cyplan.analytics.catalogue import load_catalogue
from cyplan.analytics.indicators import BREAKDOWNS, load_all
from cyplan.analytics.population import read_mid_year_estimates
from cyplan.analytics.returns import Pseudonymiser, read_ssda903
from cyplan.analytics.store import AnalyticalStore

from .builders import LA, ep, figure, ssda903, store_with

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SSDA903 = SHARED / "formats" / "ssda903"
POPULATION = SHARED / "ons" / "mid_year_population_2023_persons.csv"


def test_repeated_open_episode_across_two_returns_is_counted_once():
    """An episode open at 31 March 2023 and sent again (closed) in 2024 is read once."""
    # R: started June 2022, open in the 2023 return, closed (E11) in August 2023 in the 2024 one.
    # S: started May 2022, open and unchanged in both returns.
    # 2023: R and S looked after (2), both started in 2023 (2).
    # 2024: only S looked after (1, not 2); R ceased (1); no starts.
    y2023 = ssda903(2023, [ep("R", "2022-06-01", "S", "U1"), ep("S", "2022-05-01", "S", "U1")])
    y2024 = ssda903(
        2024,
        [ep("R", "2022-06-01", "S", "U1", "2023-08-01", "E11"), ep("S", "2022-05-01", "S", "U1")],
    )
    store = store_with(y2023, y2024)
    assert figure(store, "cla-count", 2023)["numerator"] == 2
    assert figure(store, "cla-starts", 2023)["numerator"] == 2
    assert figure(store, "cla-count", 2024)["numerator"] == 1
    assert figure(store, "cla-ceases", 2024)["numerator"] == 1
    assert figure(store, "cla-starts", 2024)["numerator"] == 0
    # One placement each in 2024 (the repeated episode is one placement, not two).
    assert figure(store, "cla-3plus-placements", 2024)["numerator"] == 0


def test_reloading_a_year_changes_nothing():
    """Loading the same return again replaces its rows: same tables, same figures."""
    result = ssda903(2024, [ep("A", "2023-06-01", "S", "U1"), ep("B", "2023-07-01", "S", "U2")])
    store = store_with(result)
    before = store.compute(year=2024, by="sex")
    counts = {
        t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in store.tables()
    }
    store.load_ssda903(result, LA)
    after = {
        t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in store.tables()
    }
    assert after == counts
    assert store.compute(year=2024, by="sex").equals(before)


def test_reloading_a_corrected_year_replaces_it_and_keeps_other_years_and_las():
    """A corrected 2024 return replaces 2024 for its LA only."""
    # 2023 return: A. 2024 return first: A and B, then corrected: A only.
    # Another LA's 2024 return (C) is untouched.
    store = store_with(ssda903(2023, [ep("A", "2022-06-01", "S", "U1")]))
    store.load_ssda903(
        ssda903(2024, [ep("A", "2022-06-01", "S", "U1"), ep("B", "2023-07-01", "S", "U1")]), LA
    )
    store.load_ssda903(ssda903(2024, [ep("C", "2023-07-01", "S", "U1")]), "E09000001")
    store.load_ssda903(ssda903(2024, [ep("A", "2022-06-01", "S", "U1")]), LA)
    rows = {(r["la"], r["numerator"]) for r in store.compute(["cla-count"], year=2024).to_pylist()}
    assert rows == {(LA, 1), ("E09000001", 1)}
    assert store.years() == [2023, 2024]


def test_store_file_persists(tmp_path):
    """A file store keeps its tables after closing."""
    path = tmp_path / "analytics.duckdb"
    with AnalyticalStore(path) as store:
        store.load_ssda903(ssda903(2024, [ep("A", "2023-06-01", "S", "U1")]), LA)
    with AnalyticalStore(path) as store:
        assert figure(store, "cla-count", 2024)["numerator"] == 1


def test_refuses_a_result_that_is_not_ok():
    """A read result with problems (not ok) is never loaded."""
    from cyplan.analytics.returns.problems import ReadResult

    store = AnalyticalStore(None)
    with pytest.raises(ValueError, match="nothing loaded"):
        store.load_ssda903(ReadResult(tables={}, problems=[], skipped_rows=[], ok=False), LA)


def test_every_registered_code_is_in_the_catalogue():
    """Each indicator the engine computes has its catalogue entry."""
    codes = {entry.code for entry in load_catalogue()}
    assert set(load_all()) <= codes, set(load_all()) - codes


@pytest.fixture(scope="module")
def real_store():
    """The shared SSDA903 sample (year 2018) with the ONS mid-2023 population."""
    result = read_ssda903(SSDA903, pseudonymiser=Pseudonymiser(b"k" * 32), skip_invalid=True)
    store = AnalyticalStore(None)
    store.load_ssda903(result, LA)
    store.load_population(read_mid_year_estimates(POPULATION), 2023)
    return store


SSDA903_CODES = [
    "cla-count",
    "cla-rate",
    "cla-starts",
    "cla-ceases",
    "cla-3plus-placements",
    "cla-long-term-stability",
    "care-leavers-count",
    "care-leavers-eet",
    "care-leavers-suitable-accommodation",
    "cla-health-checks",
    "cla-dental-checks",
]


@pytest.mark.parametrize("code", SSDA903_CODES)
def test_every_indicator_computes_on_the_real_files(real_store, code):
    """Each SSDA903 indicator gives one total row for the LA on the sample files, in range."""
    table = real_store.compute([code], year=2018)
    assert table.num_rows == 1
    row = table.to_pylist()[0]
    assert row["la"] == LA and row["numerator"] is not None
    if row["denominator"] is not None and row["value"] is not None and code != "cla-rate":
        assert 0 <= row["value"] <= 100


@pytest.mark.parametrize("by", [b for b in BREAKDOWNS if b != "disability"])
def test_breakdowns_sum_to_the_total(real_store, by):
    """For every SSDA903 indicator, the groups of a breakdown add up to the total."""
    for code in SSDA903_CODES:
        if code == "cla-rate" and by != "age_band":
            continue
        total = real_store.compute([code], year=2018).to_pylist()[0]
        groups = real_store.compute([code], year=2018, by=by)
        groups = groups.filter(pc.equal(groups["breakdown"], by))
        assert groups.num_rows >= 1, (code, by)
        assert pc.sum(groups["numerator"]).as_py() == total["numerator"], (code, by)
        if total["denominator"] is not None:
            assert pc.sum(groups["denominator"]).as_py() == total["denominator"], (code, by)
