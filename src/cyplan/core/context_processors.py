"""Values every page needs: the signed-in person's role and what they may do."""

from cyplan.accounts import permissions
from cyplan.core.demo_mode import is_demo


def site(request):
    user = getattr(request, "user", None)
    role = permissions.role_of(user) if user is not None else None
    return {
        "cyplan_demo": is_demo(),
        "cyplan_role": role,
        "cyplan_is_manager": permissions.is_manager(user) if user is not None else False,
        "cyplan_loads_returns": permissions.can_load_returns(user) if user is not None else False,
    }
