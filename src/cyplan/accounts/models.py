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
        """The person's lead roles, each also under its registered name (so that
        "Director of Education" finds the actions the plan leads as "Director Education")."""
        registry = registered_role_names()
        mine = {normalise_role(role) for role in self.lead_roles}
        return mine | {normalise_role(registry[role]) for role in mine if role in registry}


def normalise_role(role: str) -> str:
    return " ".join(role.split()).casefold()


def registered_role_names() -> dict[str, str]:
    """Every spelling in the lead role registries (normalised) with its registered name."""
    from cyplan.plans.models import LeadRole

    names: dict[str, str] = {}
    for name, aliases in LeadRole.objects.values_list("name", "aliases"):
        for spelling in [name, *aliases]:
            names[normalise_role(spelling)] = name
    return names


class ApiToken(models.Model):
    """A person's key for the write API. It acts as that person, with their role: a lead
    may record updates on the actions they lead, a plan manager may also approve and return.

    Only a digest of the key is kept; the key is shown once, when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="what it is for, e.g. 'performance system'")
    prefix = models.CharField(
        max_length=8, help_text="the key's first characters, to tell keys apart"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_on = models.DateTimeField(auto_now_add=True)
    last_used_on = models.DateTimeField(null=True, blank=True)
    revoked_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "-created_on"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        """Make a token for ``user``; return it and its key (shown once, never stored)."""
        import secrets

        key = "cyp_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=key[4:12], digest=cls.digest_of(key)
        )
        return token, key

    @classmethod
    def user_for(cls, key: str):
        """The active user a key belongs to, or None (unknown, revoked or inactive)."""
        from django.utils import timezone

        token = (
            cls.objects.select_related("user")
            .filter(digest=cls.digest_of(key), revoked_on__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_on=timezone.now())
        return token.user
