"""Migrations: a database populated at the first migration of every app survives the
migrations to the latest, and the models match the migrations."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


OURS = {
    "plans",
    "core",
    "accounts",
    "delivery",
    "outcomes",
    "reports",
    "voice",
    "disproportionality",
    "returns",
}


def first_migrations(loader) -> list[tuple[str, str]]:
    """Each of our apps' root migration (the one with no parent in the same app)."""
    firsts = []
    for app in OURS:
        roots = [
            key
            for key in loader.graph.nodes
            if key[0] == app and not any(p[0] == app for p in loader.graph.node_map[key].parents)
        ]
        assert len(roots) == 1, (app, roots)
        firsts.append(roots[0])
    return sorted(firsts)


def test_every_app_is_covered():
    """The apps listed here are all the cyplan apps that have migrations."""
    from django.apps import apps

    loader = MigrationExecutor(connection).loader
    cyplan_apps = {
        app for app, _ in loader.graph.nodes if apps.get_app_config(app).name.startswith("cyplan.")
    }
    assert cyplan_apps == OURS


def test_populated_database_migrates_from_first_to_latest():
    """Back to the first migrations, rows written through the historical models, forward to
    the latest: every row is still there with its values, and the newer tables work."""
    executor = MigrationExecutor(connection)
    firsts = first_migrations(executor.loader)
    executor.migrate(firsts)
    old = executor.loader.project_state(firsts).apps

    User = old.get_model("auth", "User")
    user = User.objects.create(username="lead", password="!")
    area = old.get_model("plans", "Area").objects.create(code="E06000099", name="Testshire")
    plan = old.get_model("plans", "Plan").objects.create(
        slug="old-plan",
        title="A plan from the first schema",
        area=area,
        period_start=dt.date(2024, 4, 1),
        period_end=dt.date(2026, 3, 31),
        status="published",
    )
    Node = old.get_model("plans", "PlanNode")
    priority = Node.objects.create(
        plan=plan, key="p1", kind="priority", title="Early help", position=1
    )
    action = Node.objects.create(
        plan=plan, key="p1-a", parent=priority, kind="action", title="Run courses", position=2
    )
    old.get_model("accounts", "Profile").objects.create(user=user, role="lead", lead_roles=["Head"])
    old.get_model("delivery", "ProgressUpdate").objects.create(
        node=action, period="2024-25-Q1", status="on_track", narrative="Four courses.", author=user
    )
    indicator = old.get_model("outcomes", "Indicator").objects.create(code="cla-rate", title="CLA")
    old.get_model("outcomes", "IndicatorValue").objects.create(
        indicator=indicator,
        area_code="E06000099",
        area_name="Testshire",
        area_level="local_authority",
        period="2024",
        value=41.0,
        source="test",
    )
    old.get_model("core", "AuditEntry").objects.create(
        actor=user, actor_name="lead", action="import plan", object_type="plan", object_id="1"
    )
    old.get_model("voice", "Feedback").objects.create(
        plan=plan, original_text="Nowhere to go.", published_text="Nowhere to go.",
        said_on=dt.date(2024, 5, 1), channel="forum", state="approved",
    )  # fmt: skip
    population = old.get_model("disproportionality", "Denominator").objects.create(
        code="ons-0-17", title="Population aged 0 to 17"
    )
    cohort = old.get_model("disproportionality", "Cohort").objects.create(
        code="in-care", title="Children in care", phrase="to be in care", denominator=population
    )
    old.get_model("disproportionality", "CohortCount").objects.create(
        cohort=cohort, area_code="E06000099", year="2024", characteristic="ethnicity",
        group="WBRI", count=200,
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from cyplan.core.models import AuditEntry
    from cyplan.delivery.models import ProgressUpdate
    from cyplan.disproportionality.models import CohortCount
    from cyplan.outcomes.models import IndicatorTarget, IndicatorValue
    from cyplan.plans.models import Plan
    from cyplan.voice.models import Feedback, Theme

    plan = Plan.objects.get(slug="old-plan")
    feedback = Feedback.objects.get()
    assert (feedback.plan.slug, feedback.published_text, feedback.safeguarding) == (
        "old-plan", "Nowhere to go.", False)  # fmt: skip
    assert Theme.objects.count() >= 11  # voice 0002 installs the default themes
    assert CohortCount.objects.get().cohort.denominator.code == "ons-0-17"
    assert [n.key for n in plan.nodes.order_by("position")] == ["p1", "p1-a"]
    update = ProgressUpdate.objects.get()
    assert (update.node.key, update.narrative, update.state, update.version) == (
        "p1-a",
        "Four courses.",
        "draft",  # the default of the first schema
        1,
    )
    assert update.author.profile.lead_roles == ["Head"]
    assert IndicatorValue.objects.get().value == 41.0
    assert AuditEntry.objects.get().action == "import plan"
    # outcomes 0002 added targets: the new table takes rows.
    IndicatorTarget.objects.create(
        indicator=IndicatorValue.objects.get().indicator, area_code="E06000099", value=40.0
    )
    assert IndicatorTarget.objects.count() == 1


def test_models_and_migrations_agree():
    """``makemigrations --check`` finds no model change without a migration."""
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, verbosity=1)
    assert "No changes detected" in out.getvalue()
