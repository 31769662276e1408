"""Placement counting and long-term stability, from hand-built returns (year ending 31 March 2024)."""

from __future__ import annotations

import pytest

from .builders import child, ep, figure, ssda903, store_with


def test_legal_status_only_episode_is_not_a_placement():
    """RNE L changes the legal status only: it never starts a placement."""
    # C: S (U1), L (same carer), P (U3), L -> 2 placements: not 3+.
    # D: S, P, P -> 3 placements: 3+.  -> 1 of 2 children = 50%.
    store = store_with(
        ssda903(
            2024,
            [
                ep("C", "2023-04-10", "S", "U1", "2023-07-01"),
                ep("C", "2023-07-01", "L", "U1", "2023-09-01"),
                ep("C", "2023-09-01", "P", "U3", "2024-01-01"),
                ep("C", "2024-01-01", "L", "U3"),
                ep("D", "2023-04-10", "S", "U1", "2023-06-01"),
                ep("D", "2023-06-01", "P", "U3", "2023-08-01"),
                ep("D", "2023-08-01", "P", "U4"),
            ],
        )
    )
    row = figure(store, "cla-3plus-placements", 2024)
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 2, 50.0)


def test_placement_change_on_31_march_counts_in_the_year():
    """A move on 31 March starts a placement inside the year ending that day."""
    # A: S (June), P (October), P (31 March) -> 3 placements -> 3+ (1 of 1).
    store = store_with(
        ssda903(
            2024,
            [
                ep("A", "2023-06-01", "S", "U1", "2023-10-01"),
                ep("A", "2023-10-01", "P", "U4", "2024-03-31"),
                ep("A", "2024-03-31", "P", "R1"),
            ],
        )
    )
    assert figure(store, "cla-3plus-placements", 2024)["numerator"] == 1


def test_placed_for_adoption_with_current_foster_carer_is_not_a_move():
    """PLACE A5 straight after a foster placement (same carer) is not a new placement; A6 is."""
    # G: S (U1), P (U3), T (A5, with current foster carer) -> 2 placements: not 3+.
    # H: S (U1), P (U3), T (A6, not with current foster carer) -> 3 placements: 3+.
    # Also T and U count as placements otherwise: J: S (U1), T (U4), U (U5) -> 3: 3+.
    store = store_with(
        ssda903(
            2024,
            [
                ep("G", "2023-04-15", "S", "U1", "2023-06-01"),
                ep("G", "2023-06-01", "P", "U3", "2023-10-01"),
                ep("G", "2023-10-01", "T", "A5"),
                ep("H", "2023-04-15", "S", "U1", "2023-06-01"),
                ep("H", "2023-06-01", "P", "U3", "2023-10-01"),
                ep("H", "2023-10-01", "T", "A6"),
                ep("J", "2023-04-15", "S", "U1", "2023-06-01"),
                ep("J", "2023-06-01", "T", "U4", "2023-10-01"),
                ep("J", "2023-10-01", "U", "U5", ls="C1"),
            ],
        )
    )
    row = figure(store, "cla-3plus-placements", 2024)
    assert (row["numerator"], row["denominator"]) == (2, 3)  # H and J


def test_placement_open_on_1_april_counts_and_earlier_ones_do_not():
    """The placement the child is in on 1 April counts; placements that ended before do not."""
    # K: S 2022 (U1) ended 2022-12-01, P 2022-12-01 (U3) to 2023-08-01, P (U4), P (U5) in year.
    # In the year: U3 (open on 1 April), U4, U5 = 3 -> 3+. The 2022 U1 placement is not counted.
    # L: S 2022 (U1) to 2023-04-01, then P on 1 April and P later: the U1 placement ended on
    # 1 April itself, so in the year: 2 placements -> not 3+.
    store = store_with(
        ssda903(
            2024,
            [
                ep("K", "2022-06-01", "S", "U1", "2022-12-01"),
                ep("K", "2022-12-01", "P", "U3", "2023-08-01"),
                ep("K", "2023-08-01", "P", "U4", "2023-11-01"),
                ep("K", "2023-11-01", "P", "U5"),
                ep("L", "2022-06-01", "S", "U1", "2023-04-01"),
                ep("L", "2023-04-01", "P", "U3", "2023-09-01"),
                ep("L", "2023-09-01", "P", "U4"),
            ],
        )
    )
    row = figure(store, "cla-3plus-placements", 2024)
    assert (row["numerator"], row["denominator"]) == (1, 2)


def test_long_term_stability_under_16_and_adoption_exception():
    """Under 16 on 31 March, 2.5 years in care, same placement 2 years or the adoption exception."""
    # 31 March 2024; 2.5 years earlier is 30 Sep 2021; 2 years earlier is 31 Mar 2022.
    # J: born 1 Mar 2008, exactly 16 on 31 March -> not in the denominator.
    # K: born 1 Apr 2008, 15 (16 on 1 April) -> in; same placement since 2020 -> counted.
    # L: in care from 30 Sep 2021 (exactly 2.5 years) -> in; moved 1 Apr 2022 -> not counted.
    # M: in care from 1 Oct 2021 -> under 2.5 years: not in the denominator.
    # N: placed for adoption (A6, new carer) June 2023; the previous placement began
    #    1 Jan 2021 -> adoption exception: counted.
    # O: T to A5 with the same foster carer in 2023: the placement runs from June 2021 -> counted.
    # Q: a legal status change (L) in 2023 does not restart the placement -> counted.
    # Denominator K, L, N, O, Q = 5; numerator K, N, O, Q = 4 -> 80%.
    episodes = [
        ep("J", "2020-01-01", "S", "U1"),
        ep("K", "2020-01-01", "S", "U1"),
        ep("L", "2021-09-30", "S", "U1", "2022-04-01"),
        ep("L", "2022-04-01", "P", "U3"),
        ep("M", "2021-10-01", "S", "U1"),
        ep("N", "2019-01-01", "S", "U1", "2021-01-01"),
        ep("N", "2021-01-01", "P", "U3", "2023-06-01"),
        ep("N", "2023-06-01", "P", "A6"),
        ep("O", "2021-06-01", "S", "U1", "2023-01-01"),
        ep("O", "2023-01-01", "T", "A5"),
        ep("Q", "2021-01-01", "S", "U1", "2023-01-01"),
        ep("Q", "2023-01-01", "L", "U1"),
    ]
    header = [
        child("J", "2008-03-01"),
        child("K", "2008-04-01"),
        child("L", "2012-05-01"),
        child("M", "2013-01-01"),
        child("N", "2015-06-01"),
        child("O", "2015-06-01"),
        child("Q", "2014-01-01"),
    ]
    store = store_with(ssda903(2024, episodes, header))
    row = figure(store, "cla-long-term-stability", 2024)
    assert (row["numerator"], row["denominator"], row["value"]) == (4, 5, pytest.approx(80.0))
    # Age bands: J, exactly 16, is "16 and over" on 31 March; K, 15, is "10 to 15".
    count_16 = figure(store, "cla-count", 2024, group="16 and over", by="age_band")
    assert count_16["numerator"] == 1
