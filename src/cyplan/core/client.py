"""The real address of the person making a request, behind a trusted reverse proxy.

Behind a proxy (nginx, a load balancer) every request reaches the app from the proxy's own
address, so counting by ``REMOTE_ADDR`` puts everyone in one bucket: one child over the
rate limit, or five wrong passwords from anyone, would shut out everybody. Set:

* ``CYPLAN_CLIENT_IP_HEADER``: the header the proxy writes the client address into, e.g.
  ``X-Forwarded-For`` (nginx ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``)
  or ``X-Real-IP``. Empty (the default) means no proxy: ``REMOTE_ADDR`` is the client.
* ``CYPLAN_TRUSTED_PROXY_COUNT``: how many proxies of yours stand in front of the app
  (default 1). In ``X-Forwarded-For`` each proxy appends the address it saw, so the client
  is the entry that many places from the right; anything further left was written by the
  client itself and is never trusted.

Example:
    >>> from_forwarded_for("203.0.113.9, 198.51.100.7", proxies=1)
    '198.51.100.7'
    >>> from_forwarded_for("6.6.6.6, 203.0.113.9", proxies=1)  # a forged first entry is ignored
    '203.0.113.9'
"""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value if value is not None else os.environ.get(name, default))


def header_name() -> str:
    return _setting("CYPLAN_CLIENT_IP_HEADER", "").strip()


def proxy_count() -> int:
    return max(int(_setting("CYPLAN_TRUSTED_PROXY_COUNT", "1")), 1)


def meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return ""


def from_forwarded_for(value: str, proxies: int = 1) -> str:
    """The client in an ``X-Forwarded-For`` list, ``proxies`` entries from the right."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if len(parts) < proxies:
        return ""
    return _valid(parts[-proxies])


def client_address(request) -> str:
    """The client's address: from the trusted proxy header when one is set, else the socket."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    header = header_name()
    if header:
        value = request.META.get(meta_key(header), "")
        if value:
            found = (
                from_forwarded_for(value, proxy_count())
                if "," in value or header.lower() == "x-forwarded-for"
                else _valid(value)
            )
            if found:
                return found
    return remote or "unknown"


def address_for_lockout(request) -> str | None:
    """For django-axes (``AXES_CLIENT_IP_CALLABLE``): the real address, or None unknown."""
    found = client_address(request)
    return found if _valid(found) else None


def looks_proxied(request) -> bool:
    """A request that came through a proxy header cyplan is not told to trust."""
    return not header_name() and any(
        key in request.META for key in ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")
    )
