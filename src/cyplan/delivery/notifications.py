"""Emails about progress updates, through the outbox (written with the change, sent later).

- submitted: to the plan managers (who approve), with a link to the review page;
- returned: to the person who recorded it and the action's leads, with the manager's comment;
- approved: to the same people, saying it is now public.

Each is queued in the transaction of the change, so a refused change sends nothing and the
request never waits on the mail server. People without an email address are skipped.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from cyplan.accounts.models import Profile, Role
from cyplan.accounts.permissions import lead_matcher
from cyplan.core import outbox
from cyplan.delivery.models import ProgressUpdate


def _link(name: str, *args) -> str:
    return f"{settings.CYPLAN_SITE_URL.rstrip('/')}{reverse(name, args=args)}"


def _approvers() -> list[str]:
    managers = Profile.objects.filter(
        role__in=[Role.PLAN_MANAGER, Role.ADMINISTRATOR], user__is_active=True
    ).values_list("user__email", flat=True)
    admins = get_user_model().objects.filter(is_active=True, is_superuser=True)
    emails = set(managers) | set(admins.values_list("email", flat=True))
    return sorted(e for e in emails if e)


def _leads_of(update: ProgressUpdate) -> list[str]:
    """The person who recorded the update and every account that leads its action."""
    emails = set()
    if update.author_id and update.author.email and update.author.is_active:
        emails.add(update.author.email)
    leads = list(update.node.leads.all())
    people = (
        get_user_model()
        .objects.filter(Q(profile__role=Role.ACTION_LEAD), is_active=True)
        .exclude(email="")
    )
    for person in people.select_related("profile"):
        if lead_matcher(person)(leads):
            emails.add(person.email)
    return sorted(emails)


def _name(update: ProgressUpdate) -> str:
    node = update.node
    return f"{node.plan.title}, {node.get_kind_display().lower()} {node.number}: {node.title}"


def update_submitted(updates: list[ProgressUpdate], by) -> None:
    """One email to the approvers for updates submitted together (one, or a workbook's)."""
    approvers = _approvers()
    if not updates or not approvers:
        return
    who = (by.get_full_name() or by.get_username()) if by is not None else "Someone"
    period = updates[0].period_label
    if len(updates) == 1:
        update = updates[0]
        subject = f"Update to approve: {update.node.title[:80]} ({period})"
        body = (
            f"{who} submitted the {period} update for\n{_name(update)}\n\n"
            f"Status: {update.get_status_display()}\n\n{update.narrative}\n\n"
            f"Approve it or return it with a question: {_link('delivery:review', update.pk)}\n"
        )
    else:
        subject = f"{len(updates)} updates to approve ({period})"
        lines = "\n".join(
            f"- {_name(u)}: {u.get_status_display()} ({_link('delivery:review', u.pk)})"
            for u in updates
        )
        body = (
            f"{who} submitted {len(updates)} updates for {period}:\n\n{lines}\n\n"
            f"Approve or return them together on My actions: {_link('delivery:my-actions')}\n"
        )
    outbox.queue_email(approvers, subject, body, kind="update-submitted", related=updates[0])


def update_reviewed(update: ProgressUpdate) -> None:
    """To the update's author and the action's leads: returned (with the comment) or approved."""
    to = _leads_of(update)
    if not to:
        return
    period = update.period_label
    if update.state == ProgressUpdate.State.RETURNED:
        subject = f"Your {period} update was returned: {update.node.title[:80]}"
        body = (
            f"Your {period} update for\n{_name(update)}\n"
            f"was returned with this question:\n\n{update.review_comment}\n\n"
            f"Answer it and submit the update again: "
            f"{_link('delivery:update', update.node.plan.slug, update.node.key)}?period={update.period}\n"
        )
        kind = "update-returned"
    else:
        subject = f"Your {period} update was approved: {update.node.title[:80]}"
        body = (
            f"Your {period} update for\n{_name(update)}\nwas approved and is now public: "
            f"{_link('plans:node', update.node.plan.slug, update.node.key)}\n"
        )
        kind = "update-approved"
    outbox.queue_email(to, subject, body, kind=kind, related=update)
