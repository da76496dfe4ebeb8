"""The carer's check-in on the tablet: the tile "Pflegedienst", then "Ich bin da" or "Ich gehe".

The carer uses the resident's paired tablet and signs in nowhere: she picks her name (the
configured carers and those who came lately) or writes it. Each check-in and check-out is an
observation visit.tablet (on, off) with the name handed to the visit log, and is audited.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.config.model import ContactRole, DeviceRole
from hub.model import Observation
from hub.visits import TABLET, clean_name
from hub.web import openapi
from hub.web.auth import require
from hub.web.resident import visit_words  # noqa: F401 - registers the tablet's words
from hub.web.resident.parts import TabletPart, add_part

if TYPE_CHECKING:
    from hub.app import Hub

ROLES = ("resident", "installer")
NAMES_SHOWN = 6


def setup(app: web.Application) -> None:
    add_part(
        TabletPart(
            name="visits",
            tile="resident/visit_tile.html",
            screen="resident/visit_screen.html",
            script="/static/visits.js",
            order=60,
            shown=has_care_service,
        )
    )
    app.router.add_get("/api/resident/visit", api_visit)
    app.router.add_post("/api/resident/visit", api_visit_change)
    state = {
        "type": "object",
        "properties": {
            "open": {
                "type": ["object", "null"],
                "properties": {"since": {"type": "string"}, "carer": {"type": "string"}},
            },
            "carers": {"type": "array", "items": {"type": "string"}},
        },
    }
    openapi.document(
        app,
        "/api/resident/visit",
        "get",
        openapi.operation("The carer's visit now, and the names to pick from", ROLES, state),
    )
    change = openapi.operation("A carer checks in (arrive) or out (leave) on the tablet", ROLES)
    change["requestBody"] = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["action"],
                    "properties": {
                        "action": {"type": "string", "enum": ["arrive", "leave"]},
                        "carer": {"type": "string", "maxLength": 60},
                    },
                }
            }
        },
    }
    change["responses"]["400"] = {"description": "no name given for a check-in"}
    change["responses"]["409"] = {"description": "checking out, but no visit is open"}
    openapi.document(app, "/api/resident/visit", "post", change)


def has_care_service(hub: Hub) -> bool:
    """A carer among the contacts, a carer_visit rule or a visit button: the tile is wanted."""
    config = hub.config
    return (
        any(c.role is ContactRole.CARER for c in config.contacts.values())
        or any(r.kind == "carer_visit" for r in config.rules)
        or any(d.role is DeviceRole.VISIT_BUTTON for d in config.devices.values())
    )


def _hub(request: web.Request) -> Hub:
    from hub.web.app import HUB

    return request.app[HUB]


def _json(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


async def api_visit(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    current = hub.visits.current if hub.visits.is_open() else None
    configured = [c.name for c in hub.config.contacts.values() if c.role is ContactRole.CARER]
    names = list(dict.fromkeys([*await hub.visits.recent_names(NAMES_SHOWN), *configured]))
    open_visit = None
    if current is not None:
        since = current.arrived.astimezone(hub.config.home.tz).strftime("%H:%M")
        open_visit = {"since": since, "carer": current.carer}
    return _json({"open": open_visit, "carers": names[:NAMES_SHOWN]})


async def api_visit_change(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    hub = _hub(request)
    try:
        body = await request.json()
    except ValueError:
        body = None
    action = body.get("action") if isinstance(body, dict) else None
    if action not in ("arrive", "leave"):
        return _json({"error": "action must be arrive or leave"}, status=400)
    carer = clean_name(body.get("carer") if isinstance(body, dict) else "")
    if action == "arrive" and not carer:
        return _json({"error": "a name is needed to check in"}, status=400)
    if action == "leave" and not hub.visits.is_open():
        return _json({"error": "no visit is open"}, status=409)
    if action == "leave" and not carer and hub.visits.current is not None:
        carer = hub.visits.current.carer
    hub.visits.name_next(TABLET, carer)
    hub.ingest(Observation(hub.clock.now(), TABLET, action == "arrive", "tablet"))
    hub.store.audit(session.actor, f"tablet.visit.{action}", TABLET, carer)
    await hub.visits.settled()
    return _json({"ok": True})
