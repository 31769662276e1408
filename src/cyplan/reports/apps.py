from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cyplan.reports"
    label = "reports"
    verbose_name = "Board packs and reports"

    def ready(self):
        # The section providers (voice and disproportionality highlights) are registered by
        # cyplan.reports.content when a pack is first built, not here: importing content
        # loads SciPy through the outcome comparisons, seconds that every `cyplan` command
        # would otherwise pay at start-up (issue 13).
        pass
