"""Emails: a possible disclosure to the safeguarding contact, and a response to a follower.

Written to the outbox (``cyplan.core.outbox``) in the caller's transaction and sent by the
task worker, with a timeout and retries: a request never waits on the mail server. A
safeguarding email
names the item and links to it; it never carries the child's words or contact details, so
that they stay behind the sign-in and the safeguarding leads group.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cyplan.core import outbox
from cyplan.voice import conf
from cyplan.voice.unfollow import token_for

log = logging.getLogger(__name__)


def _url(name: str, *args) -> str:
    return settings.CYPLAN_SITE_URL.rstrip("/") + reverse(name, args=args)


def safeguarding_recipients() -> list[str]:
    leads = (
        get_user_model()
        .objects.filter(groups__name=conf.safeguarding_group(), is_active=True)
        .exclude(email="")
    )
    found = conf.safeguarding_emails() + [u.email for u in leads]
    return list(dict.fromkeys(found))


def notify_safeguarding(item, *, reminder: bool = False) -> bool:
    """Queue the email telling the safeguarding contact and leads. True when one was queued.

    ``item.safeguarding_notified_at`` is when it was queued (the outbox row keeps whether and
    when it was sent).
    """
    recipients = safeguarding_recipients()
    if not recipients:
        log.error("voice item %s flagged for safeguarding but no one to tell", item.pk)
        return False
    # Neither the matched words nor a staff member's reason (which may quote the child) go
    # into an email: the lead reads them in the site.
    how = (
        "automatically, because its words matched the harm check"
        if item.flagged_automatically
        else "by a member of staff (their reason is on the item's page)"
    )
    body = (
        f"Feedback item #{item.pk} may be a disclosure of harm and needs a safeguarding "
        f"lead to read it now.\n\n"
        f"It was flagged {how}.\n"
        f"Received: {timezone.localtime(item.created_on):%d %B %Y %H:%M}, "
        f"through {item.channel_label}.\n"
        f"Contact details left: {'yes' if item.contact_email or item.contact_name else 'no'}.\n\n"
        f"Read it (sign-in and the safeguarding leads group needed):\n"
        f"{_url('voice:staff-item', item.pk)}\n\n"
        "The item is hidden from everyone else and will never be published. This email "
        "does not contain the child's words.\n"
    )
    subject = f"[cyplan] Safeguarding: possible disclosure in feedback #{item.pk}"
    if reminder:
        subject = f"[cyplan] NOT YET ACKNOWLEDGED: safeguarding alert for feedback #{item.pk}"
        body = (
            "No safeguarding lead has acknowledged this alert yet. It has been sent again and "
            "to the safeguarding contact.\n\n" + body
        )
    with transaction.atomic():
        outbox.queue_email(recipients, subject, body, kind="safeguarding", related=item)
        if not reminder:
            item.safeguarding_notified_at = timezone.now()
            type(item).objects.filter(pk=item.pk).update(
                safeguarding_notified_at=item.safeguarding_notified_at
            )
            transaction.on_commit(_check_acknowledged_later)
    return True


def _check_acknowledged_later() -> None:
    """Ask the worker to look again when the acknowledgement time is up."""
    from cyplan.voice.tasks import escalate_unacknowledged_alerts

    try:
        if escalate_unacknowledged_alerts.get_backend().supports_defer:
            run_after = timezone.now() + conf.acknowledge_within()
            escalate_unacknowledged_alerts.using(run_after=run_after).enqueue()
    except Exception:  # `cyplan safeguarding escalate` from cron is the safety net
        log.exception("could not queue the safeguarding acknowledgement check")


def tell_follower(response) -> bool:
    """Email the person who asked to hear back that their item has a published response."""
    item = response.feedback
    if not (item.follow and item.contact_email) or response.followers_told_at:
        return False
    greeting = f"Hello {item.contact_name}," if item.contact_name else "Hello,"
    body = (
        f"{greeting}\n\n"
        f"Thank you for telling us what you think on {item.said_on:%d %B %Y}.\n"
        f"We have written back. You can read what we did here:\n"
        f"{_url('voice:item', item.pk)}\n\n"
        f"What we said: {response.get_status_display()}.\n"
        f"{response.text}\n\n"
        "You are getting this email because you asked us to tell you. We will not use your "
        "email address for anything else.\n\n"
        "To stop these emails and delete your contact details, open:\n"
        f"{_url('voice:unfollow', token_for(item))}\n"
    )
    with transaction.atomic():
        outbox.queue_email(
            [item.contact_email],
            "We have replied to what you told us",
            body,
            kind="voice-follower",
            related=response,
        )
        response.followers_told_at = timezone.now()
        type(response).objects.filter(pk=response.pk).update(
            followers_told_at=response.followers_told_at
        )
    return True
