"""The built-in CYPP 2021 to 2024 matches its seed document."""

import pytest

from cyplan.plans.exporter import plan_json
from tests.conftest import CYPP_SEED, normalise

from . import seed_reading

pytestmark = pytest.mark.django_db
SLUG = "bromley-cypp-2021-2024"


@pytest.fixture
def cypp(builtin_plans):
    return plan_json(builtin_plans[SLUG])


def test_five_priorities_with_the_seed_titles(cypp):
    """Five priorities, titled as the seed's chapter headings."""
    priorities = [n for n in cypp["nodes"] if n["kind"] == "priority"]
    assert [(p["number"], p["title"]) for p in priorities] == [
        (str(number), title) for number, title in sorted(seed_reading.priority_titles().items())
    ]
    assert len(priorities) == 5


def test_every_next_step_is_a_commitment_in_order(cypp):
    """Each 'What are we going to do next?' item is a commitment, verbatim, in document order."""
    seed = seed_reading.next_steps()
    # Counted by hand from the seed: 7 bullets, 5 bullets, 2 paragraphs + 6 bullets,
    # 6 paragraphs, 5 bullets.
    assert [len(seed[p]) for p in range(1, 6)] == [7, 5, 8, 6, 5]
    for number in range(1, 6):
        commitments = [
            normalise(n["text"])
            for n in cypp["nodes"]
            if n["kind"] == "commitment" and n["parent"] == f"priority-{number}"
        ]
        assert commitments == seed[number], f"priority {number}"


def test_strategy_table_has_exactly_the_seed_ticks(cypp):
    """Twelve strategies, in the table's order, each aligned to exactly the ticked priorities."""
    expected = [
        (title, [f"priority-{n}" for n in ticks]) for title, ticks in seed_reading.strategy_ticks()
    ]
    assert len(expected) == 12
    exported = [(s["title"], s["aligned_to"]) for s in cypp["strategies"]]
    assert exported == expected
    # Counted by hand from the seed: every row ticks priorities 4 and 5; four rows leave out
    # priority 3 (Early Help, Domestic Violence, Safer Bromley, SEND), two leave out priority 2
    # (Homelessness, Housing) and one leaves out priority 1 (Health and Wellbeing): 60 - 7 = 53.
    assert sum(len(a) for _, a in exported) == 53
    assert dict(exported)["Health and Wellbeing Strategy 2019 to 2023"] == [
        "priority-2",
        "priority-3",
        "priority-4",
        "priority-5",
    ]


def test_the_ten_partners_of_the_executive_board(cypp):
    """The CEB is a partnership of the ten organisations the seed lists, and owns the plan."""
    partners = seed_reading.ceb_partners()
    assert len(partners) == 10
    ceb = next(b for b in cypp["boards"] if b["name"] == "Children's Executive Board")
    assert ceb["members"] == partners
    assert ceb["monitors"] == ["plan"]
    assert cypp["plan"]["owner_board"] == "Children's Executive Board"
    assert [o["name"] for o in cypp["organisations"][:10]] == partners


def test_boards_and_forums_the_seed_names(cypp):
    """The governance bodies named in the text are there."""
    names = {b["name"] for b in cypp["boards"]}
    for expected in [
        "Children's Executive Board",
        "Bromley Safeguarding Children Partnership",
        "Corporate Parenting Board",
        "Living in Care Council",
        "Change for Care Leavers",
        "SEND Governance Board",
        "CAMHS Transformation Board",
    ]:
        assert any(expected.lower() in name.lower() for name in names), expected


def test_five_promises(builtin_plans, cypp):
    """The User Voice Framework's five promises, worded as in the seed; priority 5 serves them."""
    assert [(p["number"], p["title"]) for p in cypp["promises"]] == seed_reading.promises()
    assert len(cypp["promises"]) == 5
    plan = builtin_plans[SLUG]
    assert plan.nodes.get(key="priority-5").promises.count() == 5


def test_about_bromley_key_figures(builtin_plans):
    """The twelve 'About Bromley' figures, as printed (listed here by hand from the seed)."""
    figures = builtin_plans[SLUG].key_figures.filter(section="about-bromley")
    printed = {f.value_text for f in figures}
    assert {
        "330,000+",
        "Largest",
        "4th",
        "78,500",
        "237",
        "29%",
        "328",
        "1,828",
        "246",
        "2,000+",
        "2,944",
        "6,550",
    } <= printed
    cla = figures.get(value_text="328")
    assert cla.value == 328 and "care" in cla.label


def test_quoted_figures_carry_their_benchmarks(builtin_plans):
    """Figures quoted with benchmarks keep them (the seed: CLA rate 43, London 37)."""
    figure = builtin_plans[SLUG].key_figures.get(indicator_code="cla-rate")
    assert figure.value == 43
    assert {"area": "London", "value": 37} in [
        {"area": b["area"], "value": b["value"]} for b in figure.benchmarks
    ]
    stability = builtin_plans[SLUG].key_figures.get(indicator_code="cla-long-term-stability")
    assert stability.value == 71
    assert sorted((b["area"], b["value"]) for b in stability.benchmarks) == [
        ("England", 68),
        ("London", 64),
    ]


def test_priority_sections_are_verbatim(builtin_plans):
    """Every paragraph of every priority's sections appears word for word in the seed."""
    seed = normalise(CYPP_SEED.read_text(encoding="utf-8"))
    for node in builtin_plans[SLUG].nodes.filter(kind="priority"):
        titles = [s["title"] for s in node.sections]
        assert titles[:2] == ["Why is this important?", "What does it look like in Bromley?"], (
            node.key
        )
        for section in node.sections:
            for paragraph in section["text"].split("\n\n"):
                assert normalise(paragraph) in seed, (node.key, paragraph[:60])
