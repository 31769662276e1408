"""Start-up checks: production must say where safeguarding disclosures go."""

from django.conf import settings
from django.core.checks import Warning, register

from cyplan.voice import conf


@register()
def safeguarding_contact(app_configs, **kwargs):
    if getattr(settings, "PRODUCTION", False) and not conf.safeguarding_emails():
        return [
            Warning(
                "CYPLAN_SAFEGUARDING_EMAIL is not set: a possible disclosure of harm sent "
                "through 'Have your say' will only reach the safeguarding leads group.",
                hint="Set CYPLAN_SAFEGUARDING_EMAIL to the safeguarding contact's address.",
                id="cyplan.voice.W001",
            )
        ]
    return []
