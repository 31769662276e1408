"""Builders for the voice tests: a plan with promises, staff, and items in each state."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Group

from cyplan.accounts.models import Role
from cyplan.plans.models import Plan, PlanNode, Promise
from cyplan.voice import conf, services
from cyplan.voice.models import Theme
from tests.factories import PLAN, make_plan, make_user

VOICE_PLAN = (
    PLAN
    + """promises:
  - {id: promise-1, number: 1, title: You will be able to influence how we support you}
  - {id: promise-2, number: 2, title: We will involve your support network}
"""
)

SECRET_WORDS = "ORIGINAL-WORDS-Jamie-Smith-at-Hillside-School"
SECRET_NAME = "Jamie-Contact-Name"
SECRET_EMAIL = "jamie.contact@example.org"


def voice_plan() -> Plan:
    if not Plan.objects.filter(slug="test-plan").exists():
        make_plan(VOICE_PLAN)
    return Plan.objects.get(slug="test-plan")


def node(key: str) -> PlanNode:
    return PlanNode.objects.get(plan__slug="test-plan", key=key)


def promise(key: str) -> Promise:
    return Promise.objects.get(plan__slug="test-plan", key=key)


def manager(username="voice-manager"):
    return make_user(username, Role.PLAN_MANAGER, email=f"{username}@example.org")


def safeguarding_lead(username="voice-lead", email="lead@example.org"):
    user = make_user(username, Role.ACTION_LEAD, email=email)
    user.groups.add(Group.objects.get_or_create(name=conf.safeguarding_group())[0])
    return user


def details(**overrides) -> services.ItemDetails:
    values = dict(
        original_text="The youth club closed and there is nowhere to go.",
        published_text="The youth club closed and there is nowhere to go.",
        said_on=date(2024, 5, 1),
        channel="forum",
        channel_detail="Youth Council",
        age_band="11_15",
        plan=voice_plan(),
    )
    values.update(overrides)
    return services.ItemDetails(**values)


def published_item(user, **overrides):
    item = services.record_feedback(user, details(**overrides))
    services.approve_feedback(user, item)
    return item


def response(user, item, status="done", on=date(2024, 6, 1), approve=True, **overrides):
    values = dict(text="We opened the library in the evenings.", by_whom="Youth services")
    values.update(overrides)
    made = services.add_response(
        user,
        item,
        services.ResponseDetails(
            text=values["text"],
            by_whom=values["by_whom"],
            responded_on=on,
            status=status,
            reason=values.get("reason", ""),
            actions=values.get("actions", []),
        ),
    )
    if approve:
        services.approve_response(user, made)
    return made


def theme(slug="things-to-do") -> Theme:
    return Theme.objects.get(slug=slug)


def voice_world() -> dict:
    """Ids for the permission matrix: a published item with a response."""
    user = manager("matrix-voice-manager")
    item = published_item(user)
    made = response(user, item)
    return {"voice_item": item.pk, "voice_response": made.pk}
