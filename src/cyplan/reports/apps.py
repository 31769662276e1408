from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cyplan.reports"
    label = "reports"
    verbose_name = "Board packs and reports"
