from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "cyplan.voice"
    label = "voice"
    verbose_name = "Voice of children, young people and families"

    def ready(self):
        from cyplan.voice import (
            checks,  # noqa: F401  (registers the system checks)
            plan_deletion,  # noqa: F401  (deleting a plan publishes nothing)
        )
