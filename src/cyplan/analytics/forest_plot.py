"""A forest plot of relative rate indices with their intervals, as accessible SVG text.

One row per group: the RRI as a marker, its 95% interval as a whisker, on a log scale with a
solid line at 1 (no difference from the reference group). The marker's shape and the words at
the end of the row give the significance, so colour is never the only cue; the <desc> states
every figure. It follows the rules of ``docs/charts.md`` (role="img", title and desc, no style
attributes, unique ids, viewBox sizing) and reuses :mod:`cyplan.analytics.chart_scales`. Pages
must still show the table beside it.

Example:
    >>> svg = forest_plot([ForestRow("Black", 2.3, 1.9, 2.8, "over-represented")],
    ...                   title="Children in care", id_prefix="rri", reference_label="White British")
    >>> "Black: 2.3 (95% CI 1.9 to 2.8), over-represented" in svg
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cyplan.analytics import chart_scales as cs
from cyplan.analytics import disproportionality as dp
from cyplan.analytics.chart_scales import INK, LinearScale, line, marker, text, truncate

# significance word -> (marker shape, fill)
MARKERS = {
    dp.OVER: ("triangle", cs.DARK_BLUE),
    dp.UNDER: ("triangle-down", cs.DARK_BLUE),
    dp.NOT_SIGNIFICANT: ("diamond", cs.WHITE),
    dp.REFERENCE: ("circle", cs.WHITE),
}
ROW_HEIGHT = 30


@dataclass(frozen=True)
class ForestRow:
    """One group: ``rri`` None (or an interval missing) leaves the row's ``note`` in words."""

    label: str
    rri: float | None
    lower: float | None = None
    upper: float | None = None
    significance: str = dp.NOT_SIGNIFICANT
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("rri", "lower", "upper"):
            value = getattr(self, name)
            if value is not None and (not math.isfinite(value) or value < 0):
                raise ValueError(f"{self.label!r}: {name} must be a finite ratio of 0 or more")
        if self.drawn and not (self.lower <= self.rri <= self.upper):
            raise ValueError(f"{self.label!r}: the RRI must lie inside its interval")

    @property
    def drawn(self) -> bool:
        """True when the row has an RRI and an interval to draw (all above 0)."""
        return (
            self.rri is not None
            and self.lower is not None
            and self.upper is not None
            and self.lower > 0
        )

    @property
    def words(self) -> str:
        """The value column: "2.3 (1.9 to 2.8)", "1 (reference)", or the note."""
        if self.significance == dp.REFERENCE:
            return "1 (reference)"
        if self.drawn:
            lo, hi = dp.format_ratio(self.lower), dp.format_ratio(self.upper)
            return f"{dp.format_ratio(self.rri)} ({lo} to {hi})"
        return self.note or "Cannot be calculated"


def log_ticks(low: float, high: float) -> list[float]:
    """Ticks at powers of 2 (…, 0.25, 0.5, 1, 2, 4, …) covering [low, high] and 1; powers of
    10 when that would need more than 7 ticks.

    Example:
        >>> log_ticks(0.6, 2.8)
        [0.5, 1.0, 2.0, 4.0]
        >>> log_ticks(0.02, 30)
        [0.01, 0.1, 1.0, 10.0, 100.0]
    """
    low, high = min(low, 1.0), max(high, 1.0)
    for base in (2.0, 10.0):
        first = math.floor(math.log(low, base) + 1e-9)
        last = math.ceil(math.log(high, base) - 1e-9)
        if first == last:
            first, last = first - 1, last + 1
        if last - first + 1 <= 7 or base == 10.0:
            return [base**k for k in range(first, last + 1)]
    raise AssertionError("unreachable")  # pragma: no cover


def _tick_text(value: float) -> str:
    """0.125, 0.25, 0.5, 1, 2, 4 ... 1,000: a power of 2 or 10 written exactly."""
    return f"{value:,g}"


def _key(word: str):
    shape, fill = MARKERS[word]
    return lambda x, y: marker(shape, x, y, fill, INK, 1.2)


def describe(rows: Sequence[ForestRow], reference_label: str) -> str:
    """The plot's <desc>: every row's ratio, interval and significance in plain English."""
    parts = []
    for row in rows:
        if row.significance == dp.REFERENCE:
            parts.append(f"{row.label}: the reference group")
        elif row.drawn:
            lo, hi = dp.format_ratio(row.lower), dp.format_ratio(row.upper)
            parts.append(
                f"{row.label}: {dp.format_ratio(row.rri)} (95% CI {lo} to {hi}), {row.significance}"
            )
        else:
            parts.append(f"{row.label}: {(row.note or 'cannot be calculated').lower()}")
    if not rows:
        return "No groups to show."
    return (
        f"Relative rate index compared with {reference_label}, with 95% confidence intervals; "
        "1 means the same rate. " + "; ".join(parts) + "."
    )


def forest_plot(
    rows: Sequence[ForestRow],
    *,
    title: str,
    id_prefix: str,
    reference_label: str,
    width: int = 640,
) -> str:
    """A forest plot: one row per group on a log scale, a solid line at 1, values on the right."""
    cs.check_chart(id_prefix, width, minimum=480)
    rows = list(rows)
    label_right, left, right = width * 0.37, width * 0.39, width * 0.7
    value_x = width * 0.72
    drawn = [r for r in rows if r.drawn]
    ends = [v for r in drawn for v in (r.lower, r.upper)]
    ticks = log_ticks(min(ends, default=1.0), max(ends, default=1.0))
    scale = LinearScale(math.log(ticks[0]), math.log(ticks[-1]), left, right)

    def x(value: float) -> float:
        return scale(math.log(value))

    head = {"font_size": 12, "font_weight": "bold"}
    top = 32
    bottom = top + ROW_HEIGHT * max(1, len(rows))
    body = [
        text(8, 20, "Group", **head),
        text((left + right) / 2, 20, "Relative rate index (log scale)", "middle", **head),
        text(value_x, 20, "RRI (95% CI)", **head),
    ]
    for tick in ticks:
        body.append(line(x(tick), top, x(tick), bottom, cs.MID_GREY, stroke_width=1))
        body.append(text(x(tick), bottom + 18, _tick_text(tick), "middle", font_size=12))
    body.append(line(x(1.0), top - 4, x(1.0), bottom, INK, stroke_width=2))
    max_chars = int((label_right - 8) / cs.CHAR_WIDTH)
    room = int((width - value_x - 8) / (cs.CHAR_WIDTH * 0.86))
    for i, row in enumerate(rows):
        cy = top + ROW_HEIGHT * (i + 0.5)
        weight = "bold" if row.significance == dp.REFERENCE else None
        body.append(
            text(label_right, cy + 5, truncate(row.label, max_chars), "end", font_weight=weight)
        )
        if row.significance == dp.REFERENCE:
            body.append(_key(dp.REFERENCE)(x(1.0), cy))
        elif row.drawn:
            body.append(cs.whisker(x(row.lower), cy, x(row.upper), cy, INK))
            word = row.significance if row.significance in MARKERS else dp.NOT_SIGNIFICANT
            body.append(_key(word)(x(row.rri), cy))
        fill = INK if row.drawn or row.significance == dp.REFERENCE else cs.SECONDARY
        body.append(text(value_x, cy + 5, truncate(row.words, room), fill=fill, font_size=12))
    axis = f"1 = same rate as {reference_label}"
    body.append(
        text((left + right) / 2, bottom + 36, truncate(axis, 48), "middle", fill=cs.SECONDARY)
    )
    used = [
        w
        for w in (dp.OVER, dp.UNDER, dp.NOT_SIGNIFICANT, dp.REFERENCE)
        if any(r.significance == w and (r.drawn or w == dp.REFERENCE) for r in rows)
    ]
    entries = [(w.capitalize(), _key(w)) for w in used]
    if drawn:
        entries.append(
            ("95% confidence interval", lambda px, py: cs.whisker(px - 14, py, px + 14, py, INK))
        )
    legend, legend_rows = cs.legend(entries, 8, width - 8, bottom + 48)
    body.append(legend)
    height = bottom + 56 + 22 * legend_rows
    return cs.svg(id_prefix, (width, height), title, describe(rows, reference_label), body)
