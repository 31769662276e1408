"""Care leavers (SSDA903 OC3) and the health of children looked after for a year (OC2).

OC3 holds one row per care leaver whose 17th to 21st birthday falls in the year; OC2 one row
per child looked after continuously for 12 months at 31 March. Both are per return year, so
only the ``year`` return's rows are used (one per child: repeats are dropped).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ._ssda903 import summarise
from .base import age_at, register, sql_date, year_end

OC3_NEEDS = ("ssda903_oc3", "ssda903_header")
OC2_NEEDS = ("ssda903_oc2", "ssda903_header")


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


def _oc2_sql(year: int, column: str) -> str:
    """Cohort from OC2 (looked after 12 months at 31 March); ``num`` when ``column`` is 1.

    A blank value stays in the denominator and is not counted as done (catalogue reading).
    """
    end = sql_date(year_end(year))
    return f"""
        SELECT "LA" AS la, "CHILD" AS child,
               coalesce(CAST("{column}" AS INTEGER) = 1, false) AS num, true AS den,
               {end} AS ref_date
        FROM ssda903_oc2
        WHERE "YEAR" = {int(year)}
        QUALIFY row_number() OVER (PARTITION BY "LA", "CHILD") = 1
    """


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
