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


def test_check_warns_without_a_backup_key_in_production(settings, monkeypatch):
    from cyplan.ops.checks import backup_key

    monkeypatch.delenv("CYPLAN_BACKUP_KEY", raising=False)
    settings.PRODUCTION = True
    assert [w.id for w in backup_key(None)] == ["cyplan.ops.W001"]
    monkeypatch.setenv("CYPLAN_BACKUP_KEY", "0123456789abcdef0123456789abcdef")
    assert backup_key(None) == []


def test_check_warns_when_the_data_folder_is_open(settings, tmp_path):
    import os

    from cyplan.ops.checks import data_folder_permissions

    settings.DATA_DIR = tmp_path
    os.chmod(tmp_path, 0o755)
    assert [w.id for w in data_folder_permissions(None)] == ["cyplan.ops.W002"]
    os.chmod(tmp_path, 0o700)
    assert data_folder_permissions(None) == []
