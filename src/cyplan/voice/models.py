"""What children, young people and families said, and what was done about it.

A ``Feedback`` item ("you said") keeps the person's own words (``original_text``, for staff
only) apart from the moderated words the public may read (``published_text``). A
``Response`` ("we did") says what changed, by whom and when. Nothing is public until staff
approve it, and an item flagged as a possible disclosure of harm is never public at all:
see ``cyplan.voice.publication`` for the one place those rules live.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cyplan.core.models import TimeStampedModel
from cyplan.plans.models import Plan, PlanNode, Promise


class Theme(models.Model):
    """What an item is about, e.g. 'Things to do and places to go'."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    FORUM = "forum", "A forum or group"
    SURVEY = "survey", "A survey"
    PUBLIC_FORM = "public_form", "The 'Have your say' form"
    PRACTITIONER = "practitioner", "A practitioner"
    EVENT = "event", "An event"
    OTHER = "other", "Other"


class AgeBand(models.TextChoices):
    UNKNOWN = "", "Not known"
    UNDER_11 = "under_11", "Under 11"
    AGE_11_15 = "11_15", "11 to 15"
    AGE_16_18 = "16_18", "16 to 18"
    AGE_19_25 = "19_25", "19 to 25"
    ADULT = "adult", "Adult (parent or carer)"
    MIXED = "mixed", "Mixed ages (a group)"


class Feedback(TimeStampedModel):
    """One "you said" item: what was said, when, through which channel, by which group."""

    class State(models.TextChoices):
        NEW = "new", "Waiting for moderation"
        APPROVED = "approved", "Approved for publication"
        REJECTED = "rejected", "Not for publication"

    class Triage(models.TextChoices):
        """Who may read it: every public submission waits for a safeguarding lead first."""

        NOT_NEEDED = "", "Not needed (recorded by staff)"
        WAITING = "waiting", "Waiting for triage"
        PASSED = "passed", "Passed to moderation"
        KEPT = "kept", "Kept as a safeguarding matter"

    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    original_text = models.TextField(help_text="what was said, in the person's words; staff only")
    published_text = models.TextField(
        blank=True, help_text="the moderated words the public may read: no identifying details"
    )
    said_on = models.DateField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    channel_detail = models.CharField(
        max_length=200, blank=True, help_text="e.g. 'Living in Care Council', 'SEND parent event'"
    )
    # Who said it, as a group: never a name on anything public.
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    care_experienced = models.BooleanField(default=False)
    send = models.BooleanField(default=False, help_text="special educational needs or disability")
    parent_carer = models.BooleanField(default=False)
    themes = models.ManyToManyField(Theme, blank=True, related_name="feedback")
    nodes = models.ManyToManyField(PlanNode, blank=True, related_name="feedback")
    promises = models.ManyToManyField(Promise, blank=True, related_name="feedback")

    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    # Safeguarding: a possible disclosure of harm. Hidden from all but safeguarding leads.
    safeguarding = models.BooleanField(default=False, db_index=True)
    safeguarding_reason = models.TextField(blank=True)
    flagged_automatically = models.BooleanField(default=False)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged_at = models.DateTimeField(null=True, blank=True)
    safeguarding_notified_at = models.DateTimeField(null=True, blank=True)

    # Triage: before any moderator reads a child's words, a safeguarding lead does.
    triage = models.CharField(
        max_length=10, choices=Triage.choices, default=Triage.NOT_NEEDED, blank=True
    )
    urgent = models.BooleanField(
        default=False, help_text="the harm check matched: the leads were alerted at once"
    )
    held_as_spam = models.BooleanField(
        default=False, help_text="sent over the rate limit or by a robot: kept and triaged"
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    # A safeguarding matter: acknowledged, actions recorded, closed (see SafeguardingEvent).
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Every state change adds one: a stale form (or a copy loaded before a flag) cannot save.
    version = models.PositiveIntegerField(default=1)

    # Contact details, optional, from the public form: staff only, never public.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    follow = models.BooleanField(default=False, help_text="email them when a response is published")
    easy_read = models.BooleanField(default=False, help_text="sent with the easy-read form")

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_example = models.BooleanField(default=False, help_text="demo data, labelled on every page")

    class Meta:
        ordering = ["-said_on", "-id"]
        verbose_name_plural = "feedback"
        indexes = [models.Index(fields=["state", "safeguarding", "said_on"])]

    def __str__(self) -> str:
        return f"You said ({self.said_on:%B %Y}), #{self.pk}"

    @property
    def group_label(self) -> str:
        """Who said it, as a group: e.g. '11 to 15, care experienced'."""
        parts = [self.get_age_band_display()] if self.age_band else []
        if self.care_experienced:
            parts.append("care experienced")
        if self.send:
            parts.append("SEND")
        if self.parent_carer:
            parts.append("parent or carer")
        return ", ".join(parts) or "Not known"

    @property
    def channel_label(self) -> str:
        label = self.get_channel_display()
        return f"{label}: {self.channel_detail}" if self.channel_detail else label


class Response(TimeStampedModel):
    """One "we did" response to an item: what changed, by whom, when, and its status."""

    class Status(models.TextChoices):
        CONSIDERING = "considering", "Considering"
        AGREED = "agreed", "Agreed"
        DONE = "done", "Done"
        NOT_POSSIBLE = "not_possible", "Not possible"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved for publication"

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="responses")
    text = models.TextField(help_text="what changed, in plain words")
    by_whom = models.CharField(max_length=300, help_text="the team, service or organisation")
    responded_on = models.DateField()
    status = models.CharField(max_length=15, choices=Status.choices)
    reason = models.TextField(blank=True, help_text="why not, when it was not possible")
    actions = models.ManyToManyField(PlanNode, blank=True, related_name="voice_responses")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    followers_told_at = models.DateTimeField(null=True, blank=True)
    # Raised by every change: a form opened before someone else's save cannot overwrite it.
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_example = models.BooleanField(default=False)

    class Meta:
        ordering = ["feedback", "responded_on", "id"]

    def __str__(self) -> str:
        return f"We did ({self.get_status_display()}) for #{self.feedback_id}"


class SafeguardingEvent(models.Model):
    """The safeguarding trail of one item: who did what, when, and why. Leads only."""

    class Action(models.TextChoices):
        ALERTED = "alerted", "Safeguarding leads alerted"
        ESCALATED = "escalated", "Not acknowledged in time: sent again and escalated"
        KEPT = "kept", "Kept as a safeguarding matter"
        PASSED = "passed", "Passed to moderation"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        SOCIAL_CARE = "social_care", "Referred to children's social care"
        POLICE = "police", "Referred to the police"
        SCHOOL = "school", "Referred to the school"
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        CLOSED = "closed", "Closed"

    #: The actions a lead records (each with a reason).
    OUTCOMES = (Action.SOCIAL_CARE, Action.POLICE, Action.SCHOOL, Action.NO_FURTHER_ACTION)

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="trail")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (#{self.feedback_id})"
