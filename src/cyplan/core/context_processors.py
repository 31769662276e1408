"""Values every page needs: the signed-in person's role and what they may do."""

from cyplan.accounts import permissions
from cyplan.accounts.models import Role
from cyplan.core.demo_mode import is_demo


def site(request):
    user = getattr(request, "user", None)
    role = permissions.role_of(user) if user is not None else None
    manager = permissions.is_manager(user) if user is not None else False
    return {
        "cyplan_demo": is_demo(),
        "cyplan_role": role,
        "cyplan_is_manager": manager,
        "cyplan_is_safeguarding_lead": _is_lead(user),
        "cyplan_loads_returns": permissions.can_load_returns(user) if user is not None else False,
        "cyplan_menu": menu(user, role, manager),
    }


def menu(user, role, manager: bool) -> dict:
    """Which staff links the menu offers: only what this person can use.

    "My actions" is for those who record updates (action leads, and plan managers who
    record on a lead's behalf); not for a board member or a safeguarding lead who lead
    nothing. "Feedback" is for those who may open the staff voice pages.
    """
    safeguarding = bool(getattr(user, "is_authenticated", False)) and _is_lead(user)
    return {
        "my_actions": role == Role.ACTION_LEAD or manager,
        "reports": manager,
        "audit": manager,
        "feedback": manager or safeguarding,
        "safeguarding": safeguarding,
    }


def _is_lead(user) -> bool:
    from cyplan.voice.permissions import is_safeguarding_lead

    return is_safeguarding_lead(user) if user is not None else False
