"""SQL shared by the SSDA903 (children looked after) indicators.

Every SSDA903 indicator is written as a *cohort*: one row per child with two booleans, ``num``
(counted in the numerator) and ``den`` (in the denominator), and ``ref_date`` (the date the
child's age is taken at for the age-band breakdown). :func:`summarise` joins the cohort to
the child's characteristics and aggregates, in one query.
"""

from __future__ import annotations

from contextvars import ContextVar
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


TEMPORARY = "('T0', 'T1', 'T2', 'T3', 'T4')"
"""PLACE T0 to T4: temporary placements (holiday, hospital, other temporary absence). DfE
rules 225 and 226 (no reason for placement change on or after one), and 383 (a child in a
temporary placement must then return to the normal placement): they are not moves."""

ADOPTION_PREVIOUS = "('U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'A3', 'A4', 'A5', 'A6')"
"""DfE rule 336: the placement straight before A3 or A5 must be foster (U1 to U6) or already
placed for adoption (A3 to A6): being placed for adoption with the current carer after either
is the same carers continuing, not a move."""

REVISED: ContextVar[bool] = ContextVar("ssda903_revised", default=False)
"""When True, figures for year Y also use returns for later years (``--revised``)."""

MATERIALISED: ContextVar[dict] = ContextVar("ssda903_materialised", default={})  # noqa: B039
"""Temporary tables already holding a year's episodes, by (kind, year, revised): set by
``placements.materialise`` so that the indicators of one compute share one pass."""


def returns_sql() -> str:
    """(la, yr): every SSDA903 return loaded, from the header and episodes tables."""
    return """
        SELECT DISTINCT "LA" AS la, "YEAR" AS yr FROM ssda903_header
        UNION SELECT DISTINCT "LA" AS la, "YEAR" AS yr FROM ssda903_episodes
    """


def episodes_sql(year: int, *, revised: bool | None = None) -> str:
    """Episodes as the returns say they were, for figures of the year ending 31 March ``year``.

    **Year semantics.** Each return is the truth for the dates it covers; earlier returns give
    only history before that. For one child, return R covers every date from its *cover
    start*: the earlier of 1 April R-1 and the child's first DECOM in return R (an open
    episode is sent again with its original start). An episode from an older return is kept
    only when it started before the cover start of every newer return used, and its end is
    cut at that cover start (with no reason for ending: it is history, not a cease). So:

    * a child open at the end of return R-1 and absent from return R is not looked after in R
      (the old open episode ends at 1 April R-1, as far as the figures go);
    * a later return's corrections (a changed start date, a deleted episode) replace the older
      copies for the dates the later return covers;
    * without ``revised``, only returns up to ``year`` are used, so loading a later return never
      changes the figure of an earlier year; with it (``--revised``), every loaded return is.

    Only local authorities whose return for ``year`` is loaded are included. Columns:
    la, child, yr (the return), decom, dec, rne, ls, place, rec, plkey (PLACE, URN and
    placement postcode district: what identifies the placement), cut (end cut by a newer
    return).
    """
    if revised is None:
        revised = REVISED.get()
    y = int(year)
    ready = MATERIALISED.get().get(("episodes", y, bool(revised)))
    if ready:
        return f"SELECT * FROM {ready}"
    upto = "" if revised else f'WHERE "YEAR" <= {y}'
    return f"""
        WITH rets AS (SELECT * FROM ({returns_sql()}) r0 {"" if revised else f"WHERE yr <= {y}"}),
        raw AS (
            SELECT "LA" AS la, "CHILD" AS child, "YEAR" AS yr, "DECOM" AS decom, "DEC" AS dec,
                   "RNE" AS rne, "LS" AS ls, "PLACE" AS place, "REC" AS rec,
                   concat_ws('|', "PLACE", coalesce("URN", ''), coalesce("PL_POST", '')) AS plkey
            FROM ssda903_episodes {upto}
        ),
        cover AS (
            SELECT la, child, yr, least(min(decom), make_date(CAST(yr AS INTEGER) - 1, 4, 1))
                   AS cover_start
            FROM raw GROUP BY la, child, yr
        ),
        bounds AS (
            SELECT k.la, k.child, k.yr,
                   min(coalesce(c.cover_start, make_date(CAST(r.yr AS INTEGER) - 1, 4, 1)))
                   AS bound
            FROM (SELECT DISTINCT la, child, yr FROM raw) k
            JOIN rets r ON r.la = k.la AND r.yr > k.yr
            LEFT JOIN cover c ON c.la = k.la AND c.child = k.child AND c.yr = r.yr
            GROUP BY k.la, k.child, k.yr
        ),
        layered AS (
            SELECT raw.*, b.bound,
                   (b.bound IS NOT NULL AND (raw.dec IS NULL OR raw.dec > b.bound)) AS cut
            FROM raw LEFT JOIN bounds b ON b.la = raw.la AND b.child = raw.child AND b.yr = raw.yr
            WHERE b.bound IS NULL OR raw.decom < b.bound
        )
        SELECT la, child, yr, decom,
               CASE WHEN cut THEN bound ELSE dec END AS dec,
               rne, ls, place,
               CASE WHEN cut THEN NULL ELSE rec END AS rec,
               plkey, cut
        FROM layered
        WHERE decom <= {sql_date(year_end(y))}
          AND la IN (SELECT la FROM rets WHERE yr = {y})
    """


def loaded_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Collection years of the SSDA903 returns in the store (any LA)."""
    if not (has_table(con, "ssda903_episodes") and has_table(con, "ssda903_header")):
        return []
    return [
        int(r[0])
        for r in con.execute(f"SELECT DISTINCT yr FROM ({returns_sql()}) r ORDER BY 1").fetchall()
    ]


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
