from django.apps import AppConfig


class DisproportionalityConfig(AppConfig):
    name = "cyplan.disproportionality"
    label = "disproportionality"
    verbose_name = "Disproportionality"
