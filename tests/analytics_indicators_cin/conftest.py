"""Tiny hand-built CIN census and Annex A tables in a DuckDB connection, named as the store names them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FORMATS = SHARED / "data" / "formats"
TODAY = date(2026, 11, 23)
LA = "E1"

S, N, D, B = pa.string(), pa.int64(), pa.date32(), pa.bool_()
KEY = [("CHILD", S), ("YEAR", N), ("LA", S)]

CIN_SCHEMAS: dict[str, pa.Schema] = {
    "children": pa.schema(
        KEY
        + [
            ("PersonBirthDate", D),
            ("ExpectedPersonBirthDate", D),
            ("Sex", S),
            ("Ethnicity", S),
            ("Disabilities", pa.list_(S)),
        ]
    ),
    "cin_details": pa.schema(
        KEY
        + [
            ("REFERRAL_SEQ", N),
            ("CINreferralDate", D),
            ("CINclosureDate", D),
            ("DateOfInitialCPC", D),
            ("ReferralNFA", B),
        ]
    ),
    "assessments": pa.schema(
        KEY
        + [
            ("REFERRAL_SEQ", N),
            ("ASSESSMENT_SEQ", N),
            ("AssessmentActualStartDate", D),
            ("AssessmentAuthorisationDate", D),
        ]
    ),
    "section47": pa.schema(
        KEY
        + [
            ("REFERRAL_SEQ", N),
            ("S47_SEQ", N),
            ("S47ActualStartDate", D),
            ("InitialCPCtarget", D),
            ("DateOfInitialCPC", D),
            ("ICPCnotRequired", B),
        ]
    ),
    "cp_plans": pa.schema(
        KEY
        + [
            ("REFERRAL_SEQ", N),
            ("CPP_SEQ", N),
            ("CPPstartDate", D),
            ("CPPendDate", D),
            ("NumberOfPreviousCPP", N),
        ]
    ),
    "cp_reviews": pa.schema(
        KEY + [("REFERRAL_SEQ", N), ("CPP_SEQ", N), ("REVIEW_SEQ", N), ("CPPreviewDate", D)]
    ),
}

DEFAULTS = {"YEAR": 2024, "LA": LA, "REFERRAL_SEQ": 1, "CPP_SEQ": 1, "S47_SEQ": 1}
CHILD_DEFAULTS = {
    "PersonBirthDate": date(2015, 6, 1),
    "Sex": "F",
    "Ethnicity": "WBRI",
    "Disabilities": ["NONE"],
}


def _table(schema: pa.Schema, rows: list[dict[str, Any]], extra: dict[str, Any]) -> pa.Table:
    filled = [{**DEFAULTS, **extra, **row} for row in rows]
    unknown = {k for row in rows for k in row} - set(schema.names)
    assert not unknown, f"not a column: {unknown}"
    return pa.Table.from_pylist(
        [{n: row.get(n) for n in schema.names} for row in filled], schema=schema
    )


def cin_connection(
    *,
    children: list[dict[str, Any]],
    population: dict[str, dict[int, int]] | None = None,
    **tables: list[dict[str, Any]],
) -> duckdb.DuckDBPyConnection:
    """A connection holding ``cin_<table>`` for every CIN table (empty unless given).

    ``children`` rows get CHILD_DEFAULTS; ``population`` is {la: {age: count}} (persons,
    mid-2023 estimate).
    """
    con = duckdb.connect()
    for name, schema in CIN_SCHEMAS.items():
        rows = children if name == "children" else tables.pop(name, [])
        extra = CHILD_DEFAULTS if name == "children" else {}
        con.register("_in", _table(schema, rows, extra))
        con.execute(f"CREATE TABLE cin_{name} AS SELECT * FROM _in")
        con.unregister("_in")
    assert not tables, f"unknown tables {set(tables)}"
    if population is not None:
        add_population(con, population)
    return con


def add_population(con: duckdb.DuckDBPyConnection, by_la: dict[str, dict[int, int]]) -> None:
    """Register ``population`` (la, age, sex NULL for persons, count, year 2023)."""
    rows = [
        {"la": la, "age": age, "sex": None, "count": n, "year": 2023}
        for la, ages in by_la.items()
        for age, n in ages.items()
    ]
    schema = pa.schema(
        [("la", S), ("age", pa.int32()), ("sex", S), ("count", N), ("year", pa.int32())]
    )
    con.register("_pop", pa.Table.from_pylist(rows, schema=schema))
    con.execute("CREATE TABLE population AS SELECT * FROM _pop")
    con.unregister("_pop")


def kids(*names: str, **characteristics: Any) -> list[dict[str, Any]]:
    """Children rows with the same characteristics."""
    return [{"CHILD": name, **characteristics} for name in names]


def one(table: pa.Table) -> dict[str, Any]:
    """The single row of a total result, as a dict."""
    rows = table.to_pylist()
    assert len(rows) == 1, rows
    return rows[0]


def counts(table: pa.Table) -> tuple[int, int | None]:
    """(numerator, denominator) of the single row of a total result."""
    row = one(table)
    return row["numerator"], row["denominator"]


ANNEX_A_SCHEMAS: dict[str, pa.Schema] = {
    "list_6": pa.schema(
        [
            ("child_id", S),
            ("YEAR", N),
            ("LA", S),
            ("sex", S),
            ("ethnicity", S),
            ("date_of_birth", D),
            ("disability", S),
            ("cin_start_date", D),
            ("date_child_last_seen", D),
            ("cin_closure_date", D),
            ("case_status", S),
        ]
    ),
    "list_7": pa.schema(
        [
            ("child_id", S),
            ("YEAR", N),
            ("LA", S),
            ("sex", S),
            ("ethnicity", S),
            ("date_of_birth", D),
            ("disability", S),
            ("cpp_start_date", D),
            ("date_of_last_statutory_visit", D),
            ("child_seen_alone", S),
            ("cpp_end_date", D),
        ]
    ),
    "list_8": pa.schema(
        [
            ("child_id", S),
            ("YEAR", N),
            ("LA", S),
            ("date_started_looked_after", D),
            ("date_ceased_looked_after", D),
        ]
    ),
}

ANNEX_A_DEFAULTS = {
    "YEAR": 2024,
    "LA": LA,
    "sex": "F",
    "ethnicity": "WBRI",
    "date_of_birth": date(2015, 6, 1),
    "disability": "b) No",
}


def annex_a_connection(**lists: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    """A connection holding ``annex_a_list_6/7/8`` (empty unless given)."""
    con = duckdb.connect()
    for name, schema in ANNEX_A_SCHEMAS.items():
        rows = [{**ANNEX_A_DEFAULTS, **row} for row in lists.pop(name, [])]
        table = pa.Table.from_pylist(
            [{n: row.get(n) for n in schema.names} for row in rows], schema=schema
        )
        con.register("_in", table)
        con.execute(f"CREATE TABLE annex_a_{name} AS SELECT * FROM _in")
        con.unregister("_in")
    assert not lists
    return con
