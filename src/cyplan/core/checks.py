"""Deployment checks (``cyplan check --deploy``): the client address and the shared cache."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from cyplan.core import client

SHARED_CACHES = ("DatabaseCache", "RedisCache", "PyMemcacheCache", "PyLibMCCache")


@register(deploy=True)
def client_address_and_cache(app_configs, **kwargs):
    found = []
    header = client.header_name()
    if getattr(settings, "PRODUCTION", False) and not header:
        found.append(
            Warning(
                "CYPLAN_CLIENT_IP_HEADER is not set, but production runs behind a reverse "
                "proxy: every request will seem to come from the proxy, so one person over "
                "the feedback rate limit or five wrong passwords would shut out everyone.",
                hint="Set CYPLAN_CLIENT_IP_HEADER=X-Forwarded-For (the header your proxy "
                "sets) and CYPLAN_TRUSTED_PROXY_COUNT to the number of proxies; see "
                "docs/deployment.md.",
                id="cyplan.core.W010",
            )
        )
    if header and header.lower().replace("_", "-") not in ("x-forwarded-for", "x-real-ip"):
        found.append(
            Warning(
                f"CYPLAN_CLIENT_IP_HEADER={header!r} is not X-Forwarded-For or X-Real-IP.",
                hint="Check the proxy really writes the client's address into this header "
                "and removes any copy the client sent.",
                id="cyplan.core.W011",
            )
        )
    try:
        count = int(client._setting("CYPLAN_TRUSTED_PROXY_COUNT", "1"))
    except ValueError:
        count = 0
    if count < 1:
        found.append(
            Error(
                "CYPLAN_TRUSTED_PROXY_COUNT must be a whole number, 1 or more.",
                id="cyplan.core.E012",
            )
        )
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not backend.endswith(SHARED_CACHES):
        found.append(
            Warning(
                f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between "
                "server processes: each would count the feedback rate limit alone.",
                hint="Use Django's database cache (the default) or Redis (CYPLAN_CACHE_URL).",
                id="cyplan.core.W013",
            )
        )
    return found
