"""Issue 16's journeys in a browser at 1280 px and 375 px, with zero axe-core violations:
the Children's Executive Board's pack for Q3 2024/25, and a data officer loading a return."""

from __future__ import annotations

import pytest

from cyplan.core.demo import DEMO_ACCOUNTS

from .conftest import assert_accessible, fits_the_screen, run_worker

pytestmark = pytest.mark.e2e
PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}
WIDTHS = [1280, 375]
HEADER = (
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,01/06/2012,WBRI,UN1,,\n2,2,01/06/2010,BAFR,UN1,,\n"
)
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
GOOD = "1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n2,01/05/2023,S,C2,N1,U1,PR1,01/02/2024,E11,,,,\n"
# Child 2's episode ends a year before it starts.
BAD = "1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n2,01/05/2023,S,C2,N1,U1,PR1,01/02/2023,E11,,,,\n"


def at_width(browser, width):
    phone = width < 600
    context = browser.new_context(
        bypass_csp=True,
        viewport={"width": width, "height": 900 if not phone else 740},
        is_mobile=phone,
        has_touch=phone,
        accept_downloads=True,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return page


def sign_in(page, base, username):
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORDS[username])
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def check(page):
    assert_accessible(page)
    assert fits_the_screen(page), f"{page.url} is wider than {page.viewport_size['width']} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_childrens_executive_board_pack_for_q3_2024_25(demo_site, browser, width):
    """The plan manager asks for the CEB's pack for Q3 2024/25, chosen from the list; the task
    worker makes it while the page shows progress; the pack has, under the ended partnership
    plan's priorities, the portfolio actions that deliver them, labelled stated or inferred."""
    page = at_width(browser, width)
    sign_in(page, demo_site, "manager")
    assert "This is a demonstration of cyplan" in page.inner_text("body")
    page.goto(demo_site + "/reports/")
    check(page)
    page.select_option("#id_board", label="Children's Executive Board")
    page.select_option("#id_period", label="Q3 2024/25")
    page.check("input[name=format][value=html]")
    page.check("input[name=audience][value=staff]")
    page.click("button:has-text('Make the board pack')")
    assert "Making your report" in page.inner_text("h1")
    assert page.locator("progress").count() == 1  # progress shown while it waits for the worker
    check(page)
    run_worker()
    page.wait_for_selector("text=Your report is ready", timeout=60_000)
    check(page)
    with page.expect_download() as download:
        page.click("a:has-text('Download')")
    assert (
        download.value.suggested_filename == "childrens-executive-board-board-pack-2024-25-Q3.html"
    )
    pack = at_width(browser, width)
    pack.set_content(download.value.path().read_text(encoding="utf-8"))
    text = pack.inner_text("body")
    assert "Q3 2024/25" in text
    assert "ran from April 2021 to March 2024" in text
    assert "actions of other plans that deliver it" in text
    assert "Our reading of the plans" in text and "Stated in the plan" in text
    # Ambition 1, 8 a) (EHC plans within 20 weeks) delivers Priority 1 (inferred); its example
    # Q3 update is in the pack of this demo instance.
    assert "61% of new EHC plans were issued within 20 weeks" in text
    assert_accessible(pack)  # the pack itself, as circulated    assert page.js_errors == []
    page.context.close()
    pack.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_data_officer_loads_a_return(demo_site, browser, width, settings, tmp_path, monkeypatch):
    """The data officer uploads an SSDA903 return, reads the report (by rule and by row) of a
    mistake, uploads the corrected files, loads them and sees the indicators recomputed."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv("CYPLAN_PSEUDONYMISATION_KEY", "ab" * 16)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "header.csv").write_text(HEADER)
    page = at_width(browser, width)
    sign_in(page, demo_site, "data")
    page.goto(demo_site + "/returns/")
    check(page)

    def upload(episodes: str):
        (folder / "episodes.csv").write_text(EPISODES + episodes)
        page.goto(demo_site + "/returns/")
        page.check("input[name=kind][value=ssda903]")
        page.fill("#id_year", "2024")
        page.set_input_files(
            "#id_files", [str(folder / "header.csv"), str(folder / "episodes.csv")]
        )
        page.click("button:has-text('Upload and check')")
        assert "Checking the return" in page.inner_text("h1")
        check(page)
        run_worker()

    upload(BAD)
    page.wait_for_selector("h1:has-text('The return has problems')", timeout=60_000)
    main = page.inner_text("main")
    # the row's DEC is before its DECOM, and so before the collection year: two problems
    assert "2 problems on 1 row" in main and "By rule" in main and "By row" in main
    assert "episodes.csv" in main and "DEC" in main
    check(page)

    upload(GOOD)
    page.wait_for_selector("h1:has-text('The return passed every check')", timeout=60_000)
    check(page)
    page.click("button:has-text('Load the return')")
    assert "Loading the return" in page.inner_text("h1")
    run_worker()
    page.wait_for_selector("h1:has-text('The return is loaded')", timeout=60_000)
    check(page)
    main = page.inner_text("main")
    assert "Indicators recomputed" in main
    page.click("a:has-text('Children looked after (number)')")
    assert "Children looked after (number)" in page.inner_text("h1")
    check(page)
    assert page.js_errors == []
    page.context.close()
