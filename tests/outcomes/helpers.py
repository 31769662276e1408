"""Indicator values built in code for outcomes tests."""

from cyplan.outcomes.catalogue_sync import sync_catalogue
from cyplan.outcomes.models import AreaGroup, IndicatorValue

BROMLEY, LONDON, ENGLAND = "E09000006", "E12000007", "E92000001"


def value(
    code,
    area,
    period,
    value=None,
    numerator=None,
    denominator=None,
    *,
    name=None,
    level="local_authority",
    region="",
    symbol="",
    dimensions=None,
):
    indicators = sync_catalogue()
    dims = dimensions or {}
    return IndicatorValue.objects.create(
        indicator=indicators[code],
        area_code=area,
        area_name=name or area,
        area_level=level,
        region_code=region,
        period=period,
        value=value,
        numerator=numerator,
        denominator=denominator,
        symbol=symbol,
        dimensions=dims,
        dimensions_key="|".join(f"{k}={v}" for k, v in sorted(dims.items())),
        is_total=not dims,
        source="test",
    )


def neighbours(anchor, members):
    return AreaGroup.objects.create(
        kind="statistical-neighbours", anchor_code=anchor, name="neighbours", members=members
    )
