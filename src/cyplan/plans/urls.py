from django.urls import path

from cyplan.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/strategies/", views.strategies, name="strategies"),
    path("plans/<slug:slug>/governance/", views.governance, name="governance"),
    path("plans/<slug:slug>/area/", views.area, name="area"),
    path("plans/<slug:slug>/<slug:key>/", views.node_detail, name="node"),
]
