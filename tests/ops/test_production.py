"""Production settings: refuse to start without secrets, a clean deploy check, and gunicorn
serving the site and its static files (WhiteNoise) behind a TLS-terminating proxy."""

from __future__ import annotations

import http.client
import json
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from tests.ops.servers import HOST, cyplan, gunicorn, production_env

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_refuses_to_start_without(tmp_path, missing):
    """Each required setting missing: exit status 1 and one line naming it, no traceback."""
    env = production_env(tmp_path)
    del env[missing]
    result = cyplan("check", env=env)
    assert result.returncode == 1
    assert missing in result.stderr
    assert "docs/deployment.md" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_value_counts_as_missing(tmp_path):
    """``DJANGO_SECRET_KEY=`` is refused like a missing one."""
    result = cyplan("check", env=production_env(tmp_path, DJANGO_SECRET_KEY=""))
    assert result.returncode == 1 and "DJANGO_SECRET_KEY" in result.stderr


def test_development_needs_nothing(tmp_path):
    """Without CYPLAN_ENV the same command runs with the development defaults."""
    env = production_env(tmp_path)
    for name in ("CYPLAN_ENV", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
        del env[name]
    assert cyplan("check", env=env).returncode == 0


def test_check_deploy_is_clean(tmp_path):
    """``cyplan check --deploy --fail-level WARNING`` finds nothing in production."""
    result = cyplan("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_gunicorn_behind_a_proxy_serves_pages_and_static_files(tmp_path):
    """migrate + collectstatic, then gunicorn: the home page over the proxy's https, the
    stylesheet by its hashed name with a long cache lifetime, a plain-http request
    redirected, and a sign-in POST through the proxy passes the CSRF origin check."""
    env = production_env(tmp_path)
    for command in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        result = cyplan(*command, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    proxy = {"X-Forwarded-Proto": "https"}
    with gunicorn(env) as port:
        response, body = _get(port, "/", proxy)
        assert response.status == 200
        assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
        css = re.search(rb'href="(/static/cyplan/cyplan\.[0-9a-f]{12}\.css)"', body)
        assert css, "the stylesheet should be linked by its hashed name"
        response, stylesheet = _get(port, css.group(1).decode(), proxy)
        assert response.status == 200 and b"govuk" in stylesheet
        assert "max-age=315360000" in response.getheader("Cache-Control")  # WhiteNoise: 10 years
        assert response.getheader("Content-Type").startswith("text/css")

        response, _ = _get(port, "/")  # no X-Forwarded-Proto: plain http
        assert response.status == 301
        assert response.getheader("Location") == f"https://{HOST}/"

        response, page = _get(port, "/accounts/sign-in/", proxy)
        cookie = SimpleCookie(response.getheader("Set-Cookie"))
        assert cookie["csrftoken"]["secure"]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        form = urlencode({"csrfmiddlewaretoken": token, "username": "nobody", "password": "x"})
        connection.request(
            "POST",
            "/accounts/sign-in/",
            body=form,
            headers={
                "Host": HOST,
                **proxy,
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}/accounts/sign-in/",
                "Cookie": f"csrftoken={cookie['csrftoken'].value}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 200  # the form again (wrong password), not 403


def _setting(env, name):
    code = f"import json; from django.conf import settings; print(json.dumps(settings.{name}))"
    result = cyplan("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_proxy_settings_come_from_the_environment(tmp_path):
    """Behind the proxy: X-Forwarded-Proto is trusted, and the CSRF trusted origins are
    DJANGO_CSRF_TRUSTED_ORIGINS, or else https:// plus each allowed host ('.' = any subdomain)."""
    env = production_env(tmp_path, DJANGO_ALLOWED_HOSTS="cyplan.example.gov.uk,.council.gov.uk")
    assert _setting(env, "SECURE_PROXY_SSL_HEADER") == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert _setting(env, "CSRF_TRUSTED_ORIGINS") == [
        "https://cyplan.example.gov.uk",
        "https://*.council.gov.uk",
    ]
    env["DJANGO_CSRF_TRUSTED_ORIGINS"] = "https://plans.example.org, https://cyplan.example.gov.uk"
    assert _setting(env, "CSRF_TRUSTED_ORIGINS") == [
        "https://plans.example.org",
        "https://cyplan.example.gov.uk",
    ]


def test_check_deploy_warns_without_a_backup_key(tmp_path):
    """The same production settings without CYPLAN_BACKUP_KEY: one warning, naming it."""
    env = production_env(tmp_path)
    env.pop("CYPLAN_BACKUP_KEY")
    result = cyplan("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 1
    assert "cyplan.ops.W001" in result.stderr and "CYPLAN_BACKUP_KEY" in result.stderr
