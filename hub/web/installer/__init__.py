"""The installer's pages: devices (pairing, naming), the configuration file, the system.

Every page is for the role "installer" (the /installer area is closed to the others, and each
handler asks again). The forms work without script; installer.js adds the pairing countdown
and shows devices that join while the page is open.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.config.model import DeviceRole
from hub.web import openapi
from hub.web.auth import require
from hub.web.installer import dryrun
from hub.web.installer import words as _words  # noqa: F401  (registers the words)
from hub.web.installer.configfile import Check, add_device, check_text, remove_device, write_checked

if TYPE_CHECKING:
    from hub.app import Hub

log = logging.getLogger(__name__)

ROLE = "installer"
PERMIT_DEFAULT_S = 120
PERMIT_MAX_S = 254  # Zigbee's limit for one permit-join
NAME_MAX = 64
_IEEE = re.compile(r"^(?:[0-9a-f]{2}:){7}[0-9a-f]{2}$")


class _State:
    """What the pages remember between requests: until when joining is open; one writer."""

    def __init__(self) -> None:
        self.permit_until = 0.0
        self.lock = asyncio.Lock()

    def permit_left(self) -> int:
        return max(0, round(self.permit_until - time.monotonic()))


STATE = web.AppKey("installer_state", _State)


def setup(app: web.Application) -> None:
    """Add the installer pages' routes to `app`."""
    app[STATE] = _State()
    app.router.add_get("/installer", installer_home)
    app.router.add_get("/installer/devices", devices_page)
    app.router.add_post("/installer/devices/permit", permit_form)
    app.router.add_post("/installer/devices/assign", assign_device)
    app.router.add_post("/installer/devices/remove", remove_form)
    app.router.add_get("/installer/config", config_page)
    app.router.add_post("/installer/config", config_post)
    app.router.add_get("/installer/system", system_page)
    app.router.add_post("/installer/system/test", send_test)
    dryrun.setup(app)
    app.router.add_post("/api/zigbee/permit", api_permit)
    app.router.add_get("/api/installer/devices", api_devices)
    mine = (ROLE,)
    permit = openapi.operation(
        "Open the Zigbee network for new devices for `seconds` (1–254, default 120)",
        mine,
        {"type": "object", "properties": {"permitted": {"type": "integer"}}},
    )
    permit["requestBody"] = {
        "required": False,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "seconds": {"type": "integer", "minimum": 1, "maximum": PERMIT_MAX_S}
                    },
                }
            }
        },
    }
    permit["responses"]["400"] = {"description": "seconds out of range"}
    permit["responses"]["409"] = {"description": "no Zigbee radio, or not started yet"}
    openapi.document(app, "/api/zigbee/permit", "post", permit)
    openapi.document(
        app,
        "/api/installer/devices",
        "get",
        openapi.operation(
            "The devices on the network and in the configuration; seconds of pairing left",
            mine,
            {
                "type": "object",
                "properties": {
                    "devices": {"type": "array", "items": {"type": "object"}},
                    "permit_left": {"type": "integer"},
                },
            },
        ),
    )


def _hub(request: web.Request) -> Hub:
    from hub.web.app import HUB  # hub.web.app imports this package: look it up when called

    return request.app[HUB]


async def installer_home(request: web.Request) -> web.Response:
    require(request, ROLE)
    raise web.HTTPSeeOther("/installer/devices")


def _page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    from hub.web.app import _render

    hub = _hub(request)
    return _render(
        request, f"installer/{template}", status=status, home=hub.config.home.name, **context
    )


def _audit(request: web.Request, action: str, target: str = "", detail: str = "") -> None:
    session = require(request, ROLE)
    _hub(request).store.audit(session.actor, action, target, detail)


async def _form(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {k: v.strip() if isinstance(v, str) else "" for k, v in form.items()}


# Devices


def _gateway(hub: Hub) -> Any:
    """The running ZigbeeGateway, or None (no radio configured, or not started yet)."""
    source = hub.zigbee
    return source.zigbee if source is not None else None


def device_list(hub: Hub) -> list[dict[str, Any]]:
    """Devices on the network (new ones first) and configured ones that are not on it."""
    rooms = hub.config.rooms
    out: dict[str, dict[str, Any]] = {}
    zigbee = _gateway(hub)
    if zigbee is not None:
        views = hub.zigbee.devices if hub.zigbee is not None else {}
        for ieee, device in zigbee.gateway.devices.items():
            if getattr(device, "is_coordinator", False):
                continue
            key = str(ieee)
            view = views.get(key)
            out[key] = {
                "ieee": key,
                "manufacturer": str(device.manufacturer or ""),
                "model": str(device.model or ""),
                "available": bool(device.available),
                "on_network": True,
                "entities": [b.entity_id for b in view.bindings] if view else [],
            }
    for ieee in hub.config.devices:
        out.setdefault(
            ieee,
            {
                "ieee": ieee,
                "manufacturer": "",
                "model": "",
                "available": False,
                "on_network": False,
                "entities": [],
            },
        )
    for ieee, item in out.items():
        configured = hub.config.devices.get(ieee)
        item["assigned"] = configured is not None
        item["name"] = configured.name if configured else None
        item["room"] = configured.room if configured else None
        item["room_name"] = (
            rooms[configured.room].name if configured and configured.room in rooms else ""
        )
        item["role"] = configured.role.value if configured else None
    return sorted(out.values(), key=lambda d: (d["assigned"], d["room_name"], d["ieee"]))


async def devices_page(request: web.Request, **extra: Any) -> web.Response:
    require(request, ROLE)
    hub = _hub(request)
    done = request.query.get("done", "")
    return _page(
        request,
        "devices.html",
        status=extra.pop("status", 200),
        devices=device_list(hub),
        rooms=hub.config.rooms,
        roles=[r.value for r in DeviceRole],
        radio=_gateway(hub) is not None,
        permit_left=request.app[STATE].permit_left(),
        permit_s=PERMIT_DEFAULT_S,
        done=done if done in ("saved", "removed") else "",
        problems=extra.pop("problems", []),
        form=extra.pop("form", {}),
    )


async def _permit(request: web.Request, seconds: int) -> None:
    hub = _hub(request)
    zigbee = _gateway(hub)
    if zigbee is None:
        raise web.HTTPConflict(
            text='{"error": "no Zigbee radio, or not started yet"}', content_type="application/json"
        )
    await zigbee.permit(seconds)
    request.app[STATE].permit_until = time.monotonic() + seconds
    _audit(request, "zigbee.permit", f"{seconds} s")


async def api_permit(request: web.Request) -> web.Response:
    require(request, ROLE)
    body: Any = {}
    if request.can_read_body:
        try:
            body = await request.json()
        except ValueError:
            body = None
    seconds = body.get("seconds", PERMIT_DEFAULT_S) if isinstance(body, dict) else None
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 1 <= seconds <= 254:
        raise web.HTTPBadRequest(
            text='{"error": "seconds must be a whole number from 1 to 254"}',
            content_type="application/json",
        )
    await _permit(request, seconds)
    return web.json_response({"permitted": seconds})


async def permit_form(request: web.Request) -> web.Response:
    require(request, ROLE)
    await _permit(request, PERMIT_DEFAULT_S)
    raise web.HTTPSeeOther("/installer/devices")


async def api_devices(request: web.Request) -> web.Response:
    require(request, ROLE)
    hub = _hub(request)
    return web.json_response(
        {"devices": device_list(hub), "permit_left": request.app[STATE].permit_left()}
    )


async def _reload(hub: Hub, check: Check) -> list[str]:
    """Apply the changed file; the problems if it was refused (the last good one stays)."""
    if not check.ok:
        return check.problems
    if not await hub.reload():
        return hub.config_problems or ["the configuration could not be applied"]
    return []


async def assign_device(request: web.Request) -> web.Response:
    """An unassigned device gets a name, a room and a role: into the file, then applied."""
    require(request, ROLE)
    hub = _hub(request)
    form = await _form(request)
    ieee, name = form.get("ieee", "").lower(), form.get("name", "")
    room, role = form.get("room", ""), form.get("role", "")
    from hub.i18n import translator

    t = translator(str(hub.config.home.language.value))
    problems = []
    if not _IEEE.match(ieee):
        problems.append(f"ieee: '{ieee}' is not a device address")
    if not name or len(name) > NAME_MAX:
        problems.append(t("inst_name_missing"))
    if room not in hub.config.rooms:
        problems.append(f"room: '{room}' is not a room of this flat")
    if role not in {r.value for r in DeviceRole}:
        problems.append(f"role: '{role}' is not a device role")
    if problems or hub.config_path is None:
        return await devices_page(
            request, status=400, problems=problems or ["no configuration file"], form=form
        )
    path = hub.config_path
    async with request.app[STATE].lock:
        check = await asyncio.to_thread(add_device, path, ieee, name, room, role)
        problems = await _reload(hub, check)
    _audit(
        request,
        "config.device_added" if not problems else "config.device_refused",
        ieee,
        f"{name}, {room}, {role}",
    )
    if problems:
        return await devices_page(request, status=400, problems=problems, form=form)
    raise web.HTTPSeeOther("/installer/devices?done=saved")


async def remove_form(request: web.Request) -> web.Response:
    """A device leaves the configuration and, if it is on it, the network."""
    require(request, ROLE)
    hub = _hub(request)
    ieee = (await _form(request)).get("ieee", "").lower()
    if not _IEEE.match(ieee):
        return await devices_page(request, status=400, problems=[f"'{ieee}' is not a device"])
    problems: list[str] = []
    if ieee in hub.config.devices and hub.config_path is not None:
        path = hub.config_path
        async with request.app[STATE].lock:
            check = await asyncio.to_thread(remove_device, path, ieee)
            problems = await _reload(hub, check)
    zigbee = _gateway(hub)
    if not problems and zigbee is not None:
        import zigpy.types as t

        eui = t.EUI64.convert(ieee)
        if eui in zigbee.gateway.devices:
            await zigbee.gateway.async_remove_device(eui)
    _audit(request, "config.device_removed" if not problems else "config.device_refused", ieee)
    if problems:
        return await devices_page(request, status=400, problems=problems)
    raise web.HTTPSeeOther("/installer/devices?done=removed")


# The configuration file


def _numbered(text: str, marked: frozenset[int]) -> list[dict[str, Any]]:
    return [
        {"n": n, "text": line, "bad": n in marked}
        for n, line in enumerate(text.splitlines(), start=1)
    ]


async def config_page(
    request: web.Request, text: str | None = None, check: Check | None = None, status: int = 200
) -> web.Response:
    require(request, ROLE)
    hub = _hub(request)
    path = hub.config_path
    if text is None:
        text = await asyncio.to_thread(path.read_text, "utf-8") if path else ""
    marked = check.lines if check else frozenset()
    return _page(
        request,
        "config.html",
        status=status,
        file=str(path) if path else "",
        text=text,
        check=check,
        lines=_numbered(text, marked) if marked else [],
        running=hub.config_problems,
        applied=request.query.get("done") == "applied",
    )


async def config_post(request: web.Request) -> web.Response:
    """ "Prüfen" shows the messages; "Übernehmen" writes the file only if it checks out."""
    require(request, ROLE)
    hub = _hub(request)
    form = await request.post()
    raw = form.get("text")
    text = raw.replace("\r\n", "\n") if isinstance(raw, str) else ""
    path = hub.config_path
    if path is None:
        raise web.HTTPConflict(text="this hub runs without a configuration file")
    if form.get("action") != "apply":
        check = await asyncio.to_thread(check_text, path, text)
        return await config_page(request, text, check)
    async with request.app[STATE].lock:
        check = await asyncio.to_thread(write_checked, path, text)
        problems = await _reload(hub, check)
    _audit(request, "config.saved" if not problems else "config.refused", str(path))
    if problems:
        return await config_page(request, text, Check(problems, check.lines), status=400)
    raise web.HTTPSeeOther("/installer/config?done=applied")


# The system


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover


def _local(hub: Hub, ts: datetime | None) -> str:
    return ts.astimezone(hub.config.home.tz).strftime("%d.%m.%Y %H:%M") if ts else ""


def _backups(folder: Path) -> list[dict[str, str]]:
    try:
        files = sorted(
            (p for p in folder.iterdir() if p.is_file()), key=lambda p: p.name, reverse=True
        )
    except OSError:
        return []
    out = []
    for p in files:
        stat = p.stat()
        when = datetime.fromtimestamp(stat.st_mtime).strftime("%d.%m.%Y %H:%M")
        out.append({"name": p.name, "size": _size(stat.st_size), "time": when})
    return out


async def system_page(request: web.Request) -> web.Response:
    require(request, ROLE)
    hub = _hub(request)
    radio_obs = hub.state.get("radio.zigbee")
    if hub.config.zigbee is None:
        radio = "none"
    elif radio_obs is None:
        radio = "unknown"
    else:
        radio = "up" if radio_obs.value is True else "down"
    last_sms = None
    if hub.config.sms is not None:
        sms = [d for d in await hub.alerts.deliveries() if d.channel == "sms"]
        if sms:
            d = max(sms, key=lambda d: (d.created, d.id))
            last_sms = {
                "state": str(d.state),
                "time": _local(hub, d.sent or d.created),
                "to": hub.config.contacts[d.contact].name
                if d.contact in hub.config.contacts
                else d.contact,
                "error": d.last_error or "",
            }
    data_dir = hub.config.storage.data_dir
    try:
        usage = await asyncio.to_thread(shutil.disk_usage, data_dir)
        disk = {"free": _size(usage.free), "total": _size(usage.total)}
        disk["percent"] = str(round(100 * usage.used / usage.total)) if usage.total else "0"
    except OSError:
        disk = None
    contacts = [
        {
            "id": cid,
            "name": c.name,
            "role": c.role.value,
            "reach": ", ".join(x for x in (c.phone, c.email) if x),
        }
        for cid, c in hub.config.contacts.items()
    ]
    sent = request.query.get("sent", "")
    return _page(
        request,
        "system.html",
        radio=radio,
        radio_time=_local(hub, radio_obs.ts) if radio_obs else "",
        sms_configured=hub.config.sms is not None,
        last_sms=last_sms,
        disk=disk,
        data_dir=str(data_dir),
        backups=await asyncio.to_thread(_backups, data_dir / "backups"),
        contacts=contacts,
        sent=hub.config.contacts[sent].name if sent in hub.config.contacts else "",
    )


async def send_test(request: web.Request) -> web.Response:
    """ "Testnachricht senden": a test message to one contact on each of their channels."""
    require(request, ROLE)
    hub = _hub(request)
    contact = (await _form(request)).get("contact", "")
    if contact not in hub.config.contacts:
        raise web.HTTPNotFound()
    alert_id = await hub.alerts.send_test(contact)
    _audit(request, "alert.test", contact, f"alert {alert_id}")
    raise web.HTTPSeeOther(f"/installer/system?sent={contact}")
