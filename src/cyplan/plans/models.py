"""The plan as data: areas, partners, boards, plans and their tree of nodes.

A plan belongs to an area (a local authority). Organisations and boards belong to the
area too, so that two plans of one area share its Children's Executive Board. A plan's
tree is made of nodes (ambition, priority, commitment, action) with a stable ``key``
that the plan file names and that re-imports keep.
"""

from __future__ import annotations

from django.db import models

from cyplan.core.models import TimeStampedModel


class Basis(models.TextChoices):
    """Whether the plan document says a thing, or it is a reading of the document."""

    STATED = "stated", "Stated in the plan"
    INFERRED = "inferred", "A reading of the plan"


class Area(TimeStampedModel):
    """A local area, identified by its ONS code (e.g. E09000006 for Bromley)."""

    code = models.CharField(max_length=9, unique=True)
    old_code = models.CharField(max_length=3, blank=True, help_text="DfE 3-digit LA code")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Succession:
    """What became of an organisation or board, in words a reader understands."""

    def succession_text(self) -> str:
        if not (self.until or self.succeeded_by_key or self.merged_with_keys):
            return ""
        model = type(self)
        names = dict(
            model.objects.filter(
                area_id=self.area_id, key__in=[self.succeeded_by_key, *self.merged_with_keys]
            ).values_list("key", "name")
        )
        parts = []
        if self.merged_with_keys:
            others = " and ".join(names.get(k, k.replace("-", " ")) for k in self.merged_with_keys)
            parts.append(f"Merged with {others}")
        if self.succeeded_by_key:
            successor = names.get(self.succeeded_by_key, self.succeeded_by_key.replace("-", " "))
            parts.append(
                f"its work passed to {successor}" if parts else f"Succeeded by {successor}"
            )
        text = "; ".join(parts) or "Ended"
        if self.until:
            text += f" ({self.until})"
        if self.succession_basis == Basis.INFERRED:
            text += ", a reading of the plan: it does not say so itself"
        return text + "."


class Organisation(Succession, TimeStampedModel):
    """A partner organisation of an area (council, NHS trust, police, schools forum…)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="organisations")
    key = models.SlugField(max_length=100)
    name = models.CharField(max_length=300)
    type = models.CharField(max_length=100, blank=True)
    until = models.CharField(
        max_length=100, blank=True, help_text="when it ended or changed, as written (e.g. 2023)"
    )
    succeeded_by_key = models.SlugField(
        max_length=100, blank=True, help_text="id of the organisation that carried its work on"
    )
    merged_with_keys = models.JSONField(default=list, blank=True)
    succession_basis = models.CharField(max_length=10, choices=Basis.choices, blank=True)
    succession_note = models.TextField(blank=True)

    class Meta:
        ordering = ["area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "key"], name="organisation_key_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Board(Succession, TimeStampedModel):
    """A board, partnership, committee, forum, panel or hub of an area."""

    KINDS = ["board", "partnership", "committee", "forum", "panel", "hub"]

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="boards")
    key = models.SlugField(max_length=100)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=[(k, k) for k in KINDS], default="board")
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        Organisation, through="BoardMember", blank=True, related_name="boards"
    )
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reporting_boards"
    )
    reports_to_basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.STATED)
    until = models.CharField(
        max_length=100, blank=True, help_text="when it ended or changed, as written (e.g. 2023)"
    )
    succeeded_by_key = models.SlugField(
        max_length=100, blank=True, help_text="id of the board that carried its work on"
    )
    merged_with_keys = models.JSONField(default=list, blank=True)
    succession_basis = models.CharField(max_length=10, choices=Basis.choices, blank=True)
    succession_note = models.TextField(blank=True)

    class Meta:
        ordering = ["area", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "key"], name="board_key_unique")]

    def __str__(self) -> str:
        return self.name


class BoardMember(models.Model):
    """An organisation that sits on a board, as the plan says or as a reading of it."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.STATED)

    class Meta:
        db_table = "plans_board_members"
        unique_together = [("board", "organisation")]


class LeadRole(models.Model):
    """A lead role of an area, with the other spellings the plans use for it.

    Plans spell one role several ways ("Director Education", "Director of Education");
    the registry makes them one, for filters, My actions and search.
    """

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="lead_roles")
    key = models.SlugField(max_length=100)
    name = models.CharField(max_length=300)
    aliases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["area", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "key"], name="lead_role_key_unique")]

    def __str__(self) -> str:
        return self.name


class Plan(TimeStampedModel):
    """A plan of an area for a period: a CYPP, a portfolio plan, a strategy's action plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    REPORTING_PERIODS = ["month", "quarter", "half-year", "year"]

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="plans")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    owner_board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_plans"
    )
    owner = models.CharField(max_length=300, blank=True)
    vision = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)
    reporting_period = models.CharField(
        max_length=10, choices=[(p, p) for p in REPORTING_PERIODS], default="quarter"
    )
    organisations = models.ManyToManyField(
        Organisation, through="PlanOrganisation", blank=True, related_name="plans"
    )
    boards = models.ManyToManyField(Board, through="PlanBoard", blank=True, related_name="plans")

    class Meta:
        ordering = ["area", "-period_start", "title"]

    def __str__(self) -> str:
        return self.title


class PlanOrganisation(models.Model):
    """An organisation the plan names, in the plan's order."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "organisation"], name="plan_org_unique")
        ]


class PlanBoard(models.Model):
    """A board the plan names, in the plan's order."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE)
    board = models.ForeignKey(Board, on_delete=models.CASCADE)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "board"], name="plan_board_unique")]


class PlanSection(models.Model):
    """A narrative chapter of a plan that is not part of its tree (foreword, context…)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=100)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="section_key_unique")]


class Promise(models.Model):
    """A promise the partnership made, e.g. one of the User Voice Framework's five."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="promises")
    key = models.SlugField(max_length=100)
    number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500)
    text = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="promise_key_unique")]

    def __str__(self) -> str:
        return self.title


class PlanNode(TimeStampedModel):
    """One element of a plan's tree: an ambition, priority, commitment or action."""

    class Kind(models.TextChoices):
        AMBITION = "ambition", "Ambition"
        PRIORITY = "priority", "Priority"
        COMMITMENT = "commitment", "Commitment"
        ACTION = "action", "Action"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes")
    key = models.SlugField(max_length=100, help_text="stable id from the plan file")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    number = models.CharField(max_length=20, blank=True)
    title = models.TextField()
    text = models.TextField(blank=True)
    sections = models.JSONField(default=list, blank=True)
    measures = models.JSONField(default=list, blank=True)
    measure_details = models.JSONField(
        default=list,
        blank=True,
        help_text="measures with their own target date or leads: "
        "[{index, target_date_text, target_date, leads: [{role, organisation}]}]",
    )
    inferred = models.JSONField(
        default=dict,
        blank=True,
        help_text="values not printed where they stand (a merged cell, a lead from the row "
        "above): {field: why}",
    )
    target_date = models.DateField(null=True, blank=True)
    target_date_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(help_text="document order within the plan")
    promises = models.ManyToManyField(Promise, blank=True, related_name="nodes")

    class Meta:
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="node_key_unique")]
        indexes = [models.Index(fields=["plan", "kind"])]

    def __str__(self) -> str:
        label = f"{self.get_kind_display()} {self.number}".strip()
        return f"{label}: {self.title}"

    @property
    def measure_rows(self) -> list[dict]:
        """Each measure with its own target date and leads where the plan gives them."""
        details = {d["index"]: d for d in self.measure_details or []}
        return [
            {"text": text, **details.get(index, {})} for index, text in enumerate(self.measures)
        ]


class Lead(models.Model):
    """Who leads a node: a role, and the organisation the role sits in."""

    node = models.ForeignKey(PlanNode, on_delete=models.CASCADE, related_name="leads")
    role = models.CharField(max_length=300, help_text="the role as the plan writes it")
    role_name = models.CharField(
        max_length=300, blank=True, help_text="the role's name in the area's role registry"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["node", "position"]

    @property
    def registered_role(self) -> str:
        return self.role_name or self.role

    def __str__(self) -> str:
        return self.role


class BoardMonitoring(models.Model):
    """A board monitors a whole plan (``node`` empty) or one node of it."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="monitoring")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="monitoring")
    node = models.ForeignKey(
        PlanNode, null=True, blank=True, on_delete=models.CASCADE, related_name="monitoring"
    )
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.STATED)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["board", "plan"],
                condition=models.Q(node__isnull=True),
                name="monitoring_plan_unique",
            ),
            models.UniqueConstraint(
                fields=["board", "plan", "node"],
                condition=models.Q(node__isnull=False),
                name="monitoring_node_unique",
            ),
        ]


class Strategy(models.Model):
    """A partner strategy that delivers or supports the plan, and the nodes it aligns to."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="strategies")
    key = models.SlugField(max_length=100)
    title = models.CharField(max_length=300)
    period = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="strategies"
    )
    aligned_to = models.ManyToManyField(PlanNode, blank=True, related_name="strategies")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "position"]
        verbose_name_plural = "strategies"
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="strategy_key_unique")]

    def __str__(self) -> str:
        return self.title


class KeyFigure(models.Model):
    """A figure the plan quotes, with the benchmarks it gives beside it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="key_figures")
    key = models.SlugField(max_length=100)
    label = models.CharField(max_length=500)
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    value_text = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=50, blank=True)
    sub_unit = models.CharField(
        max_length=50, blank=True, help_text="e.g. km², square miles, hectares for an area"
    )
    comparison_text = models.TextField(
        blank=True, help_text="a comparison the plan states only in words"
    )
    baseline = models.JSONField(
        null=True, blank=True, help_text="the plan's own earlier figure: {value, value_text, date}"
    )
    date_text = models.CharField(max_length=100, blank=True)
    benchmarks = models.JSONField(default=list, blank=True)
    section = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=500, blank=True)
    indicator_code = models.CharField(max_length=100, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="key_figure_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.value_text} {self.label}"


class PlanLink(models.Model):
    """A link from this plan (or one of its nodes) to another plan or a node of it.

    The target is kept as text (plan slug and node key) so that a link can be imported
    before the plan it points to, and resolved when that plan arrives.
    """

    class Basis(models.TextChoices):
        STATED = "stated", "Stated in the document"
        INFERRED = "inferred", "Inferred from the document"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="links")
    from_node = models.ForeignKey(
        PlanNode, null=True, blank=True, on_delete=models.CASCADE, related_name="links_out"
    )
    to_plan_slug = models.SlugField(max_length=100)
    to_node_key = models.SlugField(max_length=100, blank=True)
    relation = models.CharField(max_length=20, default="supports")
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.STATED)
    note = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "position"]

    @property
    def target(self) -> str:
        return f"{self.to_plan_slug}#{self.to_node_key}" if self.to_node_key else self.to_plan_slug
