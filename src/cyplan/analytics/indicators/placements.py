"""Placement stability: 3 or more placements in the year, and long-term stability.

Placements are counted from episodes in one vectorised pass: episodes sorted by child and
start date, a running sum of "this episode starts a new placement" numbers the placements
(linear after the sort, never comparing every episode with every other one).

Reading of the DfE SSDA903 guide (reason for new episode, RNE): S started to be looked after;
L change of legal status only; P change of placement and carer(s); T change of placement
(same carer(s)); B legal status and placement and carer(s); U legal status and placement
(same carer(s)). A placement starts at S, P, B, T or U; L is not a new placement. The DfE
stability measures count every change of placement, and they need an explicit rule that
"being placed for adoption with the current foster carer is not a move" precisely because
that change is itself recorded as a new placement (T or U, PLACE A3 or A5): so T and U
count, except for that case. We could not check this against DfE's own processing code.
"""

from __future__ import annotations

from contextlib import contextmanager

import duckdb
import pyarrow as pa

from ._ssda903 import (
    ADOPTION,
    ADOPTION_PREVIOUS,
    ADOPTION_WITH_CURRENT_FOSTER_CARER,
    MATERIALISED,
    NEW_PLACEMENT_RNE,
    REVISED,
    SHORT_BREAKS,
    TEMPORARY,
    episodes_sql,
    months_before,
    summarise,
)
from .base import age_at, register, sql_date, year_end, year_start

FAR_FUTURE = "DATE '9999-12-31'"


def numbered_episodes_sql(year: int) -> str:
    """Episodes with their child's placement number, period-of-care number and flags.

    Every episode is numbered, short breaks (LS V3/V4) included, so that a move recorded on a
    V3/V4 episode is not lost; the cohorts leave V3/V4 out afterwards.

    * **A period of care** starts at RNE S, after a gap (the episode starts after the previous
      one ended: the child was not looked after in between), or after an episode that ended
      with a reason other than X1 (the child ceased to be looked after).
    * **A placement** starts with a new period of care, or at RNE P, B, T or U, except:
      a temporary placement (PLACE T0 to T4; DfE rules 225, 226, 383) is never a placement;
      the return from one to the placement the child was in before it (same PLACE, URN and
      postcode district) is not a move; and being placed for adoption with the current carer
      (PLACE A3 or A5) straight after a foster placement (U1 to U6) or another adoptive
      placement (A3 to A6) is not a move (DfE rule 336; the DfE stability measures).
    * Episodes before the first one that starts a placement (history before the earliest
      return loaded) form placement 0 and period 0.
    """
    ready = MATERIALISED.get().get(("numbered", int(year), REVISED.get()))
    if ready:
        return f"SELECT * FROM {ready}"
    return f"""
        WITH e AS (SELECT * FROM ({episodes_sql(year)}) e0),
        lagged AS (
            SELECT *,
                lag(dec) OVER w AS prev_dec,
                lag(rec) OVER w AS prev_rec,
                lag(place) OVER w AS prev_place,
                (row_number() OVER w = 1) AS first_row,
                last_value(CASE WHEN place NOT IN {TEMPORARY} THEN plkey END IGNORE NULLS)
                    OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_plkey,
                coalesce(place IN {TEMPORARY}, false) AS temporary
            FROM e WINDOW w AS (PARTITION BY la, child ORDER BY decom)
        ),
        periods AS (
            SELECT *,
                (rne = 'S'
                 OR (NOT first_row AND prev_dec IS NOT NULL AND decom > prev_dec)
                 OR (NOT first_row AND prev_rec IS NOT NULL AND prev_rec <> 'X1')) AS new_period
            FROM lagged
        ),
        flagged AS (
            SELECT *,
                (NOT temporary AND (
                    new_period
                    OR (rne IN {NEW_PLACEMENT_RNE}
                        AND NOT coalesce(prev_place IN {TEMPORARY} AND plkey = prev_plkey, false)
                        AND NOT coalesce(place IN {ADOPTION_WITH_CURRENT_FOSTER_CARER}
                                         AND prev_place IN {ADOPTION_PREVIOUS}, false))
                )) AS new_placement
            FROM periods
        )
        SELECT *,
            sum(new_placement::INTEGER) OVER w AS placement_no,
            sum(new_period::INTEGER) OVER w AS period_no
        FROM flagged
        WINDOW w AS (PARTITION BY la, child ORDER BY decom ROWS UNBOUNDED PRECEDING)
    """


@contextmanager
def materialise(con: duckdb.DuckDBPyConnection, year: int, revised: bool = False):
    """Within the block, the year's episodes and numbered episodes are temporary tables.

    Every SSDA903 indicator starts from the same episodes: working them out once per compute
    instead of once per indicator (and up to three times in one indicator) saves most of the
    time. Temporary tables, so a read-only store can use them; dropped at the end.
    """
    key = (int(year), bool(revised))
    if ("episodes", *key) in MATERIALISED.get():
        yield
        return
    names = {kind: f"_ssda903_{kind}_{key[0]}_{int(key[1])}" for kind in ("episodes", "numbered")}
    token_revised = REVISED.set(key[1])
    con.execute(f"CREATE OR REPLACE TEMP TABLE {names['episodes']} AS {episodes_sql(year)}")
    token = MATERIALISED.set({**MATERIALISED.get(), ("episodes", *key): names["episodes"]})
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {names['numbered']} AS {numbered_episodes_sql(year)}"
        )
        MATERIALISED.set({**MATERIALISED.get(), ("numbered", *key): names["numbered"]})
        yield
    finally:
        MATERIALISED.reset(token)
        REVISED.reset(token_revised)
        for name in names.values():
            con.execute(f"DROP TABLE IF EXISTS {name}")


def placements_sql(year: int) -> str:
    """One row per placement: child, number, period of care, start, end (far future if open).

    Temporary placements (T0 to T4) belong to no placement.
    """
    return f"""
        SELECT la, child, placement_no, min(period_no) AS period_no,
               min(decom) AS p_start, max(coalesce(dec, {FAR_FUTURE})) AS p_end
        FROM ({numbered_episodes_sql(year)}) n
        WHERE NOT temporary
        GROUP BY la, child, placement_no
    """


def current_episode_sql(year: int) -> str:
    """Each child's episode open at the end of 31 March, with its numbers.

    A child whose open episode is a short break (LS V3/V4) is not looked after for these
    figures. A child in a temporary placement on 31 March is in the placement before it.
    """
    end = sql_date(year_end(year))
    return f"""
        SELECT * FROM ({numbered_episodes_sql(year)}) n
        WHERE decom <= {end} AND (dec IS NULL OR dec > {end})
        QUALIFY row_number() OVER (PARTITION BY la, child ORDER BY decom DESC) = 1
            AND ls NOT IN {SHORT_BREAKS}
    """


def period_starts_sql(year: int) -> str:
    """Each child's periods of care: la, child, period_no, period_start."""
    return f"""
        SELECT la, child, period_no, min(decom) AS period_start
        FROM ({numbered_episodes_sql(year)}) n GROUP BY la, child, period_no
    """


@register("cla-3plus-placements")
def cla_3plus_placements(
    con: duckdb.DuckDBPyConnection, year: int, by: str | None = None
) -> pa.Table:
    """% of children looked after on 31 March with 3 or more placements in the year.

    A placement is in the year when it started by 31 March and ended after 1 April (so the
    placement the child was in on 1 April counts, and one left on 1 April itself does not).
    A placement change on 31 March counts in this year: the new placement started that day.
    """
    start, end = sql_date(year_start(year)), sql_date(year_end(year))
    cohort = f"""
        WITH cur AS ({current_episode_sql(year)}),
        counts AS (
            SELECT la, child, count(*) AS placements
            FROM ({placements_sql(year)}) p
            WHERE p_start <= {end} AND p_end > {start}
            GROUP BY la, child
        )
        SELECT cur.la, cur.child, coalesce(counts.placements, 0) >= 3 AS num, true AS den,
               {end} AS ref_date
        FROM cur LEFT JOIN counts ON counts.la = cur.la AND counts.child = cur.child
    """
    return summarise(con, "cla-3plus-placements", year, by, cohort, "percent")


@register("cla-long-term-stability")
def cla_long_term_stability(
    con: duckdb.DuckDBPyConnection, year: int, by: str | None = None
) -> pa.Table:
    """% of long-term looked after children under 16 in the same placement for 2+ years.

    Denominator: looked after on 31 March, under 16 that day, in a period of care that began
    on or before the date 30 months earlier (30 September). Numerator: the current placement
    began 2 or more years before 31 March, or the child is placed for adoption (PLACE A3 to
    A6) and the placement before the adoptive one, in the same period of care, began 2 or more
    years before. With no S episode in the data the earliest episode loaded stands for the
    start of the period of care (it began then or earlier).
    """
    end_date = year_end(year)
    end = sql_date(end_date)
    two_and_a_half = sql_date(months_before(end_date, 30))
    two_years = sql_date(months_before(end_date, 24))
    cohort = f"""
        WITH cur AS ({current_episode_sql(year)}),
        p AS (
            SELECT *, lag(p_start) OVER (PARTITION BY la, child ORDER BY placement_no) AS prev_start,
                      lag(period_no) OVER (PARTITION BY la, child ORDER BY placement_no) AS prev_period
            FROM ({placements_sql(year)}) p0
        ),
        periods AS ({period_starts_sql(year)}),
        dob AS (
            SELECT "LA" AS la, "CHILD" AS child, any_value("DOB") AS dob
            FROM ssda903_header GROUP BY ALL
        )
        SELECT cur.la, cur.child,
            (p.p_start <= {two_years}
             OR (cur.place IN {ADOPTION} AND p.prev_period = p.period_no
                 AND p.prev_start <= {two_years})) AS num,
            (periods.period_start <= {two_and_a_half}
             AND {age_at("dob.dob", end)} < 16) AS den,
            {end} AS ref_date
        FROM cur
        JOIN p ON p.la = cur.la AND p.child = cur.child AND p.placement_no = cur.placement_no
        JOIN periods ON periods.la = cur.la AND periods.child = cur.child
                    AND periods.period_no = cur.period_no
        LEFT JOIN dob ON dob.la = cur.la AND dob.child = cur.child
    """
    return summarise(con, "cla-long-term-stability", year, by, cohort, "percent")
