"""A JSON API: plans, nodes and progress updates (read), updates (write, with a token), with
an OpenAPI description.

The public sees published plans and approved updates; a signed-in person sees what the
pages would show them. The plan document is the JSON export contract (docs/export-json.md).
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cyplan.accounts import permissions
from cyplan.api import writing
from cyplan.core.demo_mode import real_only
from cyplan.delivery.models import ProgressUpdate
from cyplan.plans.exporter import plan_json
from cyplan.plans.queries import visible_plans


def plans(request):
    data = [
        {
            "slug": p.slug,
            "title": p.title,
            "area": {"name": p.area.name, "code": p.area.code},
            "period_start": p.period_start.isoformat(),
            "period_end": p.period_end.isoformat(),
            "status": p.status,
            "url": request.build_absolute_uri(reverse("api:plan", args=[p.slug])),
        }
        for p in visible_plans(request.user)
    ]
    return JsonResponse({"plans": data})


def plan(request, slug: str):
    return JsonResponse(plan_json(get_object_or_404(visible_plans(request.user), slug=slug)))


def nodes(request, slug: str):
    return JsonResponse(
        {"nodes": plan_json(get_object_or_404(visible_plans(request.user), slug=slug))["nodes"]}
    )


@csrf_exempt  # writing needs a token in the Authorization header, never the session
def updates(request, slug: str):
    if request.method == "POST":
        return writing.write_update(request, slug)
    if request.method not in ("GET", "HEAD"):
        return writing.refuse(405, "GET to read, POST (with a token) to write")
    chosen = get_object_or_404(visible_plans(request.user), slug=slug)
    rows = (
        ProgressUpdate.objects.filter(node__plan=chosen)
        .select_related("node")
        .order_by("node__position", "period")
    )
    if not permissions.can_see_unpublished(request.user, chosen):
        rows = rows.filter(state=ProgressUpdate.State.APPROVED)
    rows = real_only(rows)
    return JsonResponse(
        {
            "updates": [
                {
                    "node": u.node.key,
                    "period": u.period,
                    "status": u.status,
                    "rag": u.rag_shown,
                    "narrative": u.narrative,
                    "evidence_links": u.evidence_links,
                    "state": u.state,
                    "example": u.is_example,
                    "updated": u.modified_on.isoformat(),
                }
                for u in rows
            ]
        }
    )


@csrf_exempt  # a token in the Authorization header, never the session
@require_POST
def review(request, slug: str, pk: int):
    return writing.review_update(request, slug, pk)


def openapi(request):
    return JsonResponse(OPENAPI)


def _schema_ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "cyplan API",
        "version": "1",
        "description": "Published plans, their nodes and approved progress updates. Signed-in staff see "
        "drafts and unapproved updates of the plans they may read. Progress updates are written "
        "with a personal token (Authorization: Bearer <key>), which acts as its person.",
    },
    "paths": {
        "/api/plans/": {
            "get": {
                "summary": "List the plans",
                "responses": {
                    "200": {
                        "description": "The plans",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "plans": {
                                            "type": "array",
                                            "items": _schema_ref("PlanSummary"),
                                        }
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
        "/api/plans/{slug}/": {
            "get": {
                "summary": "A plan in the JSON export contract",
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "The plan",
                        "content": {"application/json": {"schema": _schema_ref("PlanExport")}},
                    },
                    "404": {"description": "No such plan"},
                },
            }
        },
        "/api/plans/{slug}/nodes/": {
            "get": {
                "summary": "A plan's nodes, parents first, in document order",
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "The nodes",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "nodes": {"type": "array", "items": _schema_ref("Node")}
                                    },
                                }
                            }
                        },
                    },
                    "404": {"description": "No such plan"},
                },
            }
        },
        "/api/plans/{slug}/updates/{id}/review/": {
            "post": {
                "summary": "Approve an update, or return it to its lead with a comment "
                "(plan managers; needs a token)",
                "security": [{"token": []}],
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _schema_ref("Review")}},
                },
                "responses": {
                    "200": {
                        "description": "The update as it is now",
                        "content": {"application/json": {"schema": _schema_ref("SavedUpdate")}},
                    },
                    "400": {
                        "description": "Not a submitted update, or no comment to return it with"
                    },
                    "401": {"description": "The token is unknown or revoked"},
                    "403": {"description": "No token, or the token's person may not review"},
                    "409": {"description": "The update changed since the version given"},
                },
            }
        },
        "/api/plans/{slug}/updates/": {
            "post": {
                "summary": "Record (or edit) the update of one node for one period, and submit "
                "it (needs a token; acts as the token's person with their role)",
                "security": [{"token": []}],
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _schema_ref("UpdateInput")}},
                },
                "responses": {
                    "201": {
                        "description": "The update as saved",
                        "content": {"application/json": {"schema": _schema_ref("SavedUpdate")}},
                    },
                    "400": {"description": "A field is wrong: `fields` says which and why"},
                    "401": {"description": "The token is unknown or revoked"},
                    "403": {
                        "description": "No token, or the token's person does not lead the node"
                    },
                    "409": {"description": "Someone saved the update since the version given"},
                },
            },
            "get": {
                "summary": "A plan's progress updates (approved ones only for the public)",
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "The updates",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "updates": {"type": "array", "items": _schema_ref("Update")}
                                    },
                                }
                            }
                        },
                    },
                    "404": {"description": "No such plan"},
                },
            },
        },
    },
    "components": {
        "securitySchemes": {
            "token": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token (`cyplan api_token create USERNAME`); it "
                "acts as that person, with their role.",
            }
        },
        "schemas": {
            "UpdateInput": {
                "type": "object",
                "required": ["node", "period", "status", "narrative"],
                "properties": {
                    "node": {"type": "string", "description": "the node's id in the plan"},
                    "period": {"type": "string", "description": "period key, e.g. 2024-25-Q3"},
                    "status": {
                        "enum": [
                            "not_started",
                            "on_track",
                            "at_risk",
                            "off_track",
                            "complete",
                            "dropped",
                        ]
                    },
                    "rag": {"enum": ["red", "amber", "green", ""]},
                    "narrative": {"type": "string", "maxLength": 5000},
                    "evidence_links": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"url": {"type": "string"}, "title": {"type": "string"}},
                        },
                    },
                    "submit": {"type": "boolean", "default": True},
                    "version": {
                        "type": "integer",
                        "description": "the version you last read; a newer one is refused (409)",
                    },
                },
            },
            "Review": {
                "type": "object",
                "required": ["action"],
                "properties": {
                    "action": {"enum": ["approve", "return"]},
                    "comment": {"type": "string", "description": "required to return"},
                    "version": {"type": "integer"},
                },
            },
            "SavedUpdate": {
                "type": "object",
                "required": ["id", "node", "period", "status", "state", "version"],
                "properties": {
                    "id": {"type": "integer"},
                    "node": {"type": "string"},
                    "period": {"type": "string"},
                    "status": {"type": "string"},
                    "rag": {"type": "string"},
                    "narrative": {"type": "string"},
                    "evidence_links": {"type": "array"},
                    "state": {"enum": ["draft", "submitted", "returned", "approved"]},
                    "version": {"type": "integer"},
                    "review_comment": {"type": "string"},
                },
            },
            "PlanSummary": {
                "type": "object",
                "required": ["slug", "title", "period_start", "period_end", "status"],
                "properties": {
                    "slug": {"type": "string"},
                    "title": {"type": "string"},
                    "area": {"type": "object"},
                    "period_start": {"type": "string", "format": "date"},
                    "period_end": {"type": "string", "format": "date"},
                    "status": {"enum": ["draft", "published", "archived"]},
                    "url": {"type": "string"},
                },
            },
            "Node": {
                "type": "object",
                "required": [
                    "id",
                    "parent",
                    "kind",
                    "title",
                    "text",
                    "measures",
                    "target_date",
                    "target_date_text",
                    "leads",
                ],
                "properties": {
                    "id": {"type": "string"},
                    "parent": {"type": ["string", "null"]},
                    "kind": {"enum": ["ambition", "priority", "commitment", "action"]},
                    "number": {"type": "string"},
                    "title": {"type": "string"},
                    "text": {"type": "string"},
                    "measures": {"type": "array", "items": {"type": "string"}},
                    "target_date": {"type": ["string", "null"], "format": "date"},
                    "target_date_text": {"type": "string"},
                    "leads": {"type": "array", "items": {"type": "string"}},
                },
            },
            "PlanExport": {
                "type": "object",
                "required": ["plan", "nodes", "strategies", "organisations", "boards"],
                "properties": {
                    "plan": {"type": "object"},
                    "nodes": {"type": "array", "items": _schema_ref("Node")},
                    "strategies": {"type": "array"},
                    "organisations": {"type": "array"},
                    "boards": {"type": "array"},
                    "promises": {"type": "array"},
                    "links": {"type": "array"},
                },
            },
            "Update": {
                "type": "object",
                "required": ["node", "period", "status", "state"],
                "properties": {
                    "node": {"type": "string"},
                    "period": {"type": "string"},
                    "status": {
                        "enum": [
                            "not_started",
                            "on_track",
                            "at_risk",
                            "off_track",
                            "complete",
                            "dropped",
                        ]
                    },
                    "rag": {"enum": ["red", "amber", "green", ""]},
                    "narrative": {"type": "string"},
                    "evidence_links": {"type": "array"},
                    "state": {"enum": ["draft", "submitted", "returned", "approved"]},
                    "example": {"type": "boolean"},
                    "updated": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
}
