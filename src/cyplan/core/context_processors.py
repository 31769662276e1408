"""Values every page needs: the signed-in person's role and what they may do."""

from cyplan.accounts import permissions


def site(request):
    user = getattr(request, "user", None)
    role = permissions.role_of(user) if user is not None else None
    return {
        "cyplan_role": role,
        "cyplan_is_manager": permissions.is_manager(user) if user is not None else False,
        "cyplan_is_safeguarding_lead": _is_lead(user),
    }


def _is_lead(user) -> bool:
    from cyplan.voice.permissions import is_safeguarding_lead

    return is_safeguarding_lead(user) if user is not None else False
