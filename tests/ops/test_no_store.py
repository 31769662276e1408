"""Staff pages send ``Cache-Control: no-store`` (issue 14, finding 9): a shared computer's
browser or a proxy must not keep a page with unpublished plans or children's words."""

from __future__ import annotations

import pytest
from django.test import Client

from cyplan.accounts.models import Role
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client():
    make_plan()
    client = Client()
    client.force_login(make_user("manager", Role.PLAN_MANAGER))
    return client


@pytest.mark.parametrize(
    "url", ["/my-actions/", "/audit/", "/voice/", "/plans/test-plan/", "/audit/?format=csv"]
)
def test_every_page_to_a_signed_in_person_is_no_store(manager_client, url):
    response = manager_client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", ["/accounts/sign-in/", "/admin/login/"])
def test_sign_in_pages_are_no_store(url):
    response = Client().get(url)
    assert response["Cache-Control"] == "no-store"


def test_public_pages_may_be_cached():
    """The control: a public plan page read by the public is not marked no-store."""
    make_plan()
    response = Client().get("/plans/test-plan/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
