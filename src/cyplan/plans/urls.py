from django.urls import path

from cyplan.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
]
