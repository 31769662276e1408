"""Scales, ticks, words, safe text and SVG building blocks for cyplan.analytics.charts.

What the charts are made of: nice ticks, linear and spine scales, compact numbers, XML escaping,
the plain-English <desc> sentences, the colour palette, series styles, marker shapes and small
element builders. No Django import; the rules are in ``docs/charts.md``.

Example:
    >>> nice_ticks(43, 71)
    [40.0, 50.0, 60.0, 70.0, 80.0]
    >>> LinearScale(0, 100, 200, 0)(50)
    100.0
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from cyplan.analytics.stats import NO_POLARITY, NOT_COMPARED, SIMILAR, check_polarity, is_missing

if TYPE_CHECKING:
    from cyplan.analytics.charts import Point, Series, SpineRow

# Tick steps are these numbers times a power of ten; consecutive steps differ by at most a factor
# of 2, which is what guarantees between MIN_TICKS and MAX_TICKS ticks (see nice_ticks).
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)
MIN_TICKS, MAX_TICKS = 4, 6
ELLIPSIS = "\u2026"

# Characters XML 1.0 forbids even when escaped: C0 controls other than tab, newline and carriage
# return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def nice_ticks(low: float, high: float) -> list[float]:
    """Round-number ticks covering [low, high]: 4 to 6 of them, the first <= low, the last >= high.

    The step is the smallest of 1, 2, 2.5 or 5 times a power of ten that needs at most 6 ticks;
    the ticks run from the multiple of the step at or below ``low`` to the one at or above
    ``high``. Each larger step is at most twice the one before, so the chosen step also needs at
    least 4 ticks. When low == high the range is widened first: [0, 1] for 0, else ±10%.

    Example:
        >>> nice_ticks(0, 100)
        [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        >>> nice_ticks(-3, 7)
        [-5.0, -2.5, 0.0, 2.5, 5.0, 7.5]
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"tick range must be finite, not {low!r} to {high!r}")
    if low > high:
        raise ValueError(f"tick range is upside down: {low!r} > {high!r}")
    if low == high:
        pad = abs(low) / 10
        low, high = (0.0, 1.0) if low == 0 else (low - pad, high + pad)
    exponent = math.floor(math.log10(high - low)) - 1
    while True:
        for nice in NICE_STEPS:
            step = nice * 10.0**exponent
            first = math.floor(low / step + 1e-9)
            last = math.ceil(high / step - 1e-9)
            if last - first + 1 <= MAX_TICKS:
                places = decimals_for(step)
                return [round(i * step, places) + 0.0 for i in range(first, last + 1)]
        exponent += 1


def decimals_for(step: float) -> int:
    """How many decimal places show every multiple of ``step`` exactly (2.5 → 1, 20 → 0)."""
    for places in range(10):
        if abs(round(step, places) - step) <= 1e-9 * max(1.0, abs(step)):
            return places
    return 10


@dataclass(frozen=True)
class LinearScale:
    """Maps data values in [domain_low, domain_high] linearly onto [range_low, range_high].

    The range may run backwards (a y axis: the lowest value at the bottom, larger y).
    """

    domain_low: float
    domain_high: float
    range_low: float
    range_high: float

    def __call__(self, value: float) -> float:
        span = self.domain_high - self.domain_low
        if span == 0:
            return (self.range_low + self.range_high) / 2
        share = (value - self.domain_low) / span
        return self.range_low + share * (self.range_high - self.range_low)


def spine_scale(
    england: float, worst: float, best: float, value: float | None, centre: float, half: float
) -> LinearScale:
    """The scale of one spine-chart row: England at ``centre``, worst to the left, best right.

    The half-width in data units is the largest distance from England to the worst, the best or
    the area's value, so that extreme lands ``half`` pixels from the centre and everything else
    inside; when best < worst (lower is better) the axis runs backwards so worst stays left.

    Example:
        >>> row = spine_scale(50, worst=20, best=60, value=40, centre=344, half=120)
        >>> row(50), row(20), row(40), row(60)
        (344.0, 224.0, 304.0, 384.0)
    """
    reach = max(abs(worst - england), abs(best - england))
    if value is not None:
        reach = max(reach, abs(value - england))
    direction = 1.0 if best >= worst else -1.0
    return LinearScale(
        england - direction * reach, england + direction * reach, centre - half, centre + half
    )


def format_number(value: float, places: int | None = None) -> str:
    """A number for people: thousands separators; ``places`` decimals, or compact by default.

    Compact means 1 decimal place with a trailing ".0" dropped, or 2 significant figures for
    values smaller than 1 (so 0.034 stays readable). Never "-0".

    Example:
        >>> format_number(1234.56), format_number(45.0), format_number(0.0345), format_number(5, 1)
        ('1,234.6', '45', '0.035', '5.0')
    """
    if places is None:
        small = value != 0 and abs(value) < 1
        places = min(6, 1 - math.floor(math.log10(abs(value)))) if small else 1
        text = f"{value:,.{places}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{places}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def with_unit(value: float, unit: str, places: int | None = None) -> str:
    """A value followed by its unit: "45%" for a percent sign, "45 per 10,000" otherwise."""
    number = format_number(value, places)
    if not unit:
        return number
    return number + unit if unit.startswith("%") else f"{number} {unit}"


def coord(value: float) -> str:
    """A coordinate for an SVG attribute: at most 2 decimals, no trailing zeros, never "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def clean(text: str) -> str:
    """Text with the characters XML cannot carry removed."""
    return _NOT_XML.sub("", str(text))


def text_xml(text: str) -> str:
    """Text escaped for element content (&, <, >)."""
    return escape(clean(text))


def attr_xml(text: str) -> str:
    """Text escaped for a double-quoted attribute value."""
    return escape(clean(text), {'"': "&quot;"})


def truncate(text: str, max_chars: int) -> str:
    """The text cut to ``max_chars`` characters, the last one an ellipsis when it was cut."""
    if len(text) <= max_chars:
        return text
    return text[: max(0, max_chars - 1)].rstrip() + ELLIPSIS


def wrap(text: str, max_chars: int, max_lines: int = 2) -> list[str]:
    """Text broken at spaces into at most ``max_lines`` lines, the last one cut with an ellipsis."""
    return textwrap.wrap(text, max_chars, max_lines=max_lines, placeholder=ELLIPSIS) or [""]


def join_words(items: list[str]) -> str:
    """Items as an English list: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st ..."""
    teen = 10 <= number % 100 <= 20
    return f"{number}{'th' if teen else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"


# Drawing vocabulary shared by the charts: colours, series styles, marker shapes and the
# small element builders. Colours with their contrast on white: text uses INK or SECONDARY
# only (>= 4.5:1); every mark is >= 3:1; the DECORATIVE ones only fill the background,
# gridlines and shapes that carry an outline of at least 3:1.
INK, SECONDARY, DARK_BLUE, BLUE = "#0b0c0c", "#505a5f", "#003078", "#1d70b8"  # 19.6, 7.1, 12.4, 5.2
GREEN, RED, PURPLE, PINK = "#00703c", "#d4351c", "#4c2c92", "#912b88"  # 6.2, 4.9, 10.1, 7.2
WHITE, LIGHT_GREY, MID_GREY = "#ffffff", "#f3f2f1", "#b1b4b6"  # 1.0, 1.1, 2.1
TEXT_COLOURS = frozenset({INK, SECONDARY})
DECORATIVE_COLOURS = frozenset({WHITE, LIGHT_GREY, MID_GREY})
FONT = "Arial, Helvetica, sans-serif"
CHAR_WIDTH = 8  # a generous width for one 14px Arial character, for truncation and layout
SHAPES = {  # marker outlines centred on (0, 0)
    "circle": "M-5 0a5 5 0 1 0 10 0a5 5 0 1 0-10 0Z",
    "square": "M-4.5-4.5h9v9h-9Z",
    "triangle": "M0-6L5.5 4h-11Z",
    "diamond": "M0-6.5L6 0L0 6.5L-6 0Z",
    "triangle-down": "M0 6L5.5-4h-11Z",
    "plus": "M-1.75-6h3.5v4.25h4.25v3.5h-4.25v4.25h-3.5v-4.25h-4.25v-3.5h4.25Z",
}
REFERENCE_DASHES = ("8 4", "2 3", "12 4 3 4")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,63}")


@dataclass(frozen=True)
class Style:
    """How a line is drawn: colour, stroke width and dash pattern (None for solid)."""

    colour: str
    width: float
    dash: str | None


def el(tag: str, attrs: dict[str, object], content: str | None = None) -> str:
    """One element; None attributes are left out, numbers go through coord()."""
    pairs = (
        (k, coord(v) if isinstance(v, int | float) else attr_xml(str(v)))
        for k, v in attrs.items()
        if v is not None
    )
    head = " ".join([tag, *(f'{k}="{v}"' for k, v in pairs)])
    return f"<{head}/>" if content is None else f"<{head}>{content}</{tag}>"


def text(x: float, y: float, words: str, anchor: str = "start", **attrs: object) -> str:
    """A <text> in INK unless a fill is given; attrs use SVG names (font_weight → font-weight)."""
    extra = {k.replace("_", "-"): v for k, v in attrs.items()}
    place = {"x": x, "y": y, "text-anchor": None if anchor == "start" else anchor}
    return el("text", {**place, "fill": INK, **extra}, text_xml(words))


def line(x1: float, y1: float, x2: float, y2: float, stroke: str, **attrs: object) -> str:
    """A <line>; attrs use SVG names with underscores (stroke_width → stroke-width)."""
    extra = {k.replace("_", "-"): v for k, v in attrs.items()}
    return el("line", {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": stroke, **extra})


def marker(shape: str, x: float, y: float, fill: str, stroke: str, size: float = 1) -> str:
    """A marker of one of SHAPES centred on (x, y), ``size`` times its drawn size."""
    place = f"translate({coord(x)} {coord(y)})" + (f" scale({coord(size)})" if size != 1 else "")
    attrs = {"class": "cyplan-chart__marker", "d": SHAPES[shape], "transform": place}
    return el("path", {**attrs, "fill": fill, "stroke": stroke, "stroke-width": 1.5})


def whisker(x1: float, y1: float, x2: float, y2: float, stroke: str) -> str:
    """An interval line from (x1, y1) to (x2, y2) with 8-unit caps square to it."""
    dx, dy = (0, 4) if y1 == y2 else (4, 0)
    caps = "".join(line(x - dx, y - dy, x + dx, y + dy, stroke) for x, y in ((x1, y1), (x2, y2)))
    body = line(x1, y1, x2, y2, stroke) + caps
    return el("g", {"class": "cyplan-chart__interval", "stroke-width": 1.5}, body)


def svg(
    prefix: str,
    size: tuple[float, float],
    title: str,
    desc: str,
    body: list[str],
    shown_size: tuple[str, str | None] = ("100%", None),
) -> str:
    """The <svg> root: role="img", <title> and <desc> named by aria-labelledby, white ground.

    ``shown_size`` is the width and height attributes: 100% wide and no height by default, so
    the chart fills its container and the viewBox sets the height.
    """
    width, height = size
    content = (
        el("title", {"id": f"{prefix}-title"}, text_xml(title))
        + el("desc", {"id": f"{prefix}-desc"}, text_xml(desc))
        + el("rect", {"width": width, "height": height, "fill": WHITE})
        + "".join(body)
    )
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "viewBox": f"0 0 {coord(width)} {coord(height)}",
        "width": shown_size[0],
        "height": shown_size[1],
        "preserveAspectRatio": "xMidYMid meet",
        "role": "img",
        "aria-labelledby": f"{prefix}-title {prefix}-desc",
        "class": "cyplan-chart",
        "font-family": FONT,
        "font-size": 14,
    }
    return el("svg", attrs, content)


def check_chart(id_prefix: str, width: int, minimum: int = 240) -> None:
    """Raise ValueError unless id_prefix is a safe id (a letter, then letters, digits, hyphens)."""
    if not isinstance(id_prefix, str) or not _ID.fullmatch(id_prefix):
        raise ValueError(f"id_prefix must be a letter then letters, digits or -, not {id_prefix!r}")
    if not isinstance(width, int) or width < minimum:
        raise ValueError(f"width must be a whole number of at least {minimum}, not {width!r}")


def axis_ticks(values: list[float], floor: float, ceiling: float | None) -> tuple[list[float], int]:
    """Nice ticks over the values, ``floor`` and ``ceiling``, and the decimals their labels need."""
    ends = values + [floor] + ([] if ceiling is None else [ceiling])
    ticks = nice_ticks(min(ends), max(ends))
    return ticks, decimals_for(ticks[1] - ticks[0])


def polyline(places: list[tuple[float, float] | None], style: Style) -> str:
    """Paths through consecutive places; None (a missing value) breaks the line."""
    runs: list[list[str]] = [[]]
    for place in places:
        if place is not None:
            runs[-1].append(f"{coord(place[0])} {coord(place[1])}")
        elif runs[-1]:
            runs.append([])
    attrs = {"fill": "none", "stroke": style.colour, "stroke-width": style.width}
    attrs |= {"stroke-dasharray": style.dash, "stroke-linejoin": "round"}
    return "".join(el("path", {"d": "M" + "L".join(run), **attrs}) for run in runs if len(run) > 1)


def bar(x: float, y: float, w: float, h: float, pattern: str | None = None) -> str:
    """A BLUE bar, or one filled with the hatch ``pattern`` id and outlined thickly in INK."""
    paint = {"fill": f"url(#{pattern})", "stroke": INK, "stroke-width": 2} if pattern else {}
    box = {"class": "cyplan-chart__bar", "x": x, "y": y, "width": w, "height": h}
    return el("rect", {**box, "fill": BLUE, **paint})


def hatch(pattern: str) -> str:
    """<defs> with an 8×8 diagonal hatch <pattern>: DARK_BLUE stripes on white."""
    tile = {"id": pattern, "width": 8, "height": 8, "patternUnits": "userSpaceOnUse"}
    stripes = {"d": "M-2 2L2-2M0 8L8 0M6 10L10 6", "stroke": DARK_BLUE, "stroke-width": 2.5}
    ground = el("rect", {"width": 8, "height": 8, "fill": WHITE})
    return el("defs", {}, el("pattern", tile, ground + el("path", stripes)))


def band(x1: float, x2: float, cy: float, fill: str, part: str) -> str:
    """A band 18 high centred on cy from x1 to x2, outlined in SECONDARY (3:1 or more)."""
    box = {"class": f"cyplan-chart__{part}", "x": min(x1, x2), "y": cy - 9, "width": abs(x2 - x1)}
    return el("rect", {**box, "height": 18, "fill": fill, "stroke": SECONDARY, "stroke-width": 1})


def legend(
    entries: list[tuple[str, Callable[[float, float], str]]], x0: float, x_max: float, top: float
) -> tuple[str, int]:
    """A legend group in rows 22 high from y = ``top``, and its number of rows.

    Each entry is (text, glyph): glyph(x, y) draws the key centred on (x, y) in a 36-unit
    sample, the text follows; entries wrap onto a new row at ``x_max``.
    """
    parts, x, row = [], x0, 0
    for words, glyph in entries:
        width = 44 + CHAR_WIDTH * len(words) + 20
        if x > x0 and x + width > x_max:
            x, row = x0, row + 1
        parts.append(glyph(x + 18, 9 + 22 * row) + text(x + 44, 14 + 22 * row, words))
        x += width
    attrs = {"class": "cyplan-chart__legend", "transform": f"translate(0 {coord(top)})"}
    return el("g", attrs, "".join(parts)), row + 1 if entries else 0


# The <desc> sentences: the data in plain English, as a screen reader will speak it.
SPINE_ENDS = {True: ("lowest", "highest"), False: ("worst", "best")}  # by "polarity is none"
_SAID = {SIMILAR: "similar to", NOT_COMPARED: "not compared with"}


def unit_after_numbers(unit: str) -> str:
    """The unit if it goes straight after numbers ("%"), else "" (it is said once instead)."""
    return unit if unit.startswith("%") else ""


def describe_trend(series: Sequence[Series], y_label: str, unit: str) -> str:
    """Each series' first and last values, then the missing labels ("(suppressed)" if so).

    After a ``y_label`` (which names the measure) values carry only a "%" unit; without one,
    they carry the whole unit. "No values to show." when there are none.
    """
    said, gaps = [], []
    unit = unit_after_numbers(unit) if y_label else unit
    for one in series:
        shown = [p for p in one.points if p.shown]
        values = [with_unit(p.value, unit) for p in shown]
        if not shown:
            said.append(f"{one.name} has no values")
        elif len(shown) == 1:
            said.append(f"{one.name} was {values[0]} in {shown[0].label}")
        elif values[0] == values[-1]:
            said.append(
                f"{one.name} was {values[0]} in both {shown[0].label} and {shown[-1].label}"
            )
        else:
            verb = "rose" if shown[-1].value > shown[0].value else "fell"
            said.append(
                f"{one.name} {verb} from {values[0]} in {shown[0].label} "
                f"to {values[-1]} in {shown[-1].label}"
            )
        missing = [p.absence for p in one.points if not p.shown]
        if missing:
            gaps.append(f"{one.name} in {join_words(missing)}")
    if not any(p.shown for one in series for p in one.points):
        words = "No values to show."
    else:
        words = (f"{y_label}: " if y_label else "") + "; ".join(said) + "."
    return words + (f" No value for {'; '.join(gaps)}." if gaps else "")


def describe_bars(
    bars: Sequence[Point], unit: str, highlight: str | None, refs: Sequence[tuple[str, float]]
) -> str:
    """Highest and lowest, this area's value and rank, the reference lines, what is missing."""
    shown = [b for b in bars if b.shown]
    short = unit_after_numbers(unit)
    if not shown:
        words = "No values to show."
    else:
        top, low = max(shown, key=lambda b: b.value), min(shown, key=lambda b: b.value)
        words = (
            f"{len(shown)} values{f' ({unit})' if unit and not short else ''}: highest "
            f"{top.label} at {with_unit(top.value, short)}, lowest {low.label} at "
            f"{with_unit(low.value, short)}."
        )
    mine = next((b for b in bars if b.label == highlight), None)
    if mine is not None and mine.shown:
        rank = ordinal(1 + sum(b.value > mine.value for b in shown))
        words += f" {mine.label} (this area) is {with_unit(mine.value, short)}, "
        words += f"{rank} highest of {len(shown)}."
    elif mine is not None:
        words += f" {mine.label} (this area) has no value."
    if refs:
        words += " " + "; ".join(f"{n} is {with_unit(v, short)}" for n, v in refs) + "."
    missing = [b.absence for b in bars if not b.shown]
    return words + (f" No value for {join_words(missing)}." if missing else "")


def describe_spine(rows: Sequence[SpineRow]) -> str:
    """Per indicator: the value, the comparison with England, and the range of areas."""
    said = []
    for r in rows:
        value = format_number(r.value) if not is_missing(r.value) else "no value"
        words = f"{r.label}: {value}, {_SAID.get(r.comparison, r.comparison + ' than')} England"
        words += f" ({format_number(r.england)})" if not is_missing(r.england) else ""
        if r.drawable:
            low, high = SPINE_ENDS[check_polarity(r.polarity) == NO_POLARITY]
            words += f"; areas range from {format_number(r.worst)} ({low}) to "
            words += f"{format_number(r.best)} ({high})"
        said.append(words + ".")
    return " ".join(said) or "No values to show."
