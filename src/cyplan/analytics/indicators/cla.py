"""Children looked after on 31 March, per 10,000 children, and starts and ceases in the year.

Definitions: DfE 'Children looked after in England including adoptions' (SSDA903), as set
out in the catalogue (cla-count, cla-rate, cla-starts, cla-ceases) and docs/indicators-returns.md.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ._ssda903 import SHORT_BREAKS, breakdown_group, episodes_sql, summarise
from .base import (
    age_band_sql,
    empty_result,
    has_table,
    population_sql,
    register,
    result_from_query,
    sql_date,
    year_end,
    year_start,
)


def looked_after_sql(year: int) -> str:
    """Cohort: every child with an episode, ``num`` when looked after at the end of 31 March.

    An episode counts when it started on or before 31 March and has no end date or ends
    after 31 March: a child whose placement changed on 31 March (one episode ending, the next
    starting that day) is counted once; one who left care on 31 March is not. Episodes under
    V3/V4 (short breaks only) never count.
    """
    end = sql_date(year_end(year))
    return f"""
        SELECT la, child,
               bool_or(decom <= {end} AND (dec IS NULL OR dec > {end})
                       AND ls NOT IN {SHORT_BREAKS}) AS num,
               true AS den, {end} AS ref_date
        FROM ({episodes_sql(year)}) e
        GROUP BY la, child
    """


@register("cla-count")
def cla_count(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """Children looked after on 31 March (excluding V3/V4 short breaks only)."""
    return summarise(con, "cla-count", year, by, looked_after_sql(year), "count")


@register("cla-rate")
def cla_rate(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """Children looked after on 31 March per 10,000 children aged 0 to 17 (ONS estimate).

    The population gives persons by single year of age only, so the rate breaks down by
    age band and nothing else. An LA without a population estimate gets a null rate.
    """
    if by not in (None, "age_band"):
        raise ValueError(
            f"indicator 'cla-rate' cannot be broken down by {by!r}: the population estimates "
            "give children by age only (try cla-count for that breakdown)"
        )
    if not (has_table(con, "ssda903_episodes") and has_table(con, "ssda903_header")):
        return empty_result()
    child_group = breakdown_group(by, "cla-rate")
    pop_group = "''" if by is None else age_band_sql("p.age")
    population = (
        f"""SELECT p.la, {pop_group} AS "group", sum(p."count") AS population
            FROM ({population_sql(year)}) p WHERE p.age BETWEEN 0 AND 17 GROUP BY ALL"""
        if has_table(con, "population")
        else 'SELECT NULL::VARCHAR AS la, NULL::VARCHAR AS "group", NULL::BIGINT AS population WHERE false'
    )
    sql = f"""
        WITH c AS ({looked_after_sql(year)}),
        ch AS (SELECT "LA" AS la, "CHILD" AS child, "DOB" AS dob FROM ssda903_header
               QUALIFY row_number() OVER (PARTITION BY "LA", "CHILD"
                   ORDER BY ("YEAR" > {int(year)}), abs("YEAR" - {int(year)})) = 1),
        counted AS (
            SELECT c.la, {child_group} AS "group", count(*) FILTER (WHERE c.num) AS n
            FROM c LEFT JOIN ch ON ch.la = c.la AND ch.child = c.child
            GROUP BY ALL
        ),
        pop AS (SELECT * FROM ({population}) p WHERE la IN (SELECT la FROM counted))
        SELECT coalesce(counted.la, pop.la) AS la, '{by or ""}' AS breakdown,
               coalesce(counted."group", pop."group") AS "group",
               coalesce(counted.n, 0) AS numerator, pop.population AS denominator,
               CASE WHEN pop.population > 0
                    THEN 10000.0 * coalesce(counted.n, 0) / pop.population END AS value
        FROM counted FULL JOIN pop ON pop.la = counted.la AND pop."group" = counted."group"
    """
    return result_from_query(con, sql, None, "cla-rate", year)


@register("cla-starts")
def cla_starts(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """Children who started to be looked after in the year (an episode with RNE S).

    Counts children, not starts; the age band is the age at the first start in the year.
    """
    start, end = sql_date(year_start(year)), sql_date(year_end(year))
    starting = f"rne = 'S' AND decom BETWEEN {start} AND {end} AND ls NOT IN {SHORT_BREAKS}"
    cohort = f"""
        SELECT la, child, bool_or({starting}) AS num, true AS den,
               coalesce(min(decom) FILTER (WHERE {starting}), {end}) AS ref_date
        FROM ({episodes_sql(year)}) e GROUP BY la, child
    """
    return summarise(con, "cla-starts", year, by, cohort, "count")


@register("cla-ceases")
def cla_ceases(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table:
    """Children who ceased to be looked after in the year (an episode ending, REC not X1).

    REC X1 ends an episode but not the period of care (a new episode starts the same day).
    Counts children, not ceases; the age band is the age at the last cease in the year.
    """
    start, end = sql_date(year_start(year)), sql_date(year_end(year))
    ceasing = (
        f"dec BETWEEN {start} AND {end} AND rec IS NOT NULL AND rec <> 'X1' "
        f"AND ls NOT IN {SHORT_BREAKS}"
    )
    cohort = f"""
        SELECT la, child, bool_or({ceasing}) AS num, true AS den,
               coalesce(max(dec) FILTER (WHERE {ceasing}), {end}) AS ref_date
        FROM ({episodes_sql(year)}) e GROUP BY la, child
    """
    return summarise(con, "cla-ceases", year, by, cohort, "count")
