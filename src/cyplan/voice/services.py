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
from django.db.models import F
from django.utils import timezone

from cyplan.core.audit import record
from cyplan.plans.models import Plan, PlanNode, Promise
from cyplan.voice import conf, notify
from cyplan.voice.harm_words import harm_signals
from cyplan.voice.models import AgeBand, Channel, Feedback, Response, SafeguardingEvent, Theme
from cyplan.voice.permissions import can_moderate, can_see_item, is_safeguarding_lead

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


def _harm_check(item: Feedback) -> None:
    """The harm check sets urgency (the leads are alerted at once); triage decides who reads."""
    found = harm_signals(item.original_text)
    if found:
        item.urgent = True
        item.flagged_automatically = True
        item.safeguarding_reason = ", ".join(f"'{w}'" for w in found)
        item.flagged_at = timezone.now()


STALE = (
    "Someone else changed this item after you opened it, so your change was not saved. "
    "The page now shows the item as it is: check it and make your change again."
)


def _locked(item: Feedback, version: int | None = None) -> Feedback:
    """The item's row, locked until the transaction ends, checked against the form's version.

    Every state change goes through here (inside ``transaction.atomic``), so two staff acting
    at once take turns, each seeing the other's change: a flag always wins.
    """
    locked = Feedback.objects.select_for_update().get(pk=item.pk)
    if version is not None and locked.version != version:
        raise ValidationError({"version": STALE})
    return locked


def _save(item: Feedback, locked: Feedback) -> None:
    locked.version += 1
    locked.save()
    item.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})


def _trail(item: Feedback, actor, action: str, note: str = "") -> None:
    SafeguardingEvent.objects.create(feedback=item, actor=actor, action=action, note=note)


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


def submit_public_feedback(
    data: PublicFeedback, today: date | None = None, *, held_as_spam: bool = False
) -> Feedback:
    """Store an item from the public form for triage (never published automatically).

    Only safeguarding leads read it until one of them passes it to moderation. Its words are
    checked for harm at once: a match makes it urgent and the leads and the safeguarding
    contact are emailed (through the outbox) in the same transaction. An item sent over
    the rate limit is kept all the same, marked ``held_as_spam``.
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
            triage=Feedback.Triage.WAITING,
            held_as_spam=held_as_spam,
        )
        _harm_check(item)
        item.save()
        _audit(None, "voice-received", item, urgent=item.urgent)
        if item.urgent and notify.notify_safeguarding(item):
            _trail(item, None, SafeguardingEvent.Action.ALERTED, "Urgent: the harm check matched")
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
        _harm_check(item)
        if item.urgent:  # words that may be a disclosure go to triage first
            item.triage = Feedback.Triage.WAITING
        item.save()
        _links(item, data)
        _audit(user, "voice-recorded", item, urgent=item.urgent)
        if item.urgent and notify.notify_safeguarding(item):
            _trail(item, None, SafeguardingEvent.Action.ALERTED, "Urgent: the harm check matched")
    return item


def _check_staff_access(user, item: Feedback) -> None:
    if not can_see_item(user, item):
        if item.safeguarding or item.triage == Feedback.Triage.WAITING:
            raise PermissionDenied("Only safeguarding leads can open this item")
        raise PermissionDenied("Only plan managers can moderate feedback")


def _check_moderation(item: Feedback) -> None:
    if item.triage == Feedback.Triage.WAITING:
        raise ValidationError({"state": "A safeguarding lead must triage this item first"})


def update_feedback(user, item: Feedback, data: ItemDetails, *, version: int | None = None):
    """Edit an item: the words to publish, who said it, its themes and links.

    ``version`` is the one the form was opened at: a save from a form older than the item
    (someone else saved, flagged or published since) is refused with a clear message.
    """
    _check_staff_access(user, item)
    errors = _check_details(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(item, version)
        _check_staff_access(user, locked)
        was_public = locked.state == Feedback.State.APPROVED
        _apply(locked, data)
        if was_public and not locked.published_text.strip():
            locked.state = Feedback.State.NEW  # nothing left to show: back to moderation
        _save(item, locked)
        _links(item, data)
        _audit(user, "voice-edited", item, state=item.state)
    return item


def approve_feedback(user, item: Feedback, *, version: int | None = None) -> Feedback:
    """Publish an item: its moderated words (never the original) appear on public pages."""
    if not can_moderate(user):
        raise PermissionDenied("Only plan managers can approve feedback")
    with transaction.atomic():
        locked = _locked(item, version)
        if locked.safeguarding:
            raise ValidationError({"state": "An item flagged for safeguarding is never published"})
        _check_staff_access(user, locked)  # not before a safeguarding lead has triaged it
        _check_moderation(locked)
        if not locked.published_text.strip():
            raise ValidationError(
                {
                    "published_text": "Write the words to publish (with identifying details taken out)"
                }
            )
        locked.state = Feedback.State.APPROVED
        locked.moderated_by, locked.moderated_at = user, timezone.now()
        _save(item, locked)
        _audit(user, "voice-approved", item, state=item.state)
    return item


def reject_feedback(user, item: Feedback, *, version: int | None = None) -> Feedback:
    """Keep an item for staff but never publish it (e.g. abuse, or nothing to say)."""
    _check_staff_access(user, item)
    with transaction.atomic():
        locked = _locked(item, version)
        _check_staff_access(user, locked)
        locked.state = Feedback.State.REJECTED
        locked.moderated_by, locked.moderated_at = user, timezone.now()
        _save(item, locked)
        _audit(user, "voice-rejected", item, state=item.state)
    return item


def flag_for_safeguarding(user, item: Feedback, reason: str) -> Feedback:
    """Any member of staff who can see an item can flag it as a possible disclosure.

    The item leaves every public page and every other member of staff's view at once, and
    the safeguarding contact is emailed. A flag never needs a version: it always wins.
    """
    _check_staff_access(user, item)
    if not reason.strip():
        raise ValidationError({"reason": "Say briefly why this may be a disclosure of harm"})
    with transaction.atomic():
        locked = _locked(item)
        locked.safeguarding = True
        locked.flagged_automatically = False
        locked.safeguarding_reason = reason.strip()
        locked.flagged_by, locked.flagged_at = user, timezone.now()
        locked.state = Feedback.State.NEW
        locked.triage = Feedback.Triage.KEPT
        locked.acknowledged_at = locked.acknowledged_by = locked.closed_at = None
        locked.escalated_at = None
        _save(item, locked)
        _audit(user, "voice-flagged", item, safeguarding=True)
        if notify.notify_safeguarding(item):
            _trail(item, user, SafeguardingEvent.Action.ALERTED, "Flagged by a member of staff")
    return item


def clear_safeguarding_flag(user, item: Feedback, reason: str) -> Feedback:
    """A safeguarding lead decides an item is not a disclosure: it returns to moderation."""
    if not is_safeguarding_lead(user):
        raise PermissionDenied("Only safeguarding leads can clear a safeguarding flag")
    if not reason.strip():
        raise ValidationError({"reason": "Say why this item is not a safeguarding concern"})
    with transaction.atomic():
        locked = _locked(item)
        locked.safeguarding = False
        locked.safeguarding_reason = f"Cleared by a safeguarding lead: {reason.strip()}"
        locked.state = Feedback.State.NEW
        locked.triage = Feedback.Triage.PASSED
        _save(item, locked)
        _trail(item, user, SafeguardingEvent.Action.PASSED, reason.strip())
        _audit(user, "voice-flag-cleared", item, safeguarding=False)
    return item


# Triage and the safeguarding trail (safeguarding leads only) -------------------------------


def _lead(user) -> None:
    if not is_safeguarding_lead(user):
        raise PermissionDenied("Only safeguarding leads triage and record safeguarding actions")


def pass_to_moderation(user, item: Feedback, *, version: int | None = None) -> Feedback:
    """Triage: nothing of concern; plan managers may now read and moderate it."""
    _lead(user)
    with transaction.atomic():
        locked = _locked(item, version)
        if locked.triage != Feedback.Triage.WAITING or locked.safeguarding:
            raise ValidationError({"state": "This item is not waiting for triage"})
        locked.triage = Feedback.Triage.PASSED
        locked.triaged_by, locked.triaged_at = user, timezone.now()
        if locked.acknowledged_at is None:
            locked.acknowledged_by, locked.acknowledged_at = user, locked.triaged_at
        _save(item, locked)
        _trail(item, user, SafeguardingEvent.Action.PASSED)
        _audit(user, "voice-triaged", item, triage=item.triage)
    return item


def keep_as_safeguarding(user, item: Feedback, reason: str, *, version: int | None = None):
    """Triage: a safeguarding matter. Hidden from everyone but the leads, never published."""
    _lead(user)
    if not reason.strip():
        raise ValidationError({"reason": "Say briefly why this is a safeguarding matter"})
    with transaction.atomic():
        locked = _locked(item, version)
        if locked.triage != Feedback.Triage.WAITING:
            raise ValidationError({"state": "This item is not waiting for triage"})
        now = timezone.now()
        locked.triage = Feedback.Triage.KEPT
        locked.triaged_by, locked.triaged_at = user, now
        locked.safeguarding = True
        locked.flagged_by, locked.flagged_at = user, locked.flagged_at or now
        if locked.acknowledged_at is None:
            locked.acknowledged_by, locked.acknowledged_at = user, now
        _save(item, locked)
        _trail(item, user, SafeguardingEvent.Action.KEPT, reason.strip())
        _audit(user, "voice-triaged", item, triage=item.triage)
    return item


def acknowledge(user, item: Feedback) -> Feedback:
    """A lead has seen the alert and is dealing with it: it is not sent again."""
    _lead(user)
    with transaction.atomic():
        locked = _locked(item)
        if locked.acknowledged_at is not None:
            raise ValidationError({"state": "This item has already been acknowledged"})
        locked.acknowledged_by, locked.acknowledged_at = user, timezone.now()
        _save(item, locked)
        _trail(item, user, SafeguardingEvent.Action.ACKNOWLEDGED)
    return item


def record_action(user, item: Feedback, action: str, reason: str) -> SafeguardingEvent:
    """Record what was done: a referral (social care, police, school) or no further action."""
    _lead(user)
    errors = {}
    if action not in SafeguardingEvent.OUTCOMES:
        errors["action"] = "Choose what was done"
    if not reason.strip():
        errors["note"] = "Give the reason (what was done, and why)"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(item)
        if not (locked.safeguarding or locked.triage == Feedback.Triage.WAITING):
            raise ValidationError({"state": "This item is not a safeguarding matter"})
        if locked.closed_at is not None:
            raise ValidationError({"state": "This matter is closed"})
        if locked.acknowledged_at is None:
            locked.acknowledged_by, locked.acknowledged_at = user, timezone.now()
            _save(item, locked)
            _trail(item, user, SafeguardingEvent.Action.ACKNOWLEDGED)
        return SafeguardingEvent.objects.create(
            feedback=item, actor=user, action=action, note=reason.strip()
        )


def close_matter(user, item: Feedback, note: str = "") -> Feedback:
    """Close a safeguarding matter once an action is recorded. It stays hidden for good."""
    _lead(user)
    with transaction.atomic():
        locked = _locked(item)
        if not locked.safeguarding:
            raise ValidationError({"state": "Keep the item as a safeguarding matter first"})
        if locked.closed_at is not None:
            raise ValidationError({"state": "This matter is already closed"})
        if not locked.trail.filter(action__in=SafeguardingEvent.OUTCOMES).exists():
            raise ValidationError({"action": "Record what was done before closing"})
        locked.closed_at = timezone.now()
        _save(item, locked)
        _trail(item, user, SafeguardingEvent.Action.CLOSED, note.strip())
    return item


def escalate_unacknowledged(now=None) -> list[int]:
    """Send again, to the leads and the safeguarding contact, every alert not acknowledged
    within ``CYPLAN_SAFEGUARDING_ACK_MINUTES``; each is escalated once. Returns the items."""
    now = now or timezone.now()
    cutoff = now - conf.acknowledge_within()
    done = []
    for pk in Feedback.objects.filter(
        safeguarding_notified_at__lte=cutoff,
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
    ).values_list("pk", flat=True):
        with transaction.atomic():
            locked = Feedback.objects.select_for_update().get(pk=pk)
            if locked.acknowledged_at is not None or locked.escalated_at is not None:
                continue
            notify.notify_safeguarding(locked, reminder=True)
            Feedback.objects.filter(pk=pk).update(escalated_at=now, version=F("version") + 1)
            _trail(locked, None, SafeguardingEvent.Action.ESCALATED)
        done.append(pk)
    return done


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


def _locked_response(response: Response, version: int | None) -> Response:
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if version is not None and locked.version != version:
        raise ValidationError({"version": STALE.replace("this item", "this response")})
    return locked


def _save_response(response: Response, locked: Response) -> None:
    locked.version += 1
    locked.save()
    response.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})


def update_response(
    user, response: Response, data: ResponseDetails, *, version: int | None = None
) -> Response:
    """Edit a response; ``version`` is the one the form was opened at (a stale save is refused)."""
    _check_staff_access(user, response.feedback)
    errors = _check_response(response.feedback, data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = _locked(response.feedback)  # a flag at the same moment waits, or wins
        _check_staff_access(user, item)
        locked = _locked_response(response, version)
        _apply_response(locked, data)
        _save_response(response, locked)
        response.actions.set(data.actions)
        _audit(user, "voice-response-edited", item, response=response.pk)
    return response


def approve_response(user, response: Response, *, version: int | None = None) -> Response:
    """Publish a response, and tell the person who asked to hear back (in the same
    transaction, through the outbox)."""
    if not can_moderate(user):
        raise PermissionDenied("Only plan managers can approve responses")
    with transaction.atomic():
        item = _locked(response.feedback)  # a flag at the same moment waits, or wins
        if item.safeguarding or item.state != Feedback.State.APPROVED:
            raise ValidationError(
                {"state": "Approve the item for publication before publishing a response to it"}
            )
        locked = _locked_response(response, version)
        locked.state = Response.State.APPROVED
        locked.approved_by, locked.approved_at = user, timezone.now()
        _save_response(response, locked)
        _audit(user, "voice-response-approved", item, response=response.pk)
        notify.tell_follower(response)
    return response
