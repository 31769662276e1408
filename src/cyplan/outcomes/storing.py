"""Writing many indicator values at once: create the new ones, update the changed ones, and
leave the rest alone, so that loading the same figures twice changes nothing."""

from __future__ import annotations

from collections.abc import Iterable

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
    IndicatorValue.objects.bulk_create(new, batch_size=2000)
    IndicatorValue.objects.bulk_update(changed, fields, batch_size=2000)
    return len(new), len(changed), unchanged
