from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "cyplan.returns"
    label = "returns"
    verbose_name = "Statutory returns"
