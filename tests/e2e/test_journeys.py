"""End-to-end journeys in a real browser, with zero axe-core violations on every page."""

import pytest

from cyplan.core.demo import DEMO_ACCOUNTS

from .conftest import assert_accessible, run_worker

pytestmark = pytest.mark.e2e
PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}
PORTFOLIO = "/plans/bromley-cef-portfolio-2024-2025"
CYPP = "/plans/bromley-cypp-2021-2024"

PUBLIC_PAGES = [
    "/",
    PORTFOLIO + "/",
    PORTFOLIO + "/ambition-1/",
    PORTFOLIO + "/a1-c8/",
    PORTFOLIO + "/a1-c8-a/",
    CYPP + "/",
    CYPP + "/priority-4/",
    CYPP + "/priority-4-c2/",
    CYPP + "/strategies/",
    CYPP + "/governance/",
    PORTFOLIO + "/governance/",
    PORTFOLIO + "/?status=off_track",
    "/search/?q=mental+health",
    "/accounts/sign-in/",
]


def sign_in(page, base, username):
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORDS[username])
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def test_every_public_page_type_is_accessible(demo_site, page):
    """A member of the public visits every page type: each renders and has zero violations."""
    for path in PUBLIC_PAGES:
        response = page.goto(demo_site + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    assert page.js_errors == []


def test_first_look_journey(demo_site, page):
    """Journey 1: open a plan, then a priority, and read what was promised, who leads it, and how it is going."""
    page.goto(demo_site + "/")
    page.click("text=Children, Education and Families Portfolio Plan 2024 to 2025")
    page.click("text=Ambition 1: For children and young people")
    page.click(
        "text=Build on the progress we have made in improving services for children who have Special"
    )
    page.click("text=Implement our SEND vision and priorities.")
    body = page.inner_text("main")
    assert "Director Education" in body and "April 2025 (AP)" in body
    assert "Example data" in body  # the made-up updates are labelled
    assert "At risk" in body


def test_lead_records_an_update_with_the_keyboard_and_manager_approves(demo_site, page, browser):
    """Journey 3: a lead submits using only the keyboard; the manager returns, then approves; it goes public."""
    sign_in(page, demo_site, "lead")
    assert "My actions" in page.inner_text("h1")
    assert_accessible(page)

    page.goto(demo_site + PORTFOLIO + "/a1-c9-a/update/")
    assert_accessible(page)
    # Keyboard only from here: focus the period select, then Tab through the form.
    page.focus("#id_period")
    page.keyboard.press("Tab")  # first status radio
    page.keyboard.press("ArrowDown")  # on track
    page.keyboard.press("ArrowDown")  # at risk
    assert page.is_checked("#id_status-3")
    page.keyboard.press("Tab")  # narrative
    page.keyboard.type("More children attend mainstream settings; two schools need extra support.")
    page.keyboard.press("Tab")  # RAG radios
    page.keyboard.press("Tab")  # details summary ("Add evidence")
    page.keyboard.press("Enter")  # open it
    page.keyboard.press("Tab")  # link url
    page.keyboard.type("https://example.org/inclusion-report")
    page.focus("button[name=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "submitted for approval" in page.inner_text(".govuk-notification-banner")
    assert_accessible(page)

    manager = browser.new_context(bypass_csp=True).new_page()
    sign_in(manager, demo_site, "manager")
    manager.click(
        "a:has-text('Mainstream schools and settings are able')"
    )  # in "Updates to review"
    assert_accessible(manager)
    manager.fill("#id_comment", "Which two schools?")
    manager.click("button:has-text('Return with comment')")
    assert "returned to the lead" in manager.inner_text(".govuk-notification-banner")

    page.goto(demo_site + "/my-actions/")
    assert "Returned" in page.inner_text("main")
    page.goto(demo_site + PORTFOLIO + "/a1-c9-a/update/")
    assert "Which two schools?" in page.inner_text("main")
    page.fill(
        "#id_narrative",
        "More children attend mainstream settings; Hawes Down and Oak Lodge need extra support.",
    )
    page.click("button[name=submit]")

    manager.goto(demo_site + "/my-actions/")
    manager.click("a:has-text('Mainstream schools and settings are able')")
    manager.click("button:has-text('Approve and publish')")
    assert "approved" in manager.inner_text(".govuk-notification-banner")
    manager.goto(demo_site + "/audit/")
    assert_accessible(manager)
    assert "approve update" in manager.inner_text("main").lower()

    public = browser.new_context(bypass_csp=True).new_page()
    public.goto(demo_site + PORTFOLIO + "/a1-c9-a/")
    assert "Hawes Down and Oak Lodge" in public.inner_text("main")


def test_errors_are_summarised_and_accessible(demo_site, page):
    """Submitting an empty update shows a GOV.UK error summary linked to the fields."""
    sign_in(page, demo_site, "lead")
    page.goto(demo_site + PORTFOLIO + "/a1-c9-a/update/")
    page.click("button[name=submit]")
    summary = page.inner_text(".govuk-error-summary")
    assert "Choose a status" in summary and "Enter a short narrative" in summary
    assert_accessible(page)
    page.click(".govuk-error-summary a:has-text('Choose a status')")


def test_board_member_sees_unapproved_updates(demo_site, page):
    """A board member reads the submitted (unapproved) update that the public cannot see."""
    page.goto(demo_site + PORTFOLIO + "/a1-c2-c/")
    assert "SEN Free School building is complete" not in page.inner_text("main")
    sign_in(page, demo_site, "board")
    page.goto(demo_site + PORTFOLIO + "/a1-c2-c/")
    assert "SEN Free School building is complete" in page.inner_text("main")
    assert_accessible(page)


def test_every_page_type_is_accessible_to_a_signed_in_lead(demo_site, page):
    """An action lead sees the same page types (with sign-out and My actions): zero violations."""
    sign_in(page, demo_site, "lead")
    for path in [*PUBLIC_PAGES[:-1], "/my-actions/", PORTFOLIO + "/a1-c8-a/update/"]:
        response = page.goto(demo_site + path)
        assert response.status == 200, path
        assert "Sign out" in page.inner_text("nav"), path
        assert_accessible(page)


OUTCOME_PAGES = [
    "/indicators/",
    "/indicators/ehcp-issued-20-weeks/?area=E09000006",
    "/indicators/cla-rate/?area=E09000006",
    "/indicators/cp-count/?area=E09000006",
    CYPP + "/scorecard/",
    PORTFOLIO + "/scorecard/",
    PORTFOLIO + "/a1-c8-a/",
]


def test_outcome_pages_are_accessible_and_honest(outcomes_site, page):
    """Journey 4's pages, as the public: zero violations; the real EHCP series is compared in words."""
    for path in OUTCOME_PAGES:
        response = page.goto(outcomes_site + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    page.goto(outcomes_site + "/indicators/ehcp-issued-20-weeks/?area=E09000006")
    main = page.inner_text("main")
    # DfE SEN2 2024: Bromley 326 of 719 = 45.3%; England 45.9% lies inside Bromley's interval.
    assert "45.3%" in main and "Similar" in main
    assert page.locator("main svg[role=img]").count() >= 2  # trend and neighbours charts
    assert "Statistical neighbours" in main
    assert "Figures held for" not in main  # the staff section is not public


def test_manager_corrects_a_figure_and_sees_its_history(outcomes_site, page):
    """A plan manager corrects a quoted figure, is asked why, then sees the change in its history."""
    sign_in(page, outcomes_site, "manager")
    page.goto(outcomes_site + "/indicators/cla-rate/?area=E09000006")
    assert_accessible(page)
    page.click("a:has-text('Correct')")
    page.fill("#id_value", "44")
    page.click("button:has-text('Save the figure')")
    assert "Say why you are correcting the figure" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.fill("#id_note", "Corrected from the published 2021 table")
    page.click("button:has-text('Save the figure')")
    assert "corrected" in page.inner_text(".govuk-notification-banner")
    page.click("a:has-text('Correct')")
    assert "Corrected from the published 2021 table" in page.inner_text("main")
    assert_accessible(page)


def test_manager_makes_a_board_pack_and_a_councillor_reads_the_scrutiny_report(outcomes_site, page):
    """Journeys 5 and 6: the pack is made in the background with progress, then downloaded; the
    public scrutiny report is readable by anyone, with zero violations on every page."""
    sign_in(page, outcomes_site, "manager")
    page.goto(outcomes_site + "/reports/")
    assert_accessible(page)
    page.click("button:has-text('Make the board pack')")  # nothing chosen: errors, and accessible
    assert "Choose the board the pack is for" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.select_option("#id_board", "cef-pds-committee")
    page.check("input[name=format][value=docx]")
    page.check("input[name=audience][value=staff]")
    page.click("button:has-text('Make the board pack')")
    assert_accessible(page)
    run_worker()
    page.wait_for_selector("text=Your report is ready", timeout=60_000)
    assert_accessible(page)
    with page.expect_download() as download:
        page.click("a:has-text('Download')")
    assert download.value.suggested_filename.startswith("cef-pds-committee-board-pack-")

    public = page.context.browser.new_context(bypass_csp=True).new_page()
    public.goto(outcomes_site + PORTFOLIO + "/?status=off_track")
    public.click("a:has-text('Progress report for scrutiny')")
    assert "Detail of action" in public.inner_text("table")
    assert_accessible(public)


def test_the_database_unavailable_page_is_clear_and_accessible(demo_site, page, settings):
    """When the database goes away mid-request, the 503 page says what happened and what to do
    (tests/ops checks that a form's page also says nothing was saved), with zero violations."""
    settings.ROOT_URLCONF = "tests.e2e.fault_urls"
    response = page.goto(demo_site + "/test-only/database-gone/")
    assert response.status == 503
    assert page.locator("h1").count() == 1
    main = page.inner_text("main")
    assert "The database cannot be reached" in main and "Try again in a few minutes" in main
    assert_accessible(page)
