"""A populated instance for the operations tests, and a fingerprint of everything in it."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms.models import model_to_dict

from cyplan.accounts.models import Role
from cyplan.core.models import AuditEntry
from cyplan.delivery import services
from cyplan.delivery.models import EvidenceFile, ProgressUpdate
from cyplan.outcomes.entry import ValueInput, save_value, set_target
from cyplan.outcomes.models import IndicatorTarget, IndicatorValue
from cyplan.plans.models import Plan, PlanNode
from tests.factories import PLAN, make_plan, make_user

PDF = b"%PDF-1.4\n% evidence for the backup test\n%%EOF\n"


def populate() -> dict:
    """Two plans, a lead's updates (one with an evidence file), an approval, a returned
    update, figures entered and corrected, a target: each change leaves an audit entry."""
    make_plan()
    make_plan(PLAN.replace("slug: test-plan", "slug: second-plan"))
    lead = make_user("lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"])
    manager = make_user("manager", Role.PLAN_MANAGER)
    node = PlanNode.objects.get(plan__slug="test-plan", key="p1-c1-a")
    other = PlanNode.objects.get(plan__slug="second-plan", key="p1-c1-b")
    first = services.save_update(
        lead, node, services.UpdateInput("2024-25-Q2", "on_track", "Six courses ran."), submit=True
    )
    services.attach_evidence(lead, first, SimpleUploadedFile("courses.pdf", PDF))
    services.approve(manager, first)
    second = services.save_update(
        lead,
        other,
        services.UpdateInput("2024-25-Q3", "at_risk", "Hub <b>delayed</b>."),
        submit=True,
    )
    services.return_update(manager, second, comment="Say when it will open")
    figures = ValueInput("E06000099", "Testshire", "2024", 41.0, 30, 7300, "", "entered by hand")
    value = save_value(manager, "cla-rate", figures)
    save_value(
        manager,
        "cla-rate",
        ValueInput("E06000099", "Testshire", "2024", 42.0, 30, 7300, "", "corrected", note="typo"),
        value=value,
    )
    set_target(manager, "cla-3plus-placements", "E06000099", 5.0, note="plan target")
    return {"lead": lead, "manager": manager}


def export_plan(slug: str) -> dict:
    out = io.StringIO()
    call_command("plan", "export", slug, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def _rows(model, drop=("id",)) -> list[dict]:
    rows = []
    for obj in model._base_manager.order_by("pk"):
        row = model_to_dict(obj)
        row["pk"] = obj.pk
        for name in ("created_on", "modified_on", "at", "reviewed_on", "submitted_on"):
            if hasattr(obj, name):
                row[name] = getattr(obj, name)
        rows.append(row)
    return rows


def fingerprint() -> dict:
    """Everything the restore must bring back the same: plan exports, updates, evidence
    bytes, indicator values and targets, the audit log (with ids), users."""
    from django.contrib.auth import get_user_model

    evidence = {}
    for item in EvidenceFile.objects.order_by("pk"):
        evidence[item.pk] = (item.file.name, Path(settings.MEDIA_ROOT, item.file.name).read_bytes())
    return {
        "plans": {slug: export_plan(slug) for slug in Plan.objects.values_list("slug", flat=True)},
        "updates": _rows(ProgressUpdate),
        "evidence": evidence,
        "values": _rows(IndicatorValue),
        "targets": _rows(IndicatorTarget),
        "audit": [
            {**entry, "pk": entry["id"]} for entry in AuditEntry.objects.order_by("pk").values()
        ],
        "users": list(get_user_model().objects.order_by("pk").values("pk", "username", "password")),
    }
