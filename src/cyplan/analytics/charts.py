"""Accessible charts as SVG text, for web pages, PDFs (WeasyPrint) and Word reports.

``line_chart`` (a trend), ``bar_chart`` (areas ranked), ``spine_chart`` (an area against England's
spread, PHE style) and ``sparkline`` (for a table cell) each return one ``<svg>`` string with
role="img", a <title> and a <desc> stating the data; presentation attributes only (no style, no
script: a strict CSP allows it); shapes, dashes, hatching and words as well as colour; all text
escaped; the same string for the same input. Pages must still show the data table beside every
chart. Scales, formats and drawing helpers: :mod:`cyplan.analytics.chart_scales`; rules:
``docs/charts.md``.

Example:
    >>> svg = line_chart([Series("Bromley", [Point("2019", 45), Point("2023", 43)])],
    ...                  title="Rate", y_label="Rate per 10,000", id_prefix="rate")
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"'), "fell from 45 in 2019" in svg
    (True, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cyplan.analytics import chart_scales as cs
from cyplan.analytics import stats
from cyplan.analytics.chart_scales import INK, LinearScale, el, line, marker, text, truncate
from cyplan.analytics.chart_scales import format_number as num
from cyplan.analytics.stats import check_polarity, is_missing

KINDS = ("area", "comparator", "england", "region", "target")
SUPPRESSED = "c"  # Point.note marking a suppressed value
SERIES_SHAPES = tuple(cs.SHAPES)  # series i gets shape i, so at most six series
THIS_AREA = " (this area)"
# Spine-chart comparison word -> (marker shape, fill).
COMPARISON_MARKERS = {
    stats.BETTER: ("circle", cs.GREEN),
    stats.SIMILAR: ("diamond", cs.SECONDARY),
    stats.WORSE: ("square", cs.RED),
    stats.HIGHER: ("triangle", cs.BLUE),
    stats.LOWER: ("triangle-down", cs.DARK_BLUE),
    stats.NOT_COMPARED: ("circle", cs.WHITE),
}

KIND_STYLES = {
    "area": cs.Style(cs.DARK_BLUE, 3, None),
    "england": cs.Style(cs.SECONDARY, 2, "8 4"),
    "region": cs.Style(cs.BLUE, 2, "2 3"),
    "target": cs.Style(cs.GREEN, 1.5, "5 3"),
    "comparator": cs.Style(cs.PINK, 2, "12 4 3 4"),
}
# Taken in order when a kind's dash pattern is already used (two comparators, say).
SPARE_STYLES = (
    cs.Style(cs.PURPLE, 2, "16 4"),
    cs.Style(cs.RED, 2, "3 3 9 3"),
    cs.Style(cs.PINK, 2, "1 4"),
    cs.Style(cs.BLUE, 2, "10 2 2 2"),
    cs.Style(cs.GREEN, 2, "6 2 1 2"),
)


def _styles_for(kinds: list[str]) -> list[cs.Style]:
    """One style per series kind, no two with the same dash pattern."""
    styles: list[cs.Style] = []
    for kind in kinds:
        style = KIND_STYLES[kind]
        if style.dash in {s.dash for s in styles}:
            style = next(s for s in SPARE_STYLES if s.dash not in {t.dash for t in styles})
        styles.append(style)
    return styles


@dataclass(frozen=True)
class Point:
    """One value: ``value=None`` (or NaN) is missing, suppressed when ``note`` is "c"."""

    label: str
    value: float | None
    lower: float | None = None
    upper: float | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        for name in ("value", "lower", "upper"):
            v = getattr(self, name)
            if not is_missing(v) and not math.isfinite(v):
                raise ValueError(f"{self.label!r}: {name} must be finite, not {v!r}")
        if self.interval and self.lower > self.upper:
            raise ValueError(f"{self.label!r}: lower {self.lower} is above upper {self.upper}")

    @property
    def shown(self) -> bool:
        return not is_missing(self.value)

    @property
    def interval(self) -> tuple[float, ...]:
        """(lower, upper) when the value and both limits are there, else ()."""
        if self.shown and not is_missing(self.lower) and not is_missing(self.upper):
            return (self.lower, self.upper)
        return ()

    @property
    def absence(self) -> str:
        return f"{self.label} (suppressed)" if self.note == SUPPRESSED else self.label


@dataclass(frozen=True)
class Series:
    """A line on a trend chart; ``kind`` (one of KINDS) sets its colour, width and dashes."""

    name: str
    points: list[Point]
    kind: str = "area"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        labels = [p.label for p in self.points]
        if len(set(labels)) != len(labels):
            raise ValueError(f"series {self.name!r} has a label twice")


@dataclass(frozen=True)
class SpineRow:
    """One indicator on a spine chart; with polarity "none", ``worst`` is the lowest value."""

    label: str
    value: float | None
    england: float | None
    worst: float | None
    q1: float | None
    q3: float | None
    best: float | None
    polarity: str | None
    comparison: str

    def __post_init__(self) -> None:
        polarity = check_polarity(self.polarity)
        if self.comparison not in COMPARISON_MARKERS:
            raise ValueError(f"{self.label!r}: unknown comparison {self.comparison!r}")
        if (
            self.drawable
            and self.best != self.worst
            and (self.best < self.worst) != (polarity == stats.LOWER_IS_BETTER)
        ):
            raise ValueError(f"{self.label!r}: worst and best are the wrong way round")

    @property
    def drawable(self) -> bool:
        return not any(is_missing(v) for v in (self.england, self.worst, self.best))


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    y_label: str,
    unit: str = "",
    id_prefix: str,
    y_min: float | None = None,
    y_max: float | None = None,
    width: int = 640,
    height: int = 320,
) -> str:
    """A trend chart: one line per series over the union of their labels (first seen first).

    The y axis has nice ticks covering the values, their intervals, ``y_max`` and zero (or
    ``y_min`` instead of zero when given): ``y_min`` and ``y_max`` widen the axis, never clip.
    Missing values leave gaps; the height grows if the legend needs more room.
    """
    cs.check_chart(id_prefix, width)
    series = list(series)
    if len(series) > len(SERIES_SHAPES):
        raise ValueError(f"at most {len(SERIES_SHAPES)} series, not {len(series)}")
    if y_min is not None and y_max is not None and y_min >= y_max:
        raise ValueError(f"y_min {y_min} must be below y_max {y_max}")
    labels = list(dict.fromkeys(p.label for one in series for p in one.points))
    styles = _styles_for([one.kind for one in series])
    data = [v for one in series for p in one.points if p.shown for v in (p.value, *p.interval)]
    ticks, places = cs.axis_ticks(data, 0.0 if y_min is None else y_min, y_max)
    tick_texts = [num(t, places) for t in ticks]
    left, right = 16 + cs.CHAR_WIDTH * max(map(len, tick_texts)), width - 16
    entries = [
        (truncate(one.name, (right - left - 64) // cs.CHAR_WIDTH), _series_key(style, shape))
        for one, style, shape in zip(series, styles, SERIES_SHAPES, strict=False)
    ]
    if any(p.interval for one in series for p in one.points):
        entries.append(("Confidence interval", lambda x, y: cs.whisker(x, y - 8, x, y + 8, INK)))
    rows = cs.legend(entries, left, right, 0)[1]
    top, bottom = 32, max(112, height - 36 - 22 * rows)
    height = bottom + 36 + 22 * rows
    y = LinearScale(ticks[0], ticks[-1], bottom, top)
    slot = (right - left) / max(1, len(labels))
    x_of = {label: left + slot * (i + 0.5) for i, label in enumerate(labels)}

    axis_label = truncate(y_label, (width - 16) // cs.CHAR_WIDTH)
    body = [text(8, 18, axis_label, font_weight="bold")] if y_label else []
    for tick, tick_text in zip(ticks, tick_texts, strict=True):
        body.append(line(left, y(tick), right, y(tick), cs.MID_GREY, stroke_width=1))
        body.append(text(left - 8, y(tick) + 5, tick_text, "end"))
    if ticks[0] < 0 < ticks[-1]:
        body.append(line(left, y(0), right, y(0), INK, stroke_width=1.5))
    body.append(line(left, bottom, right, bottom, INK))
    longest = min(12, max((len(label) for label in labels), default=1))
    every = max(1, math.ceil((cs.CHAR_WIDTH * longest + 8) / slot))
    for label in labels[::every]:
        short = truncate(label, int((slot * every - 8) / cs.CHAR_WIDTH))
        body.append(text(x_of[label], bottom + 20, short, "middle"))
    for one, style, shape in zip(series, styles, SERIES_SHAPES, strict=False):
        places = [(x_of[p.label], y(p.value)) if p.shown else None for p in one.points]
        parts = [cs.polyline(places, style)]
        for p in one.points:
            if p.interval:
                lower, upper = y(p.interval[0]), y(p.interval[1])
                parts.append(cs.whisker(x_of[p.label], lower, x_of[p.label], upper, style.colour))
        for p in one.points:
            if p.shown:
                parts.append(marker(shape, x_of[p.label], y(p.value), style.colour, style.colour))
        body.append(el("g", {"class": "cyplan-chart__series"}, "".join(parts)))
    if not data:
        body.append(text((left + right) / 2, (top + bottom) / 2, "No values to show", "middle"))
    body.append(cs.legend(entries, left, right, bottom + 36)[0])
    desc = cs.describe_trend(series, y_label, unit)
    return cs.svg(id_prefix, (width, height), title, desc, body)


def _series_key(style: cs.Style, shape: str) -> Callable[[float, float], str]:
    """The legend key of a series: a sample of its line with its marker on it."""
    dashes = {"stroke_width": style.width, "stroke_dasharray": style.dash}
    return lambda x, y: (
        line(x - 18, y, x + 18, y, style.colour, **dashes)
        + marker(shape, x, y, style.colour, style.colour)
    )


def _bar_label(label: str, mine: bool, max_chars: int) -> str:
    if not mine:
        return truncate(label, max_chars)
    return truncate(label, max(1, max_chars - len(THIS_AREA))) + THIS_AREA


def bar_chart(
    bars: Sequence[Point],
    *,
    title: str,
    unit: str = "",
    id_prefix: str,
    highlight: str | None = None,
    reference_lines: Sequence[tuple[str, float]] = (),
    horizontal: bool = True,
    width: int = 640,
) -> str:
    """Bars from zero in the order given (rank them first), intervals as whiskers.

    The ``highlight`` bar is hatched, thickly outlined and labelled "(this area)"; each
    reference line (name, value) is dashed and labelled with its name and value. The height
    grows with the number of bars.
    """
    cs.check_chart(id_prefix, width, minimum=320)
    bars = list(bars)
    refs = [(str(name), float(value)) for name, value in reference_lines]
    if highlight is not None and highlight not in {b.label for b in bars}:
        raise ValueError(f"highlight {highlight!r} is not one of the bar labels")
    data = [v for b in bars if b.shown for v in (b.value, *b.interval)] + [v for _, v in refs]
    ticks, places = cs.axis_ticks(data, 0.0, None)
    short_unit = cs.unit_after_numbers(unit)
    notes = [f"Unit: {unit}"] if unit and not short_unit else []
    if any(b.interval for b in bars):
        notes.append("Lines through the bars show confidence intervals.")
    pattern = f"{id_prefix}-hatch"
    draw = _bars_across if horizontal else _bars_up
    body, foot = draw(bars, ticks, places, refs, highlight, short_unit, width, pattern)
    body += [text(8, foot + 14 + 20 * i, note, fill=cs.SECONDARY) for i, note in enumerate(notes)]
    if highlight is not None:
        body.insert(0, cs.hatch(pattern))
    desc = cs.describe_bars(bars, unit, highlight, refs)
    return cs.svg(id_prefix, (width, foot + 8 + 20 * len(notes)), title, desc, body)


def _bars_across(
    bars: list[Point], ticks: list[float], places: int, refs: list, highlight: str | None,
    unit: str, width: int, pattern: str,
) -> tuple[list[str], float]:  # fmt: skip
    """Horizontal bars: labels on the left, values in a column on the right."""
    label_right, plot_right = round(width * 0.36), width - 96
    top = 20 + 20 * len(refs) if refs else 12
    bottom = top + 24 * max(1, len(bars))
    x = LinearScale(ticks[0], ticks[-1], label_right, plot_right)
    body = []
    for tick in ticks:
        body.append(line(x(tick), top, x(tick), bottom, cs.MID_GREY, stroke_width=1))
        body.append(text(x(tick), bottom + 20, num(tick, places), "middle"))
    body.append(line(x(0), top, x(0), bottom, INK))
    max_chars = (label_right - 16) // cs.CHAR_WIDTH
    for i, b in enumerate(bars):
        cy, mine = top + 24 * i + 12, b.label == highlight
        weight = "bold" if mine else None
        label = _bar_label(b.label, mine, max_chars)
        body.append(text(label_right - 8, cy + 5, label, "end", font_weight=weight))
        if b.shown:
            x0, x1 = sorted((x(0), x(b.value)))
            body.append(cs.bar(x0, cy - 7, x1 - x0, 14, pattern if mine else None))
        if b.interval:
            body.append(cs.whisker(x(b.interval[0]), cy, x(b.interval[1]), cy, INK))
        value = cs.with_unit(b.value, unit) if b.shown else _no_value(b)
        body.append(text(width - 8, cy + 5, value, "end", fill=INK if b.shown else cs.SECONDARY))
    for j, (name, value) in enumerate(refs):
        xv, ty = x(value), 24 + 20 * j
        dash = cs.REFERENCE_DASHES[j % len(cs.REFERENCE_DASHES)]
        body.append(line(xv, ty + 4, xv, bottom, INK, stroke_width=2, stroke_dasharray=dash))
        words = f"{truncate(name, 30)}: {cs.with_unit(value, unit)}"
        on_right = xv > (label_right + plot_right) / 2
        body.append(text(xv - 4 if on_right else xv + 4, ty, words, "end" if on_right else "start"))
    return body, bottom + 32


def _bars_up(
    bars: list[Point], ticks: list[float], places: int, refs: list, highlight: str | None,
    unit: str, width: int, pattern: str,
) -> tuple[list[str], float]:  # fmt: skip
    """Vertical bars: labels slanted under them, reference labels in a right-hand margin."""
    tick_texts = [num(t, places) for t in ticks]
    ref_texts = [f"{truncate(n, 14)}: {cs.with_unit(v, unit)}" for n, v in refs]
    left = 16 + cs.CHAR_WIDTH * max(map(len, tick_texts))
    right = width - 16 - cs.CHAR_WIDTH * max(map(len, ref_texts), default=0)
    top, base = 24, 244
    y = LinearScale(ticks[0], ticks[-1], base, top)
    slot = (right - left) / max(1, len(bars))
    body = []
    for tick, tick_text in zip(ticks, tick_texts, strict=True):
        body.append(line(left, y(tick), right, y(tick), cs.MID_GREY, stroke_width=1))
        body.append(text(left - 8, y(tick) + 5, tick_text, "end"))
    body.append(line(left, y(0), right, y(0), INK))
    mine_at = next((i for i, b in enumerate(bars) if b.label == highlight), None)
    every = max(1, math.ceil(18 / slot))
    longest = 0
    for i, b in enumerate(bars):
        cx, mine = left + slot * (i + 0.5), i == mine_at
        if b.shown:
            y0, y1 = sorted((y(0), y(b.value)))
            w = min(40, slot * 0.6)
            body.append(cs.bar(cx - w / 2, y0, w, y1 - y0, pattern if mine else None))
            if b.interval:
                body.append(cs.whisker(cx, y(b.interval[0]), cx, y(b.interval[1]), INK))
            if slot >= 40:
                ends = [y(v) for v in (b.value, *b.interval)]
                vy = min(ends) - 6 if b.value >= 0 else max(ends) + 16
                body.append(text(cx, vy, cs.with_unit(b.value, unit), "middle", font_size=12))
        else:
            turn = f"rotate(-90 {cs.coord(cx + 4)} {cs.coord(y(0) - 6)})"
            words = _no_value(b)
            body.append(
                text(cx + 4, y(0) - 6, words, fill=cs.SECONDARY, font_size=12, transform=turn)
            )
        near_mine = mine_at is not None and 0 < abs(i - mine_at) < every
        if mine or (i % every == 0 and not near_mine):
            room = min(24, int((cx - 4) / (0.71 * cs.CHAR_WIDTH)))
            label = _bar_label(b.label, mine, room)
            longest = max(longest, len(label))
            turn = f"rotate(-45 {cs.coord(cx + 4)} {base + 14})"
            weight = "bold" if mine else None
            body.append(text(cx + 4, base + 14, label, "end", transform=turn, font_weight=weight))
    last = -math.inf
    for j in sorted(range(len(refs)), key=lambda k: y(refs[k][1])):
        yv, dash = y(refs[j][1]), cs.REFERENCE_DASHES[j % len(cs.REFERENCE_DASHES)]
        body.append(line(left, yv, right + 4, yv, INK, stroke_width=2, stroke_dasharray=dash))
        last = max(yv + 5, last + 18)
        body.append(text(right + 8, last, ref_texts[j]))
    return body, base + 22 + 0.71 * cs.CHAR_WIDTH * longest


def _no_value(point: Point) -> str:
    return "Suppressed" if point.note == SUPPRESSED else "No data"


def _comparison_key(word: str) -> Callable[[float, float], str]:
    shape, fill = COMPARISON_MARKERS[word]
    return lambda x, y: marker(shape, x, y, fill, INK, 1.4)


def spine_chart(rows: Sequence[SpineRow], *, title: str, id_prefix: str, width: int = 640) -> str:
    """A PHE-style spine chart: one row per indicator, the area against England's spread.

    Each row has its own scale (``chart_scales.spine_scale``): England's value at the centre of
    the spine, worst (or lowest) to the left, best (or highest) to the right, and the farthest of
    worst, best and the area's value from England at the spine's end, so nothing falls outside.
    The light band is the range of areas, the darker band the interquartile range, the vertical
    line England; the area's marker shape and the word at the row's end give the comparison.
    """
    cs.check_chart(id_prefix, width, minimum=480)
    rows = list(rows)
    label_right, left, right = width * 0.33, width * 0.35, width * 0.725
    centre, half = (left + right) / 2, (right - left) / 2
    value_x, word_x = width * 0.83, width * 0.845
    unpolar = {check_polarity(r.polarity) == stats.NO_POLARITY for r in rows}
    low, high = (w.capitalize() for w in cs.SPINE_ENDS[unpolar == {True}])
    low, high = (f"{low} or lowest", f"{high} or highest") if len(unpolar) > 1 else (low, high)
    head = {"font_size": 12, "font_weight": "bold"}
    body = [
        text(8, 20, "Indicator", **head),
        text(left, 20, low, **head),
        text(right, 20, high, "end", **head),
        text(value_x, 20, "Value", "end", **head),
        text(word_x, 20, "Compared", **head),
    ]
    # Labels wrap to three lines (rows grow to fit) so that similar titles stay told apart.
    wrapped = [cs.wrap(r.label, int((label_right - 8) / cs.CHAR_WIDTH), max_lines=3) for r in rows]
    top, row_h = 32, 44 if all(len(lines) <= 2 for lines in wrapped) else 58
    for i, r in enumerate(rows):
        cy = top + row_h * (i + 0.5)
        lines = wrapped[i]
        for k, part in enumerate(lines):
            body.append(text(8, cy + 5 - 8 * (len(lines) - 1) + 16 * k, part))
        shown = not is_missing(r.value)
        if r.drawable:
            at = cs.spine_scale(
                r.england, r.worst, r.best, r.value if shown else None, centre, half
            )
            body.append(cs.band(at(r.worst), at(r.best), cy, cs.LIGHT_GREY, "range"))
            if not is_missing(r.q1) and not is_missing(r.q3):
                body.append(cs.band(at(r.q1), at(r.q3), cy, cs.MID_GREY, "iqr"))
            line_attrs = {"stroke_width": 2.5, "class": "cyplan-chart__england"}
            body.append(line(centre, cy - 14, centre, cy + 14, INK, **line_attrs))
            if shown:
                body.append(_comparison_key(r.comparison)(at(r.value), cy))
        else:
            body.append(text(left, cy + 5, "Not enough data to draw", fill=cs.SECONDARY))
        value = num(r.value) if shown else "No data"
        body.append(text(value_x, cy + 5, value, "end", fill=INK if shown else cs.SECONDARY))
        body.append(text(word_x, cy + 5, r.comparison))
        body.append(line(8, cy + row_h / 2, width - 8, cy + row_h / 2, cs.MID_GREY, stroke_width=1))
    used = [word for word in COMPARISON_MARKERS if any(r.comparison == word for r in rows)]
    entries = [(word.capitalize(), _comparison_key(word)) for word in used] + [
        ("England", lambda x, y: line(x, y - 9, x, y + 9, INK, stroke_width=2.5)),
        ("Middle half of areas", lambda x, y: cs.band(x - 18, x + 18, y, cs.MID_GREY, "key")),
        ("Range of areas", lambda x, y: cs.band(x - 18, x + 18, y, cs.LIGHT_GREY, "key")),
    ]
    key, legend_rows = cs.legend(entries, 8, width - 8, top + row_h * len(rows) + 12)
    body.append(key)
    height = top + row_h * len(rows) + 20 + 22 * legend_rows
    return cs.svg(id_prefix, (width, height), title, cs.describe_spine(rows), body)


def sparkline(
    points: Sequence[Point], *, id_prefix: str, title: str, unit: str = "", width: int = 120,
    height: int = 32,
) -> str:  # fmt: skip
    """A small trend line for a table cell, the latest value marked; title and desc as ever.

    Unlike the charts it is sized in em (``width``/16 by ``height``/16), so it grows with the
    text around it; the y axis runs from the lowest to the highest value (no zero, no ticks).
    """
    cs.check_chart(id_prefix, width, minimum=40)
    one = Series(title, list(points))
    shown = [p for p in one.points if p.shown]
    step, lone = (width - 12) / max(1, len(one.points) - 1), len(one.points) == 1
    x_of = {p.label: width / 2 if lone else 6 + step * i for i, p in enumerate(one.points)}
    values = [p.value for p in shown] or [0.0]
    y = LinearScale(min(values), max(values), height - 6, 6)
    places = [(x_of[p.label], y(p.value)) if p.shown else None for p in one.points]
    body = [cs.polyline(places, cs.Style(cs.DARK_BLUE, 2, None))]
    for p in shown[-1:]:
        body.append(marker("circle", x_of[p.label], y(p.value), cs.DARK_BLUE, cs.WHITE))
    size = (f"{cs.coord(width / 16)}em", f"{cs.coord(height / 16)}em")
    return cs.svg(id_prefix, (width, height), title, cs.describe_trend([one], "", unit), body, size)
