"""CIN census indicators about child protection plans: how many, their reviews, length, repeats.

A plan is taken once per child and start date (CPPstartDate) within the LA, from its latest
census (see :mod:`cin_common`). A plan is open on 31 March when it started on or before 31
March and has no end date or ends after it (DfE: a plan ending on 31 March has ended).
Readings are in the catalogue and docs/indicators-returns.md.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from .base import register, sql_date, year_end
from .cin_common import (
    children_sql,
    count_result,
    latest,
    percent_result,
    rate_result,
    unborn_sql,
    year_window,
)

#: Working Together: the first review conference within 3 months of the plan's start, later
#: ones within 6 months of the one before.
FIRST_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
#: DfE: plans ceasing in the year that had lasted 2 years or more.
LONG_PLAN_YEARS = 2


def plans_sql() -> str:
    """Every child protection plan once: (LA, CHILD, CPPstartDate), from its latest census."""
    return latest("cin_cp_plans", "CPPstartDate", where="CPPstartDate IS NOT NULL")


def open_on(day_sql: str) -> str:
    """SQL condition: the plan (columns of plans_sql) is open on ``day_sql``."""
    return f"(CPPstartDate <= {day_sql} AND (CPPendDate IS NULL OR CPPendDate > {day_sql}))"


def _children_on_a_plan(year: int) -> str:
    end = sql_date(year_end(year))
    return f"""
        SELECT DISTINCT "LA", "CHILD", {end} AS on_date, TRUE AS counted
        FROM ({plans_sql()}) p WHERE {open_on(end)}
    """


@register("cp-count")
def cp_count(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """Children (not plans) on a child protection plan on 31 March.

    Reading (catalogue): unborn children are not added in, so the count matches cp-rate's
    numerator for children under 18.
    """
    end = sql_date(year_end(year))
    units = f"""
        SELECT u.* FROM ({_children_on_a_plan(year)}) u
        LEFT JOIN ({children_sql()}) k ON k."LA" = u."LA" AND k."CHILD" = u."CHILD"
        WHERE NOT coalesce({unborn_sql(end)}, FALSE)
    """
    return count_result(con, "cp-count", year, by, units, "cin_cp_plans")


@register("cp-rate")
def cp_rate(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """Children on a child protection plan on 31 March per 10,000 children aged 0 to 17.

    Unborn children and anyone aged 18 or over on 31 March are left out of the numerator,
    as the denominator (ONS 0 to 17) has neither.
    """
    return rate_result(con, "cp-rate", year, by, _children_on_a_plan(year), "cin_cp_plans")


@register("cp-reviews-in-timescale")
def cp_reviews_in_timescale(
    con: duckdb.DuckDBPyConnection, year: int, by: str | None = None
) -> pa.Table:
    """% of children on a plan on 31 March for 3 months or more whose reviews were all on time.

    Every review of the plan from its start to 31 March, in any census, is checked: the
    first within 3 months of the start, each later one within 6 months of the one before
    ("within n months": on or before the same day n calendar months later, or that month's
    last day when it has no such day). A review due on or before 31 March and not held by
    then makes the plan late. A child is in time when every qualifying open plan is.
    """
    end = sql_date(year_end(year))
    first, later = FIRST_REVIEW_MONTHS, LATER_REVIEW_MONTHS
    units = f"""
        WITH plans AS (
            SELECT "LA", "CHILD", CPPstartDate FROM ({plans_sql()}) p
            WHERE {open_on(end)}
              AND CPPstartDate <= CAST({end} - INTERVAL {first} MONTH AS DATE)
        ),
        reviews AS (
            SELECT DISTINCT r."LA", r."CHILD", p.CPPstartDate, r.CPPreviewDate AS review
            FROM cin_cp_reviews r
            JOIN cin_cp_plans p
              ON p."LA" = r."LA" AND p."CHILD" = r."CHILD" AND p."YEAR" = r."YEAR"
             AND p.REFERRAL_SEQ = r.REFERRAL_SEQ AND p.CPP_SEQ = r.CPP_SEQ
            WHERE r.CPPreviewDate IS NOT NULL
        ),
        checked AS (
            SELECT pl."LA", pl."CHILD", pl.CPPstartDate, rv.review,
                   lag(rv.review) OVER (
                       PARTITION BY pl."LA", pl."CHILD", pl.CPPstartDate ORDER BY rv.review
                   ) AS previous
            FROM plans pl
            LEFT JOIN reviews rv
              ON rv."LA" = pl."LA" AND rv."CHILD" = pl."CHILD"
             AND rv.CPPstartDate = pl.CPPstartDate
             AND rv.review BETWEEN pl.CPPstartDate AND {end}
        ),
        per_plan AS (
            SELECT "LA", "CHILD", CPPstartDate,
                   coalesce(bool_or(review > CASE
                       WHEN previous IS NULL
                           THEN CAST(CPPstartDate + INTERVAL {first} MONTH AS DATE)
                       ELSE CAST(previous + INTERVAL {later} MONTH AS DATE) END), FALSE) AS late,
                   max(review) AS last_review
            FROM checked GROUP BY ALL
        )
        SELECT "LA", "CHILD", {end} AS on_date,
               bool_and(NOT late AND CASE
                   WHEN last_review IS NULL
                       THEN CAST(CPPstartDate + INTERVAL {first} MONTH AS DATE)
                   ELSE CAST(last_review + INTERVAL {later} MONTH AS DATE) END > {end}
               ) AS counted
        FROM per_plan GROUP BY ALL
    """
    return percent_result(
        con, "cp-reviews-in-timescale", year, by, units, "cin_cp_plans", "cin_cp_reviews"
    )


@register("cp-plans-2-years-plus")
def cp_plans_2_years_plus(
    con: duckdb.DuckDBPyConnection, year: int, by: str | None = None
) -> pa.Table:
    """% of plans ending in the year that had lasted 2 years or more (plans, not children).

    Reading: 2 years or more means the end date is on or after the same calendar date two
    years after the start (a plan from 29 February lasts 2 years on 28 February).
    """
    start, end = year_window(year)
    units = f"""
        SELECT "LA", "CHILD", CPPendDate AS on_date,
               CPPendDate >= CAST(CPPstartDate + INTERVAL {LONG_PLAN_YEARS} YEAR AS DATE)
                   AS counted
        FROM ({plans_sql()}) p WHERE CPPendDate BETWEEN {start} AND {end}
    """
    return percent_result(con, "cp-plans-2-years-plus", year, by, units, "cin_cp_plans")


@register("cp-second-or-later")
def cp_second_or_later(
    con: duckdb.DuckDBPyConnection, year: int, by: str | None = None
) -> pa.Table:
    """% of plans starting in the year that were the child's second or later plan.

    Second or later: the census's NumberOfPreviousCPP is above 0, or the council's own data
    holds an earlier plan for the child (a recorded 0 contradicted by the data, or a blank,
    is taken from the data). Previous plans at any time count, not only in the last 2 years.
    """
    start, end = year_window(year)
    units = f"""
        SELECT "LA", "CHILD", CPPstartDate AS on_date,
               coalesce(NumberOfPreviousCPP, 0) > 0 OR earlier IS NOT NULL AS counted
        FROM (
            SELECT *, lag(CPPstartDate) OVER (
                PARTITION BY "LA", "CHILD" ORDER BY CPPstartDate) AS earlier
            FROM ({plans_sql()}) p
        )
        WHERE CPPstartDate BETWEEN {start} AND {end}
    """
    return percent_result(con, "cp-second-or-later", year, by, units, "cin_cp_plans")
