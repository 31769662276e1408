"""The charts a report draws: actions by status, and the outcomes spine chart.

SVG for HTML and PDF; the same drawing as PNG (through CairoSVG) for Word, which cannot
embed SVG. Every chart sits beside a table with the same figures.
"""

from __future__ import annotations

from cyplan.analytics import charts
from cyplan.delivery.rollup import STATUS_LABELS
from cyplan.outcomes.chart_views import scorecard_spine
from cyplan.reports.content import STATUS_ORDER, BoardPack, PackPlan


def status_chart(part: PackPlan, index: int) -> str:
    bars = [
        charts.Point(STATUS_LABELS[s], float(part.counts.get(s, 0)))
        for s in STATUS_ORDER
        if part.counts.get(s, 0) or part.previous_counts.get(s, 0)
    ]
    if not bars:
        return ""
    return charts.bar_chart(
        bars,
        title=f"Actions by status, {part.period.label}: {part.plan.title}",
        unit="count",
        id_prefix=f"status{index}",
    )


def spine(part: PackPlan, public: bool) -> str:
    return scorecard_spine(part.plan, part.spine_rows, public=public) if part.spine_rows else ""


def pack_charts(pack: BoardPack) -> tuple[list[str], list[str]]:
    """(status charts, spine charts), one of each per plan in the pack ("" where none)."""
    status = [status_chart(part, i) for i, part in enumerate(pack.plans)]
    spines = [spine(part, pack.public) for part in pack.plans]
    return status, spines


def png(svg: str, width: int = 1400) -> bytes:
    """An SVG chart drawn as a PNG, for Word."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=width)
