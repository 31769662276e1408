from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("cyplan.accounts.urls")),
    path("api/plans/", include("cyplan.api.urls")),
    path("", include("cyplan.delivery.urls")),
    path("", include("cyplan.outcomes.urls")),
    path("", include("cyplan.reports.urls")),
    path("", include("cyplan.returns.urls")),
    path("", include("cyplan.disproportionality.urls")),
    path("", include("cyplan.voice.urls")),
    path("", include("cyplan.plans.urls")),
]
