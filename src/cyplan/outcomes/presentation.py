"""How a figure is shown: one place where every outcomes page, export and report applies
disclosure control.

For the public, counts from 1 to the threshold minus one are shown as ``c``, and a rate or
percentage built on such a count is ``c`` too. Signed-in staff with permission see the real
figures, marked "not suppressed" where the public would see ``c``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from cyplan.analytics.disclosure import disclose_count, suppress_rate, suppress_table
from cyplan.outcomes.comparison import format_number

SYMBOL_WORDS = {
    "c": "suppressed to protect confidentiality",
    "x": "not available",
    "z": "not applicable",
    "low": "rounds to zero",
    "u": "low reliability",
}


@dataclass(frozen=True)
class Shown:
    value: str
    numerator: str
    denominator: str
    suppressed: bool
    revealed_to_staff: bool

    @property
    def csv_value(self) -> str:
        return self.value


def threshold() -> int:
    return settings.CYPLAN_DISCLOSURE_THRESHOLD


def _text(result, unit: str = "") -> str:
    shown = result.shown
    if isinstance(shown, str):
        return shown
    if shown is None:
        return ""
    return format_number(float(shown)) + ("%" if unit == "percent" else "")


def present(value, unit: str, *, public: bool) -> Shown:
    """Apply disclosure control to one figure (an IndicatorValue or a comparison Figure)."""
    limit = threshold()
    if getattr(value, "symbol", "") and value.value is None:
        return Shown(value.symbol, "", "", value.symbol == "c", False)
    numerator, denominator = counts_shown(value.numerator, value.denominator, limit, public)
    if unit == "count":
        main = disclose_count(_count(value.value), limit, public)
    else:
        main = suppress_rate(numerator, denominator, value.value, limit, public)
        if value.value is None:
            main = disclose_count(None, limit, public)
    suppressed = main.suppressed or numerator.suppressed or denominator.suppressed
    shown_value = (
        _text(main, unit) if value.value is not None else (getattr(value, "symbol", "") or "x")
    )
    return Shown(
        value=shown_value,
        numerator=_text(numerator) if value.numerator is not None else "",
        denominator=_text(denominator) if value.denominator is not None else "",
        suppressed=suppressed and public,
        revealed_to_staff=suppressed and not public,
    )


def counts_shown(numerator, denominator, limit: int, public: bool):
    """Disclosure control of a numerator and its denominator, complement included.

    When the numerator is part of the denominator (x of n), showing both shows n − x too: 98
    of 100 gives away the 2 not counted. The complement is audited as an unpublished part of
    the denominator (``suppress_table``), so a small one hides the numerator as well.
    """
    x, n = _count(numerator), _count(denominator)
    if isinstance(x, int) and isinstance(n, int) and 0 <= x <= n:
        cells = {"numerator": x, "denominator": n, "rest": n - x}
        result = suppress_table(
            cells, [("denominator", ("numerator", "rest"))], limit, public, unpublished=["rest"]
        )
        return result["numerator"], result["denominator"]
    return disclose_count(x, limit, public), disclose_count(n, limit, public)


def _count(number):
    if number is None:
        return None
    return int(number) if float(number).is_integer() else number


def disclosed_json(comparison, *, public: bool) -> dict:
    """A comparison as JSON after the pages' disclosure control (``cyplan indicators compare``).

    For the public (the default) a figure on a small count, or whose complement is small, is
    ``c`` with its numerator or denominator as the pages show them, and nothing is said about
    it: no interval, comparison, rank, trend or target. A trend whose five points include a
    suppressed one keeps its direction but not its statistic, from which a hidden count could
    be worked out. ``public=False`` (``--unsuppressed``, staff only) gives every figure, marked.
    """
    data = comparison.as_json()
    unit = comparison.unit
    shown = present(comparison.area, unit, public=public)
    limit = threshold()
    data["disclosure"] = {
        "public": public,
        "threshold": limit,
        "suppressed": shown.suppressed or shown.revealed_to_staff,
        "note": (
            f"Counts from 1 to {limit - 1}, and figures that would reveal them, are shown as c."
            if public
            else "UNSUPPRESSED: for staff only, not for publication."
        ),
    }
    if not public:
        return data
    history = getattr(comparison, "history", [])
    if any(present(figure, unit, public=True).suppressed for _, figure in history[-5:]):
        if data["trend"] is not None:
            data["trend"]["statistic"] = None
    if not shown.suppressed:
        return data

    data["value"] = "c"
    data["symbol"] = "c"
    data["numerator"] = _json_count(shown.numerator)
    data["denominator"] = _json_count(shown.denominator)
    for key in ("lower95", "upper95", "lower998", "upper998"):
        data[key] = None
    for bench in data["benchmarks"]:
        bench["comparison"] = None
    data["neighbours"] = None
    data["trend"] = None
    data["target"] = None
    data["interval"] = {**data["interval"], "method": None, "levels": []}
    area = comparison.area
    data["summary"] = (
        f"{area.area_name}: the figure for {area.period} is suppressed (c) to protect "
        "confidentiality; it is not compared."
    )
    return data


def _json_count(text: str):
    """A shown count as JSON: a number, or the symbol (c) when hidden, None when not given."""
    if text == "":
        return None
    plain = text.replace(",", "")
    try:
        return int(plain)
    except ValueError:
        try:
            return float(plain)
        except ValueError:
            return plain
