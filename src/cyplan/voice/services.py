"""The voice workflow as plain functions: receive, record, moderate, flag, respond, publish.

Views and the CLI call these; tests call them directly. Each checks permission, validates
everything first, writes in one transaction and appends to the audit log. The audit log
never holds the child's words or contact details: only states and flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cyplan.core.audit import record
from cyplan.plans.models import Plan, PlanNode, Promise
from cyplan.voice import notify
from cyplan.voice.harm_words import harm_signals
from cyplan.voice.models import AgeBand, Channel, Feedback, Response, Theme
from cyplan.voice.permissions import can_moderate, is_safeguarding_lead

MAX_TEXT = 5000


@dataclass
class PublicFeedback:
    """What the 'Have your say' form sends."""

    text: str
    age_band: str = ""
    care_experienced: bool = False
    send: bool = False
    parent_carer: bool = False
    contact_name: str = ""
    contact_email: str = ""
    follow: bool = False
    easy_read: bool = False
    plan: Plan | None = None


@dataclass
class ItemDetails:
    """What staff record or moderate about an item."""

    original_text: str
    said_on: date
    channel: str
    published_text: str = ""
    channel_detail: str = ""
    age_band: str = ""
    care_experienced: bool = False
    send: bool = False
    parent_carer: bool = False
    plan: Plan | None = None
    themes: list[Theme] = field(default_factory=list)
    nodes: list[PlanNode] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)


@dataclass
class ResponseDetails:
    text: str
    by_whom: str
    responded_on: date
    status: str
    reason: str = ""
    actions: list[PlanNode] = field(default_factory=list)


def _audit(actor, action: str, item: Feedback, **after):
    record(actor, action, item, plan=item.plan, after=after or None)


def _auto_flag(item: Feedback) -> None:
    found = harm_signals(item.original_text)
    if found:
        item.safeguarding = True
        item.flagged_automatically = True
        item.safeguarding_reason = ", ".join(f"'{w}'" for w in found)
        item.flagged_at = timezone.now()


def _check_public(data: PublicFeedback) -> dict[str, str]:
    errors = {}
    text = data.text.strip()
    if not text:
        errors["text"] = "Tell us what you think"
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Keep it to {MAX_TEXT:,} characters or fewer"
    if data.age_band not in AgeBand.values:
        errors["age_band"] = "Choose an age from the list"
    if data.follow and not data.contact_email.strip():
        errors["contact_email"] = "Give your email address if you want us to tell you what happens"
    return errors


def submit_public_feedback(data: PublicFeedback, today: date | None = None) -> Feedback:
    """Store an item from the public form for moderation (never published automatically).

    Its words are checked for harm at once: a match flags it for the safeguarding leads and
    emails the safeguarding contact before any moderator sees it.
    """
    errors = _check_public(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = Feedback(
            plan=data.plan,
            original_text=data.text.strip(),
            said_on=today or timezone.localdate(),
            channel=Channel.PUBLIC_FORM,
            age_band=data.age_band,
            care_experienced=data.care_experienced,
            send=data.send,
            parent_carer=data.parent_carer,
            contact_name=data.contact_name.strip(),
            contact_email=data.contact_email.strip(),
            follow=data.follow and bool(data.contact_email.strip()),
            easy_read=data.easy_read,
        )
        _auto_flag(item)
        item.save()
        _audit(None, "voice-received", item, safeguarding=item.safeguarding)
    if item.safeguarding:
        notify.notify_safeguarding(item)
    return item


def _check_details(data: ItemDetails) -> dict[str, str]:
    errors = {}
    if not data.original_text.strip():
        errors["original_text"] = "Enter what was said"
    elif len(data.original_text) > MAX_TEXT:
        errors["original_text"] = f"What was said must be {MAX_TEXT:,} characters or fewer"
    if len(data.published_text) > MAX_TEXT:
        errors["published_text"] = f"The published words must be {MAX_TEXT:,} characters or fewer"
    if data.channel not in Channel.values:
        errors["channel"] = "Choose how it was said"
    if data.age_band not in AgeBand.values:
        errors["age_band"] = "Choose an age band from the list"
    if data.said_on and data.said_on > timezone.localdate():
        errors["said_on"] = "The date it was said must be today or in the past"
    if data.plan is None and (data.nodes or data.promises):
        errors["plan"] = "Choose the plan that the linked priorities and promises belong to"
    elif data.plan is not None:
        wrong = [n for n in data.nodes if n.plan_id != data.plan.id]
        if wrong:
            errors["nodes"] = f"{wrong[0]} is not part of {data.plan}"
        wrong = [p for p in data.promises if p.plan_id != data.plan.id]
        if wrong:
            errors["promises"] = f"Promise '{wrong[0]}' is not part of {data.plan}"
    return errors


def _apply(item: Feedback, data: ItemDetails) -> None:
    for name in (
        "original_text",
        "published_text",
        "said_on",
        "channel",
        "channel_detail",
        "age_band",
        "care_experienced",
        "send",
        "parent_carer",
        "plan",
    ):
        value = getattr(data, name)
        setattr(item, name, value.strip() if isinstance(value, str) else value)


def _links(item: Feedback, data: ItemDetails) -> None:
    item.themes.set(data.themes)
    item.nodes.set(data.nodes)
    item.promises.set(data.promises)


def record_feedback(user, data: ItemDetails, *, is_example: bool = False) -> Feedback:
    """Staff record an item heard at a forum, in a survey or by a practitioner."""
    if not can_moderate(user):
        raise PermissionDenied("Only plan managers can record feedback")
    errors = _check_details(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = Feedback(recorded_by=user, is_example=is_example)
        _apply(item, data)
        _auto_flag(item)
        item.save()
        _links(item, data)
        _audit(user, "voice-recorded", item, safeguarding=item.safeguarding)
    if item.safeguarding:
        notify.notify_safeguarding(item)
    return item


def _check_staff_access(user, item: Feedback) -> None:
    if item.safeguarding and not is_safeguarding_lead(user):
        raise PermissionDenied("Only safeguarding leads can open a flagged item")
    if not item.safeguarding and not can_moderate(user):
        raise PermissionDenied("Only plan managers can moderate feedback")


def update_feedback(user, item: Feedback, data: ItemDetails) -> Feedback:
    """Edit an item: the words to publish, who said it, its themes and links."""
    _check_staff_access(user, item)
    errors = _check_details(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        was_public = item.state == Feedback.State.APPROVED
        _apply(item, data)
        if was_public and not item.published_text.strip():
            item.state = Feedback.State.NEW  # nothing left to show: back to moderation
        item.save()
        _links(item, data)
        _audit(user, "voice-edited", item, state=item.state)
    return item


def approve_feedback(user, item: Feedback) -> Feedback:
    """Publish an item: its moderated words (never the original) appear on public pages."""
    if not can_moderate(user):
        raise PermissionDenied("Only plan managers can approve feedback")
    if item.safeguarding:
        raise ValidationError({"state": "An item flagged for safeguarding is never published"})
    if not item.published_text.strip():
        raise ValidationError(
            {"published_text": "Write the words to publish (with identifying details taken out)"}
        )
    with transaction.atomic():
        item.state = Feedback.State.APPROVED
        item.moderated_by, item.moderated_at = user, timezone.now()
        item.save()
        _audit(user, "voice-approved", item, state=item.state)
    return item


def reject_feedback(user, item: Feedback) -> Feedback:
    """Keep an item for staff but never publish it (e.g. abuse, or nothing to say)."""
    _check_staff_access(user, item)
    with transaction.atomic():
        item.state = Feedback.State.REJECTED
        item.moderated_by, item.moderated_at = user, timezone.now()
        item.save()
        _audit(user, "voice-rejected", item, state=item.state)
    return item


def flag_for_safeguarding(user, item: Feedback, reason: str) -> Feedback:
    """Any member of staff who can see an item can flag it as a possible disclosure.

    The item leaves every public page and every other member of staff's view at once, and
    the safeguarding contact is emailed.
    """
    _check_staff_access(user, item)
    if not reason.strip():
        raise ValidationError({"reason": "Say briefly why this may be a disclosure of harm"})
    with transaction.atomic():
        item.safeguarding = True
        item.flagged_automatically = False
        item.safeguarding_reason = reason.strip()
        item.flagged_by, item.flagged_at = user, timezone.now()
        item.state = Feedback.State.NEW
        item.save()
        _audit(user, "voice-flagged", item, safeguarding=True)
    notify.notify_safeguarding(item)
    return item


def clear_safeguarding_flag(user, item: Feedback, reason: str) -> Feedback:
    """A safeguarding lead decides an item is not a disclosure: it returns to moderation."""
    if not is_safeguarding_lead(user):
        raise PermissionDenied("Only safeguarding leads can clear a safeguarding flag")
    if not reason.strip():
        raise ValidationError({"reason": "Say why this item is not a safeguarding concern"})
    with transaction.atomic():
        item.safeguarding = False
        item.safeguarding_reason = f"Cleared by a safeguarding lead: {reason.strip()}"
        item.state = Feedback.State.NEW
        item.save()
        _audit(user, "voice-flag-cleared", item, safeguarding=False)
    return item


def _check_response(item: Feedback, data: ResponseDetails) -> dict[str, str]:
    errors = {}
    if not data.text.strip():
        errors["text"] = "Say what changed, or what will happen"
    if not data.by_whom.strip():
        errors["by_whom"] = "Say which team, service or organisation did it"
    if data.status not in Response.Status.values:
        errors["status"] = "Choose a status"
    if data.status == Response.Status.NOT_POSSIBLE and not data.reason.strip():
        errors["reason"] = "Give the reason it is not possible"
    if data.responded_on and data.responded_on > timezone.localdate():
        errors["responded_on"] = "The date must be today or in the past"
    if item.plan_id is None and data.actions:
        errors["actions"] = "Link the item to a plan before linking actions"
    wrong = [a for a in data.actions if a.plan_id != item.plan_id]
    if wrong and "actions" not in errors:
        errors["actions"] = f"{wrong[0]} is not part of the item's plan"
    return errors


def _apply_response(response: Response, data: ResponseDetails) -> None:
    response.text = data.text.strip()
    response.by_whom = data.by_whom.strip()
    response.responded_on = data.responded_on
    response.status = data.status
    response.reason = data.reason.strip()


def add_response(
    user, item: Feedback, data: ResponseDetails, *, is_example: bool = False
) -> Response:
    """Say what was done; several responses per item are allowed (e.g. agreed, then done)."""
    _check_staff_access(user, item)
    errors = _check_response(item, data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        response = Response(feedback=item, recorded_by=user, is_example=is_example)
        _apply_response(response, data)
        response.save()
        response.actions.set(data.actions)
        _audit(user, "voice-response", item, response=response.pk, status=response.status)
    return response


def update_response(user, response: Response, data: ResponseDetails) -> Response:
    _check_staff_access(user, response.feedback)
    errors = _check_response(response.feedback, data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _apply_response(response, data)
        response.save()
        response.actions.set(data.actions)
        _audit(user, "voice-response-edited", response.feedback, response=response.pk)
    return response


def approve_response(user, response: Response) -> Response:
    """Publish a response, and tell the person who asked to hear back."""
    if not can_moderate(user):
        raise PermissionDenied("Only plan managers can approve responses")
    item = response.feedback
    if item.safeguarding or item.state != Feedback.State.APPROVED:
        raise ValidationError(
            {"state": "Approve the item for publication before publishing a response to it"}
        )
    with transaction.atomic():
        response.state = Response.State.APPROVED
        response.approved_by, response.approved_at = user, timezone.now()
        response.save()
        _audit(user, "voice-response-approved", item, response=response.pk)
    notify.tell_follower(response)
    return response
