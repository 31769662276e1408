from django.urls import path

from cyplan.api import views

app_name = "api"
urlpatterns = [
    path("", views.plans, name="plans"),
    path("openapi.json", views.openapi, name="openapi"),
    path("<slug:slug>/", views.plan, name="plan"),
    path("<slug:slug>/nodes/", views.nodes, name="nodes"),
    path("<slug:slug>/updates/", views.updates, name="updates"),
    path("<slug:slug>/updates/<int:pk>/review/", views.review, name="review"),
]
