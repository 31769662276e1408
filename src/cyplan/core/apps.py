from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cyplan.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from cyplan.core import checks  # noqa: F401  (registers the deployment checks)
