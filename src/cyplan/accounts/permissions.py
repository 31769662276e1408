"""Who may see and do what. Every view asks these functions; tests check them as a matrix.

Roles:
- the public (not signed in) reads published plans and approved updates only;
- a board member reads everything, drafts and unapproved updates included, of the plans
  their boards monitor (and every published plan, like the public);
- an action lead records updates for the nodes they lead in plans they may read (not in a
  draft plan) and reads their own updates (not a co-lead's unapproved one);
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
    """Updates not yet approved of this plan (plan managers, and the board members whose boards
    monitor it), and the plan itself while it is a draft (plan managers only: nothing of a
    draft is shown to anyone else, board members included)."""
    if is_manager(user):
        return True
    if plan.status == Plan.Status.DRAFT:
        return False
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
            (normalise_role(lead.role) in mine or normalise_role(lead.registered_role) in mine)
            and (lead.organisation_id is None or own is None or lead.organisation_id == own)
            for lead in leads
        )

    return matches


def leads_any(user, plan: Plan) -> bool:
    """True when the user leads at least one node of the plan."""
    from cyplan.plans.nodes import node_leads

    matches = lead_matcher(user)
    return any(matches(leads) for leads in node_leads(plan).values())


def can_record_update(user, node: PlanNode) -> bool:
    """Record (or edit a not-yet-approved) progress update for a node.

    A lead of a node in a draft plan cannot: nothing of a draft plan reaches anyone who may
    not read the draft, so its actions are not anyone's work until it is published.
    """
    if node.plan.status == Plan.Status.ARCHIVED:
        return False
    if is_manager(user):
        return True
    return can_view_plan(user, node.plan) and leads_node(user, node)


def can_read_update(user, update) -> bool:
    """One progress update: approved ones with their plan; unapproved ones only for those who
    may see unpublished work of the plan, and for the lead who wrote it (not a co-lead)."""
    plan = update.node.plan
    if update.state == update.State.APPROVED and can_view_plan(user, plan):
        return True
    if can_see_unpublished(user, plan):
        return True
    # An update whose author's account was deleted is no one's: the node's leads take it on.
    mine = update.author_id is None or update.author_id == getattr(user, "id", None)
    return mine and can_record_update(user, update.node)


def can_edit_update(user, update) -> bool:
    """Change an existing update: a manager, or its own author while it is not approved
    (a co-lead starts their own work only once the other's update is approved)."""
    if is_manager(user):
        return can_record_update(user, update.node)
    if update.state == update.State.APPROVED:
        return False
    return can_record_update(user, update.node) and update.author_id in (None, user.id)


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
