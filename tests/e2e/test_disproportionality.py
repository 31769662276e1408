"""Journey 7 in a browser: the disproportionality pages, with zero axe-core violations."""

import pytest

from .conftest import assert_accessible
from .test_journeys import sign_in

pytestmark = pytest.mark.e2e
COHORT = "/disproportionality/cohorts/synthetic-children-in-care/"


def test_disproportionality_pages_are_accessible_and_labelled_synthetic(
    disproportionality_site, page
):
    """Index, cohort (two views), overview and the priority-4 node: labelled, zero violations."""
    base = disproportionality_site
    for path in (
        "/disproportionality/",
        COHORT,
        COHORT + "?year=2020&reference=all-other",
        "/disproportionality/cohorts/synthetic-permanent-exclusions/",
        "/disproportionality/by/ethnicity/",
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert "Synthetic data" in page.inner_text("main"), path
        assert_accessible(page)
    assert page.js_errors == []


def test_disproportionality_journey_from_the_plan(disproportionality_site, page):
    """Journey 7: from priority 4, open children in care by ethnicity, read the chart, table and years."""
    base = disproportionality_site
    page.goto(base + "/plans/bromley-cypp-2021-2024/priority-4/")
    page.click("text=Children in care at 31 March (synthetic)")
    main = page.inner_text("main")
    assert "Population aged 0 to 17 by ethnic group (synthetic)" in main
    assert "White British children" in main and "Over time" in main
    chart = page.locator("figure.cyplan-chart svg[role=img]")
    assert chart.count() == 1
    assert (
        "Relative rate index compared with White British children"
        in chart.locator("desc").text_content()
    )
    assert page.locator("table.govuk-table").count() >= 2
    page.select_option("#year", "2021")
    page.click("button:has-text('Show')")
    assert "Relative rate index, 2021" in page.inner_text("main")
    assert_accessible(page)


def test_disproportionality_staff_pages_are_accessible(disproportionality_site, page):
    """A plan manager sees unsuppressed figures with a warning; the upload and entry forms pass axe."""
    base = disproportionality_site
    sign_in(page, base, "manager")
    page.goto(base + COHORT)
    assert "Not suppressed" in page.inner_text("main")
    assert_accessible(page)
    page.goto(base + "/disproportionality/import/")
    assert_accessible(page)
    page.click("button:has-text('Check and import')")
    assert "There is a problem" in page.inner_text("main")
    assert_accessible(page)
    page.goto(base + COHORT + "enter/")
    assert_accessible(page)
    page.fill("#id_area_code", "E09000006")
    page.fill("#id_year", "2025")
    page.fill("#id_count_WBRI", "-2")
    page.click("button:has-text('Save the counts')")
    assert "the count cannot be negative" in page.inner_text("main")
    assert_accessible(page)
    page.goto(base + "/disproportionality/cohorts/new/")
    assert_accessible(page)
    page.click("button:has-text('Save the cohort')")
    assert "Choose what the cohort is compared with" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.fill("#id_code", "first-time-entrants")
    page.fill("#id_title", "First-time entrants to youth justice")
    page.fill("#id_phrase", "to enter the youth justice system")
    page.select_option("#id_compared_with", index=1)
    page.click("summary:has-text('Children and Young People')")
    page.check("input[value='bromley-cypp-2021-2024:priority-4']")
    page.click("button:has-text('Save the cohort')")
    assert "Enter one year's counts" in page.inner_text("h1")
