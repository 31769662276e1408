"""Security properties of the site: throttling, CSP, cookies, CSV neutralisation."""

import re
import subprocess
import sys

import pytest
from django.test import Client

from cyplan.core.tables import Table, safe_cell
from tests.factories import make_plan, make_user

pytestmark = pytest.mark.django_db


def test_login_is_throttled_after_five_failures():
    """Five wrong passwords lock the account for a while, even with the right one after."""
    make_user("lead", None)
    client = Client()
    for _ in range(5):
        response = client.post("/accounts/sign-in/", {"username": "lead", "password": "wrong"})
    assert response.status_code in (403, 429)
    response = client.post(
        "/accounts/sign-in/", {"username": "lead", "password": "a-long-test-password"}
    )
    assert response.status_code in (403, 429)
    assert "Too many attempts" in response.content.decode()


def test_a_good_login_works_and_wrong_one_says_what_to_do():
    """The sign-in form signs people in, and explains a failure."""
    make_user("lead", None)
    client = Client()
    bad = client.post("/accounts/sign-in/", {"username": "lead", "password": "nope"})
    assert "Enter a correct user name and password" in bad.content.decode()
    good = client.post(
        "/accounts/sign-in/", {"username": "lead", "password": "a-long-test-password"}
    )
    assert good.status_code == 302


def test_content_security_policy_with_nonces(client):
    """A strict CSP is sent, and every inline script carries that response's nonce."""
    make_plan()
    response = client.get("/plans/test-plan/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "the page has its one inline script (the js-enabled class)"
    for attributes in inline:
        assert f'nonce="{nonce}"' in attributes
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_settings_are_secure(tmp_path):
    """In production: secure cookies, HSTS, no DEBUG, and `check --deploy` finds nothing serious."""
    env = {
        "CYPLAN_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60 + "-a-long-random-production-secret-key-for-the-test",
        "DJANGO_ALLOWED_HOSTS": "cyplan.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "CYPLAN_SAFEGUARDING_EMAIL": "safeguarding@example.org",  # else cyplan.voice.W001
        "CYPLAN_CLIENT_IP_HEADER": "X-Forwarded-For",  # else cyplan.core.W010
        "CYPLAN_BACKUP_KEY": "ab" * 32,  # else cyplan.ops.W001
        "CYPLAN_DATA_DIR": str(tmp_path / "data"),  # made 0700; else cyplan.ops.W002
        "PATH": "/usr/bin:/bin",
    }
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cyplan.site.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split() == ["False", "True", "True", "True"], done.stderr
    check = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, "DJANGO_SETTINGS_MODULE": "cyplan.site.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2 fewer", "@cmd", "\tx", "\rx"])
def test_csv_cells_never_run_as_formulas(text):
    """Cells that a spreadsheet would run start with an apostrophe in every CSV download."""
    assert safe_cell(text) == "'" + text
    response = Table("t", ["h"], [[text]]).csv_response()
    assert response.content.decode().splitlines()[1].strip('"').startswith("'")


def test_plain_cells_are_unchanged():
    """Ordinary text and numbers are written as they are."""
    assert safe_cell("Director Education") == "Director Education"
    assert safe_cell(42) == "42"
    assert safe_cell(None) == ""
