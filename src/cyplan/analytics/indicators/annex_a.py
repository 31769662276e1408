"""Visit indicators from Ofsted's Annex A lists 6 and 7: CIN and CP visits, CP seen alone.

None of these is in a statutory return: Annex A is a snapshot a council extracts for an
inspection, and the standards (a visit every 20 working days for a child in need, every 10
for a child on a protection plan) are local ones (the catalogue has Bromley's). So each
indicator takes a **reference date**, the day the lists were extracted: the keyword
``reference_date``, by default 31 March of ``year``. Pass the real extraction date when
there is one; a visit recorded after the reference date is not counted as within it.

The store labels Annex A lists with the ``YEAR`` the caller gave when loading them
(:meth:`AnalyticalStore.load_annex_a`); the indicators read the lists of ``year``.
Working days are counted as everywhere (:mod:`cyplan.analytics.working_days`), and only
from the reference date backwards, so old start dates (Annex A lists episodes that began
long before 2015) never need the bank-holiday table.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from cyplan.analytics.working_days import add_working_days, register_working_days

from .base import (
    age_at,
    breakdown_label,
    empty_result,
    group_expr,
    has_table,
    register,
    result_from_query,
    sql_date,
    year_end,
)

#: Bromley's standards (catalogue): children in need seen every 20 working days, children on
#: a child protection plan every 10 working days.
CIN_VISIT_WORKING_DAYS = 20
CP_VISIT_WORKING_DAYS = 10
#: cp-seen-alone counts children aged 4 or over (catalogue reading of "over the age of 4").
SEEN_ALONE_MIN_AGE = 4


def _yes(column: str) -> str:
    """SQL: an Annex A yes/no answer ("a) Yes", "Yes", "Y", "true", "1") as a boolean."""
    text = f"trim(regexp_replace(lower(trim(CAST({column} AS VARCHAR))), '^[a-z]\\)\\s*', ''))"
    return (
        f"(CASE WHEN {column} IS NULL OR trim(CAST({column} AS VARCHAR)) = '' THEN NULL "
        f"WHEN {text} IN ('yes', 'y', 'true', '1') THEN TRUE "
        f"WHEN {text} IN ('no', 'n', 'false', '0') THEN FALSE END)"
    )


def _group(by: str | None, code: str, ref: str) -> str:
    """The child's group from the list's own columns (uasc is not in lists 6 and 7)."""
    return group_expr(
        by,
        code,
        sex="l.sex",
        age=age_at("l.date_of_birth", ref),
        ethnicity="l.ethnicity",
        disability=_yes("l.disability"),
    )


def _reference(year: int, reference_date: date | None) -> date:
    return reference_date if reference_date is not None else year_end(year)


def _percent(
    con: duckdb.DuckDBPyConnection, code: str, year: int, by: str | None, units: str, ref: str
) -> pa.Table:
    """Group ``units`` (rows of list columns aliased ``l`` with ``counted``) into a result."""
    sql = f"""
        SELECT l."LA" AS la, '{breakdown_label(by)}' AS breakdown,
               {_group(by, code, ref)} AS "group",
               count(*) FILTER (WHERE l.counted) AS numerator, count(*) AS denominator,
               100.0 * count(*) FILTER (WHERE l.counted) / count(*) AS value
        FROM ({units}) l GROUP BY ALL
    """
    return result_from_query(con, sql, None, code, year)


def _one_row_per_child(table: str, year: int, where: str, order: str) -> str:
    """The rows of an Annex A list for ``year`` meeting ``where``, one per child (by ``order``)."""
    return f"""
        SELECT * FROM {table} WHERE "YEAR" = {int(year)} AND ({where})
        QUALIFY row_number() OVER (PARTITION BY "LA", child_id ORDER BY {order}) = 1
    """


def _open_plans(year: int, ref: str) -> str:
    return _one_row_per_child(
        "annex_a_list_7",
        year,
        f"cpp_start_date <= {ref} AND (cpp_end_date IS NULL OR cpp_end_date > {ref})",
        "cpp_start_date DESC, date_of_last_statutory_visit DESC NULLS LAST",
    )


@register("cp-visits-10-days")
def cp_visits_10_days(
    con: duckdb.DuckDBPyConnection,
    year: int,
    by: str | None = None,
    *,
    reference_date: date | None = None,
) -> pa.Table:
    """% of children on a CP plan on the reference date visited in the last 10 working days.

    Denominator: plans open on the reference date that started at least 10 working days
    before it. Numerator: the last statutory visit no more than 10 working days before the
    reference date (working days after the visit up to and including the reference date).
    """
    if not has_table(con, "annex_a_list_7"):
        return empty_result()
    register_working_days(con)
    day = _reference(year, reference_date)
    ref = sql_date(day)
    # The earliest date from which no more than n working days run to the reference date.
    since = sql_date(add_working_days(day, -CP_VISIT_WORKING_DAYS))
    units = f"""
        SELECT *, coalesce(date_of_last_statutory_visit BETWEEN {since} AND {ref}, FALSE)
                  AS counted
        FROM ({_open_plans(year, ref)}) p
        WHERE working_days_between(greatest(cpp_start_date, {since}), {ref})
              >= {CP_VISIT_WORKING_DAYS}
    """
    return _percent(con, "cp-visits-10-days", year, by, units, ref)


@register("cp-seen-alone")
def cp_seen_alone(
    con: duckdb.DuckDBPyConnection,
    year: int,
    by: str | None = None,
    *,
    reference_date: date | None = None,
) -> pa.Table:
    """% of children aged 4 or over on a CP plan on the reference date who were seen alone.

    "Was the Child Seen Alone?" (list 7) Yes is counted; No, blank or unknown stay in the
    denominator. A child with no date of birth is left out (the age cannot be known).
    """
    if not has_table(con, "annex_a_list_7"):
        return empty_result()
    ref = sql_date(_reference(year, reference_date))
    units = f"""
        SELECT *, coalesce({_yes("child_seen_alone")}, FALSE) AS counted
        FROM ({_open_plans(year, ref)}) p
        WHERE {age_at("date_of_birth", ref)} >= {SEEN_ALONE_MIN_AGE}
    """
    return _percent(con, "cp-seen-alone", year, by, units, ref)


@register("cin-visits-20-days")
def cin_visits_20_days(
    con: duckdb.DuckDBPyConnection,
    year: int,
    by: str | None = None,
    *,
    reference_date: date | None = None,
) -> pa.Table:
    """% of children in need (not on a CP plan, not looked after) seen in the last 20 working days.

    Denominator: children with a child in need episode (list 6) open on the reference date
    that started at least 20 working days before it, leaving out children with a plan open
    that day in list 7, children looked after that day in list 8, and rows whose case status
    says child protection or looked after. Numerator: "Date Child Was Last Seen" no more than
    20 working days before the reference date.
    """
    if not has_table(con, "annex_a_list_6"):
        return empty_result()
    register_working_days(con)
    day = _reference(year, reference_date)
    ref = sql_date(day)
    since = sql_date(add_working_days(day, -CIN_VISIT_WORKING_DAYS))
    excluded = []
    if has_table(con, "annex_a_list_7"):
        excluded.append(f'SELECT "LA", child_id FROM ({_open_plans(year, ref)}) p')
    if has_table(con, "annex_a_list_8"):
        excluded.append(
            f"""SELECT "LA", child_id FROM annex_a_list_8
                WHERE "YEAR" = {int(year)}
                  AND (date_started_looked_after IS NULL OR date_started_looked_after <= {ref})
                  AND (date_ceased_looked_after IS NULL OR date_ceased_looked_after > {ref})"""
        )
    others = " UNION ".join(excluded) or 'SELECT NULL::VARCHAR AS "LA", NULL::VARCHAR AS child_id'
    episodes = _one_row_per_child(
        "annex_a_list_6",
        year,
        f"""cin_start_date <= {ref} AND (cin_closure_date IS NULL OR cin_closure_date > {ref})
            AND NOT coalesce(regexp_matches(lower(case_status),
                                            'child protection|looked after'), FALSE)""",
        "date_child_last_seen DESC NULLS LAST",
    )
    units = f"""
        SELECT e.*, coalesce(e.date_child_last_seen BETWEEN {since} AND {ref}, FALSE) AS counted
        FROM ({episodes}) e
        ANTI JOIN ({others}) o ON o."LA" = e."LA" AND o.child_id = e.child_id
        WHERE working_days_between(greatest(e.cin_start_date, {since}), {ref})
              >= {CIN_VISIT_WORKING_DAYS}
    """
    return _percent(con, "cin-visits-20-days", year, by, units, ref)
