"""A plan's own picture of its area: the key figures it quotes, grouped as the plan groups
them (its sections, or the priority a figure belongs to), with their benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

from cyplan.plans import models as m


@dataclass
class FigureGroup:
    key: str
    title: str
    figures: list[m.KeyFigure]


def benchmark_text(benchmark: dict) -> str:
    """``{"area": "London", "value_text": "74 per cent", "date": "2017"}`` -> "London: 74 per
    cent (2017)"; a benchmark the plan states in words keeps its words."""
    area = benchmark.get("area") or "Benchmark"
    value = benchmark.get("value_text") or (
        "" if benchmark.get("value") is None else f"{benchmark['value']:g}"
    )
    date = benchmark.get("date")
    return f"{area}: {value}" + (f" ({date})" if date else "")


def figure_groups(plan: m.Plan) -> list[FigureGroup]:
    """The plan's key figures in its own order, grouped by the section (or node) they sit in."""
    sections = {s.key: s.title for s in plan.sections.all()}
    nodes = {
        n.key: f"{n.get_kind_display()} {n.number}: {n.title}".replace("  ", " ")
        for n in plan.nodes.filter(parent__isnull=True)
    }
    from cyplan.outcomes.catalogue_sync import definition

    groups: dict[str, FigureGroup] = {}
    for figure in plan.key_figures.order_by("position"):
        # A link to the indicator's page only where the catalogue defines it.
        figure.benchmark_lines = [benchmark_text(b) for b in figure.benchmarks or []]
        figure.has_indicator_page = bool(
            figure.indicator_code and definition(figure.indicator_code)
        )
        key = figure.section or ""
        if key not in groups:
            title = (
                sections.get(key)
                or nodes.get(key)
                or (key.replace("-", " ").capitalize() or "Other figures")
            )
            groups[key] = FigureGroup(key, title, [])
        groups[key].figures.append(figure)
    return list(groups.values())
