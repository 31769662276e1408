"""The real client address behind the proxy: rate limits and account lockout (finding 4)."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.test import Client, RequestFactory

from cyplan.core import client
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PROXY = "127.0.0.1"


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_a_header_the_socket_address_is_the_client(settings):
    settings.CYPLAN_CLIENT_IP_HEADER = ""
    got = request(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client.client_address(got) == "203.0.113.5"  # an untrusted header is ignored


def test_the_proxy_header_names_the_client(settings):
    settings.CYPLAN_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.CYPLAN_TRUSTED_PROXY_COUNT = 1
    got = request(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client.client_address(got) == "203.0.113.5"
    # The client wrote a first entry itself; the proxy appended the real one.
    forged = request(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert client.client_address(forged) == "203.0.113.5"


def test_two_proxies(settings):
    """A load balancer then nginx: the client is the second entry from the right."""
    settings.CYPLAN_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.CYPLAN_TRUSTED_PROXY_COUNT = 2
    got = request(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.0.0.2")
    assert client.client_address(got) == "203.0.113.5"


def test_rubbish_in_the_header_falls_back_to_the_socket(settings):
    settings.CYPLAN_CLIENT_IP_HEADER = "X-Real-IP"
    got = request(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="not-an-address")
    assert client.client_address(got) == PROXY


def test_lockout_counts_the_user_name_with_the_real_address(settings):
    """Finding 4: behind the proxy, five wrong passwords from anyone locked the safeguarding
    lead out for everyone. Now the attacker's address is locked, the lead's is not."""
    settings.CYPLAN_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.AXES_FAILURE_LIMIT = 5
    make_user("lead", "action_lead")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6")
    for _ in range(5):
        attacker.post("/accounts/sign-in/", {"username": "lead", "password": "wrong"})
    locked = attacker.post(
        "/accounts/sign-in/", {"username": "lead", "password": "a-long-test-password"}
    )
    assert locked.status_code == 429 or "locked" in locked.content.decode().lower()
    lead = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    got = lead.post("/accounts/sign-in/", {"username": "lead", "password": "a-long-test-password"})
    assert got.status_code == 302  # signed in


def _ids(settings_obj=None):
    return {m.id for m in run_checks(include_deployment_checks=True)}


def test_check_deploy_warns_without_the_header_in_production(settings):
    settings.PRODUCTION = True
    settings.CYPLAN_CLIENT_IP_HEADER = ""
    assert "cyplan.core.W010" in _ids()
    settings.CYPLAN_CLIENT_IP_HEADER = "X-Forwarded-For"
    assert "cyplan.core.W010" not in _ids()


def test_check_deploy_warns_about_an_odd_header_a_bad_count_and_a_private_cache(settings):
    settings.CYPLAN_CLIENT_IP_HEADER = "X-Client"
    settings.CYPLAN_TRUSTED_PROXY_COUNT = "zero"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    found = _ids()
    assert {"cyplan.core.W011", "cyplan.core.E012", "cyplan.core.W013"} <= found
