"""Cohorts, their denominators, and counts of children by group for each area and year.

A cohort is a group of children (in care, on a child protection plan, first-time entrants to
the youth justice system, permanently excluded, ...). Its denominator is the population of the
same ages and date (e.g. the ONS population aged 0 to 17 by ethnic group) or another cohort
(children in need as the base for child protection). The maths is in
``cyplan.analytics.disproportionality``; these tables hold the counts it needs.
"""

from __future__ import annotations

from django.db import models


class Denominator(models.Model):
    """A population by group: what a cohort's rates are per 10,000 of."""

    code = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300, help_text="named on every output")
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    is_synthetic = models.BooleanField(default=False, help_text="made-up demo data")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Cohort(models.Model):
    """A group of children whose make-up by group is compared with a denominator."""

    class Kind(models.TextChoices):
        CHILD_LEVEL = "child-level", "From child-level returns (an indicator's breakdown)"
        AGGREGATE = "aggregate", "Entered or imported as counts by group"

    code = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    phrase = models.CharField(
        max_length=200,
        help_text='ends the sentence "Black children are 2.3 times as likely as White British '
        'children ...", e.g. "to be in care"',
    )
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AGGREGATE)
    indicator_code = models.CharField(
        max_length=100, blank=True, help_text="the indicator whose breakdown gives the counts"
    )
    denominator = models.ForeignKey(
        Denominator, null=True, blank=True, on_delete=models.PROTECT, related_name="cohorts"
    )
    base_cohort = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="based_on",
        help_text="another cohort used as the denominator, e.g. children in need",
    )
    is_synthetic = models.BooleanField(default=False, help_text="made-up demo data")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def denominator_title(self) -> str:
        if self.base_cohort_id:
            return f"{self.base_cohort.title} (another cohort)"
        return self.denominator.title if self.denominator_id else "no denominator set"


class CohortNode(models.Model):
    """A plan node (a priority, commitment or action) that a cohort concerns."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="nodes")
    plan_slug = models.SlugField(max_length=100)
    node_key = models.SlugField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "plan_slug", "node_key"], name="cohort_node_unique"
            )
        ]


class GroupCount(models.Model):
    """Children counted in one group, for an area, a year and a characteristic."""

    area_code = models.CharField(max_length=12)
    area_name = models.CharField(max_length=200, blank=True)
    year = models.CharField(max_length=20)
    characteristic = models.SlugField(max_length=50)
    group = models.CharField(max_length=100)
    count = models.PositiveIntegerField()

    class Meta:
        abstract = True


class CohortCount(GroupCount):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="counts")

    class Meta:
        ordering = ["cohort", "area_code", "year", "characteristic", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "area_code", "year", "characteristic", "group"],
                name="one_cohort_count_per_group",
            )
        ]


class DenominatorCount(GroupCount):
    denominator = models.ForeignKey(Denominator, on_delete=models.CASCADE, related_name="counts")

    class Meta:
        ordering = ["denominator", "area_code", "year", "characteristic", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["denominator", "area_code", "year", "characteristic", "group"],
                name="one_denominator_count_per_group",
            )
        ]
