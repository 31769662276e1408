"""The forest plot: structure, words, log scale and the charts' accessibility rules."""

import re
import xml.etree.ElementTree as ET

import pytest

from cyplan.analytics import disproportionality as dp
from cyplan.analytics.forest_plot import ForestRow, forest_plot, log_ticks

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [
    ForestRow("White British", 1.0, significance=dp.REFERENCE),
    ForestRow("Black", 2.3, 1.9, 2.8, dp.OVER),
    ForestRow("Asian", 0.4, 0.21, 0.75, dp.UNDER),
    ForestRow("Mixed", 1.2, 0.66, 2.18, dp.NOT_SIGNIFICANT),
    ForestRow("Other", None, significance=dp.SUPPRESSED, note="Suppressed"),
    ForestRow("<script>", None, significance=dp.CANNOT, note="Cannot be calculated"),
]


def draw(rows=ROWS):
    return forest_plot(rows, title="Children in care", id_prefix="cla-rri",
                       reference_label="White British children")  # fmt: skip


def test_root_is_a_named_image_with_title_and_desc():
    """role=img, aria-labelledby the title and desc, which come first."""
    root = ET.fromstring(draw())
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "cla-rri-title cla-rri-desc"
    assert [child.tag for child in root][:2] == [SVG + "title", SVG + "desc"]


def test_desc_states_every_row_in_words():
    """The desc gives each ratio, interval and significance, and the rows without one."""
    desc = ET.fromstring(draw()).find(SVG + "desc").text
    assert "compared with White British children" in desc
    assert "Black: 2.3 (95% CI 1.9 to 2.8), over-represented" in desc
    assert "Asian: 0.40 (95% CI 0.21 to 0.75), under-represented" in desc
    assert "Mixed: 1.2 (95% CI 0.66 to 2.2), not significantly different" in desc
    assert "Other: suppressed" in desc
    assert "White British: the reference group" in desc


def test_nothing_the_csp_blocks_and_text_is_escaped():
    """No style or script, every id prefixed, a label with markup is escaped."""
    svg = draw()
    assert "style=" not in svg and "<script" not in svg and "&lt;script&gt;" in svg
    assert all(i.startswith("cla-rri-") for i in re.findall(r' id="([^"]+)"', svg))


def test_shapes_and_words_not_colour_alone():
    """Over is a triangle, under a downward triangle, not significant a diamond; words are written."""
    svg = draw()
    assert "M0-6L5.5 4h-11Z" in svg and "M0 6L5.5-4h-11Z" in svg and "M0-6.5L6 0L0 6.5L-6 0Z" in svg
    for words in ("2.3 (1.9 to 2.8)", "1 (reference)", "Over-represented", "Under-represented"):
        assert words in svg


def test_log_ticks_cover_the_intervals_and_one():
    """Powers of two around the data and 1; powers of ten for a wide range."""
    assert log_ticks(1.9, 2.8) == [1.0, 2.0, 4.0]  # 1 is always on the axis
    assert log_ticks(0.21, 2.8) == [0.125, 0.25, 0.5, 1.0, 2.0, 4.0]
    assert log_ticks(0.001, 500) == [0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0]


def test_the_line_at_one_is_in_the_middle_of_a_symmetric_axis():
    """On ticks 0.5 to 2 the line at 1 is half way across the plot (log scale)."""
    svg = forest_plot([ForestRow("A", 1.5, 0.6, 1.9)], title="t", id_prefix="t",
                      reference_label="all other children", width=640)  # fmt: skip
    # plot from 0.39 * 640 = 249.6 to 0.7 * 640 = 448; ln 1 is midway between ln 0.5 and ln 2
    # so x = (249.6 + 448) / 2 = 348.8
    assert 'x1="348.8" y1="28" x2="348.8"' in svg
    assert ">0.5</text>" in svg and ">2</text>" in svg  # tick labels written exactly


def test_bad_rows_raise():
    """An infinite ratio or one outside its interval is refused."""
    with pytest.raises(ValueError):
        ForestRow("A", float("inf"))
    with pytest.raises(ValueError):
        ForestRow("A", 3.0, 1.0, 2.0)


def test_same_input_same_string():
    """The plot is deterministic."""
    assert draw() == draw()
