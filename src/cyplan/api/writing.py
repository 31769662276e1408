"""The write API: record, submit, approve and return progress updates with a personal token.

A request carries ``Authorization: Bearer <key>`` (``cyplan api_token create``) and acts as
the token's person, with their role, through the same service functions as the pages: a
lead records updates on the actions they lead; a plan manager may also approve and return.
Without a token, writing is refused (a browser session cannot write through the API).
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from cyplan.accounts.models import ApiToken
from cyplan.delivery import services
from cyplan.delivery.models import ProgressUpdate
from cyplan.plans.models import Plan, PlanNode


def token_user(request):
    """The person whose token the request carries, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() not in ("bearer", "token") or not key.strip():
        return None
    return ApiToken.user_for(key.strip())


def refuse(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError({"body": f"the body is not JSON: {error}"}) from error
    if not isinstance(data, dict):
        raise ValidationError({"body": "the body must be a JSON object"})
    return data


def _errors(error: ValidationError) -> dict:
    if hasattr(error, "message_dict"):
        return error.message_dict
    return {"__all__": error.messages}


def update_json(update: ProgressUpdate) -> dict:
    return {
        "id": update.pk,
        "node": update.node.key,
        "period": update.period,
        "status": update.status,
        "rag": update.rag_shown,
        "narrative": update.narrative,
        "evidence_links": update.evidence_links,
        "state": update.state,
        "version": update.version,
        "review_comment": update.review_comment,
    }


def write_update(request, slug: str):
    """POST: create or edit the update of one node for one period (as the update form)."""
    user = token_user(request)
    if user is None:
        return refuse(
            401 if request.headers.get("Authorization") else 403,
            "writing needs a valid API token: send 'Authorization: Bearer <key>' "
            "(a plan manager makes one with 'cyplan api_token create USERNAME')",
        )
    plan = get_object_or_404(Plan, slug=slug)
    try:
        data = _body(request)
        node = PlanNode.objects.filter(plan=plan, key=str(data.get("node", ""))).first()
        if node is None:
            raise ValidationError({"node": f"no node {data.get('node')!r} in {plan.slug}"})
        links = data.get("evidence_links") or []
        if not isinstance(links, list) or not all(isinstance(x, dict) for x in links):
            raise ValidationError({"evidence_links": "a list of {url, title} objects"})
        version = data.get("version")
        if version is not None and not isinstance(version, int):
            raise ValidationError({"version": "a whole number: the version you last read"})
        update = services.save_update(
            user,
            node,
            services.UpdateInput(
                period=str(data.get("period", "")),
                status=str(data.get("status", "")),
                narrative=str(data.get("narrative", "")),
                rag=str(data.get("rag", "") or ""),
                evidence_links=links,
                on_behalf_of=str(data.get("on_behalf_of", "") or ""),
            ),
            submit=bool(data.get("submit", True)),
            expected_version=version,
        )
    except PermissionDenied as error:
        return refuse(403, str(error) or "not allowed")
    except ValidationError as error:
        return refuse(400, "the update was not saved", fields=_errors(error))
    except services.ConcurrentEditError as error:
        return refuse(409, str(error))
    return JsonResponse(update_json(update), status=201)


def review_update(request, slug: str, pk: int):
    """POST {"action": "approve"} or {"action": "return", "comment": "..."}."""
    user = token_user(request)
    if user is None:
        return refuse(
            401 if request.headers.get("Authorization") else 403,
            "writing needs a valid API token: send 'Authorization: Bearer <key>'",
        )
    update = get_object_or_404(ProgressUpdate, pk=pk, node__plan__slug=slug)
    try:
        data = _body(request)
        version = data.get("version")
        expected = version if isinstance(version, int) else None
        if data.get("action") == "approve":
            update = services.approve(user, update, expected_version=expected)
        elif data.get("action") == "return":
            update = services.return_update(
                user, update, str(data.get("comment", "")), expected_version=expected
            )
        else:
            raise ValidationError({"action": "'approve' or 'return'"})
    except PermissionDenied as error:
        return refuse(403, str(error) or "not allowed")
    except ValidationError as error:
        return refuse(400, "nothing was changed", fields=_errors(error))
    except services.ConcurrentEditError as error:
        return refuse(409, str(error))
    return JsonResponse(update_json(update))
