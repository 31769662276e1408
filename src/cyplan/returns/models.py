"""A statutory return uploaded in the site: checked, then loaded, by the task worker."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

KINDS = [
    ("ssda903", "SSDA903: children looked after"),
    ("cin", "CIN census: children in need"),
    ("annex-a", "Ofsted Annex A"),
]


class ReturnUpload(models.Model):
    """One upload of a return, from its check to its load.

    The files wait in a private folder of the data directory (never under MEDIA_ROOT) until
    they are loaded or discarded; only the validation report, which never shows identifiers,
    dates of birth or postcodes, stays on the row.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Being checked"
        CHECKED = "checked", "Checked"
        LOAD_QUEUED = "load_queued", "Waiting to be loaded"
        LOADING = "loading", "Being loaded"
        LOADED = "loaded", "Loaded"
        DISCARDED = "discarded", "Discarded"
        FAILED = "failed", "Could not be done"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=KINDS)
    la = models.CharField("local authority code", max_length=9)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    files = models.JSONField(default=list, help_text="the names of the uploaded files")
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="percent")
    step = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    ok = models.BooleanField(default=False, help_text="every row can be loaded")
    ok_without_invalid = models.BooleanField(
        default=False, help_text="the valid rows can be loaded, leaving out the rows with problems"
    )
    skip_invalid = models.BooleanField(default=False)
    problems = models.JSONField(default=list)
    skipped = models.JSONField(default=list)
    loaded = models.JSONField(default=dict, help_text="rows loaded per table")
    figures = models.JSONField(default=list, help_text="the indicators recomputed")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    @property
    def busy(self) -> bool:
        return self.state in (
            self.State.QUEUED,
            self.State.CHECKING,
            self.State.LOAD_QUEUED,
            self.State.LOADING,
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.la} ({self.get_state_display()})"
