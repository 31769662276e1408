"""A report asked for in the site and made in the background."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ReportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Could not be made"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, default="board-pack")
    params = models.JSONField(default=dict)
    format = models.CharField(max_length=5)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="percent")
    step = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    @property
    def subject(self) -> str:
        """What the report is about: the board, or the plan, and its period."""
        from cyplan.delivery.periods import label_for_key
        from cyplan.plans.models import Board, Plan

        # Names, not slugs: "Children's Executive Board, Q3 2024/25".
        board, plan = self.params.get("board"), self.params.get("plan")
        if board:
            what = Board.objects.filter(key=board).values_list("name", flat=True).first() or board
        elif plan:
            what = Plan.objects.filter(slug=plan).values_list("title", flat=True).first() or plan
        else:
            what = ""
        period = self.params.get("period")
        if period:
            try:
                period = label_for_key(str(period))
            except (ValueError, IndexError):
                pass
        return f"{what}, {period}" if period else what

    @property
    def is_public(self) -> bool:
        return self.params.get("audience") == "public"

    def __str__(self) -> str:
        kind = "Scrutiny report" if self.kind == "scrutiny" else "Board pack"
        return f"{kind} for {self.subject} ({self.get_state_display()})"
