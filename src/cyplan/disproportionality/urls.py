from django.urls import path

from cyplan.disproportionality import views

app_name = "disproportionality"
urlpatterns = [
    path("disproportionality/", views.index, name="index"),
    path("disproportionality/import/", views.import_counts, name="import"),
    path("disproportionality/cohorts/new/", views.add_cohort, name="add-cohort"),
    path(
        "disproportionality/by/<slug:characteristic>/", views.characteristic, name="characteristic"
    ),
    path("disproportionality/cohorts/<slug:code>/", views.cohort, name="cohort"),
    path("disproportionality/cohorts/<slug:code>/enter/", views.enter_counts, name="enter"),
]
