"""Spam protection for the public form without any third-party service.

* A honeypot: a field people never see or reach (hidden from sight, screen readers and the
  keyboard). A submission that fills it is thrown away, and the sender is told "thank you"
  like anyone else so that a robot learns nothing, unless its words match the harm check:
  then it is kept, held as possible spam, and triaged.
* A rate limit per address (the real client address behind the trusted proxy, see
  ``cyplan.core.client``), counted in Django's cache: after ``CYPLAN_FEEDBACK_RATE_LIMIT``
  items an hour from one address, more are still kept but "held as possible spam", and a
  safeguarding lead triages them like any other. Nothing a child writes is thrown away.
  The cache key is a keyed hash of the address, so the cache never holds an address
  itself. The cache is Django's database cache (table ``cyplan_cache``), shared by every
  server process; a deployment with Redis may point ``CACHES`` at it instead.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from cyplan.core import client
from cyplan.voice import conf

HONEYPOT_FIELD = "website"


def is_robot(post) -> bool:
    return bool(post.get(HONEYPOT_FIELD, "").strip())


def client_address(request) -> str:
    """The real client address, behind the trusted proxy (see ``cyplan.core.client``)."""
    return client.client_address(request)


def _key(address: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
    return f"cyplan-voice-rate:{digest[:32]}"


def over_limit(address: str) -> bool:
    """True when this address has already sent as many items as the hour allows."""
    return (cache.get(_key(address)) or 0) >= conf.rate_limit()


def count_submission(address: str) -> int:
    """Count one more submission from this address; returns the count in this hour."""
    key = _key(address)
    if cache.add(key, 1, timeout=conf.RATE_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=conf.RATE_WINDOW_SECONDS)
        return 1
