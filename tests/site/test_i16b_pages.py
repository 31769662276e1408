"""Issue 16, findings 5 to 8: error pages with navigation, menus that fit each role, names
instead of internals, the voice date field and an honest roll-up."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import override_settings

from cyplan.accounts.models import Role
from cyplan.core.models import AuditEntry
from cyplan.delivery import services
from cyplan.delivery.dashboard import plan_overview
from cyplan.delivery.services import UpdateInput
from cyplan.plans.models import Board, Organisation, PlanLink, PlanNode
from tests.factories import make_plan, make_user
from tests.voice import helpers as voice

pytestmark = pytest.mark.django_db


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', html, re.S)[0]
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<a [^>]*>(.*?)</a>", nav)]


@override_settings(DEBUG=False)
def test_404_page_has_the_site_navigation(client):
    make_plan()
    response = client.get("/plans/no-such-plan/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "Plans" in nav_links(html) and "Search" in nav_links(html)


@override_settings(DEBUG=False)
def test_403_page_has_navigation_and_says_why(client):
    """A board member opening the audit log gets a page of the site, not a bare 403."""
    make_plan()
    board = make_user("board", Role.BOARD_MEMBER, boards=Board.objects.filter(key="ceb"))
    client.force_login(board)
    response = client.get("/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html
    assert "Only plan managers can read the audit log" in html
    assert "Plans" in nav_links(html)
    assert '<meta name="viewport"' in html


def test_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    """Django renders 500.html with no context at all: it must not touch the database."""
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html
    assert "Plans" in nav_links(html)


def test_menus_fit_each_role(client):
    make_plan()
    ceb = Board.objects.filter(key="ceb")
    people = {
        "board": make_user("board", Role.BOARD_MEMBER, boards=ceb),
        "lead": make_user("lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"]),
        "manager": make_user("manager", Role.PLAN_MANAGER),
        "safeguarding": voice.safeguarding_lead(),
    }
    # A safeguarding lead in the tests is an action lead too (helpers.safeguarding_lead).
    expected = {
        "board": (False, False, False),
        "lead": (True, False, False),
        "manager": (True, True, True),
        "safeguarding": (True, False, True),
    }
    for name, user in people.items():
        client.force_login(user)
        links = nav_links(client.get("/").content.decode())
        got = ("My actions" in links, "Reports" in links, "Feedback" in links)
        assert got == expected[name], name
    client.logout()
    assert "My actions" not in nav_links(client.get("/").content.decode())


def test_a_board_member_who_is_only_a_safeguarding_lead_has_no_my_actions(client):
    make_plan()
    user = make_user("sg-board", Role.BOARD_MEMBER)
    from django.contrib.auth.models import Group

    from cyplan.voice import conf

    user.groups.add(Group.objects.get_or_create(name=conf.safeguarding_group())[0])
    client.force_login(user)
    links = nav_links(client.get("/").content.decode())
    assert "My actions" not in links and "Feedback" in links


PLAN_B = """\
format: cyplan-plan/1
plan:
  slug: other-plan
  title: Other plan
  area: {name: Testshire, code: E06000099}
  period: {start: 2024-04-01, end: 2026-03-31}
  status: published
nodes:
  - {id: x1, kind: priority, number: "1", title: Delivery}
"""


def test_linked_plans_are_named_not_by_slug_and_key(client):
    make_plan()
    make_plan(PLAN_B)
    plan_b = PlanNode.objects.get(key="x1").plan
    PlanLink.objects.create(
        plan=plan_b,
        from_node=PlanNode.objects.get(key="x1"),
        to_plan_slug="test-plan",
        to_node_key="p1",
        basis="inferred",
        position=1,
    )
    html = client.get("/plans/other-plan/x1/").content.decode()
    assert "test-plan#p1" not in html
    assert 'href="/plans/test-plan/p1/">Test plan, Priority 1: Early help</a>' in html
    assert "(a reading of the plans, which do not say so in words)" in html


def test_audit_log_shows_words_not_python(client):
    plan = make_plan()
    council = Organisation.objects.get(key="council")
    lead = make_user(
        "lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"], organisation=council
    )
    manager = make_user("manager", Role.PLAN_MANAGER)
    node = PlanNode.objects.get(key="p1-c1-a")
    update = services.save_update(
        lead, node, UpdateInput("2024-25-Q3", "at_risk", "Fewer courses."), submit=True
    )
    services.approve(manager, update)
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.attach_evidence(lead, update, SimpleUploadedFile("notes.txt", b"some notes"))
    client.force_login(manager)
    html = client.get("/audit/").content.decode()
    assert "{&#x27;" not in html and "{'" not in html  # no Python dict
    assert "EvidenceFile object" not in html
    assert "Evidence file notes.txt" in html
    assert "p1-c1-a" not in html
    # The approval: the state changed from submitted to approved, and only that (and version).
    assert "State: Submitted → Approved" in html
    assert "Action a: Run parenting courses (Test plan), Q3 2024/25: At risk" in html
    csv = client.get("/audit/?format=csv").content.decode()
    assert "State: Submitted -> Approved" in csv and "{'" not in csv
    assert AuditEntry.objects.filter(plan=plan).exists()


def test_voice_edit_form_shows_when_it_was_said(client):
    """Finding 7: the date input had no value, so every save failed until it was typed again."""
    manager = voice.manager()
    item = voice.published_item(manager, said_on=date(2024, 5, 1))
    client.force_login(manager)
    html = client.get(f"/voice/{item.pk}/").content.decode()
    field = re.search(r'<input[^>]*name="said_on"[^>]*>', html)[0]
    assert 'type="date"' in field and 'value="2024-05-01"' in field


def test_rollup_says_no_update_when_most_leaves_have_none():
    """Finding 8: one on-track action out of four leaves is not an "on track" priority."""
    make_plan()
    manager = make_user("manager", Role.PLAN_MANAGER)
    update = services.save_update(
        manager,
        PlanNode.objects.get(key="p1-c1-a"),
        UpdateInput("2024-25-Q3", "on_track", "Fine."),
        submit=True,
    )
    services.approve(manager, update)
    plan = update.node.plan
    overview = plan_overview(plan, AnonymousUser(), date(2024, 5, 1))
    p1 = overview.rollup(PlanNode.objects.get(key="p1"))
    # p1's leaves: p1-c1-a (on track), p1-c1-b, p1-c2-a: 1 of 3 has an update.
    assert p1.leaves == 3 and p1.counts["on_track"] == 1
    assert p1.status == "no_update" and p1.status_label == "No update yet"
    # p1-c1 has two leaves, one with an update: half is not "mostly", so it stays on track.
    assert overview.rollup(PlanNode.objects.get(key="p1-c1")).status == "on_track"


def test_a_returned_update_counts_as_returned_not_as_its_status(client):
    make_plan()
    manager = make_user("manager", Role.PLAN_MANAGER)
    node = PlanNode.objects.get(key="p1-c2-a")
    update = services.save_update(
        manager, node, UpdateInput("2024-25-Q3", "off_track", "Late."), submit=True
    )
    services.return_update(manager, update, "Which plans were late?")
    overview = plan_overview(node.plan, manager, date(2024, 5, 1))
    assert overview.rollup(node).status == "returned"
    c2 = overview.rollup(PlanNode.objects.get(key="p1-c2"))
    assert c2.status == "returned" and c2.status_label == "Returned to the lead"
    assert c2.counts["off_track"] == 0
    row = next(r for r in overview.rows if r.node.id == node.id)
    assert row.status_label == "Returned to the lead"
    client.force_login(manager)
    html = client.get("/plans/test-plan/p1-c2/").content.decode()
    assert (
        "Returned to the lead" in html
        and "Off track" not in html.split("<main")[1].split("Updates")[0]
    )


def test_the_updates_csv_names_periods_as_people_say_them(client):
    make_plan()
    manager = make_user("manager", Role.PLAN_MANAGER)
    node = PlanNode.objects.get(key="p1-c1-a")
    update = services.save_update(
        manager, node, UpdateInput("2024-25-Q3", "on_track", "Fine."), submit=True
    )
    services.approve(manager, update)
    csv = client.get("/plans/test-plan/p1-c1-a/?format=csv").content.decode()
    assert "Q3 2024/25" in csv and "2024-25-Q3" not in csv
