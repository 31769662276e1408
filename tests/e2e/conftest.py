"""Browser tests: Playwright drives Debian's Chromium against a live server; axe-core checks pages.

Chromium is the system one (/usr/bin/chromium); no browser is downloaded. axe-core comes
from the npm registry (package.json). A failing test leaves a screenshot in test-results/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CYPLAN_CHROMIUM", "/usr/bin/chromium")
RESULTS = ROOT / "test-results"
SHARED_DATA = ROOT.parent / "shared" / "data"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Playwright's sync API runs an event loop; Django must allow ORM calls from the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser(live_server):
    """Chromium for the whole session. It asks for the live server so that it closes first:
    its kept-alive connections then end while the server still shares the test database with
    its request threads (otherwise those threads fail as the server stops)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is missing: apt-get install chromium (make test does it as root)"
    )
    assert AXE.exists(), "node_modules/axe-core is missing: run npm ci (make test does it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    # bypass_csp lets the test inject axe-core; the site's own scripts still carry nonces.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.js_errors = errors
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page for WCAG 2.2 AA and return its violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]
    assert not violations, f"{page.url}: " + "; ".join(summary)


@pytest.fixture
def demo_site(transactional_db, live_server, settings, tmp_path):
    """The built-in plans, demo accounts and example updates, served live as a demo (the
    banner on every page) with the task queue in the database, as `make run` has it."""
    settings.MEDIA_ROOT = tmp_path
    settings.CYPLAN_DEMO = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from cyplan.core.demo import create_demo_accounts, create_example_updates
    from cyplan.plans.builtin import builtin_plan_paths
    from cyplan.plans.importer import import_plan_path

    for path in builtin_plan_paths():
        import_plan_path(path)
    create_demo_accounts()
    create_example_updates()
    return live_server.url


@pytest.fixture
def outcomes_site(demo_site):
    """The demo site with the plans' quoted figures, the real DfE EHC plan series and neighbours."""
    from django.core.management import call_command

    call_command("data", "load-key-figures", stdout=open(os.devnull, "w"))
    call_command("data", "load-shared", str(SHARED_DATA), stdout=open(os.devnull, "w"))
    return demo_site


@pytest.fixture
def disproportionality_site(demo_site):
    """The demo site with the synthetic disproportionality cohorts (labelled as synthetic)."""
    from cyplan.disproportionality.demo import load_synthetic_data

    load_synthetic_data()
    return demo_site


@pytest.fixture
def voice_site(demo_site):
    """The demo site with the example "you said, we did" items and the demo safeguarding lead."""
    from cyplan.voice.demo import create_example_voice

    create_example_voice()
    return demo_site


def run_worker() -> None:
    """What `cyplan db_worker` does beside the server: run every queued task, then stop."""
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def fits_the_screen(page) -> bool:
    """No sideways scrolling: the page is no wider than the viewport."""
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
