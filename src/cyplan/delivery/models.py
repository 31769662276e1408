"""Progress updates for a plan's actions, their evidence, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cyplan.core.models import TimeStampedModel
from cyplan.plans.models import PlanNode


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"
    DROPPED = "dropped", "Dropped"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    NONE = "", "No rating"


#: The RAG rating a status implies when the lead gives none.
STATUS_RAG = {
    Status.ON_TRACK: Rag.GREEN,
    Status.COMPLETE: Rag.GREEN,
    Status.AT_RISK: Rag.AMBER,
    Status.OFF_TRACK: Rag.RED,
    Status.NOT_STARTED: Rag.NONE,
    Status.DROPPED: Rag.NONE,
}


class ProgressUpdate(TimeStampedModel):
    """One update on one node (an action, or a commitment without actions) for one period.

    Workflow: draft -> submitted -> approved, or submitted -> returned -> submitted again.
    Only approved updates are public. ``version`` goes up on every save, so that two
    people editing at once cannot overwrite each other (the second save is refused).
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for approval"
        RETURNED = "returned", "Returned with a question"
        APPROVED = "approved", "Approved"

    node = models.ForeignKey(PlanNode, on_delete=models.PROTECT, related_name="updates")
    period = models.CharField(max_length=20, help_text="reporting period key, e.g. 2024-25-Q3")
    status = models.CharField(max_length=12, choices=Status.choices)
    rag = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    narrative = models.TextField()
    evidence_links = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="updates"
    )
    on_behalf_of = models.CharField(
        max_length=300, blank=True, help_text="the lead a plan manager entered this for"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    is_example = models.BooleanField(default=False, help_text="demo data, labelled on every page")

    class Meta:
        ordering = ["node", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["node", "period"], name="one_update_per_node_period")
        ]
        indexes = [models.Index(fields=["state", "node"]), models.Index(fields=["node", "period"])]

    def __str__(self) -> str:
        # Names, not internals: the action as people know it, the period as they say it.
        from cyplan.delivery.periods import label_for_key

        node = f"{self.node.get_kind_display()} {self.node.number}".strip()
        return f"{node}: {self.node.title[:120]} ({self.node.plan.title}), {label_for_key(self.period)}: {self.get_status_display()}"

    @property
    def period_label(self) -> str:
        from cyplan.delivery.periods import label_for_key

        return label_for_key(self.period)

    @property
    def rag_shown(self) -> str:
        return self.rag or STATUS_RAG.get(self.status, "")

    @property
    def is_public(self) -> bool:
        return self.state == self.State.APPROVED


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    return f"evidence/{instance.update.node.plan.slug}/{instance.update_id}/{filename}"


class EvidenceFile(models.Model):
    """A file attached to an update as evidence (type and size checked on upload)."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Evidence file {self.original_name}"
