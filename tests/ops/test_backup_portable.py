"""A backup made on SQLite restores into PostgreSQL, and one made there restores into SQLite,
with everything identical (the test starts its own PostgreSQL server, as test_faults.py does).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.postgres import PostgresServer
from tests.ops.test_faults import ROOT, driver

pytestmark = pytest.mark.slow


def _env(url: str, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CYPLAN_"))}
    data.mkdir(parents=True, exist_ok=True)
    env.update(DATABASE_URL=url, CYPLAN_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    return env


def _cyplan(env, *args):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cyplan"), *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_sqlite_to_postgresql_and_back(tmp_path):
    """SQLite instance -> backup -> empty PostgreSQL -> same fingerprint -> backup -> empty
    SQLite -> same fingerprint (plan exports, updates, evidence bytes, values, targets,
    audit entries with ids, users)."""
    server = PostgresServer()
    try:
        server.start()
        server.create_database()
        first = _env(f"sqlite:///{tmp_path / 'one' / 'cyplan.sqlite3'}", tmp_path / "one")
        driver(first, "populate")
        original = driver(first, "fingerprint")
        assert len(original["plans"]) == 2 and len(original["evidence"]) == 1
        _cyplan(first, "backup", str(tmp_path / "from-sqlite.zip"))

        postgres = _env(server.url, tmp_path / "two")
        _cyplan(postgres, "migrate", "--noinput")
        _cyplan(postgres, "restore", str(tmp_path / "from-sqlite.zip"))
        assert driver(postgres, "fingerprint") == original
        _cyplan(postgres, "backup", str(tmp_path / "from-postgresql.zip"))

        last = _env(f"sqlite:///{tmp_path / 'three' / 'cyplan.sqlite3'}", tmp_path / "three")
        _cyplan(last, "migrate", "--noinput")
        _cyplan(last, "restore", str(tmp_path / "from-postgresql.zip"))
        assert driver(last, "fingerprint") == original
    finally:
        server.destroy()
