"""Documentation that the code keeps honest."""

from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent


def test_every_cyplan_command_is_documented():
    """Each management command of cyplan's own apps appears in docs/cli.md."""
    cli = (ROOT / "docs" / "cli.md").read_text()
    ours = [name for name, app in get_commands().items() if app.startswith("cyplan")]
    assert ours, "expected cyplan's own commands"
    for name in ours:
        assert f"`cyplan {name}" in cli, name


def test_readme_quick_start_is_two_commands():
    """The README's quick start is `make run` then `make test`."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert block.split() == ["make", "run", "make", "test"]


def test_plan_format_documents_every_schema_field():
    """Every field the JSON Schema allows is named in docs/plan-format.md."""
    import json

    schema = json.loads((ROOT / "src/cyplan/data/schemas/plan.schema.json").read_text())
    doc = (ROOT / "docs" / "plan-format.md").read_text()

    def fields(node):
        for name, sub in node.get("properties", {}).items():
            yield name
            yield from fields(sub)
            if "items" in sub:
                yield from fields(sub["items"])

    for name in set(fields(schema)):
        assert f"`{name}`" in doc or f"{name}:" in doc, name
