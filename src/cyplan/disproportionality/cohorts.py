"""Adding or changing a cohort: its title and phrase, what it is compared with (a population
by group, or another cohort), its source and the plan nodes it concerns. Used by the site's
form and by ``cyplan disproportionality add-cohort``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from cyplan.core.audit import record
from cyplan.disproportionality.models import Cohort, CohortNode, Denominator
from cyplan.plans.models import PlanNode

CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class CohortInput:
    code: str
    title: str
    phrase: str
    denominator: str = ""  # a denominator's code
    base_cohort: str = ""  # or another cohort's code
    source: str = ""
    nodes: list[tuple[str, str]] = field(default_factory=list)  # (plan slug, node key)


def save_cohort(actor, data: CohortInput) -> tuple[Cohort, bool]:
    """Create or update the cohort; every problem is reported by field and nothing is written."""
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if not CODE.match(data.code or ""):
        add(
            "code",
            "Enter a short code of lower-case letters, digits and hyphens, like children-in-care",
        )
    if not data.title.strip():
        add("title", "Enter the cohort's title, like Children in care at 31 March")
    if not data.phrase.strip():
        add("phrase", 'Enter the phrase that ends the summary sentence, like "to be in care"')
    if bool(data.denominator) == bool(data.base_cohort):
        add(
            "denominator",
            "Choose exactly one thing to compare the cohort with: a population by group, or another cohort",
        )
    denominator = (
        Denominator.objects.filter(code=data.denominator).first() if data.denominator else None
    )
    base = Cohort.objects.filter(code=data.base_cohort).first() if data.base_cohort else None
    if data.denominator and denominator is None:
        add("denominator", f"There is no denominator {data.denominator!r}")
    if data.base_cohort and base is None:
        add("base_cohort", f"There is no cohort {data.base_cohort!r}")
    if base is not None and base.code == data.code:
        add("base_cohort", "A cohort cannot be compared with itself")
    for plan_slug, key in data.nodes:
        if not PlanNode.objects.filter(plan__slug=plan_slug, key=key).exists():
            add("nodes", f"There is no node {key!r} in the plan {plan_slug!r}")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        cohort, created = Cohort.objects.update_or_create(
            code=data.code,
            defaults={"title": data.title.strip(), "phrase": data.phrase.strip(),
                      "denominator": denominator, "base_cohort": base, "source": data.source.strip()},
        )  # fmt: skip
        for plan_slug, key in data.nodes:
            CohortNode.objects.get_or_create(cohort=cohort, plan_slug=plan_slug, node_key=key)
        record(actor, "added cohort" if created else "changed cohort", cohort,
               after={"title": cohort.title, "nodes": [f"{p}:{k}" for p, k in data.nodes]})  # fmt: skip
    return cohort, created
