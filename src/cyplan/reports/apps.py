from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cyplan.reports"
    label = "reports"
    verbose_name = "Board packs and reports"

    def ready(self):
        from cyplan.reports import content, highlights

        for provider in (highlights.voice_highlights, highlights.disproportionality_highlights):
            if provider not in content.SECTION_PROVIDERS:
                content.SECTION_PROVIDERS.append(provider)
