"""What the public never sees: links from draft plans, who recorded an update, evidence of a
draft plan, and anything said about a suppressed figure."""

import csv
import io

import pytest
from django.test import Client

from cyplan.accounts.models import Role
from cyplan.delivery import services
from cyplan.delivery.services import UpdateInput
from cyplan.plans.models import Plan, PlanNode
from tests.factories import make_plan, make_user
from tests.outcomes.helpers import ENGLAND, value

pytestmark = pytest.mark.django_db
AREA = "E06000099"


def test_links_from_a_draft_plan_are_not_shown_to_the_public(builtin_plans):
    """The portfolio plan links its Ambition 1 to CYPP priority 1; once it is a draft, the public
    page of that priority no longer names it, while a plan manager still sees the link."""
    url = "/plans/bromley-cypp-2021-2024/priority-1/"
    title = "Children, Education and Families Portfolio Plan 2024 to 2025"
    assert title in Client().get(url).content.decode()
    Plan.objects.filter(slug="bromley-cef-portfolio-2024-2025").update(status="draft")
    assert title not in Client().get(url).content.decode()
    staff = Client()
    staff.force_login(make_user("manager", Role.PLAN_MANAGER))
    assert title in staff.get(url).content.decode()


def test_the_public_csv_of_updates_names_no_one():
    """The updates CSV has no "Recorded by" column for the public; staff get it."""
    plan = make_plan()
    manager = make_user("manager", Role.PLAN_MANAGER)
    node = PlanNode.objects.get(plan=plan, key="p1-c1-a")
    update = services.save_update(
        manager, node, UpdateInput("2024-25-Q2", "on_track", "Going."), submit=True
    )
    services.approve(manager, update)
    url = "/plans/test-plan/p1-c1-a/?format=csv"
    public = list(csv.reader(io.StringIO(Client().get(url).content.decode())))
    assert "Recorded by" not in public[0] and all(
        "manager" not in cell for row in public for cell in row
    )
    staff = Client()
    staff.force_login(manager)
    assert "Recorded by" in next(csv.reader(io.StringIO(staff.get(url).content.decode())))


def test_evidence_of_a_draft_plan_is_not_downloadable_by_others(settings, tmp_path):
    """An approved update's file is public while its plan is published; once the plan is a draft,
    a lead from elsewhere is refused and the plan manager is not."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    plan = make_plan()
    manager = make_user("manager", Role.PLAN_MANAGER)
    other = make_user("other", Role.ACTION_LEAD, lead_roles=["Head of SEND"])
    node = PlanNode.objects.get(plan=plan, key="p1-c1-a")
    update = services.save_update(
        manager, node, UpdateInput("2024-25-Q2", "on_track", "Going."), submit=True
    )
    evidence = services.attach_evidence(
        manager, update, SimpleUploadedFile("notes.txt", b"notes\n")
    )
    services.approve(manager, update)
    client = Client()
    client.force_login(other)
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 200
    Plan.objects.filter(pk=plan.pk).update(status="draft")
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 403
    staff = Client()
    staff.force_login(manager)
    assert staff.get(f"/evidence/{evidence.pk}/").status_code == 200


def test_nothing_is_said_about_a_suppressed_figure():
    """3 of 7 plans on time is suppressed for the public: no comparison with England, no rank, no
    trend on the indicator page or in the scorecard CSV; staff still see the comparison."""
    make_plan()
    value("ehcp-issued-20-weeks", AREA, "2024", 42.9, 3, 7, name="Testshire")
    value(
        "ehcp-issued-20-weeks",
        ENGLAND,
        "2024",
        46.4,
        24000,
        51700,
        name="England",
        level="national",
    )
    page = Client().get(f"/indicators/ehcp-issued-20-weeks/?area={AREA}").content.decode()
    assert "Compared with England" not in page
    rows = list(
        csv.reader(
            io.StringIO(Client().get("/plans/test-plan/scorecard/?format=csv").content.decode())
        )
    )
    mine = next(
        r for r in rows if r[0].startswith("New EHC plans issued within 20 weeks (including")
    )
    assert mine[2] == "c" and mine[4] == "" and mine[5] == ""
    staff = Client()
    staff.force_login(make_user("manager", Role.PLAN_MANAGER))
    assert (
        "Compared with England"
        in staff.get(f"/indicators/ehcp-issued-20-weeks/?area={AREA}").content.decode()
    )
