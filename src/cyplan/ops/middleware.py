"""When the database goes away: a clear page (503) instead of a stack trace.

Every write is one transaction, so a request cut off by a lost database has changed nothing;
the page says so. Django closes the broken connection at the end of the request and opens a
new one for the next, so the site recovers by itself when the database is back.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
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


class BadQueryMiddleware:
    """A NUL character in the query string or a posted form gets a clear 400 before any view.

    No view needs one, and PostgreSQL refuses a NUL in any text it compares, so a ``?q=``,
    ``?theme=``, ``?board=`` or ``?area=`` holding ``%00`` would otherwise end in a stack
    trace there (SQLite just finds nothing). Checked for every parameter name and value, and
    for the fields of a posted form (a view reading ``request.POST`` directly would meet the same).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = "the address"
        bad = _with_nul(request.GET)
        if not bad and request.method == "POST":
            # Form fields too (the CSRF check reads the form anyway); not uploaded files.
            where, bad = "the form", _with_nul(request.POST)
        if bad:
            names = ", ".join(repr(name.replace("\x00", "\\0")) for name in bad)
            return HttpResponseBadRequest(
                f"Bad request: {where} has a NUL character (%00) in {names}. "
                "Remove it and try again.\n",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _with_nul(params) -> list[str]:
    return sorted(
        {name for name, values in params.lists()
         if "\x00" in name or any("\x00" in value for value in values)}
    )  # fmt: skip


#: Staff pages, and anything shown to a signed-in person, must not be kept by a browser
#: or proxy cache: they can hold unpublished plans, children's words or contact details.
NO_STORE = "no-store"


class NoStoreForStaffMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in person, and on the
    sign-in, admin and staff-only pages whoever asks for them."""

    STAFF_PREFIXES = ("/accounts/", "/admin/", "/voice/", "/my-actions/", "/audit/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(getattr(user, "is_authenticated", False))
        if signed_in or request.path.startswith(self.STAFF_PREFIXES):
            response["Cache-Control"] = NO_STORE
        return response
