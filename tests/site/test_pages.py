"""The plain pages served until the full site lands: the plans and their priorities."""

import re

import pytest

pytestmark = pytest.mark.django_db


def headings(html: str, level: int) -> list[str]:
    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", h).strip().replace("&#x27;", "'") for h in found]


def test_home_lists_published_plans(client, builtin_plans):
    """The home page names each published plan with a link to it."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Children and Young People's Plan 2021 to 2024" in headings(html, 2)
    assert "Children, Education and Families Portfolio Plan 2024 to 2025" in headings(html, 2)
    assert 'href="/plans/bromley-cypp-2021-2024/"' in html


def test_plan_page_lists_priorities_and_actions(client, builtin_plans):
    """A plan page shows its priorities, commitments, and actions with lead and date."""
    html = client.get("/plans/bromley-cypp-2021-2024/").content.decode()
    assert headings(html, 1) == ["Children and Young People's Plan 2021 to 2024"]
    priority_links = re.findall(
        r'href="/plans/bromley-cypp-2021-2024/(priority-\d)/">([^<]+)</a>', html
    )
    assert [text for _, text in priority_links][3] == "Priority 4: Challenging disproportionality"
    assert len(priority_links) == 5

    html = client.get("/plans/bromley-cef-portfolio-2024-2025/").content.decode()
    assert "Ambition 5: To manage our resources well" in html
    assert "Address disproportionality" in html
    assert "Senior Commissioning Manager" in html


def test_draft_plans_are_not_public(client, builtin_plans):
    """A draft plan is neither listed nor served to the public."""
    plan = builtin_plans["bromley-cypp-2021-2024"]
    plan.status = "draft"
    plan.save()
    assert "Children and Young People's Plan 2021 to 2024" not in client.get("/").content.decode()
    assert client.get("/plans/bromley-cypp-2021-2024/").status_code == 404


def test_pages_use_the_govuk_frontend_assets(client, builtin_plans):
    """The stylesheet compiled from the npm package is served, without the GOV.UK-only font."""
    html = client.get("/").content.decode()
    href = re.search(r'href="(/static/cyplan/cyplan[^"]*\.css)"', html)[1]
    css = b"".join(client.get(href).streaming_content).decode()
    assert ".govuk-table" in css and ".govuk-error-summary" in css
    assert "GDS Transport" not in css
    script = re.search(r'src="(/static/cyplan/init[^"]*\.mjs)"', html)[1]
    assert client.get(script).status_code == 200
