"""Small builders for tests: a plan in code, and users with roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cyplan.accounts.models import Profile, Role
from cyplan.plans.importer import import_plan_file
from cyplan.plans.plan_file import check_plan_text

PLAN = """\
format: cyplan-plan/1
plan:
  slug: test-plan
  title: Test plan
  area: {name: Testshire, code: E06000099}
  period: {start: 2024-04-01, end: 2026-03-31}
  status: published
organisations:
  - {id: council, name: Testshire Council}
  - {id: nhs, name: Testshire NHS}
boards:
  - {id: ceb, name: Children's Executive Board, members: [council, nhs], monitors: [plan]}
  - {id: send-board, name: SEND Board, monitors: [p1-c2]}
nodes:
  - {id: p1, kind: priority, number: "1", title: Early help}
  - {id: p1-c1, parent: p1, kind: commitment, number: "1", title: Help families early}
  - id: p1-c1-a
    parent: p1-c1
    kind: action
    number: a
    title: Run parenting courses
    measures: [Number of courses]
    target_date_text: Sept 2024
    leads: [{role: Head of Early Help, organisation: council}]
  - id: p1-c1-b
    parent: p1-c1
    kind: action
    number: b
    title: Open a family hub
    target_date_text: March 2026
    leads: [{role: Head of Early Help, organisation: council}]
  - {id: p1-c2, parent: p1, kind: commitment, number: "2", title: Improve SEND support}
  - id: p1-c2-a
    parent: p1-c2
    kind: action
    number: a
    title: Issue EHC plans on time
    target_date_text: March 2026
    leads: [{role: Head of SEND, organisation: nhs}]
  - {id: p2, kind: priority, number: "2", title: Voice}
  - {id: p2-c1, parent: p2, kind: commitment, number: "1", title: Listen to children}
"""


def make_plan(text: str = PLAN, status: str | None = None):
    if status:
        text = text.replace("status: published", f"status: {status}")
    return import_plan_file(check_plan_text(text, "test-plan.yaml")).plan


def make_user(
    username: str, role: str | None, *, lead_roles=(), organisation=None, boards=(), email=""
):
    user = get_user_model().objects.create_user(
        username=username, password="a-long-test-password", email=email
    )
    if role == Role.ADMINISTRATOR:
        user.is_superuser = user.is_staff = True
        user.save()
    if role:
        profile = Profile.objects.create(
            user=user, role=role, lead_roles=list(lead_roles), organisation=organisation
        )
        profile.boards.set(boards)
    return user
