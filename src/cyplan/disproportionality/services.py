"""Disproportionality pages from stored counts: the analysis for every year, shown with
disclosure control, and the same figures as a downloadable table.

The public sees ``c`` for small counts and for every figure built on one; plan managers see
the real values, marked "not suppressed". The denominator is named on every output, and data
made up for the demo is labelled "Synthetic data" on every page and CSV.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from cyplan.analytics import disproportionality as dp
from cyplan.analytics.forest_plot import forest_plot
from cyplan.core.tables import Table
from cyplan.disproportionality.models import Cohort, CohortCount, DenominatorCount
from cyplan.disproportionality.presentation import ShownRow, forest_rows, show_row

SYNTHETIC = "Synthetic data"
SYNTHETIC_NOTE = (
    "Synthetic data: these figures were made up by cyplan to show how the analysis works. "
    "They are not real children's data."
)
CHARACTERISTIC_NAMES = {"ethnicity": "Ethnicity", "sex": "Sex", "age": "Age group"}


class NoData(Exception):
    """The cohort has no counts (or no denominator) for what was asked."""


def threshold() -> int:
    return settings.CYPLAN_DISCLOSURE_THRESHOLD


def characteristic_name(characteristic: str) -> str:
    return CHARACTERISTIC_NAMES.get(characteristic, characteristic.replace("-", " ").capitalize())


def _by_year(queryset) -> dict[str, dict[str, int]]:
    years: dict[str, dict[str, int]] = defaultdict(dict)
    for year, group, count in queryset.values_list("year", "group", "count"):
        years[year][group] = count
    return dict(years)


def cohort_counts(cohort: Cohort, area_code: str, characteristic: str) -> dict[str, dict[str, int]]:
    return _by_year(
        CohortCount.objects.filter(
            cohort=cohort, area_code=area_code, characteristic=characteristic
        )
    )


def denominator_counts(
    cohort: Cohort, area_code: str, characteristic: str
) -> dict[str, dict[str, int]]:
    """The population by year and group: the denominator's, or the base cohort's counts."""
    if cohort.base_cohort_id:
        return cohort_counts(cohort.base_cohort, area_code, characteristic)
    if not cohort.denominator_id:
        return {}
    return _by_year(
        DenominatorCount.objects.filter(
            denominator_id=cohort.denominator_id,
            area_code=area_code,
            characteristic=characteristic,
        )
    )


def areas_of(cohort: Cohort) -> list[tuple[str, str]]:
    """(code, name) of every area with counts for the cohort."""
    names: dict[str, str] = {}
    for code, name in CohortCount.objects.filter(cohort=cohort).values_list(
        "area_code", "area_name"
    ):
        names[code] = names.get(code) or name or code
    return sorted(names.items())


def characteristics_of(cohort: Cohort) -> list[str]:
    return sorted(
        set(CohortCount.objects.filter(cohort=cohort).values_list("characteristic", flat=True))
    )


def is_synthetic(cohort: Cohort) -> bool:
    base = cohort.base_cohort
    return bool(
        cohort.is_synthetic
        or (cohort.denominator and cohort.denominator.is_synthetic)
        or (base and base.is_synthetic)
    )


@dataclass
class CohortPage:
    cohort: Cohort
    characteristic: str
    area_code: str
    area_name: str
    year: str
    years: list[str]
    reference: str
    reference_choices: list[tuple[str, str]]
    analysis: dp.Analysis
    rows: list[ShownRow]
    total: ShownRow
    over_time: list[tuple[str, list[str]]]
    public: bool
    synthetic: bool
    table: Table
    forest: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def denominator_title(self) -> str:
        return self.cohort.denominator_title

    @property
    def any_revealed(self) -> bool:
        return any(r.revealed_to_staff for r in self.rows)

    @property
    def headline(self) -> list[str]:
        """Sentences for the groups that differ significantly from the reference."""
        return [
            r.sentence
            for r in self.rows
            if r.significance in (dp.OVER, dp.UNDER) and not r.is_reference
        ]


def _area_name(cohort: Cohort, area_code: str) -> str:
    return dict(areas_of(cohort)).get(area_code, area_code)


def analyses(
    cohort: Cohort,
    characteristic: str,
    area_code: str,
    reference: str | None = None,
    *,
    _depth: int = 0,
) -> list[dp.Analysis]:
    """The analysis for every year that has both cohort and denominator counts."""
    counts = cohort_counts(cohort, area_code, characteristic)
    population = denominator_counts(cohort, area_code, characteristic)
    years = {y: (counts[y], population[y]) for y in counts if y in population}
    if not years:
        raise NoData(
            f"No counts of {cohort.title.lower()} by {characteristic} with a denominator "
            f"for {area_code}"
        )
    elsewhere = {}
    if cohort.base_cohort_id and _depth < 5:
        # The denominator is another cohort, whose own page shows these counts: audit them
        # together so the two pages side by side give nothing away.
        try:
            base = analyses(cohort.base_cohort, characteristic, area_code, _depth=_depth + 1)
        except NoData:
            base = []
        elsewhere = {a.year: dp.published_counts(a) for a in base}
    return dp.analyse_years(
        years,
        characteristic=characteristic,
        reference=reference,
        threshold=threshold(),
        populations_shown_elsewhere=elsewhere,
    )


def reference_choices(cohort: Cohort, characteristic: str, area_code: str) -> list[tuple[str, str]]:
    """The rows a reader may compare with: the rows of the analysis, the same whatever the
    reference (merges and suppression never depend on it), with a population every year."""
    try:
        every = analyses(cohort, characteristic, area_code)
    except NoData:
        return []
    keys: dict[str, str] = {}
    for row in every[0].groups:
        if all(any(r.key == row.key and r.population is not None for r in a.groups) for a in every):
            keys[row.key] = row.children
    default = [("WBRI", keys.pop("WBRI"))] if "WBRI" in keys else []
    return (
        default
        + [(dp.ALL_OTHER, "All other children")]
        + [(key, text[0].upper() + text[1:]) for key, text in keys.items()]
    )


def cohort_page(
    cohort: Cohort,
    *,
    characteristic: str,
    area_code: str,
    year: str | None = None,
    reference: str | None = None,
    public: bool = True,
) -> CohortPage:
    """Everything the cohort's page shows, for one characteristic and area (raises NoData)."""
    choices = reference_choices(cohort, characteristic, area_code)
    if reference not in {key for key, _ in choices}:
        reference = None
    every = analyses(cohort, characteristic, area_code, reference)
    by_year = {a.year: a for a in every}
    year = year if year in by_year else every[-1].year
    analysis = by_year[year]
    rows = [show_row(r, analysis, cohort.phrase, public=public) for r in analysis.groups]
    total = show_row(analysis.total, analysis, cohort.phrase, public=public)
    synthetic = is_synthetic(cohort)
    page = CohortPage(
        cohort=cohort,
        characteristic=characteristic,
        area_code=area_code,
        area_name=_area_name(cohort, area_code),
        year=year,
        years=[a.year for a in every],
        reference=analysis.reference,
        reference_choices=choices,
        analysis=analysis,
        rows=rows,
        total=total,
        over_time=_over_time(every, cohort.phrase, public),
        public=public,
        synthetic=synthetic,
        table=_table(cohort, every, characteristic, area_code, public, synthetic),
        notes=list(analysis.notes),
    )
    title = f"{cohort.title}: relative rate index by {characteristic_name(characteristic).lower()}, {year}"
    page.forest = forest_plot(
        forest_rows(analysis, public=public),
        title=title,
        id_prefix=f"rri-{cohort.code}"[:60],
        reference_label=analysis.reference_label,
    )
    return page


def _over_time(every: list[dp.Analysis], phrase: str, public: bool) -> list[tuple[str, list[str]]]:
    """Each group's RRI and interval for each year (the same merges every year)."""
    labels: dict[str, str] = {}
    cells: dict[str, dict[str, str]] = defaultdict(dict)
    for analysis in every:
        for row in analysis.groups:
            if row.population is None or row.is_reference:
                continue
            labels.setdefault(row.key, row.label)
            shown = show_row(row, analysis, phrase, public=public)
            text = shown.rri
            if shown.interval and shown.interval not in ("c", "reference"):
                text += f" ({shown.interval})"
            cells[row.key][analysis.year] = text
    return [(labels[k], [cells[k].get(a.year, "–") for a in every]) for k in labels]


HEADERS = [
    "Cohort",
    "Area code",
    "Year",
    "Characteristic",
    "Group",
    "Children in cohort",
    "Denominator",
    "Population",
    "Rate per 10,000",
    "Share of cohort",
    "Share of population",
    "Reference",
    "Relative rate index",
    "95% confidence interval",
    "Significance",
    "Groups merged",
    "Data",
]


def _csv_rows(
    cohort: Cohort,
    analysis: dp.Analysis,
    characteristic: str,
    area_code: str,
    public: bool,
    synthetic: bool,
) -> list[list[str]]:
    rows = []
    shown_rows = [show_row(r, analysis, cohort.phrase, public=public) for r in analysis.groups]
    shown_rows.append(show_row(analysis.total, analysis, cohort.phrase, public=public))
    for s in shown_rows:
        rows.append(
            [
                cohort.title,
                area_code,
                analysis.year,
                characteristic,
                s.label,
                s.count,
                cohort.denominator_title,
                s.population,
                s.rate,
                s.cohort_share,
                s.population_share,
                analysis.reference_label,
                s.rri if s.key != dp.TOTAL else "",
                s.interval if s.key != dp.TOTAL else "",
                s.significance,
                s.members,
                SYNTHETIC if synthetic else "",
            ]
        )
    return rows


def _table(
    cohort: Cohort,
    every: list[dp.Analysis],
    characteristic: str,
    area_code: str,
    public: bool,
    synthetic: bool,
) -> Table:
    table = Table(
        caption=f"{cohort.title} by {characteristic}",
        headers=HEADERS,
        filename=f"{cohort.code}-{characteristic}-{area_code}{'-synthetic' if synthetic else ''}.csv",
    )
    for analysis in every:
        table.rows.extend(_csv_rows(cohort, analysis, characteristic, area_code, public, synthetic))
    return table


@dataclass
class OverviewSection:
    cohort: Cohort
    year: str
    rows: list[ShownRow]
    reference_label: str
    synthetic: bool
    notes: list[str]


def overview(
    characteristic: str, area_code: str, *, public: bool
) -> tuple[list[OverviewSection], Table]:
    """Every cohort's latest year for one characteristic and area, and a CSV of them all."""
    sections = []
    table = Table(
        caption=f"Every cohort by {characteristic}",
        headers=HEADERS,
        filename=f"disproportionality-{characteristic}-{area_code}.csv",
    )
    for cohort in Cohort.objects.select_related("denominator", "base_cohort"):
        try:
            every = analyses(cohort, characteristic, area_code)
        except NoData:
            continue
        latest = every[-1]
        synthetic = is_synthetic(cohort)
        rows = [show_row(r, latest, cohort.phrase, public=public) for r in latest.groups]
        sections.append(
            OverviewSection(
                cohort, latest.year, rows, latest.reference_label, synthetic, list(latest.notes)
            )
        )
        table.rows.extend(_csv_rows(cohort, latest, characteristic, area_code, public, synthetic))
    if any(s.synthetic for s in sections):
        table.filename = table.filename.replace(".csv", "-synthetic.csv")
    return sections, table


def areas_with_counts() -> list[tuple[str, str]]:
    names: dict[str, str] = {}
    for code, name in CohortCount.objects.values_list("area_code", "area_name").distinct():
        names[code] = names.get(code) or name or code
    return sorted(names.items())


def cohorts_for_node(plan_slug: str, node_key: str) -> list[Cohort]:
    """Cohorts that name this plan node."""
    return list(
        Cohort.objects.filter(nodes__plan_slug=plan_slug, nodes__node_key=node_key).distinct()
    )


def plan_nodes(cohort: Cohort, user=None) -> list:
    """The plan nodes a cohort names that exist in the plans ``user`` may read, in plan order.

    A node of a draft plan is left out for anyone who may not read the draft (the public
    included), so a cohort linked to a draft priority shows nothing of it.
    """
    from django.db.models import Q

    from cyplan.plans.models import PlanNode
    from cyplan.plans.queries import visible_plans

    wanted = Q(pk__in=[])
    for plan_slug, node_key in cohort.nodes.values_list("plan_slug", "node_key"):
        wanted |= Q(plan__slug=plan_slug, key=node_key)
    nodes = PlanNode.objects.filter(wanted, plan__in=visible_plans(user))
    return list(nodes.select_related("plan").order_by("plan__slug", "id"))
