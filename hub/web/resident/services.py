"""The tablet's services: a tile per configured service, the screens to choose, and the answers.

A tile opens its service's screen (a menu item; a place, a day and a time), then one question
("Soll ich Essen auf Rädern bestellen?") with Ja and Nein. Ja posts the request; the script
asks /api/resident/requests with every status and shows "Angefragt", then "Bestätigt: …",
under the tile and in "Meine Anfragen". Every text comes from here, in the home's language.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.alerts import wording
from hub.config.services import Service, ServiceKind
from hub.i18n import register, translator
from hub.services import destinations, messages
from hub.services.desk import Refused, escort_days, provider_of
from hub.services.requests import Request, RequestState
from hub.web import openapi
from hub.web.auth import require
from hub.web.resident.parts import TabletPart, add_part
from hub.web.resident.services_words import WORDS

if TYPE_CHECKING:
    from hub.app import Hub
    from hub.config.model import Config

ROLES = ("resident", "installer")
SHOWN = 10  # in "Meine Anfragen"
CURRENT = timedelta(days=2)  # a request this recent stays under its tile
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

register(WORDS)


def setup(app: web.Application) -> None:
    """The services' tiles and screens on the tablet, their API, and the answer page."""
    from hub.web import answer

    add_part(
        TabletPart(
            name="services",
            tile="resident/services_tiles.html",
            screen="resident/services_screens.html",
            script="/static/services.js",
            order=30,
            shown=lambda hub: bool(hub.config.services),
            context=_context,
        )
    )
    app.router.add_get("/api/resident/requests", api_requests)
    app.router.add_post("/api/resident/requests", api_ask)
    view = _VIEW_SCHEMA
    openapi.document(
        app,
        "/api/resident/requests",
        "get",
        openapi.operation(
            "The resident's recent service requests with their status in words, the newest "
            "per service, and the days and times each escort service offers now",
            ROLES,
            {
                "type": "object",
                "properties": {
                    "requests": {"type": "array", "items": view},
                    "latest": {"type": "object", "additionalProperties": view},
                    "days": {"type": "object"},
                },
            },
        ),
    )
    asked = openapi.operation(
        "Ask a service's provider (by SMS or e-mail, through the outbox); `key` makes a "
        "retried request count once. 409 if the choice is not on offer (any more)",
        ROLES,
        {"type": "object", "properties": {"request": view}},
    )
    asked["requestBody"] = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["service"],
                    "properties": {
                        "service": {"type": "string"},
                        "choice": {
                            "type": "object",
                            "properties": {
                                "item": {"type": "integer", "description": "menu index"},
                                "destination": {"type": "string"},
                                "date": {"type": "string", "format": "date"},
                                "time": {"type": "string", "example": "10:00"},
                            },
                        },
                        "key": {"type": "string", "pattern": _KEY.pattern},
                    },
                }
            }
        },
    }
    asked["responses"]["201"] = asked["responses"].pop("200")
    openapi.document(app, "/api/resident/requests", "post", asked)
    answer.setup(app)


_VIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "service": {"type": "string"},
        "name": {"type": "string"},
        "what": {"type": "string", "example": "Zum Arzt, Dienstag, 2.12., 10:00"},
        "state": {"type": "string", "enum": [s.value for s in RequestState]},
        "status": {"type": "string", "example": "Bestätigt: Dienstag 10:00"},
        "tone": {"type": "string", "enum": ["wait", "ok", "bad"]},
        "asked": {"type": "string"},
    },
}


def _hub(request: web.Request) -> Hub:
    from hub.web.app import HUB

    return request.app[HUB]


def _lang(config: Config) -> str:
    return str(config.home.language.value)


def service_name(config: Config, service_id: str, service: Service | None, lang: str) -> str:
    """The tile's name: the configured one, else the kind's ("Einkauf", "Petra soll anrufen")."""
    if service is not None and service.name:
        return service.name
    t = translator(lang)
    if service is None:
        return service_id
    if service.kind is ServiceKind.CALL:
        contact = config.contacts.get(provider_of(service_id, service))
        return t("svc_call").format(name=contact.name if contact else service_id)
    return t(f"svc_{service.kind.value}")


def _question(config: Config, service_id: str, service: Service, lang: str) -> str:
    t = translator(lang)
    contact = config.contacts.get(provider_of(service_id, service))
    provider = contact.name if contact else service_id
    key = f"svc_ask_{service.kind.value}"
    if service.kind is ServiceKind.MEAL and not service.name:
        key = "svc_ask_meal_from"
    return t(key).format(name=service.name or "", provider=provider)


def _context(hub: Hub) -> dict[str, Any]:
    config = hub.config
    lang = _lang(config)
    services = []
    for sid, service in config.services.items():
        services.append(
            {
                "id": sid,
                "kind": service.kind.value,
                "name": service_name(config, sid, service, lang),
                "question": _question(config, sid, service, lang),
                "menu": list(service.menu or ()),
                "item": service.order_text or "",
                "places": [
                    {"id": p, "label": destinations.label(p, lang)}
                    for p in service.destinations or ()
                ],
            }
        )
    return {"services": services}


def describe(hub: Hub, request: Request, lang: str) -> dict[str, Any]:
    """A request as the tablet shows it: what was asked, and its status in calm words."""
    config = hub.config
    t = translator(lang)
    service = config.services.get(request.service)
    facts = request.details
    contact = config.contacts.get(request.provider)
    who = contact.name if contact else request.provider
    state = request.state
    tone = "wait"
    if request.kind == "call" and state in (RequestState.REQUESTED, RequestState.SENT):
        key = "svc_state_call_sent" if state is RequestState.SENT else "svc_state_call_requested"
        status = t(key).format(name=who)
        tone = "ok" if state is RequestState.SENT else "wait"
    elif state is RequestState.CONFIRMED:
        when = request.answer or _when(hub, facts, lang)
        confirmed = t("svc_state_confirmed_at").format(when=when)
        status = confirmed if when else t("svc_state_confirmed")
        tone = "ok"
    elif state in (RequestState.REQUESTED, RequestState.SENT):
        status = t("svc_state_requested")
    else:
        status = t(f"svc_state_{state.value}")
        tone = "bad" if state in (RequestState.DECLINED, RequestState.FAILED) else "wait"
    return {
        "id": request.id,
        "service": request.service,
        "name": facts.get("name") or service_name(config, request.service, service, lang),
        "what": messages.what(facts, lang),
        "state": state.value,
        "status": status,
        "tone": tone,
        "asked": wording.when(request.created, hub.clock.now(), config.home.tz, lang),
    }


def _when(hub: Hub, facts: dict[str, Any], lang: str) -> str:
    if facts.get("kind") != "escort" or "date" not in facts:
        return ""
    today = hub.clock.now().astimezone(hub.config.home.tz).date()
    return messages.when_short(date.fromisoformat(str(facts["date"])), facts["time"], today, lang)


def _current(hub: Hub, request: Request) -> bool:
    """Worth showing under its tile: recent, or an escort still to come."""
    now = hub.clock.now()
    if now - request.created <= CURRENT:
        return True
    day = request.details.get("date")
    today = now.astimezone(hub.config.home.tz).date().isoformat()
    return isinstance(day, str) and day >= today and request.state is not RequestState.CANCELLED


def offered_days(hub: Hub, lang: str) -> dict[str, list[dict[str, Any]]]:
    """Each escort service's days ("Heute", "Morgen", "Donnerstag, 3.12.") and times."""
    config = hub.config
    now = hub.clock.now()
    today = now.astimezone(config.home.tz).date()
    out = {}
    for sid, service in config.services.items():
        if service.kind is ServiceKind.ESCORT:
            out[sid] = [
                {
                    "date": day.isoformat(),
                    "label": messages.day_label(day, today, lang),
                    "times": [t.strftime("%H:%M") for t in times],
                }
                for day, times in escort_days(service, now, config.home.tz)
            ]
    return out


def _json(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


async def api_requests(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    lang = _lang(hub.config)
    recent = await hub.requests.recent(SHOWN)
    latest: dict[str, Any] = {}
    for r in recent:
        if r.service not in latest and _current(hub, r):
            latest[r.service] = describe(hub, r, lang)
    return _json(
        {
            "requests": [describe(hub, r, lang) for r in recent],
            "latest": latest,
            "days": offered_days(hub, lang),
        }
    )


async def api_ask(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    hub = _hub(request)
    try:
        body = await request.json()
    except ValueError:
        return _json({"error": "expected JSON"}, 400)
    if not isinstance(body, dict) or not isinstance(body.get("service"), str):
        return _json({"error": "expected an object with a service"}, 400)
    choice = body.get("choice") or {}
    key = body.get("key")
    if not isinstance(choice, dict) or (key is not None and not _KEY.match(str(key))):
        return _json({"error": "choice must be an object, key 8-64 letters"}, 400)
    try:
        asked = await hub.requests.ask(body["service"], choice, by=session.actor, key=key)
    except Refused as e:
        hub.store.audit(session.actor, "request.refused", body["service"], str(e))
        return _json({"error": str(e)}, 409)
    return _json({"request": describe(hub, asked, _lang(hub.config))}, 201)
