"""Child-level cohorts: counts by group computed from the statutory returns.

The analytical store computes an indicator broken down by a characteristic (children looked
after at 31 March by ethnicity, say); the numerators become the cohort's counts for each LA
and year, replacing what was there, in one transaction. Only counts leave the store.
"""

from __future__ import annotations

from pathlib import Path

from cyplan.analytics import disproportionality as dp
from cyplan.analytics.store import AnalyticalStore
from cyplan.disproportionality.importing import CountRow, ImportSummary, save_counts
from cyplan.disproportionality.models import Cohort


def counts_from_table(
    table, code: str, characteristic: str, names: dict[str, str] | None = None
) -> list[CountRow]:
    """The engine's result table as count rows (the adapter checks every group and count)."""
    names = names or {}
    rows = []
    for (la, year), groups in sorted(
        dp.cohort_from_indicator_table(table, code=code, breakdown=characteristic).items()
    ):
        for group, count in sorted(groups.items()):
            rows.append(CountRow(la, names.get(la, la), year, characteristic, group, count))
    return rows


def counts_from_store(
    cohort: Cohort,
    store_path: str | Path,
    indicator: str,
    year: int,
    characteristic: str = "ethnicity",
) -> ImportSummary:
    """Compute ``indicator`` by ``characteristic`` for ``year`` and store it as the cohort's counts."""
    if not Path(store_path).exists():
        raise ValueError(
            f"no analytical store at {store_path}: load a return first with 'cyplan returns load'"
        )
    store = AnalyticalStore(store_path, read_only=True)
    try:
        table = store.compute([indicator], year=year, by=characteristic)
        names = (
            dict(store.con.execute("select code, name from areas").fetchall())
            if _has_areas(store)
            else {}
        )
    finally:
        store.con.close()
    rows = counts_from_table(table, indicator, characteristic, names)
    if not rows:
        raise ValueError(f"the store has no {indicator} by {characteristic} for {year}")
    if cohort.kind != Cohort.Kind.CHILD_LEVEL or cohort.indicator_code != indicator:
        cohort.kind, cohort.indicator_code = Cohort.Kind.CHILD_LEVEL, indicator
        cohort.save(update_fields=["kind", "indicator_code"])
    return save_counts(rows, cohort=cohort, source=f"computed from the returns: {indicator} {year}")


def _has_areas(store: AnalyticalStore) -> bool:
    return bool(
        store.con.execute(
            "select count(*) from information_schema.tables where table_name = 'areas'"
        ).fetchone()[0]
    )
