"""Video calls on the tablet: a tile per configured call, the call full screen, the reminder.

The call's page (a Jitsi room, a practice's portal) runs in a frame that may use camera,
microphone and full screen; the tablet's Content-Security-Policy lets it frame exactly the
configured origins (`frame_headers`, used by hub/web/app.py). "Auflegen" removes the frame,
which ends the call. Reminders come from hub/services/video.py via /api/resident/video.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.i18n import translator
from hub.web import openapi
from hub.web.auth import require
from hub.web.resident.parts import TabletPart, add_part

if TYPE_CHECKING:
    from hub.app import Hub
    from hub.config.model import Config

ROLES = ("resident", "installer")
# What the call's page may use; the Permissions-Policy header grants the same to its origin.
FEATURES = ("camera", "microphone", "fullscreen", "display-capture")


def setup(app: web.Application) -> None:
    add_part(
        TabletPart(
            name="video",
            tile="resident/video_tiles.html",
            screen="resident/video_screens.html",
            script="/static/video.js",
            order=40,
            shown=lambda hub: bool(hub.config.video.calls),
            context=_context,
        )
    )
    app.router.add_get("/api/resident/video", api_video)
    for event in ("start", "end"):
        app.router.add_post(f"/api/resident/video/{{call:[a-z][a-z0-9_]*}}/{event}", api_event)
    reminder = {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "call": {"type": "string"},
            "text": {"type": "string", "example": "Um 10:00 Videosprechstunde mit Dr. Weber"},
            "at": {"type": "string", "format": "date-time"},
            "due": {"type": "boolean", "description": "the call's time has come"},
        },
    }
    openapi.document(
        app,
        "/api/resident/video",
        "get",
        openapi.operation(
            "Video call reminders the tablet shows now (from `remind_before` before an "
            "appointment until half an hour after it)",
            ROLES,
            {"type": "object", "properties": {"reminders": {"type": "array", "items": reminder}}},
        ),
    )
    for event, what in (("start", "opened"), ("end", "hung up")):
        operation = openapi.operation(f"The tablet {what} a video call (for the audit log)", ROLES)
        operation["parameters"] = [
            {"name": "call", "in": "path", "required": True, "schema": {"type": "string"}}
        ]
        openapi.document(app, f"/api/resident/video/{{call}}/{event}", "post", operation)


def frame_headers(config: Config, csp: str) -> dict[str, str]:
    """The tablet page's headers that let it frame the configured calls, and only them."""
    origins = config.video.origins()
    if not origins:
        return {}
    quoted = " ".join(f'"{o}"' for o in origins)
    granted = ", ".join(f"{feature}=(self {quoted})" for feature in FEATURES)
    return {
        "Content-Security-Policy": f"{csp}; frame-src {' '.join(origins)}",
        "Permissions-Policy": f"{granted}, geolocation=()",
        # A tablet on plain http opens the call in a window of its own (camera needs a secure
        # context); the page must keep hold of that window to close it on "Auflegen".
        "Cross-Origin-Opener-Policy": "same-origin-allow-popups",
    }


def _hub(request: web.Request) -> Hub:
    from hub.web.app import HUB

    return request.app[HUB]


def _context(hub: Hub) -> dict[str, Any]:
    t = translator(hub.config.home.language.value)
    return {
        "calls": [
            {
                "id": cid,
                "name": call.name,
                "kind": t(f"vid_{call.kind}"),
                "tile": t("vid_tile"),
                "url": call.url,
                "connecting": t("vid_connecting").format(name=call.name),
                "own_window": t("vid_own_window").format(name=call.name),
            }
            for cid, call in hub.config.video.calls.items()
        ],
        "allow": "; ".join(FEATURES),
    }


async def api_video(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = _hub(request)
    config = hub.config
    lang = config.home.language.value
    t = translator(lang)
    now = hub.clock.now()
    reminders = []
    for reminder in hub.video.showing():
        call = config.video.calls[reminder.call]
        local = reminder.at.astimezone(config.home.tz).strftime("%H:%M")
        text = t(f"vid_reminder_{call.kind}").format(time=local, name=call.name)
        reminders.append(
            {
                "key": reminder.key,
                "call": reminder.call,
                "text": text,
                "at": reminder.at.isoformat(),
                "due": now >= reminder.at,
            }
        )
    body = json.dumps({"reminders": reminders}, ensure_ascii=False)
    return web.Response(text=body, content_type="application/json")


async def api_event(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    hub = _hub(request)
    call = request.match_info["call"]
    if call not in hub.config.video.calls:
        return web.json_response({"error": "no such call"}, status=404)
    event = request.path.rsplit("/", 1)[1]
    hub.store.audit(session.actor, f"tablet.video_{event}", call)
    return web.json_response({"ok": True})
