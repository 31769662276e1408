"""Boundaries the architecture promises."""

import ast
import subprocess
import sys
from pathlib import Path

import cyplan

PACKAGE = Path(cyplan.__file__).parent


def test_analytics_core_never_imports_django():
    """No module under cyplan.analytics imports Django (checked in the source)."""
    for path in (PACKAGE / "analytics").rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("django"), f"{path} imports {name}"
                assert not name.startswith(("cyplan.plans", "cyplan.site", "cyplan.core")), (
                    f"{path} imports {name}"
                )


def test_analytics_imports_without_django_loaded():
    """Importing the analytics core in a fresh interpreter does not load Django."""
    code = "import sys, cyplan.analytics; assert 'django' not in sys.modules, 'django was imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_production_refuses_to_start_without_its_settings():
    """With CYPLAN_ENV=production and no secret key, hosts or database URL, settings fail."""
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cyplan.site.settings'; django.setup()"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"CYPLAN_ENV": "production", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL" in done.stderr


def test_every_management_command_has_help_with_an_example():
    """Each cyplan command of ours explains itself and shows an example."""
    cyplan_bin = Path(sys.executable).parent / "cyplan"
    for command in ("plan", "demo"):
        done = subprocess.run(
            [str(cyplan_bin), command, "--help"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, command
        assert "example" in done.stdout.lower(), command
