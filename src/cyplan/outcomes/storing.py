"""Writing many indicator values at once: create the new ones, update the changed ones, and
leave the rest alone, so that loading the same figures twice changes nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from cyplan.outcomes.models import Indicator, IndicatorValue

#: A value's identity: (indicator code, area code, period, dimensions key).
Key = tuple[str, str, str, str]


def upsert_values(
    indicators: dict[str, Indicator], wanted: dict[Key, dict], fields: Iterable[str]
) -> tuple[int, int, int]:
    """Store ``wanted`` (key -> field values); returns (created, updated, unchanged).

    Values are matched on indicator, area, period and breakdown; an existing value is
    rewritten only when one of ``fields`` differs. The caller holds the transaction.
    """
    fields = tuple(fields)
    existing = {
        (v.indicator.code, v.area_code, v.period, v.dimensions_key): v
        for v in IndicatorValue.objects.filter(
            indicator__code__in={k[0] for k in wanted}, period__in={k[2] for k in wanted}
        ).select_related("indicator")
    }
    new, changed, unchanged = [], [], 0
    for key, values in wanted.items():
        current = existing.get(key)
        if current is None:
            code, area, period, dims = key
            new.append(
                IndicatorValue(
                    indicator=indicators[code], area_code=area, period=period,
                    dimensions_key=dims, **values,
                )
            )  # fmt: skip
        elif any(getattr(current, name) != values[name] for name in fields):
            for name in fields:
                setattr(current, name, values[name])
            changed.append(current)
        else:
            unchanged += 1
    _insert_many(new)
    IndicatorValue.objects.bulk_update(changed, fields, batch_size=2000)
    return len(new), len(changed), unchanged


def _insert_many(values: list[IndicatorValue]) -> None:
    """Insert new values with one prepared statement (``executemany``): much faster than
    ``bulk_create`` for tens of thousands of rows, which SQLite splits into batches of a few
    dozen. Each field's own ``pre_save`` and ``get_db_prep_save`` give the stored value, as
    ``bulk_create`` would."""
    if not values:
        return
    fields = [f for f in IndicatorValue._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    rows = [
        [f.get_db_prep_save(f.pre_save(value, True), connection) for f in fields]
        for value in values
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
