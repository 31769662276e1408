"""Round trips: plan file -> database -> plan file, JSON contract, Excel."""

import json

import openpyxl
import pytest
from django.core.management import call_command

from cyplan.plans.builtin import builtin_plan_paths
from cyplan.plans.exporter import dump_yaml, plan_document, plan_json
from cyplan.plans.importer import import_plan_file
from cyplan.plans.plan_file import check_plan_text, read_plan_file, with_defaults
from cyplan.plans.workbook import read_workbook, write_workbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", builtin_plan_paths(), ids=lambda p: p.stem)
def test_yaml_to_database_to_yaml_gives_the_same_plan(db, path):
    """Export of an imported built-in plan, read back, equals the file it came from."""
    original = read_plan_file(path)
    assert original.ok, original.problems
    plan = import_plan_file(original).plan
    exported_text = dump_yaml(plan_document(plan))
    exported = check_plan_text(exported_text, "export.yaml")
    assert exported.ok, exported.problems
    assert with_defaults(exported.data) == with_defaults(original.data)


def test_json_contract_shape(builtin_plans):
    """The JSON export has the documented keys and types, children in document order."""
    data = plan_json(builtin_plans["bromley-cef-portfolio-2024-2025"])
    assert set(data["plan"]) >= {"slug", "title", "area", "period_start", "period_end", "status"}
    assert data["plan"]["period_start"] == "2024-04-01"
    seen = set()
    for node in data["nodes"]:
        assert set(node) >= {
            "id",
            "parent",
            "kind",
            "title",
            "text",
            "measures",
            "target_date",
            "target_date_text",
            "leads",
        }
        assert node["kind"] in {"ambition", "priority", "commitment", "action"}
        assert node["parent"] is None or node["parent"] in seen  # parents come first
        assert isinstance(node["measures"], list) and all(
            isinstance(m, str) for m in node["measures"]
        )
        assert isinstance(node["leads"], list) and all(
            isinstance(lead, str) for lead in node["leads"]
        )
        seen.add(node["id"])
    for strategy in data["strategies"]:
        assert set(strategy) >= {"title", "period", "aligned_to"}
        assert set(strategy["aligned_to"]) <= seen
    for organisation in data["organisations"]:
        assert set(organisation) >= {"name", "type"}
    for board in data["boards"]:
        assert set(board) >= {"name", "members", "monitors"}
    # Children of a node appear in document order: commitments 1..15 of ambition 1.
    numbers = [n["number"] for n in data["nodes"] if n["parent"] == "ambition-1"]
    assert numbers == [str(i) for i in range(1, 16)]


def test_cli_json_export_is_the_contract(builtin_plans, capsys):
    """`cyplan plan export SLUG --format json` prints the contract as one JSON object."""
    call_command("plan", "export", "bromley-cypp-2021-2024", "--format", "json")
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(plan_json(builtin_plans["bromley-cypp-2021-2024"])))


def test_excel_round_trip_keeps_the_action_table(builtin_plans, tmp_path):
    """Portfolio plan -> .xlsx -> plan data keeps every commitment and action row."""
    plan = builtin_plans["bromley-cef-portfolio-2024-2025"]
    path = tmp_path / "portfolio.xlsx"
    write_workbook(plan, path)
    result = read_workbook(path)
    assert result.ok, result.problems
    original = {n["id"]: n for n in plan_document(plan)["nodes"]}
    read_back = {n["id"]: n for n in result.data["nodes"]}
    assert list(read_back) == list(original)
    for key, node in original.items():
        got = read_back[key]
        assert (got["kind"], got.get("parent"), got["number"]) == (
            node["kind"],
            node.get("parent"),
            node["number"],
        )
        if node["kind"] == "action":
            assert got["text"] == node["text"]
            # The workbook has one measures cell: a measure's own date and leads stay in YAML.
            assert got.get("measures", []) == [
                m["text"] if isinstance(m, dict) else m for m in node.get("measures", [])
            ]
            assert got.get("target_date_text") == node.get("target_date_text")
            assert [lead["role"] for lead in got["leads"]] == [
                lead["role"] for lead in node["leads"]
            ]


def test_excel_cells_never_run_as_formulas(db, tmp_path):
    """Text that starts with = + - @ is stored as text, not as a formula."""
    text = GOOD_WITH_FORMULA
    from cyplan.plans.importer import import_plan_file

    plan = import_plan_file(check_plan_text(text, "plan.yaml")).plan
    path = tmp_path / "plan.xlsx"
    write_workbook(plan, path)
    sheet = openpyxl.load_workbook(path)["Actions"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    dangerous = [c for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert dangerous, "the fixture should produce cells starting with formula characters"
    assert all(c.data_type == "s" for c in dangerous)


GOOD_WITH_FORMULA = """\
format: cyplan-plan/1
plan:
  slug: formula-plan
  title: Formula plan
  area: {name: Testshire, code: E06000099}
  period: {start: 2025-04-01, end: 2026-03-31}
nodes:
  - {id: p1, kind: priority, title: Safety}
  - {id: p1-c1, parent: p1, kind: commitment, title: "=HYPERLINK(\\"http://x\\")"}
  - id: p1-c1-a
    parent: p1-c1
    kind: action
    title: "@SUM(1+1)"
    measures: ["-1 fewer exclusions", "+2 more places"]
    target_date_text: "2026"
    leads: [{role: "=cmd|' /C calc'!A0"}]
"""
