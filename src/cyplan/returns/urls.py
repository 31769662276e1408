from django.urls import path

from cyplan.returns import views

app_name = "returns"
urlpatterns = [
    path("returns/", views.index, name="index"),
    path("returns/<uuid:pk>/", views.upload, name="upload"),
    path("returns/<uuid:pk>/status.json", views.status, name="status"),
    path("returns/<uuid:pk>/load/", views.load, name="load"),
    path("returns/<uuid:pk>/discard/", views.discard, name="discard"),
]
