"""The resident's tablet: its page and the few actions it may take.

Every route asks for the role "resident" (a paired tablet) or "installer" (setting it up).
The tablet polls `/api/resident/status`; its answers carry no technical words, so the page
can show them as they are.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.alerts.model import AlertState
from hub.i18n import translator
from hub.model import Capability, Observation, Severity
from hub.web.auth import require
from hub.web.resident.parts import parts_for

if TYPE_CHECKING:
    from hub.alerts.model import Alert
    from hub.app import Hub
    from hub.config.model import Config

log = logging.getLogger(__name__)

ROLES = ("resident", "installer")
SETPOINT_MIN, SETPOINT_MAX, SETPOINT_STEP = 12.0, 26.0, 0.5
DEFAULT_SETPOINT = 20.0
DIM = 30.0  # percent, "dim" on the tablet
POLL_MS = 2000


def setup(app: web.Application) -> None:
    """Add the tablet's routes to `app`."""
    app.router.add_get("/tablet", tablet_page)
    app.router.add_get("/api/resident/status", api_status)
    app.router.add_post("/api/resident/check_in", api_check_in)
    app.router.add_post("/api/resident/help", api_help)
    app.router.add_post("/api/resident/pre_alert/{alert_id:\\d+}/ok", api_pre_alert_ok)
    app.router.add_post("/api/resident/reminder/{rule}/confirm", api_reminder)
    app.router.add_post("/api/resident/light", api_light)
    app.router.add_post("/api/resident/heating", api_heating)
    from hub.web.resident import measurements, visits  # tablet parts: they import from here

    visits.setup(app)
    measurements.setup(app)
    from hub.web.resident import services, video

    services.setup(app)  # service requests, and the providers' answer page /r/<token>
    video.setup(app)


def _hub(request: web.Request) -> Hub:
    from hub.web.app import HUB  # hub.web.app imports this module: look it up when called

    return request.app[HUB]


def _lang(hub: Hub) -> str:
    return str(hub.config.home.language.value)


def _json(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


def _audit(request: web.Request, action: str, target: str = "", detail: str = "") -> None:
    session = require(request, *ROLES)
    _hub(request).store.audit(session.actor, action, target, detail)


# The page


async def tablet_page(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    from hub.web.app import TEMPLATES

    hub = _hub(request)
    lang = _lang(hub)
    resident = next(iter(hub.config.residents.values()), None)
    html = request.app[TEMPLATES].render(
        "resident/tablet.html",
        t=translator(lang),
        lang=lang,
        tz=hub.config.home.timezone,
        resident=resident.name if resident else "",
        helper=helper_name(hub.config),
        poll_ms=POLL_MS,
        csrf=getattr(session, "csrf", ""),
        parts=parts_for(hub),
    )
    return web.Response(text=html, content_type="text/html")


# Reads


def helper_name(config: Config) -> str | None:
    """Who is called first when the resident asks for help: the panic rule's first contact."""
    notify: str | tuple[str, ...] = "default"
    for rule in config.rules:
        if rule.kind == "panic" and rule.enabled:
            notify = rule.notify
            break
    if isinstance(notify, str):
        policy = config.escalation.get(notify) or config.escalation.get("default")
        first = policy.tiers[0].contacts[0] if policy else None
    else:
        first = notify[0] if notify else None
    contact = config.contacts.get(first) if first else None
    return contact.name if contact else None


def _contact_name(config: Config, who: str | None) -> str | None:
    if not who:
        return None
    contact = config.contacts.get(who)
    return contact.name if contact else None


def _is_reminder(alert: Alert) -> bool:
    if alert.data.get("reminder"):
        return True
    # The alert keeps the finding's kind and subject, not its data: "reminder 08:00"
    return alert.kind == "reminder" and not alert.subject.endswith("unconfirmed")


def _reminder(config: Config, alert: Alert) -> dict[str, Any]:
    rule = next((r for r in config.rules if r.rule_id == alert.rule), None)
    text = alert.data.get("text") or getattr(rule, "text", None)
    at = alert.data.get("at") or alert.subject.removeprefix("reminder ").strip()
    picture = getattr(rule, "picture", None)
    return {
        "rule": alert.rule,
        "text": text or alert.data.get("explanation", ""),
        "at": at,
        # the pill box beside the text, and "Genommen" rather than "Erledigt" for a medicine
        "picture": f"/pictures/{picture}" if picture else None,
        "medication": bool(getattr(rule, "medication", False)),
    }


def _number(hub: Hub, entity: str) -> float | None:
    obs = hub.state.get(entity)
    if obs is None or isinstance(obs.value, str):
        return None
    return float(obs.value)


def _room(hub: Hub, room: str | None) -> str:
    return hub.config.rooms[room].name if room and room in hub.config.rooms else ""


def _controls(hub: Hub) -> dict[str, list[dict[str, Any]]]:
    if hub.commands is None:  # no radio: nothing the tablet could switch
        return {"lights": [], "heating": []}
    lights = [
        {"entity": e.id, "room": _room(hub, e.room) or e.name, "level": _number(hub, e.id) or 0}
        for e in hub.entities.with_capability([Capability.LIGHT])
    ]
    heating = []
    for e in hub.entities.with_capability([Capability.CLIMATE]):
        name = e.id.split(".", 1)[1]
        temperature = _number(hub, f"temperature.{name}")
        if temperature is None and e.room:
            temperature = _number(hub, f"temperature.{e.room}")
        heating.append(
            {
                "entity": e.id,
                "room": _room(hub, e.room) or e.name,
                "setpoint": _number(hub, e.id),
                "temperature": None if temperature is None else round(temperature, 1),
            }
        )
    return {"lights": lights, "heating": heating}


async def api_status(request: web.Request) -> web.Response:
    """What the tablet shows: a question to answer, help on its way, reminders, controls."""
    require(request, *ROLES)
    hub = _hub(request)
    now = hub.clock.now()
    pre_alert = None
    help_state = None
    reminders = []
    for alert in await hub.alerts.open_alerts():
        if alert.system:
            continue
        if _is_reminder(alert):
            reminders.append(_reminder(hub.config, alert))
        elif alert.state is AlertState.PRE_ALERT:
            until = alert.pre_alert_until
            left = (until - now).total_seconds() if until else 0.0
            total = float(alert.data.get("pre_alert_s", 0))
            if pre_alert is None:
                pre_alert = {"id": alert.id, "seconds_left": max(0.0, left), "seconds": total}
        elif alert.severity is not Severity.INFO and (
            alert.data.get("pre_alert_s") or alert.kind == "panic"
        ):
            # the resident asked for help, or did not answer the question: help is coming
            help_state = {
                "id": alert.id,
                "acknowledged_by": _contact_name(hub.config, alert.acknowledged_by),
            }
    check_in = hub.state.get("check_in.tablet")
    return _json(
        {
            "pre_alert": pre_alert,
            "help": help_state,
            "helper": helper_name(hub.config),
            "reminders": reminders,
            "checked_in": check_in.ts.isoformat() if check_in else None,
            **_controls(hub),
        }
    )


# Actions


async def api_check_in(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    hub.ingest(Observation(hub.clock.now(), "check_in.tablet", True, "tablet"))
    _audit(request, "tablet.check_in")
    return _json({"ok": True})


async def api_help(request: web.Request) -> web.Response:
    """Held long enough on the tablet: the panic rule makes it an emergency."""
    require(request, *ROLES)
    hub = _hub(request)
    hub.ingest(Observation(hub.clock.now(), "help.tablet", True, "tablet"))
    _audit(request, "tablet.help")
    return _json({"ok": True, "helper": helper_name(hub.config)})


async def api_pre_alert_ok(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    alert_id = int(request.match_info["alert_id"])
    changed = await hub.alerts.cancel_pre_alert(alert_id, "resident")
    _audit(request, "tablet.pre_alert_ok", str(alert_id), "done" if changed else "no change")
    # Too late (help already called) is no error for the resident: the next status tells
    return _json({"ok": changed is not None})


async def api_reminder(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    rule = request.match_info["rule"]
    if not any(r.rule_id == rule for r in hub.config.rules):
        return _json({"ok": False}, status=404)
    hub.ingest(Observation(hub.clock.now(), "reminder.tablet", rule, "tablet"))
    _audit(request, "tablet.reminder", rule)
    return _json({"ok": True})


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(
            text='{"error": "expected JSON"}', content_type="application/json"
        ) from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(
            text='{"error": "expected an object"}', content_type="application/json"
        )
    return data


def _entity(hub: Hub, data: dict[str, Any], capability: Capability) -> str:
    entity = data.get("entity")
    known = hub.entities.get(entity) if isinstance(entity, str) else None
    if known is None or known.capability is not capability:
        raise web.HTTPBadRequest(
            text='{"error": "unknown entity"}', content_type="application/json"
        )
    return known.id


async def api_light(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    data = await _body(request)
    entity = _entity(hub, data, Capability.LIGHT)
    level = data.get("level")
    if level not in ("on", "off", "dim"):
        raise web.HTTPBadRequest(
            text='{"error": "on, off or dim"}', content_type="application/json"
        )
    if hub.commands is None:
        return _json({"ok": False}, status=503)
    if level == "off":
        result = await hub.commands.light(entity, on=False)
    else:
        result = await hub.commands.light(
            entity, on=True, brightness=100.0 if level == "on" else DIM
        )
    _audit(request, "tablet.light", entity, f"{level}: {result}")
    return _json({"ok": str(result) == "done"})


async def api_heating(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    data = await _body(request)
    entity = _entity(hub, data, Capability.CLIMATE)
    change = data.get("change")
    if change not in ("warmer", "cooler"):
        raise web.HTTPBadRequest(
            text='{"error": "warmer or cooler"}', content_type="application/json"
        )
    if hub.commands is None:
        return _json({"ok": False}, status=503)
    current = _number(hub, entity) or DEFAULT_SETPOINT
    step = SETPOINT_STEP if change == "warmer" else -SETPOINT_STEP
    setpoint = min(SETPOINT_MAX, max(SETPOINT_MIN, current + step))
    result = await hub.commands.thermostat(entity, setpoint=setpoint)
    _audit(request, "tablet.heating", entity, f"{setpoint}: {result}")
    return _json({"ok": str(result) == "done", "setpoint": setpoint})
