"""SQL shared by the SSDA903 (children looked after) indicators.

Every SSDA903 indicator is written as a *cohort*: one row per child with two booleans, ``num``
(counted in the numerator) and ``den`` (in the denominator), and ``ref_date`` (the date the
child's age is taken at for the age-band breakdown). :func:`summarise` joins the cohort to
the child's characteristics and aggregates, in one query.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from .base import empty_result, group_expr, has_table, result_from_query, sql_date, year_end

SHORT_BREAKS = "('V3', 'V4')"
"""Legal statuses of an agreed series of short-term placements: excluded from every CLA figure."""

FOSTER = "('U1', 'U2', 'U3', 'U4', 'U5', 'U6')"
ADOPTION = "('A3', 'A4', 'A5', 'A6')"
ADOPTION_WITH_CURRENT_FOSTER_CARER = "('A3', 'A5')"
"""PLACE A3 and A5: placed for adoption (with consent / with a placement order) *with current
foster carer(s)*, as the SSDA903 code list defines them; A4 and A6 are 'not with current foster
carer(s)'."""

NEW_PLACEMENT_RNE = "('S', 'P', 'B', 'T', 'U')"
"""Reasons for new episode that start a placement (L, legal status only, does not)."""


def episodes_sql(year: int) -> str:
    """Episodes de-duplicated across returns and not under V3/V4, started by 31 March ``year``.

    A child's open episode is sent again in the next return, usually closed: keep one row per
    (LA, CHILD, DECOM), from the latest return loaded (it carries the end date and reason).
    """
    return f"""
        SELECT "LA" AS la, "CHILD" AS child, "DECOM" AS decom, "DEC" AS dec, "RNE" AS rne,
               "LS" AS ls, "PLACE" AS place, "REC" AS rec
        FROM ssda903_episodes
        WHERE "DECOM" <= {sql_date(year_end(year))}
        QUALIFY row_number() OVER (PARTITION BY "LA", "CHILD", "DECOM" ORDER BY "YEAR" DESC) = 1
    """


def children_sql(con: duckdb.DuckDBPyConnection, year: int) -> str:
    """One row per child: sex, date of birth, ethnicity and UASC, from the header.

    The header row of the latest return up to ``year`` is used (else the nearest later one).
    A child is UASC when they appear in the UASC table of a return up to ``year``.
    """
    uasc = (
        f"""SELECT DISTINCT "LA" AS la, "CHILD" AS child FROM ssda903_uasc
            WHERE "YEAR" <= {int(year)}"""
        if has_table(con, "ssda903_uasc")
        else "SELECT NULL::VARCHAR AS la, NULL::VARCHAR AS child WHERE false"
    )
    return f"""
        SELECT h.la, h.child, h.sex, h.dob, h.ethnic, (u.child IS NOT NULL) AS uasc
        FROM (
            SELECT "LA" AS la, "CHILD" AS child, "SEX" AS sex, "DOB" AS dob, "ETHNIC" AS ethnic
            FROM ssda903_header
            QUALIFY row_number() OVER (
                PARTITION BY "LA", "CHILD"
                ORDER BY ("YEAR" > {int(year)}), abs("YEAR" - {int(year)})
            ) = 1
        ) h
        LEFT JOIN ({uasc}) u ON u.la = h.la AND u.child = h.child
    """


def breakdown_group(by: str | None, code: str) -> str:
    """The SQL group expression over the joined child characteristics (``ch``, ``c``)."""
    from .base import age_at

    return group_expr(
        by,
        code,
        sex="ch.sex",
        age=age_at("ch.dob", "c.ref_date"),
        ethnicity="ch.ethnic",
        uasc="coalesce(ch.uasc, false)",
    )


def summarise(
    con: duckdb.DuckDBPyConnection,
    code: str,
    year: int,
    by: str | None,
    cohort_sql: str,
    unit: str,
    needs: tuple[str, ...] = ("ssda903_episodes", "ssda903_header"),
) -> pa.Table:
    """Aggregate a per-child cohort into the result rows of ``code``.

    ``unit`` is ``"count"`` (numerator only, value the count) or ``"percent"`` (value
    100 x numerator / denominator, null when the denominator is 0).
    """
    if by == "disability":
        raise ValueError(
            f"indicator {code!r} cannot be broken down by 'disability': "
            "the SSDA903 does not record disability"
        )
    group = breakdown_group(by, code)
    if not all(has_table(con, name) for name in needs):
        return empty_result()
    if unit == "count":
        measures = """count(*) FILTER (WHERE c.num) AS numerator,
                      NULL::BIGINT AS denominator,
                      CAST(count(*) FILTER (WHERE c.num) AS DOUBLE) AS value"""
    else:
        measures = """count(*) FILTER (WHERE c.num AND c.den) AS numerator,
                      count(*) FILTER (WHERE c.den) AS denominator,
                      CASE WHEN count(*) FILTER (WHERE c.den) > 0
                           THEN 100.0 * count(*) FILTER (WHERE c.num AND c.den)
                                / count(*) FILTER (WHERE c.den) END AS value"""
    sql = f"""
        WITH c AS ({cohort_sql}), ch AS ({children_sql(con, year)})
        SELECT c.la, '{by or ""}' AS breakdown, {group} AS "group", {measures}
        FROM c LEFT JOIN ch ON ch.la = c.la AND ch.child = c.child
        GROUP BY ALL
    """
    return result_from_query(con, sql, None, code, year)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier, or the month's last day when it is shorter.

    31 March minus 30 months is 30 September (there is no 31 September).
    """
    total = day.year * 12 + (day.month - 1) - months
    y, m = divmod(total, 12)
    m += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
