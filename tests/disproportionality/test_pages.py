"""Disproportionality pages: figures, suppression for the public, synthetic labels, CSV, links."""

import csv
import io

import pytest
from django.test import Client

from cyplan.accounts.models import Role
from cyplan.disproportionality.demo import load_synthetic_data
from tests.factories import make_plan, make_user

from .helpers import AREA, make_cohort

pytestmark = pytest.mark.django_db
URL = "/disproportionality/cohorts/children-in-care/"


@pytest.fixture
def cohort():
    make_plan()
    return make_cohort()


def manager_client():
    client = Client()
    client.force_login(make_user("manager", Role.PLAN_MANAGER))
    return client


def rows_of(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_cohort_page_gives_the_sentence_the_interval_and_the_denominator(cohort, client):
    """2024: Black (merged) 53 of 5,000 against White British 200 of 40,000: RRI 2.1 (1.6 to 2.9)."""
    # Black African 3 is small, so Black Caribbean and Black African are merged: 50 + 3 = 53
    # children of 2000 + 3000 = 5000; rate 106 per 10,000; White British 200 / 40000 = 50.
    # RRI = 106 / 50 = 2.12; variance = 1/53 - 1/5000 + 1/200 - 1/40000 = 0.0236429,
    # se = 0.153763, 1.96 se = 0.301375, ln 2.12 = 0.751416: 1.568 to 2.866.
    body = client.get(URL).content.decode()
    assert (
        "Black children are 2.1 times as likely as White British children to be in care "
        "(95% CI 1.6 to 2.9)." in body
    )
    assert "ONS mid-year estimates, aged 0 to 17" in body
    assert "Black Caribbean, Black African are shown together" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body and 'role="img"' in body
    assert "Synthetic data" not in body


def test_public_sees_c_where_staff_see_the_count_marked(cohort, client):
    """2023: Refused (3) is small, so the next smallest cell, Black (65), is hidden too."""
    # 2023 Black: 45 + 20 = 65 (merged because 2024 needed it); cells 190, 65, 3: 3 is primary,
    # and with the total shown the smallest other non-zero cell, 65, is secondary.
    public = client.get(URL + "?year=2023").content.decode()
    assert ">65<" not in public and "Figures for children of" not in public
    assert "Figures marked c are suppressed" in public
    staff = manager_client().get(URL + "?year=2023").content.decode()
    assert '65 <span class="govuk-body-s">(not suppressed)</span>' in staff
    assert "Do not share them" in staff


def test_csv_has_every_year_names_the_denominator_and_suppresses(cohort, client):
    """The CSV has a row per group per year (and the total), the denominator and the c symbols."""
    response = client.get(URL + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    table = rows_of(response)
    assert {r["Year"] for r in table} == {"2023", "2024"}
    black_2023 = next(r for r in table if r["Year"] == "2023" and r["Group"] == "Black")
    assert black_2023["Children in cohort"] == "c" and black_2023["Relative rate index"] == "c"
    assert all(r["Denominator"] == "ONS mid-year estimates, aged 0 to 17" for r in table)
    black_2024 = next(r for r in table if r["Year"] == "2024" and r["Group"] == "Black")
    assert black_2024["Relative rate index"] == "2.1"
    assert black_2024["95% confidence interval"] == "1.6 to 2.9"
    assert black_2024["Significance"] == "over-represented"


def test_reference_can_be_all_other_children(cohort, client):
    """Against all other children, 2024 Black: 53 of 5,000 against 200 of 40,000 (the others)."""
    # total 253 of 45,000; others: 253 - 53 = 200 of 45000 - 5000 = 40000: the same RRI 2.12.
    body = client.get(URL + "?reference=all-other").content.decode()
    assert "2.1 times as likely as all other children to be in care" in body


def test_synthetic_data_is_labelled_on_pages_and_csv(client, settings):
    """On a demo instance the demo cohorts say Synthetic data on their page, the index, the
    overview and the CSV."""
    settings.CYPLAN_DEMO = True
    make_plan()
    assert load_synthetic_data() > 0
    url = "/disproportionality/cohorts/synthetic-children-in-care/"
    for page in (url, "/disproportionality/", "/disproportionality/by/ethnicity/"):
        assert "Synthetic data" in client.get(page).content.decode(), page
    table = rows_of(client.get(url + "?format=csv"))
    assert table and all(r["Data"] == "Synthetic data" for r in table)
    assert "synthetic" in client.get(url + "?format=csv")["Content-Disposition"]
    assert len({r["Year"] for r in table}) == 5


def test_overview_lists_every_cohort_for_the_characteristic(cohort, client):
    """The ethnicity overview has a section for the cohort with its latest year."""
    body = client.get("/disproportionality/by/ethnicity/").content.decode()
    assert "Children in care" in body and "2024" in body
    assert rows_of(client.get("/disproportionality/by/ethnicity/?format=csv"))


def test_plan_node_links_to_the_cohorts_that_name_it(cohort, client):
    """The plan node a cohort names links to the cohort's page; the cohort page links back."""
    body = client.get("/plans/test-plan/p1-c1/").content.decode()
    assert f'href="{URL}?area={AREA}"' in body
    assert 'href="/plans/test-plan/p1-c1/"' in client.get(URL).content.decode()


def test_a_cohort_without_counts_says_so(client):
    """A cohort with no counts gives a page saying so, not an error."""
    make_cohort(code="empty", nodes=())
    from cyplan.disproportionality.models import Cohort, CohortCount

    CohortCount.objects.filter(cohort=Cohort.objects.get(code="empty")).delete()
    response = client.get("/disproportionality/cohorts/empty/")
    assert response.status_code == 200 and "No counts of" in response.content.decode()
    assert client.get("/disproportionality/cohorts/nope/").status_code == 404


def test_cyplan_demo_loads_the_synthetic_cohorts_linked_to_priority_4(builtin_plans):
    """`cyplan demo` makes the synthetic cohorts for the plans' area, linked to disproportionality nodes."""
    from django.core.management import call_command

    from cyplan.disproportionality.models import Cohort, CohortCount

    call_command("demo", stdout=io.StringIO())
    care = Cohort.objects.get(code="synthetic-children-in-care")
    assert care.is_synthetic and care.denominator.is_synthetic
    assert set(CohortCount.objects.filter(cohort=care).values_list("area_code", flat=True)) == {
        "E09000006"
    }
    assert ("bromley-cypp-2021-2024", "priority-4") in set(
        care.nodes.values_list("plan_slug", "node_key")
    )
    call_command("demo", stdout=io.StringIO())  # again: remade, not doubled
    assert CohortCount.objects.filter(cohort=care, year="2024", group="WBRI").count() == 1


def test_a_manager_adds_a_cohort_in_the_site(client):
    """The form lists every problem and writes nothing; a good one saves the cohort and its node link."""
    from cyplan.accounts.models import Role
    from cyplan.disproportionality.models import Cohort, CohortNode
    from tests.factories import make_plan, make_user

    from .helpers import make_cohort

    make_plan()
    make_cohort()
    client.force_login(make_user("dp-manager", Role.PLAN_MANAGER))
    bad = client.post(
        "/disproportionality/cohorts/new/", {"code": "Bad Code!", "title": "", "phrase": "x"}
    )
    body = bad.content.decode()
    assert bad.status_code == 400
    assert (
        "Use lower-case letters, digits and hyphens only" in body
        and "Enter the cohort&#x27;s title" in body
    )
    assert "Choose what the cohort is compared with" in body
    assert Cohort.objects.count() == 1
    good = client.post(
        "/disproportionality/cohorts/new/",
        {
            "code": "exclusions",
            "title": "Permanent exclusions",
            "phrase": "to be excluded",
            "compared_with": "denominator:ons-0-17",
            "nodes": ["test-plan:p1-c1"],
        },
    )
    assert (
        good.status_code == 302
        and good["Location"] == "/disproportionality/cohorts/exclusions/enter/"
    )
    cohort = Cohort.objects.get(code="exclusions")
    assert cohort.denominator.code == "ons-0-17"
    assert list(CohortNode.objects.filter(cohort=cohort).values_list("plan_slug", "node_key")) == [
        ("test-plan", "p1-c1")
    ]


def test_every_reference_shows_the_same_rows_and_cells(client):
    """Issue 14, finding 3: WBRI 200, BCRB 3, BAFR 20, BOTH 10. Asking for the reference in the
    URL used to re-merge the cohort ("Black (other than Black African)" 13 with one reference,
    "Any other Black background" 10 with another, so Black Caribbean = 3). Now every reference
    shows the same rows, counts and c cells: one "Black" row of 3 + 20 + 10 = 33."""
    from cyplan.disproportionality.importing import save_counts
    from cyplan.disproportionality.models import Cohort, Denominator

    from .helpers import rows

    make_plan()
    population = Denominator.objects.create(code="ons", title="ONS aged 0 to 17")
    cohort = Cohort.objects.create(
        code="children-in-care", title="Children in care", phrase="to be in care",
        denominator=population,
    )  # fmt: skip
    save_counts(
        rows({"WBRI": 40000, "BCRB": 1500, "BAFR": 2500, "BOTH": 1200}, "2024"),
        denominator=population,
    )
    save_counts(rows({"WBRI": 200, "BCRB": 3, "BAFR": 20, "BOTH": 10}, "2024"), cohort=cohort)
    seen = set()
    for reference in ("", "WBRI", "all-other", "BCRB", "BAFR", "BOTH", "Black"):
        table = rows_of(client.get(f"{URL}?format=csv&reference={reference}"))
        seen.add(tuple((r["Group"], r["Children in cohort"], r["Population"]) for r in table))
    assert seen == {
        (
            ("White British", "200", "40,000"),
            ("Black", "33", "5,200"),
            ("All children", "233", "45,200"),
        )
    }


def test_a_cohort_within_another_is_suppressed_with_it(client):
    """Children in care within children in need: the in-care page's populations are the
    children in need counts the other page shows (White British 20, White and Black Caribbean
    30, White and Black African c, Other c, total 61), so they are audited together: the in-care
    page shows White British 20 as the other page does, and hides Mixed (38 = 30 + 8) so that
    White and Black African (8) and Other (3) cannot be worked out."""
    from cyplan.disproportionality.importing import save_counts
    from cyplan.disproportionality.models import Cohort, Denominator

    from .helpers import rows

    make_plan()
    population = Denominator.objects.create(code="ons", title="ONS aged 0 to 17")
    save_counts(
        rows({"WBRI": 4000, "MWBC": 900, "MWBA": 700, "OOTH": 600}, "2024"),
        denominator=population,
    )
    need = Cohort.objects.create(
        code="children-in-need", title="Children in need", phrase="to be in need",
        denominator=population,
    )  # fmt: skip
    save_counts(rows({"WBRI": 20, "MWBC": 30, "MWBA": 8, "OOTH": 3}, "2024"), cohort=need)
    care = Cohort.objects.create(
        code="children-in-care", title="Children in care", phrase="to be in care",
        base_cohort=need,
    )  # fmt: skip
    save_counts(rows({"WBRI": 10, "MWBC": 6, "MWBA": 1, "OOTH": 2}, "2024"), cohort=care)
    need_rows = rows_of(client.get("/disproportionality/cohorts/children-in-need/?format=csv"))
    assert [(r["Group"], r["Children in cohort"]) for r in need_rows] == [
        ("White British", "20"),
        ("White and Black Caribbean", "30"),
        ("White and Black African", "c"),
        ("Any other ethnic group", "c"),
        ("All children", "61"),
    ]
    care_rows = rows_of(client.get(URL + "?format=csv"))
    assert [(r["Group"], r["Population"]) for r in care_rows] == [
        ("White British", "20"),
        ("Mixed", "c"),
        ("Any other ethnic group", "c"),
        ("All children", "61"),
    ]
