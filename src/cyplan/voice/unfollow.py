"""Stopping the emails: every email to a follower carries a link that signs the item's id,
so that the person can stop them (and have their contact details removed) without an account."""

from __future__ import annotations

from django.core import signing
from django.db import transaction

from cyplan.core.audit import record
from cyplan.voice.models import Feedback

SALT = "cyplan.voice.unfollow"


def token_for(item: Feedback) -> str:
    return signing.dumps(item.pk, salt=SALT)


def item_for(token: str) -> Feedback | None:
    """The item a link is for, or None for a link that was changed or made up."""
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return Feedback.objects.filter(pk=pk).first()


@transaction.atomic
def unfollow(item: Feedback) -> None:
    """No more emails, and the contact details are deleted (the item itself stays)."""
    item.follow, item.contact_name, item.contact_email = False, "", ""
    item.save(update_fields=["follow", "contact_name", "contact_email"])
    record(None, "stopped following", item, after={"follow": False, "contact_details": "deleted"})
