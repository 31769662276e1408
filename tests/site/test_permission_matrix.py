"""Who can see and do what: every page for every role, and a rule for every view.

The matrix lists, for each URL name, the status code each role gets. A new view without a
row here makes ``test_every_view_has_a_rule`` fail.
"""

import pytest
from django.test import Client
from django.urls import get_resolver

from cyplan.accounts.models import Role
from cyplan.delivery import services
from cyplan.delivery.services import UpdateInput
from cyplan.plans.models import Board, Organisation, PlanNode
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db

ROLES = ["public", "lead", "other_lead", "board", "manager", "admin"]
OK, REDIRECT_TO_LOGIN, FORBIDDEN, MISSING = 200, 302, 403, 404


def row(public, lead, other_lead, board, manager, admin):
    return dict(zip(ROLES, [public, lead, other_lead, board, manager, admin], strict=True))


ALL_OK = row(OK, OK, OK, OK, OK, OK)
SIGNED_IN = row(REDIRECT_TO_LOGIN, OK, OK, OK, OK, OK)
MANAGERS = row(REDIRECT_TO_LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)

# URL name -> (URL built from the fixture, expected status per role) for GET.
MATRIX = {
    "plans:home": ("/", ALL_OK),
    "plans:search": ("/search/?q=courses", ALL_OK),
    "plans:plan": ("/plans/test-plan/", ALL_OK),
    "plans:strategies": ("/plans/test-plan/strategies/", ALL_OK),
    "plans:governance": ("/plans/test-plan/governance/", ALL_OK),
    "plans:area": ("/plans/test-plan/area/", ALL_OK),
    "plans:node": ("/plans/test-plan/p1-c1-a/", ALL_OK),
    "delivery:update": (
        "/plans/test-plan/p1-c1-a/update/",
        row(REDIRECT_TO_LOGIN, OK, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "delivery:review": ("/updates/{update}/review/", MANAGERS),
    "delivery:my-actions": ("/my-actions/", SIGNED_IN),
    "delivery:bulk-review": ("/updates/review/", row(REDIRECT_TO_LOGIN, 405, 405, 405, 405, 405)),
    "delivery:updates-workbook": (
        "/plans/test-plan/updates-workbook/",
        row(REDIRECT_TO_LOGIN, OK, OK, FORBIDDEN, OK, OK),
    ),
    "delivery:audit": ("/audit/", MANAGERS),
    "delivery:evidence": (
        "/evidence/{evidence}/",
        row(REDIRECT_TO_LOGIN, OK, FORBIDDEN, OK, OK, OK),
    ),
    "accounts:login": ("/accounts/sign-in/", ALL_OK),
    "accounts:logout": ("/accounts/sign-out/", row(405, 405, 405, 405, 405, 405)),  # POST only
    "api:plans": ("/api/plans/", ALL_OK),
    "api:openapi": ("/api/plans/openapi.json", ALL_OK),
    "api:plan": ("/api/plans/test-plan/", ALL_OK),
    "api:nodes": ("/api/plans/test-plan/nodes/", ALL_OK),
    "api:updates": ("/api/plans/test-plan/updates/", ALL_OK),
    "api:review": (
        "/api/plans/test-plan/updates/{update}/review/",
        row(405, 405, 405, 405, 405, 405),
    ),
    "outcomes:index": ("/indicators/", ALL_OK),
    "outcomes:indicator": ("/indicators/cla-rate/", ALL_OK),
    "outcomes:scorecard": ("/plans/test-plan/scorecard/", ALL_OK),
    "outcomes:value-new": ("/indicators/cla-rate/values/new/", MANAGERS),
    "outcomes:value-edit": ("/indicators/values/{value}/", MANAGERS),
    "outcomes:target": ("/indicators/cla-rate/target/", MANAGERS),
    # Returns: data officers (tests/returns/test_uploads.py) and administrators only.
    "returns:index": (
        "/returns/",
        row(REDIRECT_TO_LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "returns:upload": (
        "/returns/{return_upload}/",
        row(REDIRECT_TO_LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "returns:status": (
        "/returns/{return_upload}/status.json",
        row(REDIRECT_TO_LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "returns:load": (
        "/returns/{return_upload}/load/",
        row(REDIRECT_TO_LOGIN, 405, 405, 405, 405, 405),
    ),  # POST only
    "returns:discard": (
        "/returns/{return_upload}/discard/",
        row(REDIRECT_TO_LOGIN, 405, 405, 405, 405, 405),
    ),  # POST only
    "reports:index": ("/reports/", MANAGERS),
    "reports:job": ("/reports/{job}/", MANAGERS),
    "reports:job-status": ("/reports/{job}/status.json", MANAGERS),
    "reports:download": ("/reports/{job}/download/", MANAGERS),
    "reports:scrutiny": ("/plans/test-plan/scrutiny-report/", ALL_OK),
    "disproportionality:index": ("/disproportionality/", ALL_OK),
    "disproportionality:cohort": ("/disproportionality/cohorts/children-in-care/", ALL_OK),
    "disproportionality:characteristic": ("/disproportionality/by/ethnicity/", ALL_OK),
    "disproportionality:import": ("/disproportionality/import/", MANAGERS),
    "disproportionality:add-cohort": ("/disproportionality/cohorts/new/", MANAGERS),
    "disproportionality:enter": ("/disproportionality/cohorts/children-in-care/enter/", MANAGERS),
    "voice:have-your-say": ("/have-your-say/", ALL_OK),
    "voice:have-your-say-easy": ("/have-your-say/easy-read/", ALL_OK),
    "voice:thanks": ("/have-your-say/thank-you/", ALL_OK),
    "voice:index": ("/you-said-we-did/", ALL_OK),
    "voice:item": ("/you-said-we-did/{voice_item}/", ALL_OK),
    "voice:staff": ("/voice/", MANAGERS),
    "voice:staff-new": ("/voice/new/", MANAGERS),
    "voice:staff-item": ("/voice/{voice_item}/", MANAGERS),
    "voice:response-new": ("/voice/{voice_item}/responses/new/", MANAGERS),
    "voice:response-edit": ("/voice/responses/{voice_response}/", MANAGERS),
    # Safeguarding leads are a group, not a role: no role here is in it (tests/voice).
    "voice:safeguarding": ("/voice/safeguarding/", row(302, 403, 403, 403, 403, 403)),
    # Anyone with the signed link from their email; a made-up link is not found.
    "voice:unfollow": ("/you-said-we-did/stop-emails/made-up/", row(404, 404, 404, 404, 404, 404)),
}
# The draft plan: only those who may see unpublished work.
DRAFT_MATRIX = {
    # A draft is for its plan managers only (issue 14): not even the monitoring board's members.
    "/plans/draft-plan/": row(MISSING, MISSING, MISSING, MISSING, OK, OK),
    "/plans/draft-plan/p1-c1-a/": row(MISSING, MISSING, MISSING, MISSING, OK, OK),
    "/api/plans/draft-plan/": row(MISSING, MISSING, MISSING, MISSING, OK, OK),
}


def our_url_names():
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                ns = pattern.namespace or ""
                if ns == "admin":
                    continue
                walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_view_has_a_rule():
    """Each of our URL names appears in the matrix (the admin is Django's own, tested below)."""
    missing = our_url_names() - set(MATRIX)
    assert not missing, f"add these views to the permission matrix: {sorted(missing)}"


@pytest.fixture
def world(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    make_plan()
    draft_text = __import__("tests.factories", fromlist=["PLAN"]).PLAN.replace(
        "slug: test-plan", "slug: draft-plan"
    )
    make_plan(draft_text, status="draft")
    council = Organisation.objects.get(key="council")
    users = {
        "lead": make_user(
            "lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"], organisation=council
        ),
        "other_lead": make_user("other_lead", Role.ACTION_LEAD, lead_roles=["Head of SEND"]),
        "board": make_user("board", Role.BOARD_MEMBER, boards=[Board.objects.get(key="ceb")]),
        "manager": make_user("manager", Role.PLAN_MANAGER),
        "admin": make_user("admin", Role.ADMINISTRATOR),
    }
    node = PlanNode.objects.get(plan__slug="test-plan", key="p1-c1-a")
    update = services.save_update(
        users["lead"], node, UpdateInput("2024-25-Q2", "on_track", "Going well."), submit=True
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    second = services.save_update(
        users["lead"],
        PlanNode.objects.get(plan__slug="test-plan", key="p1-c1-b"),
        UpdateInput("2024-25-Q2", "at_risk", "Site not found yet."),
        submit=True,
    )
    evidence = services.attach_evidence(
        users["lead"], update, SimpleUploadedFile("notes.txt", b"Course list\n")
    )
    from tests.outcomes.helpers import value
    from tests.voice.helpers import voice_world

    figure = value("cla-rate", "E06000099", "2024", 41.0, 30, 7300, name="Testshire")
    from cyplan.reports.models import ReportJob
    from cyplan.returns.models import ReturnUpload

    job = ReportJob.objects.create(
        kind="board-pack",
        params={"board": "ceb"},
        format="html",
        state="done",
        content=b"<html></html>",
        filename="pack.html",
        requested_by=users["manager"],
    )
    __import__("tests.disproportionality.helpers", fromlist=["make_cohort"]).make_cohort()
    return {
        "users": users,
        "ids": {
            "update": update.pk,
            "update2": second.pk,
            "evidence": evidence.pk,
            "value": figure.pk,
            "job": job.pk,
            "return_upload": ReturnUpload.objects.create(
                kind="cin", la="E09000006", state="checked", uploaded_by=users["admin"]
            ).pk,
            **voice_world(),
        },
    }


def client_for(world, role):
    client = Client()
    if role != "public":
        client.force_login(world["users"][role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, role):
    """Every page gives each role the status the matrix says."""
    client = client_for(world, role)
    for name, (url, expected) in MATRIX.items():
        response = client.get(url.format(**world["ids"]))
        assert response.status_code == expected[role], (name, role, response.status_code)
        if expected[role] == REDIRECT_TO_LOGIN:
            assert "/accounts/sign-in/" in response["Location"]
    for url, expected in DRAFT_MATRIX.items():
        assert client.get(url).status_code == expected[role], (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_administrators(world, role):
    """The Django admin is open to administrators only."""
    response = client_for(world, role).get("/admin/")
    assert response.status_code == (200 if role == "admin" else 302)


def test_public_never_sees_unapproved_updates(world, client):
    """The submitted updates show for staff but not on the public page or API."""
    assert "Going well." not in client.get("/plans/test-plan/p1-c1-a/").content.decode()
    assert client.get("/api/plans/test-plan/updates/").json()["updates"] == []
    manager = client_for(world, "manager")
    assert "Going well." in manager.get("/plans/test-plan/p1-c1-a/").content.decode()
    assert len(manager.get("/api/plans/test-plan/updates/").json()["updates"]) == 2


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (
            "/plans/test-plan/p1-c1-a/update/",
            {"period": "2024-25-Q2", "status": "on_track", "narrative": "x", "submit": "1"},
        ),
        ("/updates/{update}/review/", {"approve": "1"}),
        ("/accounts/sign-out/", {}),
        ("/indicators/values/{value}/", {"area_code": "E06000099", "period": "2024", "value": "1"}),
        (
            "/reports/",
            {"kind": "board-pack", "board": "ceb", "format": "html", "audience": "staff"},
        ),
    ],
)
def test_state_changing_requests_need_csrf(world, url, data):
    """Without the CSRF token, a signed-in manager's POST is refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["manager"])
    response = client.post(url.format(**world["ids"]), data)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "expected"),
    [("public", 302), ("lead", 403), ("other_lead", 403), ("board", 403), ("manager", 302)],
)
def test_only_managers_can_approve_by_post(world, role, expected):
    """POSTing an approval works for a manager only (302 back to their list)."""
    client = client_for(world, role)
    response = client.post(f"/updates/{world['ids']['update']}/review/", {"approve": "1"})
    assert response.status_code == expected
    from cyplan.delivery.models import ProgressUpdate

    state = ProgressUpdate.objects.get(pk=world["ids"]["update"]).state
    assert state == ("approved" if role == "manager" else "submitted")
    if role == "public":
        assert "/accounts/sign-in/" in response["Location"]


# Every state-changing view: the URL, a valid form, and the status each role gets when it
# POSTs it with a good CSRF token. 302 for the public is the redirect to the sign-in page.
STAFF_ONLY = row(REDIRECT_TO_LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 302, 302)
POST_MATRIX = {
    "delivery:update": (
        "/plans/test-plan/p1-c1-a/update/",
        {"period": "2024-25-Q3", "status": "on_track", "narrative": "Six ran.", "submit": "1"},
        row(REDIRECT_TO_LOGIN, 302, FORBIDDEN, FORBIDDEN, 302, 302),
    ),
    "delivery:review": ("/updates/{update}/review/", {"approve": "1"}, STAFF_ONLY),
    "delivery:bulk-review": (
        "/updates/review/",
        {"updates": "{update2}", "approve": "1"},
        STAFF_ONLY,
    ),
    # The quarter's workbook with one row filled in for action 1 a): its lead and the managers
    # save it; the other lead is refused with the problem listed (400); the board, 403.
    "delivery:updates-workbook": (
        "/plans/test-plan/updates-workbook/",
        lambda: {"workbook": _filled_workbook("p1-c1-a")},
        row(REDIRECT_TO_LOGIN, OK, 400, FORBIDDEN, OK, OK),
    ),
    "outcomes:value-new": (
        "/indicators/cla-rate/values/new/",
        {"area_code": "E06000099", "period": "2025", "value": "40", "source": "By hand"},
        STAFF_ONLY,
    ),
    "outcomes:value-edit": (
        "/indicators/values/{value}/",
        {
            "area_code": "E06000099",
            "period": "2024",
            "value": "42",
            "source": "By hand",
            "note": "typo",
        },
        STAFF_ONLY,
    ),  # fmt: skip
    "outcomes:target": (
        "/indicators/cla-3plus-placements/target/",
        {"area_code": "E06000099", "value": "5"},
        STAFF_ONLY,
    ),
    "reports:index": (
        "/reports/",
        {"kind": "board-pack", "board": "ceb", "format": "html", "audience": "staff"},
        STAFF_ONLY,
    ),
    "disproportionality:add-cohort": (
        "/disproportionality/cohorts/new/",
        {
            "code": "exclusions",
            "title": "Permanent exclusions",
            "phrase": "to be excluded",
            "compared_with": "denominator:ons-0-17",
            "nodes": ["test-plan:p1-c1"],
        },
        STAFF_ONLY,
    ),  # fmt: skip
    "accounts:logout": ("/accounts/sign-out/", {}, row(302, 302, 302, 302, 302, 302)),
    # A wrong password: the form again for everyone (and a failed attempt recorded).
    "accounts:login": (
        "/accounts/sign-in/",
        {"username": "lead", "password": "wrong"},
        row(OK, OK, OK, OK, OK, OK),
    ),
}


def _filled_workbook(key):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from cyplan.delivery.update_workbook import HEADERS, find_period, write_update_workbook
    from cyplan.plans.models import Plan

    plan = Plan.objects.get(slug="test-plan")
    book = write_update_workbook(plan, find_period(plan, "2024-25-Q3"))
    sheet = book["Updates"]
    for row_number in range(2, sheet.max_row + 1):
        if sheet.cell(row_number, 1).value == key:
            sheet.cell(row_number, HEADERS.index("Status") + 1).value = "On track"
            sheet.cell(row_number, HEADERS.index("Narrative") + 1).value = "Six courses ran."
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("q3.xlsx", data.getvalue())


#: Views whose POST may write without changing the plan's data (session, login records).
SESSION_ONLY = {"accounts:logout", "accounts:login"}


def _data_state():
    """Every table's rows but the login records (django-axes), which any sign-in attempt adds."""
    from tests.security.world import state

    current = state()
    current["counts"] = {k: v for k, v in current["counts"].items() if not k.startswith("axes.")}
    return current


def test_every_post_needs_csrf(world):
    """Every URL of the site, POSTed by an administrator without the CSRF token, is refused
    (403) before its view runs, and nothing changes."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["admin"])
    before = _data_state()
    for name, (url, _) in MATRIX.items():
        response = client.post(url.format(**world["ids"]), {"approve": "1"})
        assert response.status_code == 403, name
    assert _data_state() == before


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(world, monkeypatch, role):
    """Each state-changing view, POSTed a valid form by each role: the status the matrix
    says; a refused role (403, or the sign-in redirect) changes nothing, an allowed one
    saves. (Signing out comes last: it ends the session.)"""
    from cyplan.reports import jobs

    monkeypatch.setattr(jobs, "start", lambda job: None)
    client = client_for(world, role)
    for name in sorted(POST_MATRIX, key=lambda n: n == "accounts:logout"):
        url, data, expected = POST_MATRIX[name]
        data = (
            data()
            if callable(data)
            else {k: v.format(**world["ids"]) if isinstance(v, str) else v for k, v in data.items()}
        )
        before = _data_state()
        response = client.post(url.format(**world["ids"]), data)
        assert response.status_code == expected[role], (name, role, response.status_code)
        refused = expected[role] in (FORBIDDEN, 400) or (
            role == "public" and "/accounts/sign-in/" in response.get("Location", "")
        )
        if refused or name in SESSION_ONLY:
            assert _data_state() == before, (name, role)
        else:
            assert _data_state() != before, (name, role)  # the valid form was saved


def test_post_matrix_covers_every_view_that_writes(world):
    """A POST (by an administrator, with a token) to any view not in POST_MATRIX changes
    nothing: so every view that writes is in the matrix above."""
    client = client_for(world, "admin")
    for name, (url, _) in MATRIX.items():
        if name in POST_MATRIX:
            continue
        before = _data_state()
        client.post(url.format(**world["ids"]), {"approve": "1", "value": "1", "submit": "1"})
        assert _data_state() == before, f"{name} writes on POST: add it to POST_MATRIX"
