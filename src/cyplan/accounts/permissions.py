"""Who may see and do what. Every view asks these functions; tests check them as a matrix.

Roles:
- the public (not signed in) reads published plans and approved updates only;
- a board member reads everything, drafts and unapproved updates included, of the plans
  their boards monitor (and every published plan, like the public);
- an action lead records updates for the nodes they lead and reads their own updates;
- a plan manager edits plans, approves or returns updates, updates on behalf of a lead,
  and reads everything, the audit log included;
- a data officer loads the statutory returns (SSDA903, CIN census, Annex A) in the site
  and reads their validation reports;
- an administrator can do everything a plan manager or a data officer can, and use the
  Django admin.
"""

from __future__ import annotations

from cyplan.accounts.models import Profile, Role, normalise_role
from cyplan.plans.models import BoardMonitoring, Plan, PlanNode


def role_of(user) -> str | None:
    """The user's role, or None for the public."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    profile = getattr(user, "profile", None)
    try:
        return profile.role if profile else None
    except Profile.DoesNotExist:  # pragma: no cover - reverse one-to-one without a row
        return None


def is_manager(user) -> bool:
    return role_of(user) in (Role.ADMINISTRATOR, Role.PLAN_MANAGER)


def monitored_plan_ids(user) -> set[int]:
    """Plans that a board member's boards monitor (wholly or in part)."""
    if role_of(user) != Role.BOARD_MEMBER:
        return set()
    boards = user.profile.boards.all()
    return set(BoardMonitoring.objects.filter(board__in=boards).values_list("plan_id", flat=True))


def can_see_unpublished(user, plan: Plan) -> bool:
    """Drafts, and updates not yet approved, of this plan."""
    if is_manager(user):
        return True
    return plan.id in monitored_plan_ids(user)


def can_view_plan(user, plan: Plan) -> bool:
    return plan.status == Plan.Status.PUBLISHED or can_see_unpublished(user, plan)


def leads_node(user, node: PlanNode) -> bool:
    """True when the user is an action lead whose lead roles (and organisation) match the node's."""
    return lead_matcher(user)(node.leads.all())


def lead_matcher(user):
    """A function telling whether a node's leads (objects with ``role`` and
    ``organisation_id``) include this user: their lead role, and their organisation when
    both the lead and the user name one."""
    if role_of(user) != Role.ACTION_LEAD:
        return lambda leads: False
    profile = user.profile
    mine = profile.normalised_lead_roles
    own = profile.organisation_id

    def matches(leads) -> bool:
        return any(
            normalise_role(lead.role) in mine
            and (lead.organisation_id is None or own is None or lead.organisation_id == own)
            for lead in leads
        )

    return matches


def can_record_update(user, node: PlanNode) -> bool:
    """Record (or edit a not-yet-approved) progress update for a node."""
    if node.plan.status == Plan.Status.ARCHIVED:
        return False
    return is_manager(user) or leads_node(user, node)


def can_review_updates(user, plan: Plan) -> bool:
    """Approve or return updates."""
    return is_manager(user)


def can_view_audit(user) -> bool:
    return is_manager(user)


def can_edit_plan(user, plan: Plan) -> bool:
    return is_manager(user)


def can_load_returns(user) -> bool:
    """Upload, check and load statutory returns (child-level data, pseudonymised on entry)."""
    return role_of(user) in (Role.ADMINISTRATOR, Role.DATA_OFFICER)
