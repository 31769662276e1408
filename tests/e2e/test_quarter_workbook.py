"""The quarter as a performance officer and a lead live it, on a desktop and on a phone:
the whole quarter's updates through one workbook, bulk approval, and a returned update that
stays on the lead's My actions after its quarter has passed. Zero axe violations throughout."""

import openpyxl
import pytest

from cyplan.delivery.update_workbook import HEADERS

from .conftest import assert_accessible
from .test_journeys import PORTFOLIO, sign_in

pytestmark = pytest.mark.e2e
WIDTHS = [1280, 375]
PORTFOLIO_TITLE = "Children, Education and Families Portfolio Plan 2024 to 2025"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_performance_officer_runs_the_quarter_through_one_workbook(
    demo_site, browser, width, tmp_path
):
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, demo_site, "manager")
    page.click(f"text=Updates workbook for {PORTFOLIO_TITLE}")
    assert "The quarter's updates in one workbook" in page.inner_text("h1")
    assert fits(page)
    assert_accessible(page)

    page.select_option("#period", "2024-25-Q3")
    with page.expect_download() as download:
        page.click("button:has-text('Download the workbook')")
    path = tmp_path / "q3.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    sheet = book["Updates"]
    status, narrative = HEADERS.index("Status") + 1, HEADERS.index("Narrative") + 1
    filled = []
    for row in range(2, sheet.max_row + 1):
        key = sheet.cell(row, 1).value
        if key in ("a1-c1-a", "a1-c2-a", "a5-c1-a"):
            sheet.cell(row, status).value = "On track"
            sheet.cell(row, narrative).value = f"Q3: {key} is going to plan."
            filled.append(key)
    assert len(filled) == 3
    book.save(path)

    page.set_input_files("#workbook", str(path))
    page.click("button:has-text('Check and save the updates')")
    page.wait_for_load_state()
    assert "3 updates for Q3 2024/25" in page.inner_text(".govuk-panel")
    assert fits(page)
    assert_accessible(page)

    # Bulk approval from the review list: the three new updates, ticked and approved at once.
    page.goto(demo_site + "/my-actions/")
    boxes = page.locator("input[name=updates]")
    labels = [boxes.nth(i).get_attribute("id") for i in range(boxes.count())]
    ticked = 0
    for box_id in labels:
        text = page.inner_text(f"label[for={box_id}]")
        if "Q3 2024/25" in text:
            page.check(f"#{box_id}")
            ticked += 1
    assert ticked >= 3
    assert_accessible(page)
    page.click("button:has-text('Approve the selected updates')")
    page.wait_for_load_state()
    assert f"{ticked} updates approved" in page.inner_text(".govuk-notification-banner")
    assert fits(page)

    public = browser.new_context(bypass_csp=True).new_page()
    public.goto(demo_site + PORTFOLIO + "/a1-c2-a/")
    assert "Q3: a1-c2-a is going to plan." in public.inner_text("main")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_returned_update_waits_on_my_actions_and_the_lead_resubmits(demo_site, browser, width):
    """The plan's last quarter is current (it ended in March 2025); a Q3 update returned with a
    question stays on the lead's My actions, with the question, until it is answered."""
    lead_context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    lead = lead_context.new_page()
    sign_in(lead, demo_site, "lead")
    lead.goto(demo_site + PORTFOLIO + "/a1-c9-a/update/?period=2024-25-Q3")
    lead.check("#id_status-2")  # on track
    lead.fill("#id_narrative", "Inclusion training ran in eight schools.")
    lead.click("button[name=submit]")
    assert "submitted for approval" in lead.inner_text(".govuk-notification-banner")

    manager = browser.new_context(bypass_csp=True).new_page()
    sign_in(manager, demo_site, "manager")
    manager.click("a:has-text('Mainstream schools and settings are able')")
    manager.fill("#id_comment", "Which eight schools?")
    manager.click("button:has-text('Return with comment')")

    lead.goto(demo_site + "/my-actions/")
    main = lead.inner_text("main")
    assert "Returned" in main and "Which eight schools?" in main
    assert fits(lead)
    assert_accessible(lead)
    lead.click("tr:has-text('Which eight schools?') >> text=Answer and resubmit")
    assert lead.input_value("#id_period") == "2024-25-Q3"
    lead.fill("#id_narrative", "Inclusion training ran in eight schools, listed in the report.")
    lead.click("button[name=submit]")
    assert "submitted for approval" in lead.inner_text(".govuk-notification-banner")
    lead.goto(demo_site + "/my-actions/")
    assert "Which eight schools?" not in lead.inner_text("main")
    assert fits(lead)
    lead_context.close()
