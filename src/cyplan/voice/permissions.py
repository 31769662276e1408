"""Who may moderate feedback and who may see a possible disclosure of harm.

Named safeguarding leads are the members of a Django group (``Safeguarding leads`` by
default, ``CYPLAN_SAFEGUARDING_GROUP``). Only they see an item flagged for safeguarding:
not plan managers, not administrators (unless they are also in the group). Adding a
person to the group is done in the Django admin (Groups), by an administrator.
"""

from __future__ import annotations

from cyplan.accounts import permissions
from cyplan.voice import conf


def is_safeguarding_lead(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_cyplan_safeguarding_lead", None)
    if cached is None:
        cached = user.groups.filter(name=conf.safeguarding_group()).exists()
        user._cyplan_safeguarding_lead = cached
    return cached


def can_moderate(user) -> bool:
    """Record, edit, approve and respond to feedback (flagged items excepted)."""
    return permissions.is_manager(user)


def leads_only(item) -> bool:
    """Flagged, or not yet triaged: no one but a safeguarding lead may read it."""
    return item.safeguarding or item.triage == "waiting"


def can_see_item(user, item) -> bool:
    """Staff view of one item: flagged or untriaged ones only for safeguarding leads."""
    if leads_only(item):
        return is_safeguarding_lead(user)
    return can_moderate(user) or is_safeguarding_lead(user)


def can_open_staff_pages(user) -> bool:
    return can_moderate(user) or is_safeguarding_lead(user)


def visible_audit_entries(user, entries):
    """Audit entries without those about an item flagged for safeguarding, unless the user is
    a safeguarding lead: the log must not show a plan manager what the item's page hides
    (that it exists, and that it was flagged)."""
    if is_safeguarding_lead(user):
        return entries
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from cyplan.voice.models import Feedback

    flagged = (
        Feedback.objects.filter(safeguarding=True)
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    return entries.exclude(object_type="feedback", object_id__in=flagged)
