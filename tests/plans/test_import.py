"""Importing plans: validate first, one transaction, updates in place, nothing half-written."""

import pytest

from cyplan.plans import models as m
from cyplan.plans.exporter import plan_document
from cyplan.plans.importer import import_plan_data, import_plan_file
from cyplan.plans.plan_file import PlanFileError, check_plan_text, with_defaults

from .test_plan_file import GOOD

pytestmark = pytest.mark.django_db


def load(text):
    return import_plan_file(check_plan_text(text, "plan.yaml"))


def snapshot():
    """Everything the plan tables hold, to show an import changed nothing."""
    return {
        model.__name__: sorted(map(repr, model.objects.values()))
        for model in (
            m.Area,
            m.Organisation,
            m.Board,
            m.Plan,
            m.PlanNode,
            m.Lead,
            m.Strategy,
            m.BoardMonitoring,
            m.KeyFigure,
            m.PlanLink,
            m.Promise,
            m.PlanSection,
        )
    }


def test_import_creates_the_plan_tree():
    """Nodes, parents, leads, parsed target dates and monitoring are stored."""
    result = load(GOOD)
    plan = result.plan
    assert result.created
    action = plan.nodes.get(key="p1-c1-a")
    assert action.parent.key == "p1-c1" and action.parent.parent.key == "p1"
    assert action.target_date.isoformat() == "2026-04-30"
    assert action.target_date_text == "April 2026 (AP)"
    assert [(lead.role, lead.organisation.name) for lead in action.leads.all()] == [
        ("Head of Early Help", "Testshire Council")
    ]
    board = m.Board.objects.get(key="ceb")
    assert list(board.members.values_list("key", flat=True)) == ["council"]
    assert m.BoardMonitoring.objects.get(board=board).node is None  # monitors the whole plan


def test_reimporting_the_same_file_changes_nothing():
    """Same file twice: no duplicates, same database ids, same data."""
    load(GOOD)
    before = snapshot()
    ids = dict(m.PlanNode.objects.values_list("key", "id"))
    result = load(GOOD)
    assert not result.created
    assert dict(m.PlanNode.objects.values_list("key", "id")) == ids
    assert result.nodes_created == result.nodes_updated == result.nodes_removed == 0
    assert snapshot() == before


def test_updated_file_keeps_ids_and_applies_changes():
    """Changing a title, adding and removing nodes keeps the ids of the nodes that stay."""
    load(GOOD)
    ids = dict(m.PlanNode.objects.values_list("key", "id"))
    extra = '  - id: p1-c1-b\n    parent: p1-c1\n    kind: action\n    title: Open a family hub\n    target_date_text: "2027"\n'
    changed = (
        GOOD.replace("title: Run parenting courses", "title: Run more parenting courses") + extra
    )
    result = load(changed)
    assert result.nodes_created == 1 and result.nodes_removed == 0
    assert m.PlanNode.objects.get(key="p1-c1-a").id == ids["p1-c1-a"]
    assert m.PlanNode.objects.get(key="p1-c1-a").title == "Run more parenting courses"
    assert m.PlanNode.objects.get(key="p1-c1-b").target_date.isoformat() == "2027-12-31"

    without = changed.replace(extra, "")
    result = load(without)
    assert result.nodes_removed == 1
    assert not m.PlanNode.objects.filter(key="p1-c1-b").exists()
    assert m.PlanNode.objects.get(key="p1").id == ids["p1"]


@pytest.mark.parametrize(
    "breakage",
    [
        ("title: Help families early", "title: [unclosed"),  # bad YAML
        ("    title: Run parenting courses\n", ""),  # a missing title
        ("parent: p1-c1\n", "parent: nowhere\n"),  # an unknown parent
        ("id: p1-c1-a", "id: p1-c1"),  # a duplicate id
        ("April 2026 (AP)", "when it is ready"),  # a date that is not a date
    ],
)
def test_broken_file_leaves_the_database_unchanged(breakage):
    """A broken update of a loaded plan raises with its problems and writes nothing."""
    load(GOOD)
    before = snapshot()
    # The broken file also renames the plan: that must not be applied either.
    text = GOOD.replace("title: Test plan", "title: Renamed plan").replace(*breakage)
    with pytest.raises(PlanFileError) as raised:
        load(text)
    assert raised.value.problems and all(p.line for p in raised.value.problems)
    assert snapshot() == before
    assert m.Plan.objects.get().title == "Test plan"


def test_a_failure_part_way_through_rolls_everything_back(monkeypatch):
    """If writing fails half-way (e.g. the database goes away), nothing is kept."""
    load(GOOD)
    before = snapshot()
    data = check_plan_text(GOOD.replace("title: Test plan", "title: Renamed"), "plan.yaml").data
    from cyplan.plans import importer

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(importer, "_import_monitoring", fail)
    with pytest.raises(RuntimeError):
        import_plan_data(data)
    assert snapshot() == before


def test_two_plans_of_one_area_share_its_boards():
    """A board named by two plans of one area is one board."""
    load(GOOD)
    second = GOOD.replace("slug: test-plan", "slug: second-plan").replace(
        "name: Children's Executive Board", "name: Children's Executive Board (renamed)"
    )
    load(second)
    assert m.Board.objects.count() == 1
    assert m.Board.objects.get().name == "Children's Executive Board (renamed)"
    assert m.BoardMonitoring.objects.count() == 2  # it monitors both plans
    assert m.Plan.objects.count() == 2


def test_export_of_an_imported_file_is_the_same_document():
    """YAML -> database -> document gives back exactly what was written."""
    data = check_plan_text(GOOD, "plan.yaml").data
    plan = load(GOOD).plan
    document = plan_document(plan)
    assert with_defaults(document) == with_defaults(data)


def test_removing_a_node_that_voice_items_are_linked_to_is_refused(db):
    """A re-import that drops an action which a voice item is linked to is refused with a
    clear message and changes nothing (the link would otherwise vanish silently)."""
    from datetime import date

    from cyplan.plans.models import PlanNode
    from cyplan.plans.plan_file import PlanFileError
    from cyplan.voice.models import Feedback
    from tests.factories import PLAN, make_plan

    plan = make_plan(PLAN)
    action = PlanNode.objects.get(plan=plan, key="p1-c1-a")
    item = Feedback.objects.create(
        plan=plan,
        original_text="more parenting courses please",
        said_on=date(2024, 5, 1),
        channel=Feedback._meta.get_field("channel").choices[0][0],
    )
    item.nodes.add(action)
    text = PLAN.replace(
        "  - id: p1-c1-a\n    parent: p1-c1\n    kind: action\n    number: a\n    title: Run parenting courses\n"
        "    measures: [Number of courses]\n    target_date_text: Sept 2024\n"
        "    leads: [{role: Head of Early Help, organisation: council}]\n",
        "",
    )
    assert "p1-c1-a" not in text
    with pytest.raises(PlanFileError, match="'p1-c1-a' has feedback, so it cannot be removed"):
        make_plan(text)
    assert PlanNode.objects.filter(key="p1-c1-a").exists()
    assert list(item.nodes.all()) == [action]
