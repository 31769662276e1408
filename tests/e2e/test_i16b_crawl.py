"""Issue 16: no page scrolls sideways on a phone. A crawl of every page each role can reach,
at 320 px wide, finds none wider than the screen; axe-core finds no violations on them.
And the board member's "at a glance" journey at 1280 px and 375 px."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from cyplan.core.demo import DEMO_ACCOUNTS
from cyplan.voice.demo import SAFEGUARDING_ACCOUNT

from .conftest import axe_violations

pytestmark = pytest.mark.e2e
PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS} | dict([SAFEGUARDING_ACCOUNT])

# Not pages: downloads, files, sign-out, the admin and the API, one-time links.
SKIP = re.compile(
    r"format=(csv|pdf|docx|xlsx|json)|/download/|/evidence/|status\.json|^/admin/|^/api/"
    r"|/stop-emails/|/accounts/sign-out|/static/|/media/"
)
SEEDS = {
    None: ["/", "/search/?q=youth+club", "/you-said-we-did/", "/have-your-say/", "/no-such-page/"],
    "lead": ["/my-actions/"],
    "manager": ["/my-actions/", "/reports/", "/audit/", "/voice/", "/voice/new/"],
    "board": ["/reports/"],  # a page the role may not open: the 403 page must fit too
    "safeguarding": ["/voice/safeguarding/", "/voice/"],
    "admin": ["/my-actions/", "/reports/", "/audit/", "/voice/"],
}
MAX_PAGES = 70  # per role, after pages of one pattern are seen once


def pattern(url: str) -> str:
    """Pages of one kind share a pattern: numbers and node keys do not make a new kind."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    path = re.sub(r"/(ambition|priority|aN)-[^/]+/", "/NODE/", path)
    path = re.sub(r"/indicators/[^/]+/", "/indicators/X/", path)
    path = re.sub(r"/(cohorts|by)/[^/]+/", r"/\1/X/", path)
    query = "&".join(sorted(k.split("=")[0] for k in parts.query.split("&") if k))
    return f"{path}?{query}"


def sign_in(page, base, username):
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORDS[username])
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def crawl(page, base: str, seeds: list[str]) -> list[tuple[str, int, int]]:
    """Visit every same-site link from the seeds, one page per pattern; return the pages
    wider than the screen as (path, scroll width, screen width)."""
    queue = [base + s for s in seeds]
    seen_patterns: set[str] = set()
    wide, visited = [], 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        path = url[len(base) :]
        key = pattern(path)
        if key in seen_patterns or SKIP.search(path):
            continue
        seen_patterns.add(key)
        page.goto(url)
        visited += 1
        assert page.locator("h1").count() == 1, path  # a whole page, with one heading
        width, screen = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if width > screen:
            wide.append((path, width, screen))
        violations = axe_violations(page)
        assert not violations, f"{path}: " + "; ".join(
            f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in violations
        )
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            target = urljoin(url, href).split("#")[0]
            if target.startswith(base) and not SKIP.search(target[len(base) :]):
                queue.append(target)
    return wide


@pytest.fixture
def full_site(outcomes_site):
    from cyplan.disproportionality.demo import load_synthetic_data
    from cyplan.voice.demo import create_example_voice

    load_synthetic_data()
    create_example_voice()
    return outcomes_site


@pytest.mark.parametrize("role", [None, "lead", "manager", "board", "safeguarding", "admin"])
def test_no_page_is_wider_than_a_320px_screen(full_site, browser, role):
    context = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        if role:
            sign_in(page, full_site, role)
        wide = crawl(page, full_site, SEEDS[None] + SEEDS.get(role, []))
    finally:
        context.close()
    assert wide == [], f"as {role or 'the public'}, wider than 320 px: {wide}"


@pytest.mark.parametrize("width", [1280, 375])
def test_board_member_at_a_glance(full_site, browser, width):
    """Journey: a board member signs in, sees the plans they monitor at a glance (status,
    what is off track, returned), opens a priority and the pack list is not offered."""
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, full_site, "board")
        nav = page.inner_text("#navigation")
        assert "My actions" not in nav  # a board member who leads nothing
        page.goto(full_site + "/")
        assert "Children, Education and Families Portfolio Plan 2024 to 2025" in page.inner_text(
            "main"
        )
        page.click("text=Children, Education and Families Portfolio Plan 2024 to 2025")
        body = page.inner_text("main")
        # The demo's returned update shows as returned to the lead, not as its claimed status.
        assert "Returned to the lead" in body
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        assert not axe_violations(page)
        page.click("text=About the area")
        assert page.locator("h1").inner_text() == "About the area"
        assert not axe_violations(page)
        page.goto(full_site + "/plans/bromley-cypp-2021-2024/governance/")
        assert page.locator("svg.cyplan-diagram").count() == 1
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        assert not axe_violations(page)
    finally:
        context.close()
