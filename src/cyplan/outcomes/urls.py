from django.urls import path

from cyplan.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("indicators/", views.index, name="index"),
    path("indicators/<slug:code>/", views.indicator, name="indicator"),
    path("indicators/<slug:code>/values/new/", views.value_new, name="value-new"),
    path("indicators/values/<int:pk>/", views.value_edit, name="value-edit"),
    path("indicators/<slug:code>/target/", views.target, name="target"),
    path("plans/<slug:slug>/scorecard/", views.plan_scorecard, name="scorecard"),
]
