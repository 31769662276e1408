"""Synthetic demo data: made-up counts, generated in code with a fixed seed, clearly labelled.

Two cohorts (children in care at 31 March, and permanent exclusions) by ethnicity for five years,
with a made-up population aged 0 to 17 and a made-up school headcount by ethnic group, for the
area of the loaded plans. The rates ratios are chosen to look like the patterns published
nationally (some groups over-represented, a gap narrowing over time) but every number is
invented. Everything made here is marked ``is_synthetic`` and every page and CSV that shows it
says "Synthetic data".
"""

from __future__ import annotations

import numpy as np
from django.db import transaction

from cyplan.disproportionality.importing import CountRow, save_counts
from cyplan.disproportionality.models import Cohort, CohortNode, Denominator

SEED = 20240331
YEARS = ("2020", "2021", "2022", "2023", "2024")
# Share of the 0 to 17 population by ethnicity code (made up; sums to 1).
POPULATION_SHARES = {
    "WBRI": 0.640, "WIRI": 0.010, "WOTH": 0.070, "WIRT": 0.002, "WROM": 0.003,
    "MWBC": 0.020, "MWBA": 0.010, "MWAS": 0.020, "MOTH": 0.025,
    "AIND": 0.030, "APKN": 0.007, "ABAN": 0.005, "AOTH": 0.025,
    "BCRB": 0.020, "BAFR": 0.045, "BOTH": 0.015,
    "CHNE": 0.008, "OOTH": 0.045,
}  # fmt: skip
# Rate ratio against White British in the first year, and in the last (a gap narrowing).
CARE_RATIOS = {
    "MWBC": (2.6, 2.0), "MOTH": (1.8, 1.5), "BCRB": (2.4, 1.8), "BAFR": (1.3, 1.2),
    "BOTH": (2.2, 1.7), "AIND": (0.3, 0.3), "AOTH": (0.8, 0.8), "WOTH": (0.9, 0.9),
    "OOTH": (1.4, 1.3),
}  # fmt: skip
EXCLUSION_RATIOS = {
    "MWBC": (3.0, 2.6), "BCRB": (2.8, 2.4), "BAFR": (0.9, 0.9), "BOTH": (1.6, 1.5),
    "WIRT": (4.0, 4.0), "AIND": (0.2, 0.2), "WOTH": (0.7, 0.7),
}  # fmt: skip


def _series(rng, population: dict[str, int], base_rate: float, ratios, year_index: int):
    """Counts by group for one year: binomial draws around base_rate × the group's ratio."""
    share = year_index / (len(YEARS) - 1)
    counts = {}
    for code, people in population.items():
        first, last = ratios.get(code, (1.0, 1.0))
        ratio = first + (last - first) * share
        counts[code] = int(rng.binomial(people, min(1.0, base_rate * ratio)))
    return counts


def _rows(area_code, area_name, year, counts) -> list[CountRow]:
    return [
        CountRow(area_code, area_name, year, "ethnicity", group, count)
        for group, count in counts.items()
    ]


@transaction.atomic
def load_synthetic_data(area_code: str | None = None, area_name: str | None = None) -> int:
    """Make (or remake) the synthetic cohorts for an area; return how many counts were stored.

    The area defaults to that of the first loaded plan; with no plan loaded nothing is made.
    Cohorts are linked to the plan nodes about disproportionality in that area's plans.
    """
    from cyplan.plans.models import Area, PlanNode

    if area_code is None:
        area = Area.objects.filter(plans__isnull=False).order_by("code").first()
        if area is None:
            return 0
        area_code, area_name = area.code, area.name
    rng = np.random.default_rng(SEED)
    population_0_17, created = Denominator.objects.update_or_create(
        code="synthetic-population-0-17",
        defaults={
            "title": "Population aged 0 to 17 by ethnic group (synthetic)",
            "description": "Made up for the demo in the shape of ONS mid-year estimates.",
            "source": "cyplan synthetic data",
            "is_synthetic": True,
        },
    )
    headcount, _ = Denominator.objects.update_or_create(
        code="synthetic-school-headcount",
        defaults={
            "title": "School census headcount by ethnic group (synthetic)",
            "description": "Made up for the demo in the shape of the January school census.",
            "source": "cyplan synthetic data",
            "is_synthetic": True,
        },
    )
    care, _ = Cohort.objects.update_or_create(
        code="synthetic-children-in-care",
        defaults={
            "title": "Children in care at 31 March (synthetic)",
            "phrase": "to be in care",
            "description": "Children looked after at 31 March, by ethnicity. Made up for the demo.",
            "source": "cyplan synthetic data (in the shape of the SSDA903 return)",
            "kind": Cohort.Kind.CHILD_LEVEL,
            "indicator_code": "cla-rate",
            "denominator": population_0_17,
            "is_synthetic": True,
        },
    )
    exclusions, _ = Cohort.objects.update_or_create(
        code="synthetic-permanent-exclusions",
        defaults={
            "title": "Permanent exclusions (synthetic)",
            "phrase": "to be permanently excluded",
            "description": "Pupils permanently excluded in the school year, by ethnicity. Made up for the demo.",
            "source": "cyplan synthetic data (in the shape of the exclusions return)",
            "kind": Cohort.Kind.AGGREGATE,
            "denominator": headcount,
            "is_synthetic": True,
        },
    )
    stored = 0
    for index, year in enumerate(YEARS):
        total = 74_000 + 400 * index
        population = {c: round(total * s) for c, s in POPULATION_SHARES.items()}
        pupils = {c: round(n * 0.72) for c, n in population.items()}
        in_care = _series(rng, population, 0.0035, CARE_RATIOS, index)
        in_care["NOBT"] = int(rng.integers(1, 4))
        excluded = _series(rng, pupils, 0.0006, EXCLUSION_RATIOS, index)
        for owner, counts in (
            ({"denominator": population_0_17}, population),
            ({"denominator": headcount}, pupils),
            ({"cohort": care}, in_care),
            ({"cohort": exclusions}, excluded),
        ):
            rows = _rows(area_code, area_name, year, counts)
            save_counts(rows, source="cyplan synthetic data", **owner)
            stored += len(rows)
    nodes = PlanNode.objects.filter(
        plan__area__code=area_code, title__icontains="disproportionality"
    ).select_related("plan")
    for cohort in (care, exclusions):
        for node in nodes:
            CohortNode.objects.get_or_create(
                cohort=cohort, plan_slug=node.plan.slug, node_key=node.key
            )
    return stored
