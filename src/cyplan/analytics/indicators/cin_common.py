"""SQL pieces shared by the CIN census indicators: the child, the groups, de-duplication, results.

The store holds every loaded year of the CIN census side by side (``cin_<table>`` with
``YEAR`` and ``LA``); an open referral, enquiry or plan is repeated in each year's census it
was open in. So every indicator here

* takes each event (a referral, an enquiry, a plan, an assessment) once, keyed by the child
  and the event's start date within the LA, keeping the row from the **latest** census,
  which carries whatever happened since (a conference held or a plan ended after 31 March);
* picks the events of the collection year by their own date, not by the census they came in;
* takes a child's characteristics from the child's latest census row.

Children are keyed by (``LA``, ``CHILD``): a child identifier is an LA's own, so the same
pseudonym in two LAs is two children.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from cyplan.analytics.working_days import register_working_days

from .base import (
    AGE_BANDS,
    UNKNOWN,
    age_at,
    breakdown_label,
    empty_result,
    group_expr,
    has_table,
    population_sql,
    result_from_query,
    sql_date,
    year_end,
    year_start,
)

UNBORN = "Unborn"

#: The DfE CIN census's "no disability" code in the Disabilities list.
NO_DISABILITY = "NONE"


def children_sql() -> str:
    """One row per child (LA, CHILD): characteristics from the child's latest census row.

    ``disabled`` is true when the Disabilities list holds a code other than NONE, false when
    it holds only NONE, and NULL (group "Unknown") when nothing is recorded.
    """
    return f"""
        SELECT "LA", "CHILD",
               PersonBirthDate AS dob,
               ExpectedPersonBirthDate AS expected_dob,
               Sex AS sex,
               Ethnicity AS ethnicity,
               CASE
                   WHEN Disabilities IS NULL OR len(Disabilities) = 0 THEN NULL
                   ELSE len(list_filter(Disabilities, x -> upper(trim(x)) <> '{NO_DISABILITY}')) > 0
               END AS disabled
        FROM cin_children
        QUALIFY row_number() OVER (PARTITION BY "LA", "CHILD" ORDER BY "YEAR" DESC) = 1
    """


def latest(table: str, *keys: str, where: str = "TRUE") -> str:
    """SQL: the rows of ``table`` once per (LA, CHILD, keys), from the latest census year."""
    partition = ", ".join(['"LA"', '"CHILD"', *keys])
    return f"""
        SELECT * FROM {table} WHERE {where}
        QUALIFY row_number() OVER (PARTITION BY {partition} ORDER BY "YEAR" DESC) = 1
    """


def unborn_sql(on: str) -> str:
    """SQL: true for a child not yet born on date ``on`` (``k`` is the child's alias).

    An unborn child has an expected date of birth and no date of birth; a child born after
    ``on`` (the later census has the birth date) was unborn then too.
    """
    return f"(k.dob IS NULL AND k.expected_dob IS NOT NULL OR k.dob > {on})"


def child_group(by: str | None, code: str, on: str) -> str:
    """SQL of the child's group for breakdown ``by``, with ages on date ``on``.

    Age bands are the DfE's (base.AGE_BANDS), plus "Unborn" for a child not yet born on
    ``on``, as in the DfE's children in need tables. ``uasc`` is not recorded in the CIN
    census: asking for it is a ValueError.
    """
    expr = group_expr(
        by,
        code,
        sex="k.sex",
        age=age_at("k.dob", on),
        ethnicity="k.ethnicity",
        disability="k.disabled",
    )
    if by == "age_band":
        return f"(CASE WHEN {unborn_sql(on)} THEN '{UNBORN}' ELSE {expr} END)"
    return expr


def ready(con: duckdb.DuckDBPyConnection, *tables: str) -> bool:
    """True when every table is loaded; also registers the working-day calendar and macros."""
    if not all(has_table(con, t) for t in ("cin_children", *tables)):
        return False
    register_working_days(con)
    return True


def percent_result(
    con: duckdb.DuckDBPyConnection,
    code: str,
    year: int,
    by: str | None,
    units: str,
    *tables: str,
) -> pa.Table:
    """Count a percentage indicator from ``units``, SQL giving one row per counted thing.

    ``units`` selects ``"LA"``, ``"CHILD"``, ``on_date`` (the date ages are taken at) and
    ``counted`` (boolean: in the numerator). Every row is in the denominator.
    """
    if not ready(con, *tables):
        return empty_result()
    group = child_group(by, code, "u.on_date")
    sql = f"""
        WITH units AS ({units}), k AS ({children_sql()})
        SELECT u."LA" AS la, '{breakdown_label(by)}' AS breakdown, {group} AS "group",
               count(*) FILTER (WHERE u.counted) AS numerator,
               count(*) AS denominator,
               100.0 * count(*) FILTER (WHERE u.counted) / count(*) AS value
        FROM units u LEFT JOIN k ON k."LA" = u."LA" AND k."CHILD" = u."CHILD"
        GROUP BY ALL
    """
    return result_from_query(con, sql, None, code, year)


def rate_result(
    con: duckdb.DuckDBPyConnection,
    code: str,
    year: int,
    by: str | None,
    units: str,
    *tables: str,
) -> pa.Table:
    """Count a rate per 10,000 children aged 0 to 17 from ``units`` (as for percent_result).

    Only rows of children born and under 18 on ``on_date`` are counted, to match the
    denominator, the ONS estimate of children aged 0 to 17. A group's denominator is the
    population of its ages (age bands) or of its sex when the estimate has one; groups the
    estimate does not describe (ethnicity, disability, "Unknown") have no denominator and no
    value. An LA with no estimate loaded gets its count with no denominator and no value.
    """
    if not ready(con, *tables):
        return empty_result()
    group = child_group(by, code, "u.on_date")
    age = age_at("k.dob", "u.on_date")
    if by == "age_band":
        arms = " ".join(
            f"WHEN p.age BETWEEN {lo} AND {min(hi if hi is not None else 17, 17)} THEN '{label}'"
            for label, lo, hi in AGE_BANDS
            if lo <= 17
        )
        population_group = f"CASE {arms} ELSE '{UNKNOWN}' END"
    elif by == "sex":
        population_group = "upper(p.sex)"
    elif by is None:
        population_group = "''"
    else:
        population_group = "NULL"
    # Persons rows (sex not given) for the total and the age bands; rows by sex for sex.
    persons = "p.sex IS NULL OR upper(p.sex) NOT IN ('M', 'F')"
    rows = "upper(p.sex) IN ('M', 'F')" if by == "sex" else persons
    denominators = (
        f"""
        SELECT p.la, {population_group} AS "group", sum(p."count") AS denominator
        FROM ({population_sql(year)}) p
        WHERE p.age BETWEEN 0 AND 17 AND ({rows})
        GROUP BY ALL
        """
        if has_table(con, "population")
        else 'SELECT NULL::VARCHAR AS la, NULL::VARCHAR AS "group", NULL::BIGINT AS denominator'
    )
    sql = f"""
        WITH units AS ({units}), k AS ({children_sql()}),
        counted AS (
            SELECT u."LA" AS la, {group} AS "group", count(*) AS numerator
            FROM units u JOIN k ON k."LA" = u."LA" AND k."CHILD" = u."CHILD"
            WHERE NOT {unborn_sql("u.on_date")} AND {age} BETWEEN 0 AND 17
            GROUP BY ALL
        ),
        denominators AS ({denominators})
        SELECT c.la, '{breakdown_label(by)}' AS breakdown, c."group", c.numerator,
               d.denominator,
               10000.0 * c.numerator / nullif(d.denominator, 0) AS value
        FROM counted c LEFT JOIN denominators d ON d.la = c.la AND d."group" = c."group"
    """
    return result_from_query(con, sql, None, code, year)


def year_window(year: int) -> tuple[str, str]:
    """SQL literals of the first and last day of collection year ``year``."""
    return sql_date(year_start(year)), sql_date(year_end(year))


def count_result(
    con: duckdb.DuckDBPyConnection,
    code: str,
    year: int,
    by: str | None,
    units: str,
    *tables: str,
) -> pa.Table:
    """A count indicator: the rows of ``units`` (as for percent_result) where ``counted``.

    ``value`` is the count itself and there is no denominator.
    """
    if not ready(con, *tables):
        return empty_result()
    group = child_group(by, code, "u.on_date")
    sql = f"""
        WITH units AS ({units}), k AS ({children_sql()})
        SELECT u."LA" AS la, '{breakdown_label(by)}' AS breakdown, {group} AS "group",
               count(*) FILTER (WHERE u.counted) AS numerator,
               count(*) FILTER (WHERE u.counted) AS value
        FROM units u LEFT JOIN k ON k."LA" = u."LA" AND k."CHILD" = u."CHILD"
        GROUP BY ALL
    """
    return result_from_query(con, sql, None, code, year)
