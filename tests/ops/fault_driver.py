"""A cyplan process for the database-fault and portability tests:
``python -m tests.ops.fault_driver STEP``.

Run by tests/ops/test_faults.py and test_backup_portable.py with DATABASE_URL pointing at the
PostgreSQL server the test controls (or a SQLite file). With CYPLAN_FAULT_DIR set, the import or the update pauses half-way through its
transaction (after the plan's nodes, or the update's row, are written), writes ``ready`` in
that folder and waits for ``go``: the test stops the database in between. Prints one JSON
line with what happened.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyplan.site.settings")
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

PDF = b"%PDF-1.4\n% fault test\n%%EOF\n"
FAULT_PLAN = "fault-plan"


def pause_here() -> None:
    folder = os.environ.get("CYPLAN_FAULT_DIR")
    if not folder:
        return
    Path(folder, "ready").touch()
    deadline = time.monotonic() + 60
    while not Path(folder, "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit("the test never said go")
        time.sleep(0.05)


def pausing(function):
    def wrapper(*args, **kwargs):
        pause_here()
        return function(*args, **kwargs)

    return wrapper


def setup() -> dict:
    from django.core.management import call_command

    from cyplan.accounts.models import Role
    from tests.factories import make_plan, make_user

    call_command("migrate", verbosity=0)
    make_plan()
    make_user("lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"])
    return counts()


def counts() -> dict:
    from cyplan.core.models import AuditEntry
    from cyplan.delivery.models import EvidenceFile, ProgressUpdate
    from cyplan.plans.models import Lead, Plan, PlanNode

    media = Path(settings.MEDIA_ROOT)
    return {
        "plans": Plan.objects.count(),
        "nodes": PlanNode.objects.count(),
        "leads": Lead.objects.count(),
        "updates": ProgressUpdate.objects.count(),
        "evidence": EvidenceFile.objects.count(),
        "audit": AuditEntry.objects.count(),
        "files": sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else [],
    }


def import_plan() -> dict:
    """``cyplan plan import`` of a new plan, pausing before its board monitoring is written."""
    from cyplan import cli
    from cyplan.plans import importer
    from tests.factories import PLAN

    importer._import_monitoring = pausing(importer._import_monitoring)
    path = Path(settings.DATA_DIR) / "fault-plan.yaml"
    path.write_text(PLAN.replace("slug: test-plan", f"slug: {FAULT_PLAN}"))
    try:
        cli.main(["cyplan", "plan", "import", str(path)])
    except SystemExit as exit:
        return {
            "exit": 1 if isinstance(exit.code, str) else exit.code or 0,
            "message": str(exit.code),
        }
    return {"exit": 0, "message": ""}


def submit_update() -> dict:
    """The lead submits an update with an evidence file through the real view, pausing after
    the update's row is written and before the file is attached."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from cyplan.delivery import services

    services.attach_evidence = pausing(services.attach_evidence)
    client = Client()
    client.force_login(get_user_model().objects.get(username="lead"))
    response = client.post(
        "/plans/test-plan/p1-c1-a/update/",
        {
            "period": "2024-25-Q2",
            "status": "on_track",
            "narrative": "Six courses ran.",
            "rag": "",
            "version": "0",
            "submit": "1",
            "evidence_file": SimpleUploadedFile("courses.pdf", PDF, "application/pdf"),
        },
    )
    return {"status": response.status_code, "body": response.content.decode()}


def populate() -> dict:
    """The populated instance of tests/ops/instance.py (plans, updates, evidence, approvals,
    figures, a target, audit entries), in a freshly migrated database."""
    from django.core.management import call_command

    from tests.ops.instance import populate as fill

    call_command("migrate", verbosity=0)
    fill()
    return counts()


def fingerprint() -> dict:
    """tests/ops/instance.py's fingerprint as JSON: times with their microseconds, file bytes
    as hex."""
    from tests.ops.instance import fingerprint as take

    return json.loads(
        json.dumps(take(), default=lambda o: o.hex() if isinstance(o, bytes) else str(o))
    )


STEPS = {
    "setup": setup,
    "counts": counts,
    "import": import_plan,
    "update": submit_update,
    "populate": populate,
    "fingerprint": fingerprint,
}

if __name__ == "__main__":
    print(json.dumps(STEPS[sys.argv[1]]()))
