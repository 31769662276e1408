from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "cyplan.ops"
    label = "ops"
    verbose_name = "Operations: backup and restore"

    def ready(self):
        from cyplan.ops import checks  # noqa: F401  (registers the system checks)
