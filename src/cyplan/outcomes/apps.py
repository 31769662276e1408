from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "cyplan.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
