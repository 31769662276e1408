"""Annex A visit indicators (lists 6, 7 and 8) on hand-built lists."""

from __future__ import annotations

from datetime import date

import pytest

from cyplan.analytics.indicators.annex_a import cin_visits_20_days, cp_seen_alone, cp_visits_10_days

from .conftest import annex_a_connection, counts

# The default reference date for 2024 is Sunday 31 March 2024. Counting back over Easter
# (Good Friday 29 March): Thu 28 (1), Wed 27 (2), Tue 26 (3), Mon 25 (4), Fri 22 (5),
# Thu 21 (6), Wed 20 (7), Tue 19 (8), Mon 18 (9), Fri 15 March (10), Thu 14 (11), Wed 13 (12),
# Tue 12 (13), Mon 11 (14), Fri 8 (15), Thu 7 (16), Wed 6 (17), Tue 5 (18), Mon 4 (19),
# Fri 1 March (20). So a visit on Thu 14 March is within 10 working days and one on Wed 13
# is not; a visit on Thu 29 February is within 20 and one on Wed 28 February is not.


def _plan(child, start, visit=None, **more):
    return {
        "child_id": child,
        "cpp_start_date": start,
        "date_of_last_statutory_visit": visit,
        **more,
    }


def test_cp_visits_within_10_working_days():
    """The last statutory visit counts back 10 working days from the reference date."""
    con = annex_a_connection(
        list_7=[
            _plan("A", date(2024, 1, 10), date(2024, 3, 14)),  # 10 working days: in time
            _plan("B", date(2024, 1, 10), date(2024, 3, 13)),  # 11: late
            _plan("C", date(2024, 3, 15), date(2024, 3, 20)),  # started 9 working days ago: out
            _plan("C2", date(2024, 3, 14), date(2024, 3, 20)),  # started 10 ago: in, in time
            _plan("D", date(2024, 1, 10), date(2024, 3, 1), cpp_end_date=date(2024, 3, 20)),
            _plan("E", date(2024, 1, 10)),  # never visited: late
            _plan("F", date(2023, 1, 10), date(2023, 3, 1), YEAR=2023),  # the 2023 list
        ]
    )
    # Denominator A, B, C2, E (C too recent, D's plan ended, F another year); in time A, C2.
    assert counts(cp_visits_10_days(con, 2024)) == (2, 4)
    # Reference date Wed 27 March 2024: 10 working days back is Wed 13 March (27, 26, 25,
    # 22, 21, 20, 19, 18, 15, 14). A and B in time; C and C2 started 8 and 9 working days
    # before: out; E late. 2 of 3.
    assert counts(cp_visits_10_days(con, 2024, reference_date=date(2024, 3, 27))) == (2, 3)


def test_cp_seen_alone_children_aged_4_or_over():
    """Children aged 4 or over on the reference date; only a Yes counts as seen alone."""
    con = annex_a_connection(
        list_7=[
            # G born March 2020: 4 on 31 March 2024; seen alone.
            _plan("G", date(2024, 1, 1), child_seen_alone="a) Yes", date_of_birth=date(2020, 3, 1)),
            # H born April 2020: 3, left out.
            _plan("H", date(2024, 1, 1), child_seen_alone="a) Yes", date_of_birth=date(2020, 4, 1)),
            _plan("I", date(2024, 1, 1), child_seen_alone="b) No"),
            _plan("J", date(2024, 1, 1), child_seen_alone=None),  # blank stays in the denominator
            _plan("K", date(2024, 1, 1), child_seen_alone="Yes"),
        ]
    )
    # Denominator G, I, J, K; seen alone G, K.
    assert counts(cp_seen_alone(con, 2024)) == (2, 4)


def test_cin_visits_within_20_working_days_leaving_out_cp_and_looked_after():
    """Children in need not on a plan or in care, seen in the last 20 working days."""

    def episode(child, seen, start=date(2023, 1, 1), **more):
        return {"child_id": child, "cin_start_date": start, "date_child_last_seen": seen, **more}

    con = annex_a_connection(
        list_6=[
            episode("L", date(2024, 2, 29)),  # 20 working days: in time
            episode("M", date(2024, 2, 28)),  # 21: late
            episode("N", date(2024, 3, 30)),  # on a child protection plan (list 7): out
            episode("O", date(2024, 3, 30)),  # looked after (list 8): out
            episode("P", date(2024, 3, 25)),  # left care in December 2023: in, in time
            episode("Q", date(2024, 3, 25), start=date(2024, 3, 5)),  # under 20 days open: out
            episode("R", date(2024, 2, 1), cin_closure_date=date(2024, 3, 1)),  # closed: out
            # S: an episode from 2006, before the bank-holiday table: still in, in time.
            episode("S", date(2024, 3, 1), start=date(2006, 11, 23)),
            episode("T", date(2024, 3, 1), case_status="d) Child protection plan"),  # out
        ],
        list_7=[_plan("N", date(2023, 6, 1), date(2024, 3, 30))],
        list_8=[
            {"child_id": "O", "date_started_looked_after": date(2023, 5, 1)},
            {
                "child_id": "P",
                "date_started_looked_after": date(2023, 5, 1),
                "date_ceased_looked_after": date(2023, 12, 1),
            },
        ],
    )
    # Denominator L, M, P, S; in time L, P, S.
    assert counts(cin_visits_20_days(con, 2024)) == (3, 4)


@pytest.mark.parametrize("indicator", [cin_visits_20_days, cp_visits_10_days, cp_seen_alone])
def test_annex_a_refuses_the_uasc_breakdown(indicator):
    """Lists 6 and 7 do not say whether a child is an unaccompanied asylum seeker."""
    con = annex_a_connection(
        list_6=[{"child_id": "A", "cin_start_date": date(2023, 1, 1)}],
        list_7=[_plan("A", date(2023, 1, 1))],
    )
    with pytest.raises(ValueError, match="uasc"):
        indicator(con, 2024, "uasc")
