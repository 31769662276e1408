"""Accessible SVG charts: structure, words, shapes, contrast, scales and speed."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyplan.analytics import chart_scales as cs
from cyplan.analytics.charts import (
    COMPARISON_MARKERS,
    KIND_STYLES,
    SPARE_STYLES,
    Point,
    Series,
    SpineRow,
    bar_chart,
    line_chart,
    sparkline,
    spine_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
NASTY = '<script>alert(1)</script> & "x"'
YEARS = [str(year) for year in range(2019, 2024)]


def years(*values: float | None) -> list[Point]:
    """Points labelled 2019, 2020, ... with the given values."""
    return [Point(year, value) for year, value in zip(YEARS, values, strict=False)]


def bromley() -> Series:
    """This area, with intervals, a suppressed 2021 and a missing 2022."""
    return Series(
        "Bromley",
        [
            Point("2019", 45, 41, 49),
            Point("2020", 47, 43, 51),
            Point("2021", None, note="c"),
            Point("2022", None),
            Point("2023", 43, 39, 47),
        ],
    )


NEIGHBOURS = [
    Point("Sutton", 71.2, 68.0, 74.4),
    Point("Merton", 68.0, 65.1, 70.9),
    Point("Bromley", 45.2, 42.0, 48.4),
    Point("Bexley", 43.0),
    Point("Croydon", None, note="c"),
]

SPINE_ROWS = [
    SpineRow("Good level of development", 71, 65, 55, 62, 68, 75, "higher-is-better", "better"),
    SpineRow("Re-referrals", 24, 22, 35, 25, 19, 12, "lower-is-better", "similar"),
    SpineRow("Persistent absence", 30, 22, 35, 25, 19, 12, "lower-is-better", "worse"),
    SpineRow("Children looked after", 45, 70, 20, 60, 80, 120, "none", "lower"),
    SpineRow("Missing", None, 22, 35, None, None, 12, "lower-is-better", "not compared"),
]


def all_charts() -> dict[str, str]:
    """One of every chart, in the awkward cases too."""
    england = Series("England", years(68, 69, 70, 70, 70), "england")
    region = Series("London", years(55, 56, 58, 57), "region")
    target = Series("Target", [Point("2021", 40), Point("2023", 38)], "target")
    comparators = [Series(f"Neighbour {i}", years(50 + i, 51 + i), "comparator") for i in (1, 2)]
    return {
        "line": line_chart(
            [bromley(), england, region, target, *comparators],
            title="Children looked after",
            y_label="Rate per 10,000 children",
            unit="per 10,000",
            id_prefix="line",
        ),
        "line-empty": line_chart(
            [Series("X", years(None, None))], title="Empty", y_label="Rate", id_prefix="line-empty"
        ),
        "line-negative": line_chart(
            [Series("Change", years(-12.5, 3.2, 8.9))],
            title="C",
            y_label="%",
            id_prefix="line-negative",
        ),
        "bar": bar_chart(
            NEIGHBOURS,
            title="Neighbours",
            unit="per 10,000",
            id_prefix="bar",
            highlight="Bromley",
            reference_lines=[("England", 65.2), ("London", 58.1)],
        ),
        "bar-up": bar_chart(
            NEIGHBOURS,
            title="Neighbours",
            unit="%",
            id_prefix="bar-up",
            highlight="Bromley",
            reference_lines=[("England", 65.2)],
            horizontal=False,
        ),
        "spine": spine_chart(SPINE_ROWS, title="Spine", id_prefix="spine"),
        "sparkline": sparkline(bromley().points, id_prefix="sparkline", title="Bromley"),
    }


CHARTS = all_charts()


def parse(svg: str) -> ET.Element:
    """The chart as an element tree (fails on anything that is not well-formed XML)."""
    return ET.fromstring(svg)


def desc(svg: str) -> str:
    """The text of the chart's <desc>."""
    return parse(svg).find(f"{SVG}desc").text


def by_class(svg: str, name: str) -> list[ET.Element]:
    """Elements with the given class, outside the legend."""
    root = parse(svg)
    in_legend = {
        e for g in root.iter() if g.get("class") == "cyplan-chart__legend" for e in g.iter()
    }
    return [e for e in root.iter() if e.get("class") == name and e not in in_legend]


def place(element: ET.Element) -> tuple[float, float]:
    """The (x, y) a marker is translated to."""
    x, y = re.match(r"translate\(([-\d.]+) ([-\d.]+)\)", element.get("transform")).groups()
    return float(x), float(y)


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(colour: str, background: str = "#ffffff") -> float:
    """WCAG 2 contrast ratio between two colours."""
    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Structure ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
def test_chart_is_one_svg_element_sized_by_its_viewbox(name):
    """Each chart parses as XML: one <svg> with viewBox, preserveAspectRatio and no pixel size."""
    root = parse(CHARTS[name])
    assert root.tag == f"{SVG}svg"
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox"))
    assert root.get("preserveAspectRatio") == "xMidYMid meet"
    if name == "sparkline":
        assert (root.get("width"), root.get("height")) == ("7.5em", "2em")
    else:
        assert root.get("width") == "100%" and root.get("height") is None


@pytest.mark.parametrize("name", CHARTS)
def test_root_is_an_image_named_by_its_title_and_desc(name):
    """role="img" and aria-labelledby names the <title> and <desc>, the first two children."""
    root = parse(CHARTS[name])
    prefix = name
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{prefix}-title {prefix}-desc"
    title, description = list(root)[:2]
    assert (title.tag, title.get("id")) == (f"{SVG}title", f"{prefix}-title")
    assert (description.tag, description.get("id")) == (f"{SVG}desc", f"{prefix}-desc")
    assert title.text and description.text


@pytest.mark.parametrize("name", CHARTS)
def test_no_style_script_or_outside_reference(name):
    """No style attribute, <style>, <script>, event handler, image, link or external font."""
    for element in parse(CHARTS[name]).iter():
        tag = element.tag.removeprefix(SVG)
        assert tag not in {"style", "script", "image", "foreignObject", "a", "use"}, tag
        for attribute, value in element.attrib.items():
            assert attribute != "style" and not attribute.startswith("on"), attribute
            assert "href" not in attribute and "http" not in value, (attribute, value)
            if value.startswith("url("):
                assert re.fullmatch(r"url\(#[A-Za-z][\w-]*\)", value), value


@pytest.mark.parametrize("name", CHARTS)
def test_ids_are_unique_and_carry_the_prefix(name):
    """Every id starts with the chart's prefix and appears once, so charts can share a page."""
    root = parse(CHARTS[name])
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    prefix = root.get("aria-labelledby").split("-title")[0]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(f"{prefix}-") for i in ids)


@pytest.mark.parametrize("name", CHARTS)
def test_coordinates_are_compact(name):
    """Numbers in attributes have at most two decimals and never read "-0"."""
    for element in parse(CHARTS[name]).iter():
        for attribute in ("x", "y", "x1", "y1", "x2", "y2", "width", "height"):
            value = element.get(attribute)
            if value and not value.endswith(("%", "em")):
                assert re.fullmatch(r"-?\d+(\.\d\d?)?", value) and value != "-0", value


@pytest.mark.parametrize("prefix", ["", "1chart", "a b", 'a"b', "a_b", "<x>", "a" * 65, None])
def test_id_prefix_must_be_a_safe_id(prefix):
    """An id_prefix that is not a letter then letters, digits or hyphens is refused."""
    with pytest.raises(ValueError, match="id_prefix"):
        bar_chart(NEIGHBOURS, title="t", id_prefix=prefix)


def test_same_input_gives_the_same_string():
    """Rendering everything twice gives identical strings."""
    assert all_charts() == CHARTS


# Words -------------------------------------------------------------------------------------


def test_trend_desc_states_first_and_last_values_and_what_is_missing():
    """The desc gives each series' first and last values, then the missing and suppressed ones."""
    svg = line_chart(
        [bromley(), Series("England", [Point("2023", 70)], "england")],
        title="Children looked after",
        y_label="Rate per 10,000 children",
        id_prefix="cla",
    )
    assert desc(svg) == (
        "Rate per 10,000 children: Bromley fell from 45 in 2019 to 43 in 2023; England was 70 in"
        " 2023. No value for Bromley in 2021 (suppressed) and 2022."
    )


def test_trend_desc_says_rose_unchanged_and_percent():
    """Rises say "rose", equal ends say "in both", and a "%" unit follows each value."""
    svg = line_chart(
        [Series("A", years(10.04, 12.5)), Series("B", years(7, 8, 7), "england")],
        title="t",
        y_label="Share",
        unit="%",
        id_prefix="d",
    )
    assert (
        desc(svg)
        == "Share: A rose from 10% in 2019 to 12.5% in 2020; B was 7% in both 2019 and 2021."
    )


def test_chart_with_no_values_says_so():
    """All values missing: an empty plot saying "No values to show", and so does the desc."""
    svg = CHARTS["line-empty"]
    assert desc(svg).startswith("No values to show.")
    assert "No value for X in 2019 and 2020." in desc(svg)
    assert "No values to show" in [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert not by_class(svg, "cyplan-chart__marker")


def test_long_label_is_cut_in_the_drawing_but_whole_in_the_desc():
    """A very long label is drawn with an ellipsis and said in full."""
    long = "Quarter three of a very long financial year label"
    svg = line_chart(
        [Series("A", [Point("Q1", 1), Point("Q2", 2), Point(long, 3)])],
        title="t",
        y_label="n",
        id_prefix="long",
    )
    drawn = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert long not in drawn
    assert any(t.endswith("\u2026") and long.startswith(t[:-1]) for t in drawn)
    assert long in desc(svg)


def test_bar_desc_gives_range_this_area_references_and_missing():
    """The bar desc says highest, lowest, this area's value and rank, references and gaps."""
    assert desc(CHARTS["bar"]) == (
        "4 values (per 10,000): highest Sutton at 71.2, lowest Bexley at 43. Bromley (this area)"
        " is 45.2, 3rd highest of 4. England is 65.2; London is 58.1. No value for Croydon"
        " (suppressed)."
    )


def test_spine_desc_gives_each_indicator_against_england():
    """Each spine row is a sentence: value, comparison with England, range of areas."""
    words = desc(CHARTS["spine"])
    assert words.startswith(
        "Good level of development: 71, better than England (65); areas range from 55 (worst)"
        " to 75 (best). Re-referrals: 24, similar to England (22);"
    )
    assert (
        "Children looked after: 45, lower than England (70); areas range from 20 (lowest)" in words
    )
    assert words.endswith(
        "Missing: no value, not compared with England (22); areas range from 35 (worst) to 12 (best)."
    )


# Escaping ----------------------------------------------------------------------------------


def test_text_from_data_is_escaped_everywhere():
    """Markup in titles, names, labels and references is escaped and comes back as plain text."""
    charts = [
        line_chart(
            [Series(NASTY, [Point(NASTY, 1), Point("b\x00", 2)])],
            title=NASTY,
            y_label=NASTY,
            unit=NASTY,
            id_prefix="x1",
        ),
        bar_chart(
            [Point(NASTY, 3)],
            title=NASTY,
            unit=NASTY,
            id_prefix="x2",
            highlight=NASTY,
            reference_lines=[(NASTY, 1)],
        ),
        spine_chart(
            [SpineRow(NASTY, 1, 2, 0, 1, 3, 4, None, "lower")], title=NASTY, id_prefix="x3"
        ),
        sparkline([Point(NASTY, 1)], id_prefix="x4", title=NASTY),
    ]
    for svg in charts:
        assert "<script" not in svg and "&lt;script&gt;" in svg and "&amp;" in svg
        root = parse(svg)
        assert not list(root.iter(f"{SVG}script"))
        assert root.find(f"{SVG}title").text == NASTY
        assert NASTY in root.find(f"{SVG}desc").text


# Shapes, patterns and colour ---------------------------------------------------------------


def test_each_series_has_its_own_marker_shape_and_dash_pattern():
    """No two series share a marker shape or a dash pattern, and the legend repeats them."""
    groups = by_class(CHARTS["line"], "cyplan-chart__series")
    assert len(groups) == 6
    shapes = [g.find(f"{SVG}path[@class='cyplan-chart__marker']").get("d") for g in groups]
    assert len(set(shapes)) == 6
    dashes = [g.find(f"{SVG}path[@fill='none']").get("stroke-dasharray") for g in groups]
    assert len(set(dashes)) == 6
    root = parse(CHARTS["line"])
    legend = next(e for e in root.iter() if e.get("class") == "cyplan-chart__legend")
    keys = [m.get("d") for m in legend.iter(f"{SVG}path")]
    assert keys == shapes
    texts = [t.text for t in legend.iter(f"{SVG}text")]
    assert texts[:4] == ["Bromley", "England", "London", "Target"]
    assert "Confidence interval" in texts


def test_missing_value_breaks_the_line():
    """A missing value splits the line into two paths and draws no marker for it."""
    svg = line_chart([Series("A", years(1, 2, None, 4, 5))], title="t", y_label="n", id_prefix="g")
    group = by_class(svg, "cyplan-chart__series")[0]
    assert len(group.findall(f"{SVG}path[@fill='none']")) == 2
    assert len(group.findall(f"{SVG}path[@class='cyplan-chart__marker']")) == 4


def test_intervals_are_whiskers_with_caps():
    """Each interval is a vertical line with two caps, from the lower to the upper limit."""
    svg = line_chart(
        [Series("A", [Point("2019", 50, 20, 80), Point("2020", 60)])],
        title="t",
        y_label="n",
        id_prefix="w",
        y_max=100,
    )
    whiskers = by_class(svg, "cyplan-chart__interval")
    assert len(whiskers) == 1
    spine, *caps = whiskers[0].findall(f"{SVG}line")
    assert len(caps) == 2
    # y axis 0 to 100 from y=262 (bottom) to y=32 (top): 20 → 216, 80 → 78.
    assert (float(spine.get("y1")), float(spine.get("y2"))) == (216, 78)
    assert [float(c.get("x2")) - float(c.get("x1")) for c in caps] == [8, 8]


def test_highlighted_bar_is_hatched_outlined_and_labelled():
    """The highlighted bar fills with the hatch pattern, has a thick outline and "(this area)"."""
    for name in ("bar", "bar-up"):
        root = parse(CHARTS[name])
        pattern = root.find(f"{SVG}defs/{SVG}pattern")
        assert pattern.get("id") == f"{name}-hatch"
        bars = by_class(CHARTS[name], "cyplan-chart__bar")
        hatched = [b for b in bars if b.get("fill") == f"url(#{name}-hatch)"]
        assert len(hatched) == 1 and len(bars) == 4
        assert hatched[0].get("stroke") == cs.INK and hatched[0].get("stroke-width") == "2"
        assert {b.get("fill") for b in bars if b not in hatched} == {cs.BLUE}
        labels = [t for t in root.iter(f"{SVG}text") if t.text == "Bromley (this area)"]
        assert len(labels) == 1 and labels[0].get("font-weight") == "bold"


def test_reference_lines_are_dashed_and_labelled():
    """Each reference line is dashed, each differently, and labelled with name and value."""
    root = parse(CHARTS["bar"])
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len({line.get("stroke-dasharray") for line in dashed}) == 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "England: 65.2" in texts and "London: 58.1" in texts
    assert "Suppressed" in texts


def test_spine_marker_shape_and_word_give_the_comparison():
    """better = circle, similar = diamond, worse = square, not compared = hollow; words too."""
    markers = by_class(CHARTS["spine"], "cyplan-chart__marker")  # the missing row has none
    assert [m.get("d") for m in markers] == [
        cs.SHAPES["circle"],
        cs.SHAPES["diamond"],
        cs.SHAPES["square"],
        cs.SHAPES["triangle-down"],
    ]
    texts = [t.text for t in parse(CHARTS["spine"]).iter(f"{SVG}text")]
    for word in ("better", "similar", "worse", "lower", "not compared"):
        assert word in texts
    white = [e for e in parse(CHARTS["spine"]).iter() if e.get("fill") == cs.WHITE]
    hollow = [e for e in white if e.get("d") == cs.SHAPES["circle"]]
    assert len(hollow) == 1 and hollow[0].get("stroke") == cs.INK  # "Not compared" in the key


def test_colours_meet_wcag_contrast():
    """Text colours reach 4.5:1 on white and marks 3:1; lighter colours only fill outlined shapes."""
    assert all(contrast(c) >= 4.5 for c in cs.TEXT_COLOURS)
    marks = [s.colour for s in [*KIND_STYLES.values(), *SPARE_STYLES]]
    marks += [fill for _, fill in COMPARISON_MARKERS.values() if fill != cs.WHITE]
    assert all(contrast(c) >= 3 for c in marks)
    for name, svg in CHARTS.items():
        root = parse(svg)
        inside_pattern = {e for p in root.iter(f"{SVG}pattern") for e in p.iter()}
        for element in root.iter():
            fill, stroke = element.get("fill"), element.get("stroke")
            if element.tag == f"{SVG}text":
                assert fill in cs.TEXT_COLOURS and contrast(fill) >= 4.5, (name, fill)
                continue
            if stroke and element not in inside_pattern:
                is_grid = element.tag == f"{SVG}line" and stroke == cs.MID_GREY
                is_halo = stroke == cs.WHITE and element.get("class") == "cyplan-chart__marker"
                assert contrast(stroke) >= 3 or is_grid or is_halo, (name, element.attrib)
            if fill and fill != "none" and not fill.startswith("url("):
                background = element is list(root)[2] or element in inside_pattern
                outlined = stroke is not None and contrast(stroke) >= 3
                assert contrast(fill) >= 3 or background or outlined, (name, element.attrib)


# Scales ------------------------------------------------------------------------------------


def test_line_chart_places_values_by_hand_worked_scale():
    """0, 50 and 100 on a 0–100 axis land at the plot's bottom, middle and top."""
    svg = line_chart(
        [Series("A", years(0, 50, 100))], title="t", y_label="n", id_prefix="s", y_max=100
    )
    # Height 320, one legend row: plot from y=32 to y = 320 - 36 - 22 = 262, so 50 → 147.
    # Tick labels up to "100" (3 characters × 8): plot from x = 16 + 24 = 40 to 640 - 16 = 624,
    # three slots of 584 / 3 with points at their centres.
    markers = by_class(svg, "cyplan-chart__marker")[:3]
    assert [place(m) for m in markers] == [(137.33, 262), (332, 147), (526.67, 32)]


def test_single_point_sits_in_the_middle():
    """One point is drawn as a marker at the centre of the plot, with no line."""
    svg = line_chart([Series("A", [Point("2023", 45)])], title="t", y_label="n", id_prefix="one")
    group = by_class(svg, "cyplan-chart__series")[0]
    assert not group.findall(f"{SVG}path[@fill='none']")
    (marker,) = group.findall(f"{SVG}path")
    assert place(marker)[0] == (32 + 624) / 2  # ticks 0–50: "50" is 2 characters, left = 32
    assert desc(svg) == "n: A was 45 in 2023."


def test_line_chart_starts_at_zero_unless_y_min_is_given():
    """Values 43–71 get ticks 0 to 80 by 20; with y_min=40 the axis is 40 to 80 by 10."""
    series = [Series("A", years(43, 71))]

    def ticks(svg: str) -> list[str]:
        texts = [t for t in parse(svg).iter(f"{SVG}text") if t.get("text-anchor") == "end"]
        return [t.text for t in texts]

    assert ticks(line_chart(series, title="t", y_label="", id_prefix="z")) == [
        "0",
        "20",
        "40",
        "60",
        "80",
    ]
    with_min = line_chart(series, title="t", y_label="", id_prefix="z", y_min=40)
    assert ticks(with_min) == ["40", "50", "60", "70", "80"]


def test_negative_values_get_a_zero_line_below_and_above():
    """Negative values extend the axis below zero, with a solid zero line."""
    root = parse(CHARTS["line-negative"])
    texts = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert texts == ["-15", "-10", "-5", "0", "5", "10"]
    zero = [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "1.5"]
    assert len(zero) == 1


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (43, 71, [40, 50, 60, 70, 80]),
        (0, 71, [0, 20, 40, 60, 80]),
        (0, 100, [0, 20, 40, 60, 80, 100]),
        (0.1, 0.37, [0.1, 0.2, 0.3, 0.4]),
        (-3, 7, [-5, -2.5, 0, 2.5, 5, 7.5]),
        (1234, 98765, [0, 20000, 40000, 60000, 80000, 100000]),
        (5, 5, [4.5, 4.75, 5, 5.25, 5.5]),
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
    ],
)
def test_nice_ticks_for_some_ranges(low, high, ticks):
    """Ticks step by the smallest 1, 2, 2.5 or 5 × 10^k giving at most six, covering the range."""
    assert cs.nice_ticks(low, high) == ticks


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-3, 1e6, allow_nan=False),
)
def test_nice_ticks_always_four_to_six_round_ticks_covering_the_range(low, span):
    """For any range: 4–6 equally spaced ticks of a nice step, first <= low, last >= high."""
    high = low + span
    ticks = cs.nice_ticks(low, high)
    assert 4 <= len(ticks) <= 6
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    assert ticks[0] <= low + slack and ticks[-1] >= high - slack
    step = (ticks[-1] - ticks[0]) / (len(ticks) - 1)
    assert float(f"{step:.4e}".split("e")[0]) in (1, 2, 2.5, 5)
    assert all(abs(b - a - step) <= slack for a, b in zip(ticks, ticks[1:], strict=False))


def test_bar_scale_places_bars_by_hand():
    """Width 640: the plot runs from x=230 (36%) to 544 (96 for values), so 50 of 100 is 157."""
    svg = bar_chart([Point("A", 50), Point("B", 100)], title="t", id_prefix="b")
    bars = by_class(svg, "cyplan-chart__bar")
    assert [(b.get("x"), b.get("width")) for b in bars] == [("230", "157"), ("230", "314")]


def test_bar_height_grows_with_the_number_of_bars():
    """Each extra bar adds a 24-unit row."""

    def height(n: int) -> float:
        svg = bar_chart([Point(str(i), i) for i in range(n)], title="t", id_prefix="h")
        return float(parse(svg).get("viewBox").split()[3])

    assert height(20) - height(10) == 240


def test_spine_puts_england_in_the_centre_and_the_area_by_hand():
    """Width 640: spine 224–464, England at 344; each row's farthest extreme at an end."""
    rows = [
        # Higher is better; reach = max(|20 − 50|, |60 − 50|) = 30 → 120 units per 30.
        SpineRow("A", 40, 50, 20, 45, 55, 60, "higher-is-better", "worse"),
        # Lower is better: worst 80 on the left, so 60 (worse) is left of centre, 45 right.
        SpineRow("B", 60, 50, 80, 60, 45, 40, "lower-is-better", "worse"),
        SpineRow("C", 45, 50, 80, 60, 45, 40, "lower-is-better", "better"),
    ]
    svg = spine_chart(rows, title="t", id_prefix="sp")
    assert {float(e.get("x1")) for e in by_class(svg, "cyplan-chart__england")} == {344}
    ranges = [
        (float(r.get("x")), float(r.get("width"))) for r in by_class(svg, "cyplan-chart__range")
    ]
    assert ranges == [(224, 160), (224, 160), (224, 160)]
    iqr = by_class(svg, "cyplan-chart__iqr")
    assert [(float(r.get("x")), float(r.get("width"))) for r in iqr][:2] == [(324, 40), (304, 60)]
    markers = by_class(svg, "cyplan-chart__marker")
    assert [place(m)[0] for m in markers] == [304, 304, 364]


def test_spine_keeps_a_value_beyond_the_range_on_the_spine():
    """A value farther from England than worst or best sets the scale, so it stays inside."""
    # Reach = |90 − 50| = 40 → 3 units per 1: 90 at the right end (464), worst 20 at 254.
    svg = spine_chart(
        [SpineRow("A", 90, 50, 20, 45, 55, 60, "higher-is-better", "better")],
        title="t",
        id_prefix="far",
    )
    assert place(by_class(svg, "cyplan-chart__marker")[0])[0] == 464
    assert float(by_class(svg, "cyplan-chart__range")[0].get("x")) == 254


def test_spine_row_refuses_worst_and_best_the_wrong_way_round():
    """For higher-is-better worst must not exceed best; for lower-is-better the reverse."""
    with pytest.raises(ValueError, match="wrong way round"):
        SpineRow("A", 1, 2, 5, 3, 4, 1, "higher-is-better", "better")
    with pytest.raises(ValueError, match="wrong way round"):
        SpineRow("A", 1, 2, 1, 3, 4, 5, "lower-is-better", "better")


def test_spine_scale_helper_matches_the_docs():
    """spine_scale maps England to the centre and the farther extreme to an end."""
    row = cs.spine_scale(50, worst=20, best=60, value=40, centre=344, half=120)
    assert (row(50), row(20), row(40), row(60)) == (344, 224, 304, 384)
    flipped = cs.spine_scale(50, worst=80, best=40, value=None, centre=344, half=120)
    assert (flipped(80), flipped(50), flipped(40)) == (224, 344, 384)


def test_linear_scale_maps_ends_and_middle():
    """0–100 onto 262–32 (a y axis): 0 → 262, 50 → 147, 100 → 32."""
    y = cs.LinearScale(0, 100, 262, 32)
    assert (y(0), y(50), y(100)) == (262, 147, 32)


# Other rules ---------------------------------------------------------------------------------


def test_sparkline_marks_the_latest_value_and_describes_the_trend():
    """A sparkline has one marker, on its last value, and a desc with first, last and gaps."""
    svg = CHARTS["sparkline"]
    (marker,) = by_class(svg, "cyplan-chart__marker")
    assert place(marker) == (114, 26)  # last of five across 6–114; 43 is the lowest, at the foot
    assert desc(svg) == (
        "Bromley fell from 45 in 2019 to 43 in 2023. No value for Bromley in 2021 (suppressed)"
        " and 2022."
    )


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [(1234.56, None, "1,234.6"), (45.0, None, "45"), (0.0345, None, "0.035"), (5, 1, "5.0"),
     (-0.04, None, "-0.04"), (-0.01, 1, "0.0"), (2.5e6, 0, "2,500,000")],
)  # fmt: skip
def test_numbers_are_compact(value, places, text):
    """One decimal unless asked, two significant figures below 1, thousands separated."""
    assert cs.format_number(value, places) == text


@pytest.mark.parametrize(
    "make",
    [
        lambda: Point("a", 1, 3, 2),
        lambda: Point("a", float("inf")),
        lambda: Series("a", [], "national"),
        lambda: Series("a", [Point("x", 1), Point("x", 2)]),
        lambda: line_chart(
            [Series(str(i), []) for i in range(7)], title="", y_label="", id_prefix="a"
        ),
        lambda: line_chart([], title="", y_label="", id_prefix="a", y_min=5, y_max=5),
        lambda: bar_chart([Point("a", 1)], title="", id_prefix="a", highlight="b"),
        lambda: SpineRow("a", 1, 2, 1, 2, 3, 4, None, "good"),
    ],
)
def test_bad_input_is_refused(make):
    """Inconsistent or unknown inputs raise ValueError with a message."""
    with pytest.raises(ValueError):
        make()


def test_two_hundred_bars_render_quickly():
    """200 bars with intervals render well under a second (typically a few milliseconds)."""
    bars = [Point(f"Area {i}", i % 97, i % 97 - 2, i % 97 + 2) for i in range(200)]
    start = time.perf_counter()
    svg = bar_chart(
        bars, title="t", id_prefix="big", highlight="Area 7", reference_lines=[("E", 50)]
    )
    assert time.perf_counter() - start < 1
    assert len(by_class(svg, "cyplan-chart__bar")) == 200
