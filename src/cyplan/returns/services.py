"""Storing the figures the analytical store computes as outcome values (IndicatorValue rows)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from django.db import transaction

from cyplan.outcomes.catalogue_sync import catalogue, sync_catalogue
from cyplan.outcomes.comparison import dimensions_key
from cyplan.outcomes.models import AreaLevel
from cyplan.outcomes.storing import upsert_values

FIELDS = ("area_name", "area_level", "dimensions", "is_total", "value", "numerator",
          "denominator", "source")  # fmt: skip


@dataclass
class StoreSummary:
    """How many values a compute run created, changed and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} changed, {self.unchanged} unchanged values"


def source_label(code: str, year: int) -> str:
    """``Computed from SSDA903 2024``: the catalogue's source return and the year."""
    entry = {e.code: e for e in catalogue()}.get(code)
    return f"Computed from {entry.source if entry else 'statutory returns'} {year}"


@transaction.atomic
def store_results(results: pa.Table, area_names: dict[str, str] | None = None) -> StoreSummary:
    """Create or update one IndicatorValue per result row, in one transaction.

    A row is matched on indicator, area, period and breakdown, so running the same compute
    again changes nothing and a corrected return updates the figures in place. Breakdown rows
    have ``dimensions`` ``{"breakdown": <characteristic>, "group": <group>}``, is_total False.
    """
    indicators = sync_catalogue()
    names = area_names or {}
    wanted: dict[tuple, dict] = {}
    for row in results.to_pylist():
        dims = {"breakdown": row["breakdown"], "group": row["group"]} if row["breakdown"] else {}
        key = (row["code"], row["la"], str(row["year"]), dimensions_key(dims) or "")
        wanted[key] = {
            "area_name": names.get(row["la"], row["la"]),
            "area_level": AreaLevel.LOCAL_AUTHORITY,
            "dimensions": dims,
            "is_total": not row["breakdown"],
            "value": row["value"],
            "numerator": row["numerator"],
            "denominator": row["denominator"],
            "source": source_label(row["code"], row["year"]),
        }
    summary = StoreSummary()
    summary.created, summary.updated, summary.unchanged = upsert_values(indicators, wanted, FIELDS)
    return summary
