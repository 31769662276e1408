"""Keep the Indicator table in step with the packaged catalogue."""

from __future__ import annotations

from functools import cache

from cyplan.analytics.catalogue import Catalogue, load_catalogue
from cyplan.analytics.catalogue import Indicator as CatalogueIndicator
from cyplan.outcomes.models import Indicator


@cache
def catalogue() -> Catalogue:
    return load_catalogue()


def definition(code: str) -> CatalogueIndicator | None:
    """The catalogue's definition of an indicator, or None for a plain (imported) indicator."""
    known = catalogue()
    return known.get(code) if code in known else None


def sync_catalogue() -> dict[str, Indicator]:
    """Create or update an Indicator row for every catalogue entry; return them by code."""
    rows = {i.code: i for i in Indicator.objects.all()}
    for entry in catalogue():
        row = rows.get(entry.code)
        if row is None:
            rows[entry.code] = Indicator.objects.create(
                code=entry.code, title=entry.title, unit=entry.unit, in_catalogue=True
            )
        elif (row.title, row.unit, row.in_catalogue) != (entry.title, entry.unit, True):
            row.title, row.unit, row.in_catalogue = entry.title, entry.unit, True
            row.save()
    return rows
