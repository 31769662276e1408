"""The `cyplan plan` command line, run as a user runs it."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cyplan.plans import models as m

from .test_plan_file import GOOD

pytestmark = pytest.mark.django_db


def cyplan(*args, env=None):
    """Run the installed console script in a subprocess (it uses its own database)."""
    return subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "cyplan"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_help_lists_every_action_with_an_example():
    """`cyplan plan --help` names each action and shows examples; each action has its own help."""
    done = cyplan("plan", "--help")
    assert done.returncode == 0
    for action in ("validate", "import", "list", "export", "template"):
        assert action in done.stdout
    assert "examples:" in done.stdout
    for action in ("validate", "import", "list", "export", "template"):
        sub = cyplan("plan", action, "--help")
        assert sub.returncode == 0 and "example" in sub.stdout, action


def test_validate_reports_problems_with_lines_and_fails(tmp_path):
    """A broken file: exit status 1 and each problem on its own line with line:column."""
    path = tmp_path / "plan.yaml"
    path.write_text(
        GOOD.replace("parent: p1-c1\n", "parent: nowhere\n").replace("April 2026", "Ongoing")
    )
    done = cyplan("plan", "validate", str(path), env={"CYPLAN_DATA_DIR": str(tmp_path)})
    assert done.returncode == 1
    assert (
        f"{path}:20:13: nodes[2].parent: the parent 'nowhere' is not a node of this plan"
        in done.stderr
    )
    assert f"{path}:24:23: nodes[2].target_date_text:" in done.stderr
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    ok = cyplan("plan", "validate", str(good), env={"CYPLAN_DATA_DIR": str(tmp_path)})
    assert ok.returncode == 0 and "no problems" in ok.stdout


def test_import_list_export_through_the_console_script(tmp_path):
    """The installed `cyplan` imports, lists and exports against a fresh database."""
    env = {"CYPLAN_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert cyplan("migrate", "-v0", env=env).returncode == 0
    path = tmp_path / "plan.yaml"
    path.write_text(GOOD)
    done = cyplan("plan", "import", str(path), env=env)
    assert done.returncode == 0, done.stderr
    listed = json.loads(cyplan("plan", "list", "--json", env=env).stdout)
    assert [(p["slug"], p["nodes"]) for p in listed] == [("test-plan", 3)]
    exported = json.loads(cyplan("plan", "export", "test-plan", "--format", "json", env=env).stdout)
    assert [n["id"] for n in exported["nodes"]] == ["p1", "p1-c1", "p1-c1-a"]
    missing = cyplan("plan", "export", "no-such-plan", env=env)
    assert missing.returncode == 1 and "test-plan" in missing.stderr


def test_a_batch_with_one_bad_file_imports_nothing(tmp_path):
    """Every file is checked before any is written."""
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("slug: test-plan", "slug: other").replace("id: p1-c1-a", "id: p1"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("plan", "import", str(good), str(bad))
    assert m.Plan.objects.count() == 0


def test_builtin_import_and_list(capsys):
    """`cyplan plan import --builtin` loads both built-in plans; importing again duplicates nothing."""
    call_command("plan", "import", "--builtin")
    call_command("plan", "import", "--builtin")
    assert sorted(m.Plan.objects.values_list("slug", flat=True)) == [
        "bromley-cef-portfolio-2024-2025",
        "bromley-cypp-2021-2024",
    ]
    call_command("plan", "list")
    out = capsys.readouterr().out
    assert "bromley-cypp-2021-2024" in out and "Updated" in out


def test_excel_template_and_import(tmp_path, capsys):
    """The template validates once filled in, and an Excel plan imports like a YAML one."""
    import openpyxl

    path = tmp_path / "new.xlsx"
    call_command("plan", "template", str(path))
    book = openpyxl.load_workbook(path)
    plan = book["Plan"]
    for row in plan.iter_rows(min_row=2):
        if row[0].value.startswith("Area name"):
            row[1].value = "Testshire"
        if row[0].value.startswith("Area code"):
            row[1].value = "E06000099"
    actions = book["Actions"]
    actions.append(["", "", "b) Train volunteers.", "Volunteers trained", "Sept 2026", ""])
    actions.append(["", "", "", "Volunteers still active after a year", "", ""])
    book.save(path)
    call_command("plan", "import", str(path))
    node = m.PlanNode.objects.get(key="priority-1-c1-b")
    assert node.measures == ["Volunteers trained", "Volunteers still active after a year"]
    assert [lead.role for lead in node.leads.all()] == ["Head of Early Help"]  # merged-cell lead
    assert node.target_date.isoformat() == "2026-09-30"


def test_excel_problems_name_the_row(tmp_path):
    """Unreadable rows in a workbook are reported by sheet and row number; nothing is written."""
    import openpyxl

    path = tmp_path / "bad.xlsx"
    call_command("plan", "template", str(path))
    book = openpyxl.load_workbook(path)
    for row in book["Plan"].iter_rows(min_row=2):
        if row[0].value.startswith("Area name"):
            row[1].value = "Testshire"
        if row[0].value.startswith("Area code"):
            row[1].value = "E06000099"
    actions = book["Actions"]
    actions.append(["", "", "b) Train volunteers.", "Volunteers trained", "when we can", "Lead"])
    book.save(path)
    done = cyplan("plan", "validate", str(path), env={"CYPLAN_DATA_DIR": str(tmp_path)})
    assert done.returncode == 1
    assert (
        f"{path}:3:1: Actions sheet, nodes[3].target_date_text: 'when we can' is not a date"
        in done.stderr
    )

    empty = openpyxl.Workbook()
    empty.active.title = "Plan"
    empty.create_sheet("Actions").append(
        [
            "Ambition or priority",
            "Commitment",
            "Detail",
            "Measures of success",
            "Target date",
            "Lead",
        ]
    )
    empty["Actions"].append(["", "", "a) An action with no commitment", "", "", ""])
    empty.save(path)
    done = cyplan("plan", "validate", str(path), env={"CYPLAN_DATA_DIR": str(tmp_path)})
    assert "Actions row 2" in done.stderr and "must come under a commitment" in done.stderr
