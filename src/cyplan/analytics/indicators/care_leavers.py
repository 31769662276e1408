"""Care leavers (SSDA903 OC3) and the health of children looked after for a year (OC2).

OC3 holds one row per care leaver whose 17th to 21st birthday falls in the year; OC2 one row
per child looked after continuously for 12 months at 31 March. Both are per return year, so
only the ``year`` return's rows are used (one per child: repeats are dropped).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ._ssda903 import returns_sql, summarise
from .base import age_at, register, sql_date, year_end, year_start

OC3_NEEDS = ("ssda903_oc3", "ssda903_header")
OC2_NEEDS = ("ssda903_oc2", "ssda903_header", "ssda903_episodes")


def _oc3_sql(year: int, first_age: int, last_age: int, num: str, died_out: bool) -> str:
    """Cohort from OC3: aged ``first_age``-``last_age`` on 31 March, ``num`` a condition.

    The birthday falls in the year exactly when the age on 31 March is that birthday's age.
    ``died_out`` leaves young people who died (IN_TOUCH DIED) out of the denominator.
    """
    end = sql_date(year_end(year))
    age = age_at('"DOB"', end)
    died = "AND coalesce(\"IN_TOUCH\", '') <> 'DIED'" if died_out else ""
    return f"""
        SELECT "LA" AS la, "CHILD" AS child, ({num}) AS num,
               ({age} BETWEEN {first_age} AND {last_age} {died}) AS den, {end} AS ref_date
        FROM ssda903_oc3
        WHERE "YEAR" = {int(year)}
        QUALIFY row_number() OVER (PARTITION BY "LA", "CHILD") = 1
    """


# OC3 ACTIV: F1-F5 full-time and P1-P5 part-time education, training, employment or
# apprenticeship are EET; G4-G6 NEET; 0 (not in touch / unknown) is neither. Only a young
# person the council is in touch with (IN_TOUCH YES) can be counted as EET: not in touch
# (NO, REFU) or no longer in contact (NREQ, RHOM) means the activity is not known.
EET = "\"IN_TOUCH\" = 'YES' AND (\"ACTIV\" LIKE 'F%' OR \"ACTIV\" LIKE 'P%')"
# OC3 ACCOM: a type letter and 1 (suitable) or 2 (not suitable); 0 not in touch or unknown.
SUITABLE = "\"IN_TOUCH\" = 'YES' AND \"ACCOM\" LIKE '_1'"


@register("care-leavers-count")
def care_leavers_count(
    con: duckdb.DuckDBPyConnection, year: int, by: str | None = None
) -> pa.Table:
    """Care leavers whose 17th to 21st birthday falls in the year (the OC3 cohort)."""
    cohort = _oc3_sql(year, 17, 21, "true", died_out=False)
    cohort = f"SELECT la, child, (num AND den) AS num, den, ref_date FROM ({cohort}) o"
    return summarise(con, "care-leavers-count", year, by, cohort, "count", OC3_NEEDS)


@register("care-leavers-eet")
def care_leavers_eet(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """% of care leavers aged 19 to 21 in education, employment or training."""
    cohort = _oc3_sql(year, 19, 21, EET, died_out=True)
    return summarise(con, "care-leavers-eet", year, by, cohort, "percent", OC3_NEEDS)


@register("care-leavers-suitable-accommodation")
def care_leavers_suitable_accommodation(
    con: duckdb.DuckDBPyConnection, year: int, by: str | None = None
) -> pa.Table:
    """% of care leavers aged 19 to 21 in accommodation considered suitable."""
    cohort = _oc3_sql(year, 19, 21, SUITABLE, died_out=True)
    return summarise(
        con, "care-leavers-suitable-accommodation", year, by, cohort, "percent", OC3_NEEDS
    )


def oc2_cohort_sql(year: int) -> str:
    """Children looked after continuously for at least 12 months at 31 March ``year``.

    From the episodes, not from the OC2 rows: looked after at 31 March (an open episode not
    under LS V3/V4), in a period of care that began on or before 1 April of the year before
    (so the whole collection year was spent in care). Columns: la, child.
    """
    from .placements import current_episode_sql, period_starts_sql

    return f"""
        SELECT cur.la, cur.child
        FROM ({current_episode_sql(year)}) cur
        JOIN ({period_starts_sql(year)}) p
          ON p.la = cur.la AND p.child = cur.child AND p.period_no = cur.period_no
        WHERE p.period_start <= {sql_date(year_start(year))}
    """


def _oc2_sql(year: int, column: str) -> str:
    """The 12-month cohort; ``num`` when the year's OC2 row for the child has ``column`` 1.

    A child in the cohort with no OC2 row, or a blank value, stays in the denominator and is
    not counted as done. OC2 rows for children outside the cohort are left out (they are
    reported as problems: DfE rule 190, :func:`oc2_outside_cohort`).
    """
    end = sql_date(year_end(year))
    return f"""
        WITH oc2 AS (
            SELECT "LA" AS la, "CHILD" AS child, "{column}" AS done FROM ssda903_oc2
            WHERE "YEAR" = {int(year)}
            QUALIFY row_number() OVER (PARTITION BY "LA", "CHILD") = 1
        )
        SELECT c.la, c.child, coalesce(CAST(oc2.done AS INTEGER) = 1, false) AS num,
               true AS den, {end} AS ref_date
        FROM ({oc2_cohort_sql(year)}) c
        LEFT JOIN oc2 ON oc2.la = c.la AND oc2.child = c.child
    """


def oc2_outside_cohort(con: duckdb.DuckDBPyConnection, year: int) -> int:
    """How many OC2 rows of ``year`` are for children outside the 12-month cohort."""
    from .base import has_table

    if not all(has_table(con, t) for t in (*OC2_NEEDS, "ssda903_episodes")):
        return 0
    row = con.execute(
        f"""SELECT count(*) FROM ssda903_oc2 o
            WHERE o."YEAR" = {int(year)} AND o."LA" IN (
                SELECT la FROM ({returns_sql()}) r WHERE yr = {int(year)})
              AND NOT EXISTS (SELECT 1 FROM ({oc2_cohort_sql(year)}) c
                              WHERE c.la = o."LA" AND c.child = o."CHILD")"""
    ).fetchone()
    return int(row[0])


@register("cla-health-checks")
def cla_health_checks(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """% of children looked after for 12 months whose annual health assessment was done."""
    cohort = _oc2_sql(year, "HEALTH_ASSESSMENT")
    return summarise(con, "cla-health-checks", year, by, cohort, "percent", OC2_NEEDS)


@register("cla-dental-checks")
def cla_dental_checks(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """% of children looked after for 12 months whose teeth were checked by a dentist."""
    cohort = _oc2_sql(year, "TEETH_CHECK")
    return summarise(con, "cla-dental-checks", year, by, cohort, "percent", OC2_NEEDS)
