"""Each year's return is the truth for its year; earlier returns give history before 1 April.

Hand-made two- and three-year returns for the cases of issue 13, with the expected figures
worked out by hand in the comments.
"""

from __future__ import annotations

import pytest

from cyplan.analytics.store import ReturnNotLoaded

from .builders import ep, ssda903, store_with


def value(store, code, year, **kwargs):
    rows = [r for r in store.compute([code], year=year, **kwargs).to_pylist() if not r["group"]]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_child_missing_from_the_next_return_is_not_looked_after_that_year():
    """Issue 13, case 1a: an open episode from 2020-21 never carries on into 2021-22 by itself."""
    # 2021 return: A and B both open at 31 March 2021 -> 2 looked after.
    # 2022 return: only B (A's episode is not in it, so A was not looked after in 2021-22)
    # -> 31 March 2022: 1 (B). Before the fix A's open 2021 copy made it 2.
    store = store_with(
        ssda903(2021, [ep("A", "2020-06-01", "S", "U1"), ep("B", "2020-07-01", "S", "U1")]),
        ssda903(2022, [ep("B", "2020-07-01", "S", "U1")]),
    )
    assert value(store, "cla-count", 2022)["numerator"] == 1
    assert value(store, "cla-count", 2021)["numerator"] == 2  # 2021 unchanged by the 2022 load


def test_a_corrected_start_date_supersedes_the_open_copy():
    """Issue 13, case 1b: 01/05/2022 open in 2023 becomes 02/05/2022, closed, in 2024."""
    # 2024: C's only episode per its own return started 02/05/2022 and ended 10/01/2024 (E11):
    # looked after at 31 March 2024: 0; ceased in 2023-24: 1. Before the fix the old open copy
    # (01/05/2022) made C both looked after at 31 March 2024 and a cease.
    # 2023: C looked after at 31 March 2023 (its own return): 1.
    store = store_with(
        ssda903(2023, [ep("C", "2022-05-01", "S", "U1")]),
        ssda903(2024, [ep("C", "2022-05-02", "S", "U1", "2024-01-10", "E11")]),
    )
    assert value(store, "cla-count", 2024)["numerator"] == 0
    assert value(store, "cla-ceases", 2024)["numerator"] == 1
    assert value(store, "cla-count", 2023)["numerator"] == 1


def test_a_later_return_changes_an_earlier_year_only_when_revised():
    """The 2024 return moves F's start from June 2022 (in 2022-23) back to March 2022."""
    # 2023 return: F started 01/06/2022 -> starts in 2022-23: 1.
    # 2024 return: the same episode, corrected to start 01/03/2022 (in 2021-22).
    # 2023 as published (2023's own return): 1 start. Revised with 2024: 0 starts.
    first = ssda903(2023, [ep("F", "2022-06-01", "S", "U1")])
    store = store_with(first)
    before = value(store, "cla-starts", 2023)["numerator"]
    store.load_ssda903(ssda903(2024, [ep("F", "2022-03-01", "S", "U1")]), "E09000006")
    assert before == value(store, "cla-starts", 2023)["numerator"] == 1
    assert value(store, "cla-starts", 2023, revised=True)["numerator"] == 0


def test_compute_for_a_year_whose_return_is_not_loaded_stops():
    """2021 and 2023 loaded: 2022 has no return of its own, so its figures stop clearly."""
    store = store_with(
        ssda903(2021, [ep("A", "2020-06-01", "S", "U1")]),
        ssda903(2023, [ep("A", "2020-06-01", "S", "U1")]),
    )
    with pytest.raises(ReturnNotLoaded, match=r"return for 2022 .* \(loaded: 2021, 2023\)"):
        store.compute(["cla-count"], year=2022)
    # Asked for every indicator, the SSDA903 ones are left out rather than made up.
    assert store.compute(year=2022).num_rows == 0


def test_history_from_earlier_returns_counts_for_long_term_stability():
    """Three returns: G's placement began in 2018, before all of them; K left and came back."""
    # G: S 01/01/2018 U1, open in 2021, 2022 and 2023 -> period and placement since 2018:
    #    in the denominator (begun by 30/09/2020) and stable (placement by 31/03/2021).
    # K: 2021 return: S 01/01/2019, ended 01/05/2020 with X1 (recorded as continuing), then
    #    nothing until 01/09/2022 (RNE P) in the 2023 return. The gap breaks the period of care
    #    (issue 13, case 4): K's period began 01/09/2022, after 30/09/2020 -> not in the
    #    denominator. Reading K as looked after since 2019 would give 1 of 2 (50%).
    # -> 1 of 1 = 100%.
    store = store_with(
        ssda903(
            2021,
            [ep("G", "2018-01-01", "S", "U1"), ep("K", "2019-01-01", "S", "U1", "2020-05-01")],
        ),
        ssda903(2022, [ep("G", "2018-01-01", "S", "U1")]),
        ssda903(2023, [ep("G", "2018-01-01", "S", "U1"), ep("K", "2022-09-01", "P", "U3")]),
    )
    row = value(store, "cla-long-term-stability", 2023)
    assert (row["numerator"], row["denominator"]) == (1, 1)
    # both looked after at 31 March 2023
    assert value(store, "cla-count", 2023)["numerator"] == 2


def test_a_load_with_skipped_rows_never_leaves_fewer_stored_episodes():
    """A return whose invalid rows were skipped cannot shrink a year's stored episodes."""
    from cyplan.analytics.returns.problems import Problem, SkippedRow

    store = store_with(
        ssda903(2024, [ep("A", "2023-06-01", "S", "U1"), ep("B", "2023-07-01", "S", "U1")])
    )
    smaller = ssda903(2024, [ep("A", "2023-06-01", "S", "U1")])
    problem = Problem("episodes.csv", 3, "LS", "invalid_code", "LS 'X9' is not in the code list")
    smaller.skipped_rows.append(SkippedRow("episodes.csv", 3, "episodes", (problem,)))
    with pytest.raises(ValueError, match="would leave 1 episodes stored .* where 2 are now"):
        store.load_ssda903(smaller, "E09000006")
    assert value(store, "cla-count", 2024)["numerator"] == 2  # nothing changed
    # The same smaller return with nothing skipped says the episode is gone: it loads.
    store.load_ssda903(ssda903(2024, [ep("A", "2023-06-01", "S", "U1")]), "E09000006")
    assert value(store, "cla-count", 2024)["numerator"] == 1


def test_an_episode_deleted_by_a_later_return_is_gone():
    """The 2024 return deletes a move that 2023's recorded: the later return wins from its
    cover start (H's first DECOM in it, 01/05/2022)."""
    # 2023 return: H in U1 from 01/05/2022, moved to U3 on 01/03/2023 (open).
    # 2024 return: no U3 at all (deleted as a mistake): U1 from 01/05/2022 to 01/10/2023, then
    # U4 (open). Placements in 2023-24: U1, U4 = 2 -> not 3+ (0 of 1). Keeping the 2023 copy
    # of the U3 episode (the latest copy of each DECOM) would give U1, U3, U4 = 3 (1 of 1).
    store = store_with(
        ssda903(
            2023,
            [ep("H", "2022-05-01", "S", "U1", "2023-03-01"), ep("H", "2023-03-01", "P", "U3")],
        ),
        ssda903(
            2024,
            [ep("H", "2022-05-01", "S", "U1", "2023-10-01"), ep("H", "2023-10-01", "P", "U4")],
        ),
    )
    row = value(store, "cla-3plus-placements", 2024)
    assert (row["numerator"], row["denominator"]) == (0, 1)
    # 2023 as its own return says: H moved to U3 in March, 2 placements in 2022-23.
    assert value(store, "cla-3plus-placements", 2023)["numerator"] == 0
    assert value(store, "cla-count", 2023)["numerator"] == 1
