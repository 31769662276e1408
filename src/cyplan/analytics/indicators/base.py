"""The shared contract of the statutory-return indicators, and the SQL pieces they share.

An indicator is a plain function::

    @register("cla-rate")
    def cla_rate(con: duckdb.DuckDBPyConnection, year: int, by: str | None = None) -> pa.Table

``con`` holds the cleaned return tables (see :mod:`cyplan.analytics.store`): ``ssda903_<table>``,
``cin_<table>``, ``annex_a_<list>`` and ``population``; every table keeps the reader's columns,
including ``YEAR`` and the pseudonymised ``CHILD``, plus an ``LA`` column. ``year`` is the
collection year, ending 31 March ``year``.

It returns a table of :data:`RESULT_SCHEMA`: one row per LA for the total (``breakdown`` and
``group`` both ``""``) when ``by`` is None, or one row per LA and group when ``by`` is one of
:data:`BREAKDOWNS` (then only the group rows: the caller asks for the total separately). A
child whose characteristic is missing is counted in the group ``"Unknown"``, so the groups of
a breakdown always add up to the total. An indicator that cannot be broken down by ``by``
raises ``ValueError``. The work is done in SQL, vectorised: no Python loop over children.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

BREAKDOWNS: tuple[str, ...] = ("sex", "age_band", "ethnicity", "ethnic_group", "disability", "uasc")

RESULT_SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("la", pa.string()),
        ("year", pa.int32()),
        ("breakdown", pa.string()),
        ("group", pa.string()),
        ("numerator", pa.int64()),
        ("denominator", pa.int64()),
        ("value", pa.float64()),
    ]
)

UNKNOWN = "Unknown"

# The DfE's age bands in the children looked after and children in need statistics (age in
# whole years at the reference date, normally 31 March). The last band is open: children
# looked after are under 18, but a CIN census can hold older young people.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Under 1", 0, 0),
    ("1 to 4", 1, 4),
    ("5 to 9", 5, 9),
    ("10 to 15", 10, 15),
    ("16 and over", 16, None),
)

# Ethnicity code (DfE 20-code list) to the main ethnic group the DfE statistics publish.
ETHNIC_GROUPS: dict[str, str] = {
    **dict.fromkeys(("WBRI", "WIRI", "WOTH", "WIRT", "WROM"), "White"),
    **dict.fromkeys(("MWBC", "MWBA", "MWAS", "MOTH"), "Mixed"),
    **dict.fromkeys(("AIND", "APKN", "ABAN", "AOTH"), "Asian"),
    **dict.fromkeys(("BCRB", "BAFR", "BOTH"), "Black"),
    **dict.fromkeys(("CHNE", "OOTH"), "Other"),
    **dict.fromkeys(("REFU", "NOBT"), UNKNOWN),
}

Indicator = Callable[[duckdb.DuckDBPyConnection, int, "str | None"], pa.Table]
REGISTRY: dict[str, Indicator] = {}


def register(code: str) -> Callable[[Indicator], Indicator]:
    """Decorator adding an indicator to :data:`REGISTRY` under its catalogue code."""

    def decorate(function: Indicator) -> Indicator:
        if code in REGISTRY and REGISTRY[code] is not function:
            raise ValueError(f"indicator {code!r} is registered twice")
        REGISTRY[code] = function
        function.code = code  # type: ignore[attr-defined]
        return function

    return decorate


def year_start(year: int) -> date:
    """First day of collection year ``year`` (1 April of the year before)."""
    return date(year - 1, 4, 1)


def year_end(year: int) -> date:
    """Last day of collection year ``year`` (31 March), the census date of the returns."""
    return date(year, 3, 31)


def sql_date(day: date) -> str:
    """A date as a DuckDB literal (dates are computed, never user text, so this is safe)."""
    return f"DATE '{day.isoformat()}'"


def age_at(dob_col: str, date_sql: str) -> str:
    """SQL for the exact age in whole years on ``date_sql`` of someone born on ``dob_col``.

    Compares yyyymmdd numbers, so a child born on 31 March 2008 is 16 on 31 March 2024 and
    15 the day before (``date_diff('year', ...)`` would count calendar years instead). Dates of
    birth are held as the first of the month (pseudonymisation), which moves an age by at
    most a month earlier.
    """

    def ymd(expr: str) -> str:
        return f"(year({expr}) * 10000 + month({expr}) * 100 + day({expr}))"

    return f"(({ymd(date_sql)} - {ymd(dob_col)}) // 10000)"


def age_band_sql(age_sql: str) -> str:
    """SQL CASE putting an age in whole years into its :data:`AGE_BANDS` label."""
    arms = []
    for label, lo, hi in AGE_BANDS:
        cond = f"{age_sql} >= {lo}" + (f" AND {age_sql} <= {hi}" if hi is not None else "")
        arms.append(f"WHEN {cond} THEN '{label}'")
    return f"(CASE {' '.join(arms)} ELSE '{UNKNOWN}' END)"


def ethnic_group_sql(ethnicity_col: str) -> str:
    """SQL CASE mapping an ethnicity code to its :data:`ETHNIC_GROUPS` main group."""
    by_group: dict[str, list[str]] = {}
    for code, group in ETHNIC_GROUPS.items():
        by_group.setdefault(group, []).append(code)
    arms = " ".join(
        f"WHEN upper({ethnicity_col}) IN ({', '.join(repr(c) for c in codes)}) THEN '{group}'"
        for group, codes in by_group.items()
    )
    return f"(CASE {arms} ELSE '{UNKNOWN}' END)"


def group_expr(
    by: str | None,
    code: str,
    *,
    sex: str | None = None,
    age: str | None = None,
    ethnicity: str | None = None,
    disability: str | None = None,
    uasc: str | None = None,
) -> str:
    """The SQL expression of a child's group for breakdown ``by`` ('' for the total).

    Each keyword is the SQL of that characteristic in the indicator's query (``age`` the age
    in whole years at the reference date, ``disability`` and ``uasc`` booleans); None means
    the indicator's source does not have it, and asking for that breakdown is a ValueError.
    Missing values fall in the group "Unknown", so groups add up to the total.
    """
    if by is None:
        return "''"
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}: choose one of {', '.join(BREAKDOWNS)}")
    source = {
        "sex": sex,
        "age_band": age,
        "ethnicity": ethnicity,
        "ethnic_group": ethnicity,
        "disability": disability,
        "uasc": uasc,
    }[by]
    if source is None:
        raise ValueError(f"indicator {code!r} cannot be broken down by {by!r}")
    if by == "sex":
        return f"coalesce(nullif(CAST({source} AS VARCHAR), ''), '{UNKNOWN}')"
    if by == "age_band":
        return age_band_sql(source)
    if by == "ethnicity":
        return f"coalesce(nullif(upper(CAST({source} AS VARCHAR)), ''), '{UNKNOWN}')"
    if by == "ethnic_group":
        return ethnic_group_sql(source)
    yes = "UASC" if by == "uasc" else "Disabled"
    no = "Not UASC" if by == "uasc" else "Not disabled"
    return (
        f"(CASE WHEN {source} IS NULL THEN '{UNKNOWN}' WHEN {source} THEN '{yes}' ELSE '{no}' END)"
    )


def breakdown_label(by: str | None) -> str:
    """The ``breakdown`` column's value: '' for the total, else the breakdown's name."""
    return "" if by is None else by


def empty_result() -> pa.Table:
    """A result with no rows (an LA with no data for the year gives no row, not a zero)."""
    return RESULT_SCHEMA.empty_table()


def result_from_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Sequence[Any] | dict[str, Any] | None,
    code: str,
    year: int | None = None,
) -> pa.Table:
    """Run ``sql`` and shape it as a result table for indicator ``code``.

    The query selects ``la, breakdown, "group", numerator, denominator, value`` (and
    ``year``, unless ``year`` is given here); columns it leaves out are filled (breakdown and
    group with '', denominator and value with null), and types are cast to the schema.
    """
    table = fetch_arrow(con.execute(sql, params or []))
    n = table.num_rows
    columns = {}
    for field in RESULT_SCHEMA:
        if field.name == "code":
            columns["code"] = pa.array([code] * n, pa.string())
        elif field.name in table.column_names:
            columns[field.name] = table.column(field.name).cast(field.type)
        elif field.name == "year":
            if year is None:
                raise ValueError("result_from_query: select a year column or pass year=")
            columns["year"] = pa.array([year] * n, pa.int32())
        elif field.name in ("breakdown", "group"):
            columns[field.name] = pa.array([""] * n, pa.string())
        else:
            columns[field.name] = pa.nulls(n, field.type)
    return pa.table(columns, schema=RESULT_SCHEMA).sort_by(
        [("la", "ascending"), ("group", "ascending")]
    )


def fetch_arrow(cursor: duckdb.DuckDBPyConnection) -> pa.Table:
    """The result of an executed query as a pyarrow Table (any DuckDB 1.x)."""
    fetch = getattr(cursor, "to_arrow_table", None) or cursor.fetch_arrow_table
    return fetch()


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when the store has loaded table ``name`` (an indicator without data gives no rows)."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [name]
    ).fetchone()
    if row and row[0]:
        return True
    row = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()
    return bool(row and row[0])


def population_sql(year: int) -> str:
    """SQL giving ``la, age, sex, count`` of the population estimate used for ``year``.

    For the collection year ending 31 March Y the estimate is mid-(Y-1), the latest one for
    that date (catalogue: cla-rate); an LA without it uses its nearest earlier estimate, and
    failing that its earliest one. ``population.year`` is the estimate's mid-year.
    """
    return f"""
        SELECT p.la, p.age, p.sex, p."count"
        FROM population p
        JOIN (
            SELECT la, coalesce(max(year) FILTER (WHERE year <= {int(year) - 1}), min(year)) AS year
            FROM population GROUP BY la
        ) chosen ON chosen.la = p.la AND chosen.year = p.year
    """
