"""The database going away: mid-import and mid-update nothing is half-written, the person
gets a clear message, and cyplan carries on when the database is back.

The test starts its own PostgreSQL server (initdb + pg_ctl on a free 127.0.0.1 port) and
kills it (``pg_ctl stop -m immediate``: no clean shutdown, as when a host is lost) half-way
through the work of a separate cyplan process, then starts it again.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ops.postgres import PostgresServer
from tests.ops.servers import gunicorn

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server():
    """A PostgreSQL server for this module only; removed afterwards."""
    pg = PostgresServer()
    pg.start()
    pg.create_database()
    yield pg
    pg.destroy()


@pytest.fixture
def instance(server, tmp_path):
    """A fresh database on the server, migrated, with the test plan and a lead."""
    subprocess.run(
        [str(server.bin / "dropdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres",
         "--if-exists", "cyplan"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    server.create_database()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CYPLAN_"))}
    env.update(DATABASE_URL=server.url, CYPLAN_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    env["CYPLAN_FAULT_DIR"] = ""
    driver(env, "setup")
    return env


def driver(env, step, fault_dir=None, server=None):
    """Run one step of tests/ops/fault_driver.py; with ``fault_dir``, kill the database at
    the pause and start it again after the step has finished."""
    env = dict(env, CYPLAN_FAULT_DIR=str(fault_dir or ""))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.ops.fault_driver", step],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    if fault_dir:
        deadline = time.monotonic() + 60
        while not (fault_dir / "ready").exists():
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the step never reached its pause"
            time.sleep(0.05)
        server.stop("immediate")
        (fault_dir / "go").touch()
    out, err = process.communicate(timeout=120)
    if fault_dir:
        server.start()
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_import_cut_off_leaves_nothing_and_says_so(server, instance, tmp_path):
    """Killed after the new plan's nodes are written: ``cyplan plan import`` exits 1 with a
    one-line message, and after the restart there is no trace of the plan; run again, it
    imports."""
    before = driver(instance, "counts")
    fault = tmp_path / "fault"
    fault.mkdir()
    outcome = driver(instance, "import", fault, server)
    assert outcome["exit"] == 1
    assert "the database is not available" in outcome["message"]
    assert "Nothing was changed" in outcome["message"]
    assert "Traceback" not in outcome["message"]
    assert driver(instance, "counts") == before

    assert driver(instance, "import") == {"exit": 0, "message": ""}
    after = driver(instance, "counts")
    # The test plan has 8 nodes and 3 leads (tests/factories.py): a second copy adds as many.
    assert after["plans"] == before["plans"] + 1
    assert after["nodes"] == before["nodes"] + 8
    assert after["leads"] == before["leads"] + 3


def test_update_cut_off_leaves_nothing_and_says_so(server, instance, tmp_path):
    """Killed after the update's row is written, before its evidence file: the lead gets a
    503 page saying nothing was saved; afterwards no update, no evidence row, no file, no
    audit entry; sent again, it is saved once with its file."""
    before = driver(instance, "counts")
    fault = tmp_path / "fault"
    fault.mkdir()
    outcome = driver(instance, "update", fault, server)
    assert outcome["status"] == 503
    assert "Sorry, the service is unavailable" in outcome["body"]
    assert "Nothing you sent was saved" in outcome["body"]
    assert "Traceback" not in outcome["body"]
    assert driver(instance, "counts") == before

    assert driver(instance, "update")["status"] == 302  # back to the action page
    after = driver(instance, "counts")
    assert (after["updates"], after["evidence"]) == (before["updates"] + 1, before["evidence"] + 1)
    assert len(after["files"]) == len(before["files"]) + 1
    # Saving and submitting an update is one audit entry, attaching the file another.
    assert after["audit"] == before["audit"] + 2


def _get(port, path="/"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


def test_running_site_recovers_when_the_database_returns(server, instance):
    """gunicorn keeps running while the database is down (every page a clear 503, no stack
    trace) and serves pages again as soon as it is back, without a restart."""
    env = dict(instance)
    with gunicorn(env, workers=2) as port:
        assert _get(port, "/plans/test-plan/")[0] == 200
        server.stop("immediate")
        try:
            for _ in range(4):  # both workers, with and without a kept connection
                status, body = _get(port, "/plans/test-plan/")
                assert status == 503
                assert "The database cannot be reached" in body and "Traceback" not in body
        finally:
            server.start()
        for _ in range(4):
            assert _get(port, "/plans/test-plan/")[0] == 200
