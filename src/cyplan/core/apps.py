from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cyplan.core"
    label = "core"
    verbose_name = "Core"
