from django.urls import path

from cyplan.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/<uuid:pk>/", views.job, name="job"),
    path("reports/<uuid:pk>/status.json", views.job_status, name="job-status"),
    path("reports/<uuid:pk>/download/", views.download, name="download"),
    path("plans/<slug:slug>/scrutiny-report/", views.scrutiny, name="scrutiny"),
]
