"""The carer's pages: open alerts and their history, today's activity, vital signs, devices.

Every page asks for the role "carer" or "installer" (the area /carer is closed to residents
too). Charts are SVG drawn on the server from the store; the page's script only sends the
alert buttons with fetch and the CSRF header, and the forms work without it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.alerts.model import AlertState
from hub.i18n import register
from hub.model import slugify
from hub.store.retention import local_midnight
from hub.web.auth import require
from hub.web.carer import charts, summary, vitals
from hub.web.carer.words import WORDS

if TYPE_CHECKING:
    from hub.alerts.model import Alert, Delivery
    from hub.app import Hub

ROLES = ("carer", "installer")
HISTORY = 20
LOW_BATTERY = 20.0  # percent
ACTIVITY = ("motion", "presence", "contact", "bed_occupancy")
NAV = (
    ("/carer", "carer_nav_alerts"),
    ("/carer/today", "carer_nav_today"),
    ("/carer/summary", "carer_nav_summary"),
    ("/carer/routine", "carer_nav_routine"),
    ("/carer/vitals", "carer_nav_vitals"),
    ("/carer/devices", "carer_nav_devices"),
    ("/carer/reminders", "carer_nav_reminders"),
    ("/carer/visits", "carer_nav_visits"),
    ("/carer/requests", "carer_nav_requests"),
    ("/carer/export", "carer_nav_export"),
)

register(WORDS)


def setup(app: web.Application) -> None:
    """Add the carer pages' routes to `app`."""
    app.router.add_get("/carer", alerts_page)
    app.router.add_post("/carer/alerts/{alert_id:\\d+}/{verb:acknowledge|resolve}", alert_form)
    app.router.add_get("/carer/today", today_page)
    app.router.add_get("/carer/devices", devices_page)
    summary.setup(app)
    vitals.setup(app)
    from hub.web.carer import reminders, visits  # the words they register come with them

    reminders.setup(app)
    visits.setup(app)
    from hub.web.carer import requests

    requests.setup(app)  # service requests from the tablet and their answers
    from hub.web.carer import export

    export.setup(app)  # CSV and FHIR downloads, audited
    from hub.web.carer import routine

    routine.setup(app)  # her usual day, as the routine rules learned it


def _hub(request: web.Request) -> Hub:
    from hub.web.app import HUB  # hub.web.app imports this package: look it up when called

    return request.app[HUB]


def _page(request: web.Request, template: str, **context: Any) -> web.Response:
    from hub.web.app import _render

    hub = _hub(request)
    return _render(
        request,
        f"carer/{template}",
        home=hub.config.home.name,
        nav=NAV,
        here=request.path,
        **context,
    )


def _local(hub: Hub, ts: datetime | None, with_day: bool = True) -> str:
    if ts is None:
        return ""
    local = ts.astimezone(hub.config.home.tz)
    if not with_day:
        return local.strftime("%H:%M")
    return local.strftime("%d.%m.%Y %H:%M")


# Alerts


def _who(hub: Hub, by: str | None) -> str:
    """A contact's name, or the account behind "web:carer:carla"."""
    if not by:
        return ""
    contact = hub.config.contacts.get(by)
    if contact is not None:
        return contact.name
    if by.startswith("web:"):
        return by.rsplit(":", 1)[-1]
    return by


def _delivery(hub: Hub, d: Delivery) -> dict[str, Any]:
    return {
        "contact": _who(hub, d.contact),
        "channel": d.channel,
        "state": str(d.state),
        "kind": d.kind,
        "when": _local(hub, d.sent or d.created),
        "error": d.last_error or "",
    }


async def _alert(hub: Hub, alert: Alert) -> dict[str, Any]:
    deliveries = await hub.alerts.deliveries(alert.id)
    told = sorted({_who(hub, d.contact) for d in deliveries if str(d.state) == "sent"})
    return {
        "id": alert.id,
        "severity": str(alert.severity),
        "state": str(alert.state),
        "summary": alert.data.get("explanation") or alert.summary or alert.subject,
        "since": _local(hub, alert.opened),
        "acknowledged_by": _who(hub, alert.acknowledged_by),
        "acknowledged": _local(hub, alert.acknowledged),
        "resolved": _local(hub, alert.resolved),
        "resolved_by": _who(hub, alert.data.get("resolved_by")),
        "told": told,
        "deliveries": [_delivery(hub, d) for d in deliveries],
        "can_acknowledge": alert.state in (AlertState.PRE_ALERT, AlertState.OPEN),
        "can_resolve": alert.state is not AlertState.RESOLVED,
    }


async def alerts_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    open_alerts = [await _alert(hub, a) for a in reversed(await hub.alerts.open_alerts())]
    open_ids = {a["id"] for a in open_alerts}
    history = [
        await _alert(hub, a)
        for a in await hub.alerts.recent_alerts(HISTORY + len(open_ids))
        if a.id not in open_ids
    ][:HISTORY]
    return _page(request, "alerts.html", open_alerts=open_alerts, history=history)


async def alert_form(request: web.Request) -> web.Response:
    """The buttons without script: the form is sent here, and the page shows the new state."""
    session = require(request, *ROLES)
    hub = _hub(request)
    alert_id = int(request.match_info["alert_id"])
    verb = request.match_info["verb"]
    by = f"web:{session.actor}"
    if verb == "acknowledge":
        changed = await hub.alerts.acknowledge(alert_id, by, "web")
    else:
        changed = await hub.alerts.resolve(alert_id, by)
    hub.store.audit(
        session.actor, f"alert.{verb}", str(alert_id), "done" if changed else "no change"
    )
    raise web.HTTPSeeOther(f"/carer#alert-{alert_id}")


# Today


async def today_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    tz = hub.config.home.tz
    now = hub.clock.now()
    start = local_midnight(now.astimezone(tz).date(), tz)
    entities = [e for e in hub.entities if e.capability.value in ACTIVITY and e.room]
    room_of = {e.id: e.room for e in entities if e.room}
    observations = await hub.store.observations(start, now + timedelta(seconds=1), room_of)
    rooms = {rid: room.name for rid, room in hub.config.rooms.items()}
    chart = charts.timeline(observations, rooms, room_of, start, now, tz)
    return _page(request, "today.html", chart=chart, day=now.astimezone(tz).strftime("%d.%m.%Y"))


# Devices


async def devices_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    state = hub.state

    def name(entity_id: str) -> tuple[str, str]:
        entity = hub.entities.get(entity_id)
        if entity is not None:
            room = hub.config.rooms.get(entity.room) if entity.room else None
            return entity.name, room.name if room else ""
        # Per-device readings are named after the device: "available.bewegung_kueche"
        base = entity_id.partition(".")[2]
        for device in hub.config.devices.values():
            if slugify(device.name) == base:
                place = hub.config.rooms.get(device.room)
                return device.name, place.name if place else ""
        return base, ""

    batteries = []
    for eid, obs in state.items():
        if not eid.startswith("battery.") or isinstance(obs.value, str | bool):
            continue
        device, room = name(eid)
        level = float(obs.value)
        batteries.append(
            {
                "device": device,
                "room": room,
                "level": round(level),
                "low": level <= LOW_BATTERY,
                "when": _local(hub, obs.ts),
            }
        )
    batteries.sort(key=lambda b: (b["level"], b["device"]))
    silent = []
    for eid, obs in state.items():
        if eid.startswith("available.") and obs.value is False:
            device, room = name(eid)
            silent.append({"device": device, "room": room, "since": _local(hub, obs.ts)})
    silent.sort(key=lambda s: s["device"])
    devices = []
    for ieee, configured in hub.config.devices.items():
        seen = [
            state[e.id].ts
            for e in hub.entities
            if e.device == ieee and e.id in state and not e.id.startswith("available.")
        ]
        place = hub.config.rooms.get(configured.room)
        last = max(seen) if seen else None
        devices.append((last, configured.name, place.name if place else ""))
    # Never heard of first, then the longest silent
    devices.sort(key=lambda d: (d[0] is not None, d[0] or datetime.min, d[1]))
    rows = [{"device": n, "room": r, "last_seen": _local(hub, last)} for last, n, r in devices]
    return _page(request, "devices.html", batteries=batteries, silent=silent, devices=rows)
