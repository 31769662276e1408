"""The analytical store: the cleaned statutory returns in DuckDB, and the indicators over them.

Child-level data lives here and nowhere else: the readers' pseudonymised Arrow tables are
loaded as DuckDB tables (``ssda903_<table>``, ``cin_<table>``, ``annex_a_<list>``,
``population``), each with an ``LA`` column, and only aggregates leave through
:meth:`AnalyticalStore.compute`.

Loading is idempotent: a return replaces the rows of the same local authority and collection
year in every table of that return, in one transaction, so loading the same file twice (or
a corrected one) leaves exactly one copy. Arrow tables go to DuckDB directly (no row loop).

Example:
    >>> store = AnalyticalStore(None)                      # in memory  # doctest: +SKIP
    >>> store.load_ssda903(read_ssda903(folder, pseudonymiser=p), la="E09000006")
    >>> store.compute(year=2024)                           # a pyarrow Table of results
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cyplan.analytics.indicators import load_all
from cyplan.analytics.indicators.base import REGISTRY, empty_result, fetch_arrow
from cyplan.analytics.population import PopulationTable
from cyplan.analytics.returns.problems import ReadResult

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class AnalyticalStore:
    """A DuckDB database (a file, or in memory for ``path=None``) of cleaned return tables."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        target = str(self.path) if self.path is not None else ":memory:"
        self.con = duckdb.connect(target, read_only=read_only)
        self._years: list[int] | None = None  # SSDA903 years loaded (reset by each load)

    def close(self) -> None:
        """Close the database (a file store can then be opened by another process)."""
        self.con.close()

    def __enter__(self) -> AnalyticalStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- loading ------------------------------------------------------------------------------

    def load_ssda903(self, result: ReadResult, la: str) -> dict[str, int]:
        """Load an SSDA903 read result for local authority ``la`` (an SSDA903 return is one LA's).

        Every ``ssda903_*`` table loses its rows for ``la`` and each collection year in the
        result before the new rows go in. Returns rows loaded per table.
        """
        tables = {name: _with_la(table, la) for name, table in _loadable(result).items()}
        self._refuse_fewer_episodes(result, tables, la)
        return self._replace("ssda903", tables, _years(tables), [la])

    def _refuse_fewer_episodes(self, result: ReadResult, tables: dict[str, pa.Table], la: str):
        """A load never leaves a year with fewer stored episodes unless the return says so.

        When rows of the episodes table were skipped as invalid and the year would end up with
        fewer episodes than are stored now, the load is refused (ValueError): the return did
        not say those episodes are gone, its invalid rows did.
        """
        skipped = sum(1 for s in result.skipped_rows if s.table == "episodes")
        episodes = tables.get("episodes")
        if not skipped or episodes is None or "ssda903_episodes" not in self.tables():
            return
        stored = dict(
            self.con.execute(
                'SELECT "YEAR", count(*) FROM ssda903_episodes WHERE "LA" = ? GROUP BY 1', [la]
            ).fetchall()
        )
        incoming = pc.value_counts(episodes.column("YEAR")).to_pylist()
        for item in incoming:
            year, count = item["values"], item["counts"]
            if count < stored.get(year, 0):
                raise ValueError(
                    f"the return for {year} would leave {count} episodes stored for {la} where "
                    f"{stored[year]} are now, because {skipped} invalid episode row(s) were "
                    "skipped: nothing loaded (correct those rows, or load without --skip-invalid)"
                )

    def load_cin(self, result: ReadResult, la: str | None = None) -> dict[str, int]:
        """Load a CIN census read result.

        The LA comes from the census header (``children.LA``, the LEA code) unless ``la`` is
        given, which then labels every row (use it to store the ONS code). Other tables get
        their child's LA by joining ``children`` on CHILD and YEAR.
        """
        tables = _loadable(result)
        children = tables.get("children")
        if children is None:
            return {}
        if la is not None:
            tables = {name: _with_la(table, la) for name, table in tables.items()}
        else:
            self.con.register("_cin_children_in", children)
            try:
                for name, table in list(tables.items()):
                    if name == "children" or "LA" in table.column_names:
                        continue
                    self.con.register("_cin_in", table)
                    tables[name] = fetch_arrow(
                        self.con.execute(
                            "SELECT t.*, c.LA FROM _cin_in t "
                            'LEFT JOIN (SELECT DISTINCT "CHILD", "YEAR", "LA" FROM _cin_children_in) c '
                            'USING ("CHILD", "YEAR")'
                        )
                    )
                    self.con.unregister("_cin_in")
            finally:
                self.con.unregister("_cin_children_in")
        las = [v for v in pc.unique(tables["children"].column("LA")).to_pylist() if v is not None]
        return self._replace("cin", tables, _years(tables), las)

    def load_annex_a(self, result: ReadResult, la: str, year: int | None = None) -> dict[str, int]:
        """Load an Annex A read result for ``la``; ``year`` labels lists that carry no YEAR.

        Annex A is a snapshot for an inspection, not a collection year: the caller says which
        year (ending 31 March) it stands for.
        """
        tables = {}
        for name, table in _loadable(result).items():
            if "YEAR" not in table.column_names:
                if year is None:
                    raise ValueError("Annex A lists carry no YEAR: pass year=")
                table = table.add_column(0, "YEAR", pa.array([year] * table.num_rows, pa.int64()))
            tables[name] = _with_la(table, la)
        return self._replace("annex_a", tables, _years(tables), [la])

    def load_population(self, table: PopulationTable, year: int) -> int:
        """Load ONS mid-year estimates (persons by single year of age) as ``population``.

        ``year`` is the estimate's mid-year (mid-2023 is 2023). Indicators for the collection
        year ending 31 March Y use the mid-(Y-1) estimate, else the nearest earlier one, else the
        earliest loaded (see ``base.population_sql``). Area names go to ``areas``.
        """
        las, ages, counts, names = [], [], [], []
        for code, area in table.areas.items():
            names.append((code, area.name))
            top = len(area.by_age)
            las.extend([code] * top)
            ages.extend(range(top))
            counts.extend(area.by_age)
        population = pa.table(
            {
                "la": pa.array(las, pa.string()),
                "age": pa.array(ages, pa.int32()),
                "sex": pa.nulls(len(las), pa.string()),
                "count": pa.array(counts, pa.int64()),
                "year": pa.array([year] * len(las), pa.int32()),
            }
        )
        areas = pa.table(
            {
                "la": pa.array([n[0] for n in names], pa.string()),
                "name": pa.array([n[1] for n in names], pa.string()),
            }
        )
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.register("_population_in", population)
            con.register("_areas_in", areas)
            con.execute(
                "CREATE TABLE IF NOT EXISTS population AS SELECT * FROM _population_in LIMIT 0"
            )
            con.execute("DELETE FROM population WHERE year = ?", [year])
            con.execute("INSERT INTO population BY NAME SELECT * FROM _population_in")
            con.execute("CREATE TABLE IF NOT EXISTS areas AS SELECT * FROM _areas_in LIMIT 0")
            con.execute("DELETE FROM areas WHERE la IN (SELECT la FROM _areas_in)")
            con.execute("INSERT INTO areas BY NAME SELECT * FROM _areas_in")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("_population_in")
            con.unregister("_areas_in")
        return population.num_rows

    def load_tables(self, prefix: str, tables: dict[str, pa.Table]) -> dict[str, int]:
        """Load ready-made tables that already carry LA and YEAR (synthetic data, tests)."""
        las: set[str] = set()
        for table in tables.values():
            las.update(v for v in pc.unique(table.column("LA")).to_pylist() if v is not None)
        return self._replace(prefix, tables, _years(tables), sorted(las))

    def _replace(
        self, prefix: str, tables: dict[str, pa.Table], years: list[int], las: Sequence[str]
    ) -> dict[str, int]:
        """In one transaction: drop the (LA, YEAR) rows of every ``prefix_*`` table, insert."""
        con = self.con
        self._years = None
        loaded: dict[str, int] = {}
        existing = [t for t in self.tables() if t.startswith(prefix + "_")]
        con.execute("BEGIN TRANSACTION")
        try:
            for name in sorted(set(existing) | {f"{prefix}_{n}" for n in tables}):
                table = tables.get(name[len(prefix) + 1 :])
                if table is not None:
                    if not _NAME.match(name):
                        raise ValueError(f"not a table name: {name!r}")
                    con.register("_incoming", table)
                    con.execute(
                        f"CREATE TABLE IF NOT EXISTS {name} AS SELECT * FROM _incoming LIMIT 0"
                    )
                    have = {row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()}
                    for column in table.column_names:
                        if column not in have:
                            kind = con.execute(
                                f'SELECT typeof("{column}") FROM _incoming LIMIT 1'
                            ).fetchone()
                            con.execute(
                                f'ALTER TABLE {name} ADD COLUMN "{column}" '
                                f"{kind[0] if kind else 'VARCHAR'}"
                            )
                if name in existing or table is not None:
                    con.execute(
                        f'DELETE FROM {name} WHERE "LA" IN (SELECT unnest(?)) '
                        'AND "YEAR" IN (SELECT unnest(?))',
                        [list(las), years],
                    )
                if table is not None:
                    con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _incoming")
                    con.unregister("_incoming")
                    loaded[name] = table.num_rows
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return loaded

    # -- reading ------------------------------------------------------------------------------

    def tables(self) -> list[str]:
        """Names of the tables the store holds."""
        return [
            row[0]
            for row in self.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name"
            ).fetchall()
        ]

    def years(self, prefix: str = "ssda903") -> list[int]:
        """Collection years loaded for a return (from its first table)."""
        names = [t for t in self.tables() if t.startswith(prefix + "_")]
        if not names:
            return []
        rows = self.con.execute(f'SELECT DISTINCT "YEAR" FROM {names[0]} ORDER BY 1').fetchall()
        return [int(r[0]) for r in rows]

    def area_names(self) -> dict[str, str]:
        """Area names by code, from the loaded population estimates (empty when none)."""
        if "areas" not in self.tables():
            return {}
        return dict(self.con.execute("SELECT la, name FROM areas").fetchall())

    def compute(
        self,
        codes: Iterable[str] | None = None,
        *,
        year: int,
        by: str | None = None,
        revised: bool = False,
    ) -> pa.Table:
        """Run indicators (all registered ones by default) for ``year`` and stack the results.

        Returns the totals, plus the ``by`` breakdown rows when ``by`` is given. With
        ``codes=None`` an indicator that cannot be broken down by ``by`` gives its total only;
        a code asked for by name raises ValueError then, as does an unknown code.

        SSDA903 figures for ``year`` come from the return for ``year`` (earlier returns give
        history before 1 April only; docs/indicators-returns.md). When that return is not
        loaded, an SSDA903 indicator asked for by name raises :class:`ReturnNotLoaded`, and
        with ``codes=None`` the SSDA903 indicators are left out (see :meth:`missing_return`).
        ``revised=True`` lets returns for later years correct the figure.
        """
        from cyplan.analytics.indicators._ssda903 import REVISED

        load_all()
        chosen = sorted(REGISTRY) if codes is None else list(codes)
        unknown = [c for c in chosen if c not in REGISTRY]
        if unknown:
            raise ValueError(
                f"unknown indicator code(s): {', '.join(unknown)}; known: {', '.join(sorted(REGISTRY))}"
            )
        missing = self.missing_return(year)
        parts = [empty_result()]
        token = REVISED.set(revised)
        session = self.prepared(year, revised=revised) if not missing else nullcontext()
        try:
            session.__enter__()
            for code in chosen:
                indicator = REGISTRY[code]
                if missing and is_ssda903(code):
                    if codes is not None:
                        raise ReturnNotLoaded(missing)
                    continue
                parts.append(indicator(self.con, year, None))
                if by is not None:
                    try:
                        parts.append(indicator(self.con, year, by))
                    except ValueError:
                        if codes is not None:
                            raise
        finally:
            session.__exit__(None, None, None)
            REVISED.reset(token)
        return pa.concat_tables(parts)

    def prepared(self, year: int, *, revised: bool = False):
        """A block in which the year's SSDA903 episodes are worked out once for every
        indicator (``with store.prepared(2024): store.compute(...)`` several times)."""
        from cyplan.analytics.indicators._ssda903 import loaded_years
        from cyplan.analytics.indicators.placements import materialise

        if int(year) not in loaded_years(self.con):
            return nullcontext()
        return materialise(self.con, year, revised)

    def missing_return(self, year: int) -> str | None:
        """Why SSDA903 figures for ``year`` cannot be computed, or None when they can.

        None also when no SSDA903 return is loaded at all (the figures are simply empty).
        """
        from cyplan.analytics.indicators._ssda903 import loaded_years

        if self._years is None:
            self._years = loaded_years(self.con)
        years = self._years
        if not years or int(year) in years:
            return None
        return (
            f"the SSDA903 return for {year} (the year ending 31 March {year}) is not loaded: "
            f"figures for a year come from that year's own return (loaded: "
            f"{', '.join(str(y) for y in years)}). Load it with "
            f"`cyplan returns load ssda903 PATH --la CODE --year {year}`"
        )


class ReturnNotLoaded(ValueError):
    """The return a figure needs (that year's own) is not in the store."""


def is_ssda903(code: str) -> bool:
    """Whether the indicator ``code`` is computed from the SSDA903."""
    module = getattr(REGISTRY.get(code), "__module__", "")
    return module.rsplit(".", 1)[-1] in ("cla", "placements", "care_leavers")


def _loadable(result: ReadResult) -> dict[str, pa.Table]:
    """The tables of a read result that can be loaded; refuses a result that is not ok."""
    if not result.ok:
        raise ValueError(
            f"the return has {len(result.problems)} problem(s) and was not read: nothing loaded"
        )
    return {name.lower(): table for name, table in result.tables.items()}


def _with_la(table: pa.Table, la: str) -> pa.Table:
    """The table with an ``LA`` column set to ``la`` (replacing one the reader gave)."""
    column = pa.array([la] * table.num_rows, pa.string())
    if "LA" in table.column_names:
        return table.set_column(table.column_names.index("LA"), "LA", column)
    return table.append_column("LA", column)


def _years(tables: dict[str, pa.Table]) -> list[int]:
    """Every collection year present in any of the tables."""
    years: set[int] = set()
    for table in tables.values():
        years.update(int(v) for v in pc.unique(table.column("YEAR")).to_pylist() if v is not None)
    return sorted(years)
