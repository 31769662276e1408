"""CIN census indicators: referrals, assessments, section 47 enquiries and conferences.

Definitions follow the DfE "Characteristics of children in need" statistics and Working
Together to Safeguard Children, as written in the catalogue (``cyplan/data/indicators.yaml``)
with our readings where the rule is ambiguous; docs/indicators-returns.md has the details.
Child protection plan indicators are in :mod:`cin_cp`. Shared pieces: :mod:`cin_common`.
Working days are counted by :mod:`cyplan.analytics.working_days` (after the start date up to
and including the end date, weekends and England and Wales bank holidays excluded).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from .base import register
from .cin_common import count_result, latest, percent_result, rate_result, year_window

#: Working Together: an initial child protection conference within 15 working days of the
#: strategy discussion that started the section 47 enquiry.
ICPC_WORKING_DAYS = 15
#: Working Together: an assessment completed within 45 working days.
ASSESSMENT_WORKING_DAYS = 45


def referrals_sql() -> str:
    """Every referral once: (LA, CHILD, CINreferralDate), from its latest census."""
    return latest("cin_cin_details", "CINreferralDate", where="CINreferralDate IS NOT NULL")


def enquiries_sql() -> str:
    """Every section 47 enquiry once: (LA, CHILD, S47ActualStartDate), latest census.

    The latest census carries the outcome: an enquiry open at 31 March is sent again the next
    year with its conference date (or "not required") filled in.
    """
    return latest("cin_section47", "S47ActualStartDate", where="S47ActualStartDate IS NOT NULL")


def conferences_sql() -> str:
    """Every initial child protection conference once: (LA, CHILD, conference date).

    From the enquiry that led to it (cin_section47, with the enquiry's start) and from the
    referral (cin_cin_details.DateOfInitialCPC, which the census also holds, without an
    enquiry in the same referral, e.g. a child transferring in). Where both give the same
    conference it is taken once, with the enquiry's start date.
    """
    return """
        SELECT "LA", "CHILD", icpc_date, S47ActualStartDate AS s47_start FROM (
            SELECT "LA", "CHILD", "YEAR", DateOfInitialCPC AS icpc_date, S47ActualStartDate,
                   0 AS source
            FROM cin_section47 WHERE DateOfInitialCPC IS NOT NULL
            UNION ALL
            SELECT "LA", "CHILD", "YEAR", DateOfInitialCPC, NULL, 1
            FROM cin_cin_details WHERE DateOfInitialCPC IS NOT NULL
        )
        QUALIFY row_number() OVER (
            PARTITION BY "LA", "CHILD", icpc_date ORDER BY source, "YEAR" DESC) = 1
    """


@register("csc-referrals-count")
def csc_referrals_count(
    con: duckdb.DuckDBPyConnection, year: int, by: str | None = None
) -> pa.Table:
    """Referrals received in the year (CINreferralDate 1 April to 31 March); referrals, not children."""
    start, end = year_window(year)
    units = f"""
        SELECT "LA", "CHILD", CINreferralDate AS on_date, TRUE AS counted
        FROM ({referrals_sql()}) r WHERE CINreferralDate BETWEEN {start} AND {end}
    """
    return count_result(con, "csc-referrals-count", year, by, units, "cin_cin_details")


@register("rereferrals-12-months")
def rereferrals_12_months(
    con: duckdb.DuckDBPyConnection, year: int, by: str | None = None
) -> pa.Table:
    """% of referrals in the year that came within 12 months of the child's previous referral.

    Within 12 months: the previous referral date is on or after the same calendar date one
    year earlier (29 February goes back to 28 February), so a referral exactly 12 months after
    the last is a re-referral. The previous referral can be in an earlier census.
    """
    start, end = year_window(year)
    units = f"""
        SELECT "LA", "CHILD", on_date,
               coalesce(previous >= CAST(on_date - INTERVAL 1 YEAR AS DATE), FALSE) AS counted
        FROM (
            SELECT "LA", "CHILD", CINreferralDate AS on_date,
                   lag(CINreferralDate) OVER (
                       PARTITION BY "LA", "CHILD" ORDER BY CINreferralDate) AS previous
            FROM ({referrals_sql()}) r
        )
        WHERE on_date BETWEEN {start} AND {end}
    """
    return percent_result(con, "rereferrals-12-months", year, by, units, "cin_cin_details")


@register("assessments-45-days")
def assessments_45_days(
    con: duckdb.DuckDBPyConnection, year: int, by: str | None = None
) -> pa.Table:
    """% of assessments authorised in the year within 45 working days of their start.

    From AssessmentActualStartDate (day 0) to AssessmentAuthorisationDate; assessments not
    authorised are still open and in neither count.
    """
    start, end = year_window(year)
    assessments = latest(
        "cin_assessments",
        "AssessmentActualStartDate",
        where="AssessmentActualStartDate IS NOT NULL",
    )
    units = f"""
        SELECT "LA", "CHILD", AssessmentAuthorisationDate AS on_date,
               working_days_between(AssessmentActualStartDate, AssessmentAuthorisationDate)
                   <= {ASSESSMENT_WORKING_DAYS} AS counted
        FROM ({assessments}) a
        WHERE AssessmentAuthorisationDate BETWEEN {start} AND {end}
    """
    return percent_result(con, "assessments-45-days", year, by, units, "cin_assessments")


@register("s47-rate")
def s47_rate(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """Section 47 enquiries started in the year per 10,000 children aged 0 to 17.

    Enquiries, not children. Reading: enquiries about unborn children, or young people aged
    18 or over at the start, are left out, because the denominator has neither.
    """
    start, end = year_window(year)
    units = f"""
        SELECT "LA", "CHILD", S47ActualStartDate AS on_date
        FROM ({enquiries_sql()}) s WHERE S47ActualStartDate BETWEEN {start} AND {end}
    """
    return rate_result(con, "s47-rate", year, by, units, "cin_section47")


@register("s47-to-icpc")
def s47_to_icpc(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """% of section 47 enquiries started in the year, outcome known, that led to an ICPC.

    Outcome known: a conference date, or ICPCnotRequired. Reading: an enquiry with neither
    is pending and in neither count; one with a conference date counts as leading to a
    conference even if "not required" is also set (the date is the stronger evidence).
    """
    start, end = year_window(year)
    units = f"""
        SELECT "LA", "CHILD", S47ActualStartDate AS on_date,
               DateOfInitialCPC IS NOT NULL AS counted
        FROM ({enquiries_sql()}) s
        WHERE S47ActualStartDate BETWEEN {start} AND {end}
          AND (DateOfInitialCPC IS NOT NULL OR coalesce(ICPCnotRequired, FALSE))
    """
    return percent_result(con, "s47-to-icpc", year, by, units, "cin_section47")


@register("icpc-15-days")
def icpc_15_days(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """% of ICPCs held in the year within 15 working days of the strategy discussion.

    Conferences held in the year (by conference date) that followed a section 47 enquiry;
    in time when no more than 15 working days come after S47ActualStartDate up to and
    including the conference date. Reading: a conference dated before its strategy
    discussion is a recording error and is left out of both counts.
    """
    start, end = year_window(year)
    units = f"""
        SELECT "LA", "CHILD", icpc_date AS on_date,
               working_days_between(s47_start, icpc_date) <= {ICPC_WORKING_DAYS} AS counted
        FROM ({conferences_sql()}) c
        WHERE icpc_date BETWEEN {start} AND {end}
          AND s47_start IS NOT NULL AND icpc_date >= s47_start
    """
    return percent_result(con, "icpc-15-days", year, by, units, "cin_section47", "cin_cin_details")


@register("icpc-to-cp-plan")
def icpc_to_cp_plan(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """% of ICPCs held in the year after which the child became subject to a CP plan.

    Reading: a conference led to a plan when a plan for the same child starts on the
    conference date (CPPstartDate = DateOfInitialCPC), in any census.
    """
    start, end = year_window(year)
    units = f"""
        SELECT c."LA", c."CHILD", c.icpc_date AS on_date, p."CHILD" IS NOT NULL AS counted
        FROM ({conferences_sql()}) c
        LEFT JOIN (SELECT DISTINCT "LA", "CHILD", CPPstartDate FROM cin_cp_plans) p
          ON p."LA" = c."LA" AND p."CHILD" = c."CHILD" AND p.CPPstartDate = c.icpc_date
        WHERE c.icpc_date BETWEEN {start} AND {end}
    """
    return percent_result(
        con, "icpc-to-cp-plan", year, by, units, "cin_section47", "cin_cin_details", "cin_cp_plans"
    )
