from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cyplan.plans"
    label = "plans"
    verbose_name = "Plans"
