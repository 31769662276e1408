"""The voice feature's settings, each with a safe default and an environment variable.

Set them in the environment (or in Django settings, which win):

* ``CYPLAN_SAFEGUARDING_EMAIL``: where a possible disclosure is reported at once (comma
  separated for more than one address). Production warns at start-up when it is empty.
* ``CYPLAN_SAFEGUARDING_GROUP``: the Django group of named safeguarding leads
  (default ``Safeguarding leads``); only its members see flagged items.
* ``CYPLAN_HELPLINES``: the numbers the form shows before a child writes, as
  ``name|number|when`` entries separated by ``;``.
* ``CYPLAN_FEEDBACK_RATE_LIMIT``: how many items one address may send per hour (default 5);
  more are kept all the same, "held as possible spam", and triaged.
* ``CYPLAN_SAFEGUARDING_ACK_MINUTES``: an alert not acknowledged by a lead within this many
  minutes (default 60) is sent again and escalated to ``CYPLAN_SAFEGUARDING_EMAIL``.
* ``CYPLAN_SOCIAL_CARE_CONTACT``: the area's children's social care number, shown to a child
  after a disclosure, as ``name|number`` (e.g. ``Bromley children's social care|020 8461 7373``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings

DEFAULT_HELPLINES = (
    "Childline|0800 1111|free, any time, day or night;"
    "NSPCC helpline (for adults worried about a child)|0808 800 5000|free"
)


#: Childline, the national helpline for children: always on the page after a disclosure.
CHILDLINE_NAME, CHILDLINE_NUMBER = "Childline", "0800 1111"


@dataclass(frozen=True)
class Helpline:
    name: str
    number: str
    when: str

    @property
    def tel(self) -> str:
        return "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return value


def safeguarding_emails() -> list[str]:
    value = _setting("CYPLAN_SAFEGUARDING_EMAIL", "")
    if isinstance(value, list | tuple):
        return [v for v in value if v]
    return [part.strip() for part in value.split(",") if part.strip()]


def safeguarding_group() -> str:
    return _setting("CYPLAN_SAFEGUARDING_GROUP", "Safeguarding leads")


def emergency_number() -> str:
    return _setting("CYPLAN_EMERGENCY_NUMBER", "999")


def helplines() -> list[Helpline]:
    value = _setting("CYPLAN_HELPLINES", DEFAULT_HELPLINES)
    lines = []
    for entry in value.split(";"):
        parts = [p.strip() for p in entry.split("|")]
        if len(parts) >= 2 and parts[0] and parts[1]:
            lines.append(Helpline(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return lines


def acknowledge_within():
    """How long an alert may wait for a lead to acknowledge it before it is sent again and
    escalated (``CYPLAN_SAFEGUARDING_ACK_MINUTES``, default 60)."""
    from datetime import timedelta

    return timedelta(minutes=float(_setting("CYPLAN_SAFEGUARDING_ACK_MINUTES", "60")))


def social_care_number() -> tuple[str, str]:
    """The area's children's social care front door: ``name|number``
    (``CYPLAN_SOCIAL_CARE_CONTACT``)."""
    value = _setting("CYPLAN_SOCIAL_CARE_CONTACT", "")
    parts = [p.strip() for p in value.split("|")]
    if len(parts) >= 2 and parts[1]:
        return parts[0] or "Children's social care", parts[1]
    return "", ""


def rate_limit() -> int:
    return int(_setting("CYPLAN_FEEDBACK_RATE_LIMIT", "5"))


RATE_WINDOW_SECONDS = 3600
