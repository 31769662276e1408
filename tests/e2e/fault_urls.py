"""The site's URLs plus one page whose database has gone away, for the browser test of the
503 page (ROOT_URLCONF points here only in that test)."""

from django.db import OperationalError
from django.urls import path

from cyplan.site.urls import urlpatterns as site_patterns


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [path("test-only/database-gone/", database_gone), *site_patterns]
