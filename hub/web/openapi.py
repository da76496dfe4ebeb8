"""The OpenAPI 3 document of the JSON API, served at /api/openapi.json to anyone signed in.

Who adds an /api route documents it here, or from its own `setup(app)` with `document(app, …)`;
a test checks that every /api route of the app's router is in the document.
"""

from __future__ import annotations

import copy
from typing import Any

from aiohttp import web

from hub import __version__
from hub.web.auth import CSRF_HEADER, ROLES, require

Operation = dict[str, Any]
API_PATHS: web.AppKey[dict[str, dict[str, Operation]]] = web.AppKey("api_paths", dict)

_ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    roles: tuple[str, ...],
    ok: dict[str, Any],
    *,
    status: str = "200",
    body: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    params: list[dict[str, Any]] | None = None,
) -> Operation:
    responses: dict[str, Any] = {status: ok, "401": {"$ref": "#/components/responses/SignIn"}}
    responses["403"] = {"$ref": "#/components/responses/Forbidden"}
    for code, text in (errors or {}).items():
        responses[code] = _json(_ERROR, text)
    op: Operation = {
        "summary": summary,
        "description": "Roles: " + ", ".join(roles) + ".",
        "x-roles": list(roles),
        "responses": responses,
    }
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


_ALERT_ID = [_id("alert_id")]
_ALERT_RESULT = _json(
    {"type": "object", "properties": {"alert": {"$ref": "#/components/schemas/Alert"}}},
    "the alert after the change",
)
_ALERT_CONFLICT = {"409": "nothing to change: no such alert, or not in a state for this"}
_ACCOUNT = {"type": "object", "properties": {"account": {"$ref": "#/components/schemas/Account"}}}
_TABLET = {"type": "object", "properties": {"tablet": {"$ref": "#/components/schemas/Tablet"}}}
_ALL = ROLES
_CARE = ("carer", "installer")
_INSTALLER = ("installer",)


def _paths() -> dict[str, dict[str, Operation]]:
    obj: dict[str, Any] = {"type": "object"}
    return {
        "/api/openapi.json": {
            "get": _op("This document", _ALL, _json(obj, "the OpenAPI document")),
        },
        "/api/session": {
            "get": _op(
                "Who is signed in, and the CSRF token to send with changes",
                _ALL,
                _json({"$ref": "#/components/schemas/Session"}, "the session"),
            ),
        },
        "/api/state": {
            "get": _op(
                "The current state of every sensor and the recent findings",
                _CARE,
                _json(
                    {
                        "type": "object",
                        "properties": {
                            "home": {"type": "string"},
                            "state": {"type": "array", "items": obj},
                            "findings": {"type": "array", "items": obj},
                        },
                    },
                    "the state",
                ),
            ),
        },
        "/api/alerts": {
            "get": _op(
                "Open alerts (pre-alert, open, acknowledged), oldest first",
                _ALL,
                _json(
                    {
                        "type": "object",
                        "properties": {
                            "alerts": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Alert"},
                            }
                        },
                    },
                    "the open alerts",
                ),
            ),
        },
        "/api/alerts/{alert_id}/acknowledge": {
            "post": _op(
                "Acknowledge an alert: escalation stops",
                _CARE,
                _ALERT_RESULT,
                errors=_ALERT_CONFLICT,
                params=_ALERT_ID,
            ),
        },
        "/api/alerts/{alert_id}/resolve": {
            "post": _op(
                "Resolve an alert: all clear",
                _CARE,
                _ALERT_RESULT,
                errors=_ALERT_CONFLICT,
                params=_ALERT_ID,
            ),
        },
        "/api/alerts/{alert_id}/dismiss": {
            "post": _op(
                "The resident answers a pre-alert: all is well",
                ("resident", "installer"),
                _ALERT_RESULT,
                errors=_ALERT_CONFLICT,
                params=_ALERT_ID,
            ),
        },
        "/api/accounts": {
            "get": _op(
                "Every account",
                _INSTALLER,
                _json(
                    {
                        "type": "object",
                        "properties": {
                            "accounts": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Account"},
                            }
                        },
                    },
                    "the accounts",
                ),
            ),
            "post": _op(
                "Create an account",
                _INSTALLER,
                _json(_ACCOUNT, "the new account"),
                status="201",
                body={"$ref": "#/components/schemas/NewAccount"},
                errors={"400": "a bad username, password or role", "409": "the username is taken"},
            ),
        },
        "/api/accounts/{account_id}": {
            "delete": _op(
                "Delete an account; its sessions end",
                _INSTALLER,
                _json(_ACCOUNT, "the deleted account"),
                errors={"404": "no such account", "409": "the last installer account"},
                params=[_id("account_id")],
            ),
        },
        "/api/pairing": {
            "post": _op(
                "A one-time code to pair a tablet (valid 10 minutes)",
                _INSTALLER,
                _json({"$ref": "#/components/schemas/Pairing"}, "the code"),
                status="201",
                body={
                    "type": "object",
                    "properties": {"name": {"type": "string", "maxLength": 64}},
                },
            ),
        },
        "/api/tablets": {
            "get": _op(
                "Paired tablets that are not revoked",
                _INSTALLER,
                _json(
                    {
                        "type": "object",
                        "properties": {
                            "tablets": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Tablet"},
                            }
                        },
                    },
                    "the tablets",
                ),
            ),
        },
        "/api/tablets/{tablet_id}": {
            "delete": _op(
                "Revoke a tablet's device token",
                _INSTALLER,
                _json(_TABLET, "the revoked tablet"),
                errors={"404": "no such tablet, or revoked already"},
                params=[_id("tablet_id")],
            ),
        },
    }


def _tablet_paths() -> dict[str, dict[str, Operation]]:
    """The tablet's actions (hub/web/resident); its package may document them itself instead."""
    mine = ("resident", "installer")
    done = {"type": "object"}

    def action(summary: str, body: dict[str, Any] | None = None, **kw: Any) -> Operation:
        return _op(summary, mine, _json(done, "done"), body=body, **kw)

    def choice(name: str, *values: str) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["entity", name],
            "properties": {
                "entity": {"type": "string"},
                name: {"type": "string", "enum": list(values)},
            },
        }

    return {
        "/api/resident/status": {
            "get": _op("What the tablet shows now", mine, _json(done, "the tablet's state"))
        },
        "/api/resident/check_in": {"post": action('"Mir geht es gut": the daily check-in')},
        "/api/resident/help": {"post": action("The resident calls for help (an emergency)")},
        "/api/resident/pre_alert/{alert_id}/ok": {
            "post": action('"Ist alles in Ordnung?" answered yes', params=_ALERT_ID)
        },
        "/api/resident/reminder/{rule}/confirm": {
            "post": action(
                "A reminder confirmed",
                params=[
                    {"name": "rule", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
            )
        },
        "/api/resident/light": {
            "post": action("A room's light on, off or dim", choice("level", "on", "off", "dim"))
        },
        "/api/resident/heating": {
            "post": action("A room warmer or cooler", choice("change", "warmer", "cooler"))
        },
    }


def _components() -> dict[str, Any]:
    string, nullable = {"type": "string"}, {"type": ["string", "null"]}
    return {
        "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "obhut_session"},
            "tablet": {"type": "apiKey", "in": "cookie", "name": "obhut_device"},
            "csrf": {
                "type": "apiKey",
                "in": "header",
                "name": CSRF_HEADER,
                "description": "Required on POST, PUT and DELETE: the session's token "
                "(GET /api/session, the obhut_csrf cookie or the csrf-token meta tag).",
            },
        },
        "responses": {
            "SignIn": _json(_ERROR, "not signed in"),
            "Forbidden": _json(_ERROR, "not allowed for this role, or a missing CSRF token"),
        },
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {"error": string},
                "required": ["error"],
            },
            "Session": {
                "type": "object",
                "properties": {
                    "user": string,
                    "role": {"type": "string", "enum": list(ROLES)},
                    "csrf": string,
                    "tablet": {"type": "boolean"},
                },
            },
            "Alert": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "rule": string,
                    "subject": string,
                    "kind": string,
                    "severity": string,
                    "state": {
                        "type": "string",
                        "enum": ["pre_alert", "open", "acknowledged", "resolved"],
                    },
                    "acknowledged_by": nullable,
                    "data": {"type": "object"},
                },
            },
            "Account": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "username": string,
                    "role": {"type": "string", "enum": list(ROLES)},
                    "created": {"type": "string", "format": "date-time"},
                    "created_by": string,
                },
            },
            "NewAccount": {
                "type": "object",
                "required": ["username", "password", "role"],
                "properties": {
                    "username": {"type": "string", "pattern": r"^[\w.@-]{1,64}$"},
                    "password": {"type": "string", "minLength": 10, "maxLength": 1024},
                    "role": {"type": "string", "enum": list(ROLES)},
                },
            },
            "Pairing": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "example": "ABCD-EFGH"},
                    "expires": {"type": "string", "format": "date-time"},
                    "url": string,
                    "name": string,
                },
            },
            "Tablet": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": string,
                    "created": {"type": "string", "format": "date-time"},
                    "created_by": string,
                },
            },
        },
    }


def document(app: web.Application, path: str, method: str, operation: Operation) -> None:
    """Describe one more /api route (for packages that add their own, such as the tablet)."""
    app[API_PATHS].setdefault(path, {})[method.lower()] = operation


def operation(
    summary: str, roles: tuple[str, ...], response: dict[str, Any] | None = None
) -> Operation:
    """A plain operation for `document`: a summary, the roles, and the JSON of a 200 answer."""
    return _op(summary, roles, _json(response or {"type": "object"}, "done"))


def build(app: web.Application) -> dict[str, Any]:
    paths = copy.deepcopy(app[API_PATHS])
    for operations in paths.values():
        for method, op in operations.items():
            if method in ("post", "put", "patch", "delete"):
                op.setdefault("security", [{"session": [], "csrf": []}, {"tablet": [], "csrf": []}])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Obhut hub API",
            "version": __version__,
            "description": "The local JSON API of an Obhut hub. Sign in at /login (or pair a "
            "tablet at /pair) and send the cookies; every POST, PUT and DELETE also sends "
            f"the session's CSRF token in the {CSRF_HEADER} header.",
        },
        "servers": [{"url": "/"}],
        "security": [{"session": []}, {"tablet": []}],
        "paths": paths,
        "components": _components(),
    }


async def api_openapi(request: web.Request) -> web.Response:
    require(request, *ROLES)
    return web.json_response(build(request.app))


def setup(app: web.Application) -> None:
    app[API_PATHS] = _paths() | _tablet_paths()
    app.router.add_get("/api/openapi.json", api_openapi)
