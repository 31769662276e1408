"""DfE placement and period-of-care rules (issue 13, cases 2, 3, 5 and 6), hand-made returns.

Year ending 31 March 2024 unless said otherwise; the expected figures are worked by hand.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from cyplan.analytics.indicators.care_leavers import oc2_outside_cohort

from .builders import ep, ssda903, store_with


def value(store, code, year=2024):
    rows = [r for r in store.compute([code], year=year).to_pylist() if not r["group"]]
    assert len(rows) == 1, rows
    return rows[0]


def with_urn(row: dict, urn: str) -> dict:
    return {**row, "URN": urn}


def test_temporary_placements_are_not_moves():
    """PLACE T0-T4 is not a placement, nor is the return to the same placement (225, 226, 383)."""
    # T: U1 -> T1 (holiday) -> back to U1 (same URN) -> U4: placements U1, U4 = 2: not 3+.
    # V: U1 (URN A) -> T3 -> U1 (URN B, another carer): placements U1(A), U1(B) = 2: not 3+.
    # M: U1 -> U3 -> U4, no temporary placement: 3 placements: 3+.
    # -> 1 of 3 (33.3%). Counting temporary placements as moves, T has 4 and V 3: 3 of 3.
    store = store_with(
        ssda903(
            2024,
            [
                with_urn(ep("T", "2023-04-10", "S", "U1", "2023-06-01"), "SC1"),
                ep("T", "2023-06-01", "P", "T1", "2023-06-15"),
                with_urn(ep("T", "2023-06-15", "P", "U1", "2023-09-01"), "SC1"),
                ep("T", "2023-09-01", "P", "U4"),
                with_urn(ep("V", "2023-04-10", "S", "U1", "2023-06-01"), "SCA"),
                ep("V", "2023-06-01", "P", "T3", "2023-06-15"),
                with_urn(ep("V", "2023-06-15", "P", "U1"), "SCB"),
                ep("M", "2023-04-10", "S", "U1", "2023-06-01"),
                ep("M", "2023-06-01", "P", "U3", "2023-09-01"),
                ep("M", "2023-09-01", "P", "U4"),
            ],
        )
    )
    row = value(store, "cla-3plus-placements")
    assert (row["numerator"], row["denominator"]) == (1, 3)


def test_placed_for_adoption_with_current_carer_after_an_adoptive_placement_is_not_a_move():
    """Rule 336 allows A3-A6 before A3/A5: the same carers continuing."""
    # N: U1 -> A4 (placed for adoption, not with the foster carer: a move) -> A3 (the same
    #    adopters, now with consent): placements U1, A4 = 2 -> not 3+. Treating A3 as "not a
    #    move" only after U1-U6 would give 3.
    # Q: U1 -> U3 -> A5 (with the current foster carer): U1, U3 = 2 -> not 3+.
    # -> 0 of 2.
    store = store_with(
        ssda903(
            2024,
            [
                ep("N", "2023-04-10", "S", "U1", "2023-08-01"),
                ep("N", "2023-08-01", "P", "A4", "2023-12-01"),
                ep("N", "2023-12-01", "U", "A3"),
                ep("Q", "2023-04-10", "S", "U1", "2023-08-01"),
                ep("Q", "2023-08-01", "P", "U3", "2023-12-01"),
                ep("Q", "2023-12-01", "T", "A5"),
            ],
        )
    )
    row = value(store, "cla-3plus-placements")
    assert (row["numerator"], row["denominator"]) == (0, 2)


def test_a_move_recorded_on_a_short_break_episode_is_not_lost():
    """V3/V4 episodes are numbered with the others, then left out of the cohorts."""
    # W (born June 2012, 11 on 31 March 2024): S 01/01/2019 C2 U1; 01/06/2023 RNE B (legal
    # status and placement change) LS V4 PLACE U4; 01/09/2023 RNE L back to C2, still U4.
    # Period since 2019 (by 30/09/2021): in the denominator. Current placement began
    # 01/06/2023 (the move on the V4 episode), after 31/03/2022: not stable -> 0 of 1.
    # Deleting V4 first, the L episode continues the 2019 placement: 1 of 1.
    store = store_with(
        ssda903(
            2024,
            [
                ep("W", "2019-01-01", "S", "U1", "2023-06-01"),
                ep("W", "2023-06-01", "B", "U4", "2023-09-01", ls="V4"),
                ep("W", "2023-09-01", "L", "U4"),
            ],
        )
    )
    row = value(store, "cla-long-term-stability")
    assert (row["numerator"], row["denominator"]) == (0, 1)


def test_health_checks_take_their_cohort_from_the_episodes():
    """Looked after continuously for 12 months at 31 March: from the episodes, not OC2 rows."""
    # O1: S 01/01/2022, open: in the cohort; OC2 HEALTH_ASSESSMENT 1 -> done.
    # O2: S 01/01/2023, open: in the cohort (since before 01/04/2023); no OC2 row -> not done.
    # O3: S 01/06/2023, open: under 12 months, not in the cohort; its OC2 row (1) is a problem.
    # -> 1 of 2 = 50%. From the OC2 rows alone it would be 2 of 2.
    result = ssda903(
        2024,
        [
            ep("O1", "2022-01-01", "S", "U1"),
            ep("O2", "2023-01-01", "S", "U1"),
            ep("O3", "2023-06-01", "S", "U1"),
        ],
    )
    oc2 = pa.table(
        {
            "YEAR": pa.array([2024, 2024], pa.int64()),
            "CHILD": ["O1", "O3"],
            "DOB": pa.array([date(2012, 6, 1)] * 2, pa.date32()),
            "HEALTH_ASSESSMENT": pa.array([True, True]),
            "TEETH_CHECK": pa.array([False, True]),
        }
    )
    result.tables["oc2"] = oc2
    store = store_with(result)
    health = value(store, "cla-health-checks")
    assert (health["numerator"], health["denominator"], health["value"]) == (1, 2, 50.0)
    dental = value(store, "cla-dental-checks")  # O1 0, O2 none -> 0 of 2
    assert (dental["numerator"], dental["denominator"]) == (0, 2)
    assert oc2_outside_cohort(store.con, 2024) == 1  # O3
