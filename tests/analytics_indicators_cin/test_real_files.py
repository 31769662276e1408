"""Every CIN and Annex A indicator computes on the shared synthetic census files and Annex A sample."""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa
import pytest

from cyplan.analytics.indicators import base, load_all
from cyplan.analytics.returns import Pseudonymiser, read_annex_a, read_cin_census
from cyplan.analytics.working_days import add_working_days

from .conftest import FORMATS, TODAY
from .test_breakdowns import ANNEX_A_CODES, CHILD_BREAKDOWNS, CIN_CODES

CIN_FILES = sorted((FORMATS / "cin-census").glob("*.xml"))
ANNEX_A = FORMATS / "annex-a" / "Annex_A_sample.xlsx"


def _load(con: duckdb.DuckDBPyConnection, prefix: str, tables: dict[str, pa.Table]) -> None:
    """Load tables as the store does: every CIN table gets its child's LA."""
    for name, table in tables.items():
        con.register("_in", table)
        if name == "children" or "LA" in table.column_names:
            con.execute(f"CREATE TABLE {prefix}_{name} AS SELECT * FROM _in")
        else:
            con.execute(
                f'CREATE TABLE {prefix}_{name} AS SELECT t.*, c."LA" FROM _in t '
                'LEFT JOIN (SELECT DISTINCT "CHILD", "YEAR", "LA" FROM cin_children) c '
                'USING ("CHILD", "YEAR")'
            )
        con.unregister("_in")


def test_the_shared_census_files_are_there():
    """The three synthetic census files from ../shared/data (so the next test never runs empty)."""
    assert len(CIN_FILES) == 3, CIN_FILES


@pytest.mark.parametrize("path", CIN_FILES, ids=lambda p: p.name)
def test_cin_indicators_compute_on_the_synthetic_census(path):
    """Each CIN indicator, total and every breakdown, gives well-formed rows for the file's years."""
    result = read_cin_census(
        path, pseudonymiser=Pseudonymiser(b"tests-only key, 16+"), skip_invalid=True, today=TODAY
    )
    assert result.ok
    con = duckdb.connect()
    _load(con, "cin", result.tables)
    registry = load_all()
    years = sorted(
        {y for (y,) in con.execute('SELECT DISTINCT "YEAR" FROM cin_children').fetchall()}
    )
    produced = 0
    for year in [years[0] - 1, *years]:
        for code in CIN_CODES:
            total = registry[code](con, year, None)
            assert total.schema == base.RESULT_SCHEMA
            produced += total.num_rows
            for by in CHILD_BREAKDOWNS:
                groups = registry[code](con, year, by)
                assert sum(groups.column("numerator").to_pylist()) == sum(
                    total.column("numerator").to_pylist()
                ), (code, year, by)
    assert produced > 0


def test_the_2024_census_icpc_and_its_target():
    """The 2024 sample's conference (strategy discussion 2 June 2022) is counted in 2022-23."""
    result = read_cin_census(
        FORMATS / "cin-census" / "CIN_Census_2024.xml",
        pseudonymiser=Pseudonymiser(b"tests-only key, 16+"),
        skip_invalid=True,
        today=TODAY,
    )
    con = duckdb.connect()
    _load(con, "cin", result.tables)
    # Strategy discussion Thu 2 June 2022 (the moved spring holiday), conference Fri 17 June.
    # Fri 3 June (jubilee) is a holiday too: Mon 6 (1) ... Fri 10 (5), Mon 13 (6) ... Fri 17
    # (10): 10 working days, in time.
    row = load_all()["icpc-15-days"](con, 2023, None).to_pylist()
    assert [(r["numerator"], r["denominator"]) for r in row] == [(1, 1)]
    # The file's InitialCPCtarget says 23 June 2022; with both jubilee holidays skipped, the
    # 15th working day is Friday 24 June (Mon 20 (11), Tue 21 (12), Wed 22 (13), Thu 23 (14)).
    # The synthetic file counts 3 June as a working day; the indicator does not use the target.
    assert add_working_days(date(2022, 6, 2), 15) == date(2022, 6, 24)


def test_annex_a_indicators_compute_on_the_sample_workbook():
    """The visit indicators run on the Annex A sample (extracted in 2021) with every breakdown."""
    result = read_annex_a(
        ANNEX_A, pseudonymiser=Pseudonymiser(b"tests-only key, 16+"), skip_invalid=True, today=TODAY
    )
    assert result.ok
    con = duckdb.connect()
    tables = {
        name: table.append_column("LA", pa.array(["E1"] * table.num_rows)).append_column(
            "YEAR", pa.array([2021] * table.num_rows, pa.int64())
        )
        for name, table in result.tables.items()
    }
    _load(con, "annex_a", tables)
    registry = load_all()
    for code in ANNEX_A_CODES:
        total = registry[code](con, 2021, None)
        assert total.schema == base.RESULT_SCHEMA
        assert total.num_rows == 1, code
        for by in CHILD_BREAKDOWNS:
            groups = registry[code](con, 2021, by)
            assert sum(groups.column("numerator").to_pylist()) == total["numerator"][0].as_py()
            assert sum(groups.column("denominator").to_pylist()) == total["denominator"][0].as_py()
    # The sample's five children in need are not on a plan or in care, all open since before
    # 2018; seen on 21 Jan, 5 Mar, 16 Feb, 3 Feb and 15 Mar 2021. With a reference date of
    # Tue 16 March 2021, 20 working days back is Tue 16 February (no holidays in between:
    # 16 March back to 17 February is 20 weekdays), so 5 Mar, 16 Feb and 15 Mar count: 3 of 5.
    cin = registry["cin-visits-20-days"](con, 2021, None, reference_date=date(2021, 3, 16))
    assert (cin["numerator"][0].as_py(), cin["denominator"][0].as_py()) == (3, 5)


def test_through_the_analytical_store():
    """Loaded by the store (its LA labelling and table names), the indicators give the same."""
    from cyplan.analytics.store import AnalyticalStore

    key = Pseudonymiser(b"tests-only key, 16+")
    cin = read_cin_census(
        FORMATS / "cin-census" / "CIN_Census_2024.xml",
        pseudonymiser=key,
        skip_invalid=True,
        today=TODAY,
    )
    annex = read_annex_a(ANNEX_A, pseudonymiser=key, skip_invalid=True, today=TODAY)
    with AnalyticalStore(None) as store:
        store.load_cin(cin, la="E09000006")
        store.load_annex_a(annex, la="E09000006", year=2021)
        results = store.compute(CIN_CODES + ANNEX_A_CODES, year=2023).to_pylist()
        by_code = {
            row["code"]: (row["la"], row["numerator"], row["denominator"]) for row in results
        }
        # The one conference of 2022-23 (see test_the_2024_census_icpc_and_its_target).
        assert by_code["icpc-15-days"] == ("E09000006", 1, 1)
        visits = store.compute(["cin-visits-20-days"], year=2021).to_pylist()
    # Default reference date 31 March 2021: 20 working days back (Good Friday is 2 April,
    # after it) is Wed 3 March (31, 30, 29, 26, 25, 24, 23, 22, 19, 18, 17, 16, 15, 12, 11, 10,
    # 9, 8, 5, 4 March); seen on 5 March and 15 March: 2 of the 5.
    assert [(r["numerator"], r["denominator"]) for r in visits] == [(2, 5)]
