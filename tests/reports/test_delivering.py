"""A plan's priorities in its board's pack show the actions of other plans that deliver them."""

import pytest

from cyplan.accounts.models import Role
from cyplan.delivery import services
from cyplan.delivery.services import UpdateInput
from cyplan.plans.contributions import delivering_actions
from cyplan.plans.models import Plan, PlanNode
from cyplan.reports import content, render
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db

OLD = """\
format: cyplan-plan/1
plan:
  slug: old-plan
  title: Old partnership plan
  area: {name: Testshire, code: E06000099}
  period: {start: 2021-04-01, end: 2024-03-31}
  status: published
boards:
  - {id: old-board, name: Partnership Board, monitors: [plan]}
nodes:
  - {id: p1, kind: priority, number: "1", title: Early help}
  - {id: p1-c1, parent: p1, kind: commitment, number: "1", title: Help families early}
  - {id: p2, kind: priority, number: "2", title: Safeguarding}
  - {id: p2-c1, parent: p2, kind: commitment, number: "1", title: Keep children safe}
"""

NEW = """\
format: cyplan-plan/1
plan:
  slug: {slug}
  title: {title}
  area: {{name: Testshire, code: E06000099}}
  period: {{start: {start}, end: {end}}}
  status: {status}
nodes:
  - {{id: amb, kind: ambition, number: "1", title: Children}}
  - {{id: amb-c1, parent: amb, kind: commitment, number: "1", title: Family support}}
  - {{id: amb-c1-a, parent: amb-c1, kind: action, number: a, title: Run a safeguarding hub}}
  - {{id: amb-c1-b, parent: amb-c1, kind: action, number: b, title: Open family centres}}
  - {{id: amb-c2, parent: amb, kind: commitment, number: "2", title: Youth}}
  - {{id: amb-c2-a, parent: amb-c2, kind: action, number: a, title: Keep youth clubs open}}
links:
  - {{from: amb, to: "old-plan#p1", relation: supports, basis: stated}}
  - {{from: amb, to: "old-plan#p2", relation: supports, basis: stated}}
  - {{from: amb-c1, to: "old-plan#p2", relation: supports, basis: inferred}}
  - {{from: amb-c1-b, to: "old-plan#p1-c1", relation: supports, basis: inferred}}
  - {{from: amb-c1-b, to: "old-plan#p1", relation: supports, basis: stated}}
"""


def portfolio(slug, title, start, end, status="published"):
    return make_plan(NEW.format(slug=slug, title=title, start=start, end=end, status=status))


@pytest.fixture
def plans(settings):
    old = make_plan(OLD)
    new = portfolio("portfolio", "Portfolio plan", "2024-04-01", "2025-03-31")
    portfolio("draft", "Draft plan", "2024-04-01", "2025-03-31", status="draft")
    portfolio("later", "Later plan", "2026-04-01", "2027-03-31")
    manager = make_user("manager", Role.PLAN_MANAGER)
    hub = PlanNode.objects.get(plan=new, key="amb-c1-a")
    update = services.save_update(
        manager, hub, UpdateInput("2024-25-Q3", "off_track", "Hub delayed."), submit=True
    )
    services.approve(manager, update)
    return old, new


def test_the_nearest_link_places_an_action_and_stated_beats_inferred(plans):
    """Worked from the links above, by hand: amb-c1-a takes amb-c1's link (p2, inferred), not
    the ambition's; amb-c1-b's own links both reach p1 (p1-c1 is under p1): stated wins;
    amb-c2-a has only the ambition's links (p1 and p2, stated). The draft plan and the later
    plan link too; drafts never count, and delivering_actions ignores the period."""
    old, _ = plans
    found = {
        (c.plan.slug, c.action.key, c.target.key, c.basis)
        for c in delivering_actions(old)
        if c.plan.slug != "later"
    }
    assert found == {
        ("portfolio", "amb-c1-a", "p2", "inferred"),
        ("portfolio", "amb-c1-b", "p1", "stated"),
        ("portfolio", "amb-c2-a", "p1", "stated"),
        ("portfolio", "amb-c2-a", "p2", "stated"),
    }


def test_an_ended_plans_board_gets_the_delivering_actions_for_the_period(plans):
    """The old plan ended in March 2024; for Q3 2024/25 its board's pack lists, under each
    priority, the portfolio's actions (the later plan does not run then), with their status."""
    pack = content.board_pack("old-board", "Q3 2024/25", public=False)
    assert not pack.nothing_live
    [part] = pack.plans
    assert not part.live and part.actions == []
    assert "ran from April 2021 to March 2024" in part.not_live_note
    under = {
        p.node.key: [(a.node.key, a.link.basis, a.plan_title) for a in p.delivered_by]
        for p in part.priorities
    }
    assert under == {
        "p1": [
            ("amb-c1-b", "stated", "Portfolio plan"),
            ("amb-c2-a", "stated", "Portfolio plan"),
        ],
        "p2": [
            ("amb-c1-a", "inferred", "Portfolio plan"),
            ("amb-c2-a", "stated", "Portfolio plan"),
        ],
    }
    # Three actions once each: the hub is off track (Q3 update), the other two have none.
    assert sorted(part.counts.items()) == [("no_update", 2), ("off_track", 1)]
    assert [(a.node.key, a.exception) for a in part.exceptions][0] == ("amb-c1-a", "off_track")
    html = render.pack_html(pack)
    assert "Our reading of the plans" in html and "Stated in the plan" in html
    assert "Hub delayed." in html and "Run a safeguarding hub" in html


def test_the_explanation_is_in_words(plans):
    old, _ = plans
    by_action = {c.action.key: c for c in delivering_actions(old) if c.plan.slug == "portfolio"}
    assert by_action["amb-c1-a"].explanation == (
        "Our reading of the plans: Commitment 1.1 of the Portfolio plan works towards this "
        "priority, though neither plan says so in words"
    )
    assert by_action["amb-c1-b"].explanation == (
        "Stated in the Portfolio plan: Action 1 b) supports this priority"
    )


def test_a_plan_no_longer_published_stops_counting(plans):
    Plan.objects.filter(slug="portfolio").update(status=Plan.Status.DRAFT)
    pack = content.board_pack("old-board", "Q3 2024/25", public=False)
    assert pack.nothing_live
    assert "Nothing that Partnership Board monitors was live in Q3 2024/25" in (
        pack.nothing_live_note
    )


@pytest.mark.usefixtures("builtin_plans")
def test_the_childrens_executive_board_gets_the_portfolio_actions_for_q3_2024_25():
    """Finding 1 of issue 16. The CYPP ended in March 2024. The portfolio plan has 51 actions;
    the 10 under Ambition 5 (a5-c1-a ... a5-c7-c) have no link to the CYPP except a5-c6-b, so
    51 - 9 = 42 deliver its priorities. THRIVE support to carers (Ambition 1, 4 c)) has its own
    inferred link to Priority 3, so it is under Priority 3 and not under Priority 1, where the
    rest of commitment 4 goes."""
    pack = content.board_pack("Children's Executive Board", "Q3 2024/25", public=False)
    [part] = pack.plans
    assert part.plan.slug == "bromley-cypp-2021-2024" and not part.live
    assert len(part.delivering) == 42
    under = {
        p.node.key: {a.node.key: a.link.basis for a in p.delivered_by} for p in part.priorities
    }
    assert under["priority-3"]["a1-c4-c"] == "inferred"
    assert "a1-c4-c" not in under["priority-1"] and "a1-c4-a" in under["priority-1"]
    assert "a5-c6-b" in under["priority-5"] and "a5-c1-a" not in under["priority-5"]
    assert pack.period.key == "2024-25-Q3"
