"""The site the hostile-input tests attack: the test plan, a lead, a manager, an update
waiting for review, a figure and a target."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cyplan.accounts.models import Role
from cyplan.delivery import services
from cyplan.delivery.models import ProgressUpdate
from cyplan.ops.archive import table_counts
from cyplan.outcomes.models import IndicatorTarget, IndicatorValue
from cyplan.plans.models import PlanNode
from cyplan.reports.models import ReportJob
from tests.factories import make_plan, make_user
from tests.outcomes.helpers import value


def build_world() -> dict:
    make_plan()
    lead = make_user("lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"])
    manager = make_user("manager", Role.PLAN_MANAGER)
    node = PlanNode.objects.get(plan__slug="test-plan", key="p1-c1-b")
    waiting = services.save_update(
        lead, node, services.UpdateInput("2024-25-Q2", "on_track", "Going well."), submit=True
    )
    services.attach_evidence(lead, waiting, SimpleUploadedFile("notes.txt", b"Course list\n"))
    figure = value("cla-rate", "E06000099", "2024", 41.0, 30, 7300, name="Testshire")
    return {"lead": lead, "manager": manager, "update": waiting, "value": figure}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def state() -> dict:
    """Row counts of every table and the contents of the rows the forms write."""
    return {
        "counts": table_counts(),
        "updates": list(ProgressUpdate.objects.order_by("pk").values()),
        "values": list(IndicatorValue.objects.order_by("pk").values()),
        "targets": list(IndicatorTarget.objects.order_by("pk").values()),
        "jobs": list(ReportJob.objects.order_by("pk").values("pk", "kind", "params", "format")),
    }
