"""The built-in Portfolio Plan 2024 to 2025 matches its seed document."""

import re

import pytest

from cyplan.plans.exporter import plan_json
from tests.conftest import PORTFOLIO_SEED, normalise

pytestmark = pytest.mark.django_db
SLUG = "bromley-cef-portfolio-2024-2025"

# Actions per commitment, counted by hand from the seed's tables (a), b), c)… rows; in
# Ambition 1 commitment 1 the letters are cut off by the PDF but its four rows are clear).
ACTIONS_PER_COMMITMENT = {
    "ambition-1": [4, 3, 1, 3, 2, 4, 4, 3, 3, 3, 1, 3, 4, 2, 1],
    "ambition-5": [1, 1, 1, 1, 1, 2, 3],
}


@pytest.fixture
def portfolio(builtin_plans):
    return plan_json(builtin_plans[SLUG])


def seed_words() -> set[str]:
    return set(
        re.findall(r"[a-z0-9]+", normalise(PORTFOLIO_SEED.read_text(encoding="utf-8")).lower())
    )


def share_in_seed(text: str, words: set[str]) -> float:
    tokens = re.findall(r"[a-z0-9]+", text.lower())
    return sum(token in words for token in tokens) / max(len(tokens), 1)


def children(plan, parent):
    return [n for n in plan["nodes"] if n["parent"] == parent]


def test_two_ambitions_with_fifteen_and_seven_commitments(portfolio):
    """Ambition 1 has 15 commitments and Ambition 5 has 7, numbered as in the seed."""
    ambitions = [n for n in portfolio["nodes"] if n["kind"] == "ambition"]
    assert [a["id"] for a in ambitions] == ["ambition-1", "ambition-5"]
    for ambition, count in (("ambition-1", 15), ("ambition-5", 7)):
        numbers = [c["number"] for c in children(portfolio, ambition)]
        assert numbers == [str(i) for i in range(1, count + 1)]


def test_every_action_is_there(portfolio):
    """Each commitment has the seed's actions, lettered a), b), c)…"""
    for ambition, expected in ACTIONS_PER_COMMITMENT.items():
        commitments = children(portfolio, ambition)
        found = [len(children(portfolio, c["id"])) for c in commitments]
        assert found == expected, ambition
        for commitment in commitments:
            letters = [a["number"] for a in children(portfolio, commitment["id"])]
            assert letters == list("abcd"[: len(letters)])
    assert sum(n["kind"] == "action" for n in portfolio["nodes"]) == 41 + 10


def test_every_action_has_measures_a_date_and_a_lead_from_the_seed(portfolio):
    """Measures, target dates and leads are present, and are the seed's words.

    Two measures cells are empty in the seed: 1.14 b) has no measure; 1.6 d)'s measure is
    the first sentence of its DETAIL cell, marked as not printed in the measures column.
    """
    seed = normalise(PORTFOLIO_SEED.read_text(encoding="utf-8"))
    words = seed_words()
    for action in (n for n in portfolio["nodes"] if n["kind"] == "action"):
        if action["id"] == "a1-c14-b":
            assert action["measures"] == []
        else:
            assert action["measures"], action["id"]
        assert action["leads"], action["id"]
        assert action["target_date"] is not None, action["id"]
        for part in action["target_date_text"].split("; "):
            assert part in seed, (action["id"], part)
        for lead in action["leads"]:
            assert share_in_seed(lead, words) == 1, (action["id"], lead)
        for measure in action["measures"]:
            # Words cut at a PDF column edge are restored (e.g. "prompt" -> "promptly").
            assert share_in_seed(measure, words) >= 0.85, (action["id"], measure)


def test_texts_are_the_seed_words(portfolio):
    """Commitment and action texts are made of the seed's words (PDF fragments restored)."""
    words = seed_words()
    for node in portfolio["nodes"]:
        assert share_in_seed(node["text"] or node["title"], words) >= 0.85, node["id"]


def test_hand_read_rows(portfolio):
    """A sample of rows read by hand from the seed, including interleaved ones."""
    nodes = {n["id"]: n for n in portfolio["nodes"]}
    row = nodes["a1-c8-a"]
    assert row["text"].startswith("Implement our SEND vision and priorities.")
    assert row["measures"] == [
        "Targets for completion of Education Health Care Plan's (EHCPs) within 20 weeks are met"
    ]
    assert row["target_date_text"] == "April 2025 (AP)"
    assert row["target_date"] == "2025-04-30"
    assert row["leads"] == ["Director Education"]

    assert nodes["a1-c7-d"]["target_date_text"] == "August 2024"
    assert nodes["a1-c7-d"]["target_date"] == "2024-08-31"
    assert nodes["a5-c7-a"]["target_date_text"] == "2024"
    assert nodes["a5-c7-a"]["leads"] == ["Associate Director of Childrens Commissioning"]
    assert nodes["a1-c2-a"]["target_date_text"] == "Sept 2024 (AP)"
    assert nodes["a1-c4-c"]["leads"] == ["Assistant Director Specialist Services"]
    assert nodes["a1-c13-b"]["text"] == "Address disproportionality"
    assert nodes["a1-c13-b"]["measures"] == ["YOS disproportionality action plan delivered."]
    assert nodes["a5-c3-a"]["leads"] == [
        "Director Children, Education and Families",
        "Director of HR",
    ]
    assert nodes["a5-c6-b"]["measures"] == ["Deliver annual 'you said we did' reports as evidence"]


def test_linked_to_the_cypp(builtin_plans, portfolio):
    """Ambition 1 supports the CYPP and its five priorities, as the seed states."""
    stated = {
        (link["from"], link["to_plan"], link["to_node"])
        for link in portfolio["links"]
        if link["basis"] == "stated"
    }
    assert ("ambition-1", "bromley-cypp-2021-2024", None) in stated
    for number in range(1, 6):
        assert ("ambition-1", "bromley-cypp-2021-2024", f"priority-{number}") in stated
    cypp = builtin_plans["bromley-cypp-2021-2024"]
    for link in builtin_plans[SLUG].links.all():
        assert link.to_plan_slug == cypp.slug
        if link.to_node_key:
            assert cypp.nodes.filter(key=link.to_node_key).exists(), link.to_node_key


def test_monitored_by_the_scrutiny_committee(portfolio):
    """The PDS committee monitors the whole plan."""
    committee = next(b for b in portfolio["boards"] if "Scrutiny Committee" in b["name"])
    assert "plan" in committee["monitors"]
