"""The write API: personal tokens that act as their person, through the same rules as the pages."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from cyplan.accounts.models import ApiToken, Role
from cyplan.delivery.models import ProgressUpdate
from cyplan.plans.models import Organisation
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db
URL = "/api/plans/test-plan/updates/"


@pytest.fixture
def world():
    make_plan()
    lead = make_user(
        "lead",
        Role.ACTION_LEAD,
        lead_roles=["Head of Early Help"],
        organisation=Organisation.objects.get(key="council"),
    )
    manager = make_user("manager", Role.PLAN_MANAGER)
    return {"lead": lead, "manager": manager}


def post(client, url, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


UPDATE = {
    "node": "p1-c1-a",
    "period": "2024-25-Q3",
    "status": "at_risk",
    "narrative": "Venue lost.",
}


def test_a_lead_records_and_submits_with_their_token(client, world):
    _, key = ApiToken.issue(world["lead"], "case system")
    response = post(client, URL, UPDATE, key)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["node"], body["status"], body["state"], body["version"]) == (
        "p1-c1-a",
        "at_risk",
        "submitted",
        1,
    )
    saved = ProgressUpdate.objects.get()
    assert saved.author == world["lead"]
    assert ApiToken.objects.get().last_used_on is not None


def test_a_token_can_do_only_what_its_person_may(client, world):
    """The lead's token cannot update an action they do not lead, nor approve."""
    _, key = ApiToken.issue(world["lead"], "case system")
    response = post(client, URL, {**UPDATE, "node": "p1-c2-a"}, key)
    assert response.status_code == 403
    post(client, URL, UPDATE, key)
    update = ProgressUpdate.objects.get()
    review = f"/api/plans/test-plan/updates/{update.pk}/review/"
    assert post(client, review, {"action": "approve"}, key).status_code == 403
    _, manager_key = ApiToken.issue(world["manager"], "performance system")
    response = post(client, review, {"action": "return"}, manager_key)
    assert response.status_code == 400 and "comment" in response.json()["fields"]
    response = post(client, review, {"action": "return", "comment": "Which venue?"}, manager_key)
    assert response.json()["state"] == "returned"
    update.refresh_from_db()
    assert update.review_comment == "Which venue?"


def test_no_token_a_bad_token_and_a_revoked_token_write_nothing(client, world):
    assert post(client, URL, UPDATE).status_code == 403
    assert post(client, URL, UPDATE, "cyp_not-a-real-key").status_code == 401
    token, key = ApiToken.issue(world["lead"], "old")
    out = io.StringIO()
    call_command("api_token", "revoke", str(token.pk), stdout=out)
    assert post(client, URL, UPDATE, key).status_code == 401
    # a signed-in session cannot write through the API either
    client.force_login(world["lead"])
    assert post(client, URL, UPDATE).status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_bad_fields_and_stale_versions(client, world):
    _, key = ApiToken.issue(world["lead"], "case system")
    response = post(client, URL, {**UPDATE, "status": "fine", "period": "2031-32-Q1"}, key)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"status", "period"}
    response = client.post(
        URL, "not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 400
    post(client, URL, UPDATE, key)
    response = post(client, URL, {**UPDATE, "narrative": "Again.", "version": 5}, key)
    assert response.status_code == 409
    assert ProgressUpdate.objects.get().narrative == "Venue lost."


def test_the_key_is_kept_only_as_a_digest_and_the_cli_makes_and_lists_tokens(world):
    out = io.StringIO()
    call_command("api_token", "create", "lead", "--name", "case system", stdout=out)
    key = next(line for line in out.getvalue().splitlines() if line.startswith("cyp_"))
    token = ApiToken.objects.get()
    assert key not in (token.digest, token.prefix) and token.digest == ApiToken.digest_of(key)
    out = io.StringIO()
    call_command("api_token", "list", stdout=out)
    assert "lead\tcase system" in out.getvalue() and key not in out.getvalue()
    with pytest.raises(CommandError, match="no active user"):
        call_command("api_token", "create", "nobody", "--name", "x")


def test_openapi_describes_writing(client):
    spec = client.get("/api/plans/openapi.json").json()
    post_op = spec["paths"]["/api/plans/{slug}/updates/"]["post"]
    assert post_op["security"] == [{"token": []}]
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert "UpdateInput" in spec["components"]["schemas"]
