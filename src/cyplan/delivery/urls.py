from django.urls import path

from cyplan.delivery import views

app_name = "delivery"
urlpatterns = [
    path("my-actions/", views.my_actions, name="my-actions"),
    path("audit/", views.audit, name="audit"),
    path("updates/<int:pk>/review/", views.review, name="review"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("plans/<slug:slug>/<slug:key>/update/", views.update, name="update"),
]
