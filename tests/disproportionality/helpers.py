"""A small cohort built in code, with counts worked through by hand in the tests."""

from cyplan.disproportionality.importing import CountRow, save_counts
from cyplan.disproportionality.models import Cohort, CohortNode, Denominator

AREA = "E06000099"
POPULATION = {"WBRI": 40000, "BCRB": 2000, "BAFR": 3000}
IN_CARE = {
    "2023": {"WBRI": 190, "BCRB": 45, "BAFR": 20, "REFU": 3},
    "2024": {"WBRI": 200, "BCRB": 50, "BAFR": 3},
}


def rows(counts, year, area=AREA, characteristic="ethnicity"):
    return [CountRow(area, "Testshire", year, characteristic, g, n) for g, n in counts.items()]


def make_cohort(code="children-in-care", nodes=(("test-plan", "p1-c1"),)):
    population, _ = Denominator.objects.get_or_create(
        code="ons-0-17", defaults={"title": "ONS mid-year estimates, aged 0 to 17"}
    )
    cohort = Cohort.objects.create(
        code=code,
        title="Children in care",
        phrase="to be in care",
        denominator=population,
        source="SSDA903",
    )
    for year, counts in IN_CARE.items():
        save_counts(rows(POPULATION, year), denominator=population)
        save_counts(rows(counts, year), cohort=cohort)
    for plan_slug, key in nodes:
        CohortNode.objects.create(cohort=cohort, plan_slug=plan_slug, node_key=key)
    return cohort
