"""Who someone is in the partnership: their role, organisation, lead roles and boards."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cyplan.plans.models import Board, Organisation


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    PLAN_MANAGER = "plan_manager", "Plan manager"
    ACTION_LEAD = "action_lead", "Action lead"
    BOARD_MEMBER = "board_member", "Board member"
    DATA_OFFICER = "data_officer", "Data officer"


class Profile(models.Model):
    """A signed-in person's place in the partnership.

    An action lead leads every node whose lead role is one of ``lead_roles`` (compared
    without regard to case or surrounding spaces) and, when both say, whose lead
    organisation is the person's organisation. A board member reads what their boards
    monitor, drafts and unapproved updates included.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ACTION_LEAD)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    lead_roles = models.JSONField(
        default=list,
        blank=True,
        help_text="lead roles as the plans write them, e.g. 'Director Education'",
    )
    boards = models.ManyToManyField(Board, blank=True, related_name="people")
    is_example = models.BooleanField(default=False, help_text="a demo account")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def normalised_lead_roles(self) -> set[str]:
        return {normalise_role(role) for role in self.lead_roles}


def normalise_role(role: str) -> str:
    return " ".join(role.split()).casefold()
