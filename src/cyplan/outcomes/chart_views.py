"""Charts for the outcomes pages, drawn by the analytics core's SVG charts.

Every chart has the same figures in a table beside it on the page; suppressed figures are
left out of charts for the public (a gap, named in the chart's description).
"""

from __future__ import annotations

from cyplan.analytics import charts
from cyplan.outcomes.models import IndicatorValue


def _point(label: str, cell, public: bool) -> charts.Point:
    if cell is None:
        return charts.Point(label, None)
    shown, figure = cell["shown"], cell["figure"]
    if shown.suppressed or figure.value is None:
        return charts.Point(label, None, note="c" if shown.suppressed else None)
    return charts.Point(label, figure.value, figure.lower95, figure.upper95)


def indicator_charts(page, *, public: bool) -> dict[str, str]:
    result: dict[str, str] = {}
    if not page.trend_rows:
        return result
    unit = page.entry.unit if page.entry else ""
    kinds = ["area", "region", "england"]
    series = []
    for index, name in enumerate(page.trend_columns):
        if not name:
            continue
        points = [_point(row["period"], row["cells"][index], public) for row in page.trend_rows]
        if any(p.value is not None for p in points):
            series.append(charts.Series(name, points, kinds[index]))
    if series:
        result["trend"] = charts.line_chart(
            series,
            title=f"{page.entry.title if page.entry else page.code}: {page.area_name}, its region and England",
            y_label=unit,
            unit=unit,
            id_prefix="trend",
        )
    if page.neighbour_rows:
        bars = [
            _point(row["name"], {"shown": row["shown"], "figure": row["figure"]}, public)
            for row in page.neighbour_rows
        ]
        england = IndicatorValue.objects.filter(
            indicator__code=page.code, area_code="E92000001", period=page.period, is_total=True
        ).first()
        references = [("England", england.value)] if england and england.value is not None else []
        result["neighbours"] = charts.bar_chart(
            bars,
            title=f"{page.area_name} and its statistical neighbours, {page.period}",
            unit=unit,
            id_prefix="neighbours",
            # The area's own bar, under the name its figure was published with.
            highlight=next((row["name"] for row in page.neighbour_rows if row["is_area"]), None),
            reference_lines=references,
        )
    return result


def scorecard_spine(plan, rows, *, public: bool) -> str:
    """A spine chart: each indicator's England range, England, and the area's marker."""
    spine_rows = []
    for row, shown in rows:
        c = row.comparison
        if c is None or c.area.value is None or (shown and shown.suppressed):
            continue
        values = [
            v
            for v in IndicatorValue.objects.filter(
                indicator__code=row.code,
                period=c.area.period,
                is_total=True,
                area_level="local_authority",
            ).values_list("value", flat=True)
            if v is not None
        ]
        england = next((b for b in c.benchmarks if b["role"] == "England"), None)
        if len(values) < 4 or england is None or england["value"] is None:
            continue
        values.sort()
        q1, q3 = values[len(values) // 4], values[(3 * len(values)) // 4]
        worst, best = (
            (values[0], values[-1])
            if row.polarity != "lower-is-better"
            else (values[-1], values[0])
        )
        spine_rows.append(
            charts.SpineRow(
                label=row.title,
                value=c.area.value,
                england=england["value"],
                worst=worst,
                q1=q1,
                q3=q3,
                best=best,
                polarity=row.polarity,
                comparison=england["comparison"],
            )
        )
    if not spine_rows:
        return ""
    return charts.spine_chart(
        spine_rows,
        title=f"{plan.area.name} against the range of local authorities in England",
        id_prefix="spine",
    )
