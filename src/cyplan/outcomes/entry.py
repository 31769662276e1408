"""Entering and correcting an indicator value by hand, with its history in the audit log.

A figure typed in from a published report, or a correction to an imported one, is saved in
one transaction together with an audit entry holding the figure before and after. The
history of a value is its audit entries, newest first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from cyplan.core.audit import record
from cyplan.core.models import AuditEntry
from cyplan.outcomes.catalogue_sync import definition, sync_catalogue
from cyplan.outcomes.models import AreaLevel, IndicatorValue

AREA_CODE = re.compile(r"^[EWSN]\d{8}$")
SYMBOLS = ("c", "x", "z", "low", "u")
#: What a value's history shows and its audit entries keep.
HISTORY_FIELDS = (
    "area_name",
    "period",
    "value",
    "numerator",
    "denominator",
    "symbol",
    "source",
    "note",
)


@dataclass(frozen=True)
class ValueInput:
    area_code: str
    area_name: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    symbol: str
    source: str
    note: str = ""


def area_level(code: str) -> str:
    """The level of an area from its official code (E92 country, E12 region, LA codes)."""
    if code.startswith(("E92", "W92", "S92", "N92")):
        return AreaLevel.NATIONAL
    if code.startswith("E12"):
        return AreaLevel.REGIONAL
    if code[:3] in {"E06", "E07", "E08", "E09", "E10", "W06", "S12", "N09"}:
        return AreaLevel.LOCAL_AUTHORITY
    return AreaLevel.OTHER


def check(code: str, data: ValueInput) -> dict[str, list[str]]:
    """Every problem with a figure, by field; empty when it can be saved."""
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    entry = definition(code)
    if entry is None:
        add("__all__", f"There is no indicator '{code}' in the catalogue")
        return problems
    if not AREA_CODE.match(data.area_code):
        add("area_code", "Enter the area's official code: a letter and 8 digits, like E09000006")
    if not data.period.strip():
        add("period", "Enter the period, as the source writes it, like 2024 or 2023/24")
    if data.symbol and data.symbol not in SYMBOLS:
        add("symbol", "Choose c, x, z, low or u, or leave it blank")
    if data.value is None and not data.symbol:
        if data.numerator is None or data.denominator is None or entry.unit == "count":
            add("value", "Enter the figure, or a symbol such as x (not available)")
    if data.value is not None and data.symbol in ("c", "x", "z"):
        add(
            "symbol",
            f"A figure with the symbol '{data.symbol}' has no value: leave one of them blank",
        )
    for name in ("value", "numerator", "denominator"):
        number = getattr(data, name)
        if number is not None and number < 0:
            add(name, f"The {name} cannot be negative")
    if data.numerator is not None and data.denominator is not None:
        if data.denominator == 0:
            add("denominator", "The denominator cannot be 0")
        elif entry.unit == "percent" and data.numerator > data.denominator:
            add("numerator", "The numerator cannot be more than the denominator for a percentage")
    if entry.unit == "percent" and data.value is not None and data.value > 100:
        add("value", "A percentage cannot be more than 100")
    if not data.source.strip():
        add(
            "source",
            "Say where the figure comes from, like 'DfE Children looked after 2024, table A1'",
        )
    return problems


def _computed(code: str, data: ValueInput) -> float | None:
    """The value, worked out from the counts when it was left blank."""
    if data.value is not None or data.numerator is None or not data.denominator:
        return data.value
    return round(data.numerator / data.denominator * definition(code).multiplier, 1)


def snapshot(value: IndicatorValue | None) -> dict | None:
    if value is None:
        return None
    return {name: getattr(value, name) for name in HISTORY_FIELDS}


def existing_value(code: str, area_code: str, period: str) -> IndicatorValue | None:
    """The headline (total) figure already held for this indicator, area and period."""
    return IndicatorValue.objects.filter(
        indicator__code=code, area_code=area_code, period=period.strip(), dimensions_key=""
    ).first()


def save_value(
    actor, code: str, data: ValueInput, *, value: IndicatorValue | None = None
) -> IndicatorValue:
    """Enter a new headline figure, or correct ``value`` (or the figure already held).

    A correction must say why (``note``). Raises ValidationError with every problem; nothing
    is written then.
    """
    problems = check(code, data)
    target = value or existing_value(code, data.area_code, data.period)
    if target is not None and not data.note.strip():
        problems.setdefault("note", []).append(
            "Say why you are correcting the figure: the reason is kept in its history"
        )
    if value is not None and existing_value(code, data.area_code, data.period) not in (None, value):
        problems.setdefault("period", []).append(
            "There is already a figure for that area and period: correct that one instead"
        )
    if problems:
        raise ValidationError(problems)
    fields = {
        "area_code": data.area_code,
        "area_name": data.area_name.strip() or data.area_code,
        "area_level": area_level(data.area_code),
        "period": data.period.strip(),
        "value": _computed(code, data),
        "numerator": data.numerator,
        "denominator": data.denominator,
        "symbol": data.symbol,
        "source": data.source.strip(),
        "note": data.note.strip(),
        "entered_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    with transaction.atomic():
        before = snapshot(target)
        if target is None:
            target = IndicatorValue.objects.create(
                indicator=sync_catalogue()[code],
                dimensions={},
                dimensions_key="",
                is_total=True,
                **fields,
            )
            action = "value entered"
        else:
            target = IndicatorValue.objects.select_for_update().get(pk=target.pk)
            for name, new in fields.items():
                setattr(target, name, new)
            target.save()
            action = "value corrected"
        record(actor, action, target, before=before, after=snapshot(target))
    return target


def history(value: IndicatorValue) -> list[AuditEntry]:
    """Every recorded change to a figure, newest first."""
    return list(AuditEntry.objects.filter(object_type="indicatorvalue", object_id=str(value.pk)))


def set_target(actor, code: str, area_code: str, value: float, *, period: str = "", note: str = ""):
    """Set (or change) the target for an indicator in an area; recorded in the audit log."""
    from cyplan.outcomes.models import IndicatorTarget

    problems: dict[str, list[str]] = {}
    entry = definition(code)
    if entry is None:
        problems["__all__"] = [f"There is no indicator '{code}' in the catalogue"]
    elif entry.polarity not in ("higher-is-better", "lower-is-better"):
        problems["value"] = [
            "This indicator has no better direction, so a target cannot be met or missed"
        ]
    if not AREA_CODE.match(area_code or ""):
        problems["area_code"] = [
            "Enter the area's official code: a letter and 8 digits, like E09000006"
        ]
    if (
        value is None
        or value < 0
        or (entry is not None and entry.unit == "percent" and value > 100)
    ):
        problems.setdefault("value", []).append(
            "Enter the target as a number (a percentage from 0 to 100)"
        )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        target = IndicatorTarget.objects.filter(
            indicator__code=code, area_code=area_code, period=period.strip()
        ).first()
        before = {"value": target.value, "note": target.note} if target else None
        if target is None:
            target = IndicatorTarget(
                indicator=sync_catalogue()[code], area_code=area_code, period=period.strip()
            )
        target.value, target.note = value, note.strip()
        target.set_by = actor if getattr(actor, "is_authenticated", False) else None
        target.save()
        record(
            actor, "target set", target, before=before, after={"value": value, "note": target.note}
        )
    return target
