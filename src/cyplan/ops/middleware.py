"""When the database goes away: a clear page (503) instead of a stack trace.

Every write is one transaction, so a request cut off by a lost database has changed nothing;
the page says so. Django closes the broken connection at the end of the request and opens a
new one for the next, so the site recovers by itself when the database is back.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("cyplan.ops")
UNAVAILABLE = (OperationalError, InterfaceError)


def is_unavailable(error: BaseException) -> bool:
    """A lost, refused or locked database connection (not a bad query)."""
    return isinstance(error, UNAVAILABLE)


def unavailable_response(request) -> HttpResponse:
    # No request context: the context processors would ask the database about the user.
    body = render_to_string("ops/database_unavailable.html", {"method": request.method})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "60"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_unavailable(exception):
            return None
        logger.error(
            "database unavailable during %s %s: %s", request.method, request.path, exception
        )
        return unavailable_response(request)
