"""Deleting a plan never publishes anything.

An item's plan is set to nothing when the plan is deleted (``on_delete=SET_NULL``), and an
approved item with no plan is public ("no plan"). So the items of a deleted plan (a draft
deleted in the admin, say) would become public. Before the plan goes, its approved items go
back to "waiting for moderation", each with an audit entry: a person decides again whether and how
they are published. Their responses stay, but nothing is public while the item is not.
"""

from __future__ import annotations

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from cyplan.core.audit import record
from cyplan.plans.models import Plan
from cyplan.voice.models import Feedback


@receiver(pre_delete, sender=Plan, dispatch_uid="cyplan.voice.plan_deleted")
def items_back_to_moderation(sender, instance: Plan, using, **kwargs) -> None:
    items = list(Feedback.objects.using(using).filter(plan=instance, state=Feedback.State.APPROVED))
    for item in items:
        before = item.state
        item.state = Feedback.State.NEW
        item.save(using=using, update_fields=["state", "modified_on"])
        record(None, "voice-plan-deleted", item,
               before={"state": before, "plan": instance.slug},
               after={"state": item.state, "plan": None})  # fmt: skip
