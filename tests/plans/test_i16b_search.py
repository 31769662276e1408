"""Issue 16, finding 9: search over plans, actions, leads and organisations, updates,
indicators and published voice items, forgiving typing slips, with each result's kind."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cyplan.plans.models import Lead
from cyplan.plans.search import expand, lead_key, search
from cyplan.voice import services as voice_services
from tests.voice import helpers as voice

pytestmark = pytest.mark.django_db


def kinds(results):
    return {r.kind for r in results}


def test_a_councillor_named_in_a_plan_is_found(client, builtin_plans):
    """Cllr Kate Lymer is the portfolio holder the portfolio plan names (its owner and welcome)."""
    results, _ = search(AnonymousUser(), "Lymer")
    assert [r.title for r in results if r.kind == "Plan"] == [
        "Children, Education and Families Portfolio Plan 2024 to 2025"
    ]
    html = client.get("/search/?q=Lymer").content.decode()
    assert "Plan</strong>" in html
    assert '<h1 class="govuk-heading-xl">Search</h1>' in html
    assert "<title>Search: Lymer – cyplan</title>" in html
    assert 'value="Lymer"' in html  # the search box keeps what was searched for


def test_youth_club_finds_the_plan_text_and_a_published_voice_item_only(builtin_plans):
    manager = voice.manager()
    shown = voice.published_item(manager, published_text="The youth club closed.")
    hidden = voice_services.record_feedback(
        manager, voice.details(published_text="Our youth club is great.", original_text="x")
    )  # recorded, never approved: not for anyone's search results
    results, _ = search(AnonymousUser(), "youth club")
    voice_urls = [r.url for r in results if r.kind == "You said, we did"]
    assert voice_urls == [f"/you-said-we-did/{shown.pk}/"]
    assert f"/you-said-we-did/{hidden.pk}/" not in voice_urls
    # The CYPP's "About Bromley" text speaks of "youth clubs".
    assert "Children and Young People's Plan 2021 to 2024" in [
        r.title for r in results if r.kind == "Plan"
    ]


def test_a_misspelt_word_is_corrected_to_the_plans_own_word(builtin_plans):
    results, corrections = search(AnonymousUser(), "austism")
    assert corrections == ["austism → autism"]
    assert results, "autism is in the plans' actions"
    assert all("autis" in (r.title + r.context).lower() or r.kind != "Action" for r in results)


def test_expand_keeps_known_words_and_corrects_unknown_ones():
    known = {"autism", "education", "director"}
    assert expand(["education", "edu", "eduction"], known) == [
        ["education"],
        ["edu"],  # a part of a known word: kept as typed
        ["eduction", "education"],
    ]
    assert expand(["zzzzzz"], known) == [["zzzzzz"]]


def test_director_education_finds_every_action_that_lead_leads(client, builtin_plans):
    """The portfolio plan writes the role "Director Education" (10 actions) and "Director of
    Education" (2): one lead, 12 actions, all found (the old search found 2)."""
    led = {
        lead.node_id
        for lead in Lead.objects.filter(node__kind="action")
        if lead_key(lead.role) == "director education"
    }
    assert len(led) == 12  # 10 + 2, counted from the plan file by role
    results, _ = search(AnonymousUser(), "Director Education")
    lead = next(r for r in results if r.kind == "Lead")
    assert lead.title == "Director Education (also written Director of Education)"
    assert lead.context.endswith("leads 12 items")
    from cyplan.plans.models import PlanNode

    urls = {r.url for r in results if r.kind == "Action"}
    for node in PlanNode.objects.filter(id__in=led).select_related("plan"):
        assert f"/plans/{node.plan.slug}/{node.key}/" in urls
    html = client.get("/search/?q=Director+Education").content.decode()
    assert "Lead</strong>" in html and "Action</strong>" in html


def test_organisations_and_indicators_are_found(builtin_plans):
    from cyplan.outcomes.models import Indicator

    Indicator.objects.create(code="ehcp-20-weeks", title="EHC plans issued within 20 weeks")
    results, _ = search(AnonymousUser(), "Oxleas")
    assert "Organisation" in kinds(results)  # a partner the portfolio plan names
    results, _ = search(AnonymousUser(), "EHC plans issued")
    assert ("Indicator", "EHC plans issued within 20 weeks") in {(r.kind, r.title) for r in results}


def test_unapproved_updates_are_found_only_by_staff(builtin_plans):
    from cyplan.accounts.models import Role
    from cyplan.delivery import services
    from cyplan.delivery.services import UpdateInput
    from cyplan.plans.models import PlanNode
    from tests.factories import make_user

    manager = make_user("manager", Role.PLAN_MANAGER)
    node = PlanNode.objects.get(plan__slug="bromley-cef-portfolio-2024-2025", key="a1-c8-a")
    services.save_update(
        manager,
        node,
        UpdateInput("2024-25-Q3", "on_track", "Zanzibar timeliness rose."),
        submit=True,
    )
    assert search(AnonymousUser(), "Zanzibar")[0] == []
    staff = search(manager, "Zanzibar")[0]
    assert [r.kind for r in staff] == ["Progress update"]
    assert staff[0].title.startswith("Q3 2024/25: On track")
