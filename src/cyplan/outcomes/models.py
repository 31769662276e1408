"""Indicator values for areas and periods, and named groups of areas.

The indicator catalogue (definitions, units, polarity) lives in the package as YAML
(``cyplan.analytics.catalogue``); the ``Indicator`` table mirrors it so that values can
point at an indicator, and also holds plain indicators created when a user imports an
EES column the catalogue does not know.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Indicator(models.Model):
    code = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    unit = models.CharField(max_length=30, blank=True)
    in_catalogue = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class AreaLevel(models.TextChoices):
    NATIONAL = "national", "Country"
    REGIONAL = "regional", "Region"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    OTHER = "other", "Other"


class IndicatorValue(models.Model):
    """One figure: an indicator for an area, a period and (optionally) a breakdown.

    ``dimensions`` holds the breakdown (EES filters such as ``breakdown``); the headline
    figure has ``is_total`` set. ``symbol`` is the EES symbol when the figure is not a plain
    number: ``c`` suppressed, ``x`` unavailable, ``z`` not applicable, ``low`` rounds to
    zero, ``u`` low reliability.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    # A code may name authorities that publish jointly, e.g. "E09000021 / E09000027".
    area_code = models.CharField(max_length=40, db_index=True)
    area_name = models.CharField(max_length=200)
    area_level = models.CharField(max_length=20, choices=AreaLevel.choices)
    old_la_code = models.CharField(max_length=3, blank=True)
    region_code = models.CharField(max_length=40, blank=True)
    period = models.CharField(max_length=100)
    time_identifier = models.CharField(max_length=60, blank=True)
    dimensions = models.JSONField(default=dict, blank=True)
    dimensions_key = models.CharField(max_length=500, blank=True)
    is_total = models.BooleanField(default=True)
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    symbol = models.CharField(max_length=4, blank=True)
    source = models.CharField(max_length=300)
    loaded_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "area_code", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area_code", "period", "dimensions_key"],
                name="one_value_per_key",
            )
        ]
        indexes = [models.Index(fields=["indicator", "period", "is_total"])]

    def __str__(self) -> str:
        shown = self.symbol or self.value
        return f"{self.indicator.title}, {self.area_name or self.area_code}, {self.period}: {shown}"


class AreaGroup(models.Model):
    """A named group of areas, e.g. a local authority's ten statistical neighbours (ranked)."""

    class Kind(models.TextChoices):
        STATISTICAL_NEIGHBOURS = "statistical-neighbours", "Statistical neighbours"
        OTHER = "other", "Other group"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    anchor_code = models.CharField(max_length=40, help_text="the area the group is for")
    name = models.CharField(max_length=200)
    members = models.JSONField(
        default=list, help_text="area codes, ranked where the source ranks them"
    )
    source = models.CharField(max_length=300, blank=True)
    model = models.CharField(
        max_length=20, blank=True, help_text="the statistical neighbour model, e.g. 2025 or 2021"
    )
    closeness = models.JSONField(
        default=list, blank=True, help_text="the model's closeness of each member, in order"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "anchor_code", "model"], name="one_group_per_anchor_and_model"
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorTarget(models.Model):
    """A target the partnership set for an indicator in an area: for one period, or for any
    period when ``period`` is blank. The comparison rates the figure red, amber or green
    against it (``cyplan.analytics.stats.rag_against_target``)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    area_code = models.CharField(max_length=40)
    period = models.CharField(max_length=100, blank=True, help_text="blank: every period")
    value = models.FloatField()
    note = models.TextField(
        blank=True, help_text="who set it and why, e.g. the plan's measure of success"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area_code", "period"], name="one_target_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Target for {self.indicator.title}, {self.area_code}, {self.period or 'any period'}: {self.value:g}"
