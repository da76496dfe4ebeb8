"""The web application: login, the live page, its event stream, and friendly errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.i18n import translator
from hub.model import Finding, Observation
from hub.web import resident
from hub.web.auth import COOKIE, SESSION, SESSION_SECONDS, Gate, Handler, is_public
from integrations.base import InboundReply

if TYPE_CHECKING:
    from hub.app import Hub

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
HUB: web.AppKey[Hub] = web.AppKey("hub")
GATE = web.AppKey("gate", Gate)


class Templates:
    """The page templates; jinja2 is loaded with the first page, not with the hub."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._env: Any = None

    def render(self, name: str, **context: Any) -> str:
        if self._env is None:
            import jinja2

            self._env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(self._folder),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
            )
        html: str = self._env.get_template(name).render(**context)
        return html


TEMPLATES = web.AppKey("templates", Templates)
HEARTBEAT_S = 15.0
QUEUE = 500

_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def build_app(hub: Hub, gate: Gate) -> web.Application:
    app = web.Application(middlewares=[_errors, _security], client_max_size=64 * 1024)
    app[HUB] = hub
    app[GATE] = gate
    app[TEMPLATES] = Templates(HERE / "templates")
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login_submit)
    app.router.add_post("/logout", logout)
    app.router.add_get("/health", health)
    app.router.add_get("/", live_page)
    app.router.add_get("/events", events)
    app.router.add_get("/api/state", api_state)
    app.router.add_get("/api/alerts", api_alerts)
    app.router.add_post("/api/alerts/{alert_id:\\d+}/{verb:acknowledge|resolve|dismiss}", api_alert)
    sms = hub.config.sms
    if sms is not None and sms.webhook_url:
        from integrations.sms_twilio.webhook import inbound_sms_handler

        async def on_reply(reply: InboundReply) -> None:
            await hub.alerts.handle_reply(reply)

        handler = inbound_sms_handler(sms.auth_token.value, sms.webhook_url, on_reply)
        app.router.add_post("/twilio/sms", handler)
    resident.setup(app)
    app.router.add_static("/static/", HERE / "static", append_version=True)
    return app


@contextlib.asynccontextmanager
async def serve(hub: Hub, gate: Gate, host: str, port: int) -> AsyncIterator[web.AppRunner]:
    """Serve the UI until the block ends; a port in use is a clear error, not a trace."""
    runner = web.AppRunner(build_app(hub, gate), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as e:
            raise WebError(f"cannot serve the web UI on {host}:{port}: {e.strerror}") from None
        yield runner
    finally:
        await runner.cleanup()


class WebError(Exception):
    pass


def _lang(request: web.Request) -> str:
    return str(request.app[HUB].config.home.language.value)


def _render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    lang = _lang(request)
    html = request.app[TEMPLATES].render(template, t=translator(lang), lang=lang, **context)
    return web.Response(text=html, content_type="text/html", status=status)


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No visitor ever sees a stack trace: the log gets it, the page says something calm."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return _render(request, "message.html", status=404, key="not_found")
    except web.HTTPException:
        raise
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("web request %s %s failed", request.method, request.path)
        return _render(request, "message.html", status=500, key="oops")


@web.middleware
async def _security(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_public(request.path):
        session = request.app[GATE].session(request.cookies.get(COOKIE))
        if session is None:
            if request.path.startswith(("/api/", "/events")):
                raise web.HTTPUnauthorized(
                    text='{"error": "sign in first"}', content_type="application/json"
                )
            raise web.HTTPFound("/login")
        request[SESSION] = session
        if request.path != "/events":
            request.app[HUB].store.audit(session.actor, "view", request.path)
    response = await handler(request)
    if not response.prepared:
        response.headers.update(_HEADERS)
    return response


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def login_page(request: web.Request) -> web.Response:
    return _render(request, "login.html", error=None)


async def login_submit(request: web.Request) -> web.Response:
    gate = request.app[GATE]
    store = request.app[HUB].store
    if gate.throttled():
        return _render(request, "login.html", status=429, error="too_many")
    form = await request.post()
    code = form.get("code")
    session = gate.try_code(code if isinstance(code, str) else "")
    peer = request.remote or "?"
    if session is None:
        store.audit(f"anonymous@{peer}", "login.failed", "/login")
        return _render(request, "login.html", status=401, error="wrong_code")
    store.audit(session.actor, "login", "/login", f"from {peer}")
    response = web.HTTPFound("/")
    response.set_cookie(
        COOKIE, session.token, max_age=SESSION_SECONDS, httponly=True, samesite="Strict", path="/"
    )
    raise response


async def logout(request: web.Request) -> web.Response:
    token = request.cookies.get(COOKIE)
    request.app[GATE].end(token)
    response = web.HTTPFound("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


def _observation(hub: Hub, obs: Observation) -> dict[str, Any]:
    entity = hub.entities.get(obs.entity)
    local = obs.ts.astimezone(hub.config.home.tz)
    return {
        "entity": obs.entity,
        "name": entity.name if entity else obs.entity,
        "room": hub.config.rooms[entity.room].name
        if entity and entity.room in hub.config.rooms
        else "",
        "value": obs.value,
        "time": local.strftime("%H:%M:%S"),
        "ts": obs.ts.isoformat(),
        "source": obs.source,
    }


def _finding(hub: Hub, finding: Finding) -> dict[str, Any]:
    data = finding.to_json()
    data["time"] = finding.ts.astimezone(hub.config.home.tz).strftime("%H:%M:%S")
    return data


async def live_page(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    state = sorted(hub.state.values(), key=lambda o: o.entity)
    return _render(
        request,
        "live.html",
        home=hub.config.home.name,
        state=[_observation(hub, o) for o in state],
        recent=[_observation(hub, o) for o in reversed(hub.recent)],
        findings=[_finding(hub, f) for f in reversed(hub.findings)],
        problems=hub.config_problems,
    )


async def api_state(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    return web.json_response(
        {
            "home": hub.config.home.name,
            "state": [_observation(hub, o) for o in hub.state.values()],
            "findings": [_finding(hub, f) for f in hub.findings],
        }
    )


def _alert(alert: Any) -> dict[str, Any]:
    fields = ("id", "rule", "subject", "kind", "severity", "state", "acknowledged_by")
    out = {
        name: str(getattr(alert, name)) if getattr(alert, name) is not None else None
        for name in fields
    }
    out["id"] = alert.id
    out["data"] = alert.data
    return out


async def api_alerts(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    return web.json_response({"alerts": [_alert(a) for a in await hub.alerts.open_alerts()]})


async def api_alert(request: web.Request) -> web.Response:
    """A carer acknowledges or resolves an alert; the tablet dismisses a pre-alert."""
    hub = request.app[HUB]
    session = request[SESSION]
    alert_id = int(request.match_info["alert_id"])
    verb = request.match_info["verb"]
    by = f"web:{session.actor}"
    if verb == "acknowledge":
        changed = await hub.alerts.acknowledge(alert_id, by, "web")
    elif verb == "resolve":
        changed = await hub.alerts.resolve(alert_id, by)
    else:
        changed = await hub.alerts.cancel_pre_alert(alert_id, "resident")
    hub.store.audit(
        session.actor, f"alert.{verb}", str(alert_id), "done" if changed else "no change"
    )
    if changed is None:
        raise web.HTTPConflict(
            text='{"error": "nothing to change"}', content_type="application/json"
        )
    return web.json_response({"alert": _alert(changed)})


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: each observation and finding as it happens, plus a heartbeat."""
    hub = request.app[HUB]
    queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue(maxsize=QUEUE)

    def push(kind: str, item: dict[str, Any]) -> None:
        if queue.full():  # a slow browser loses the oldest lines, never the hub its memory
            queue.get_nowait()
        queue.put_nowait((kind, item))

    stops = [
        hub.subscribe(Observation, lambda o: push("observation", _observation(hub, o))),
        hub.subscribe(Finding, lambda f: push("finding", _finding(hub, f))),
    ]
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", **_HEADERS})
    await response.prepare(request)
    try:
        await response.write(b"retry: 2000\n\n")
        while True:
            try:
                kind, item = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
            except TimeoutError:
                await response.write(b": still here\n\n")
                continue
            payload = json.dumps(item, ensure_ascii=False)
            await response.write(f"event: {kind}\ndata: {payload}\n\n".encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        for stop in stops:
            stop()
    return response
