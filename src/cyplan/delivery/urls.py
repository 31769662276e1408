from django.urls import path

from cyplan.delivery import views

app_name = "delivery"
urlpatterns = [
    path("my-actions/", views.my_actions, name="my-actions"),
    path("audit/", views.audit, name="audit"),
    path("updates/<int:pk>/review/", views.review, name="review"),
    path("updates/review/", views.bulk_review, name="bulk-review"),
    path("plans/<slug:slug>/updates-workbook/", views.updates_workbook, name="updates-workbook"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("plans/<slug:slug>/<slug:key>/update/", views.update, name="update"),
]
