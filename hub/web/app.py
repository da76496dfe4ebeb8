"""The web application: login, the live page, its event stream, and friendly errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from aiohttp import web

from hub.i18n import translator
from hub.model import Finding, Observation
from hub.web import accounts, carer, installer, openapi, resident
from hub.web.auth import (
    COOKIE,
    CSRF_COOKIE,
    CSRF_EXEMPT,
    DEVICE_COOKIE,
    RESIDENT_HOME,
    ROLES,
    SAFE_METHODS,
    SESSION,
    SESSION_SECONDS,
    Gate,
    Handler,
    area_roles,
    csrf_ok,
    is_public,
    require,
)
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
# Who last viewed what, when: a page polled every few seconds (the tablet's status) is one
# view in the audit log per VIEW_AGAIN, not 43,200 rows a day.
VIEWS: web.AppKey[dict[tuple[str, str], datetime]] = web.AppKey("views", dict)
VIEW_AGAIN = timedelta(minutes=10)
VIEWS_KEPT = 10_000
HEARTBEAT_S = 15.0
QUEUE = 500

# No inline script or style anywhere: pages load /static/ files and read data-* attributes.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cache-Control": "no-store",
}
# Pages with a form that is sent before anyone has signed in (double-submitted CSRF cookie).
_FORM_PAGES = ("/login", "/setup", "/pair")
_ANSWER_PAGES = "/r/"  # a provider's answer to a service request (hub/web/answer.py)


def build_app(hub: Hub, gate: Gate | None = None) -> web.Application:
    app = web.Application(middlewares=[_errors, _security], client_max_size=64 * 1024)
    app[HUB] = hub
    app[VIEWS] = {}
    app[GATE] = gate = gate or Gate()
    app[TEMPLATES] = Templates(HERE / "templates")

    async def start_gate(app: web.Application) -> None:
        await gate.start(hub.store)

    app.on_startup.append(start_gate)
    accounts.setup(app)
    app.router.add_get("/health", health)
    app.router.add_get("/", live_page)
    app.router.add_get("/events", events)
    app.router.add_post("/language", set_language)
    app.router.add_get("/api/state", api_state)
    app.router.add_get("/api/alerts", api_alerts)
    for verb in ("acknowledge", "resolve", "dismiss"):
        app.router.add_post(f"/api/alerts/{{alert_id:\\d+}}/{verb}", api_alert)
    openapi.setup(app)
    sms = hub.config.sms
    if sms is not None and sms.webhook_url:
        from integrations.sms_twilio.webhook import inbound_sms_handler

        async def on_reply(reply: InboundReply) -> None:
            await hub.alerts.handle_reply(reply)

        handler = inbound_sms_handler(sms.auth_token.value, sms.webhook_url, on_reply)
        app.router.add_post("/twilio/sms", handler)
    resident.setup(app)
    carer.setup(app)
    installer.setup(app)
    app.router.add_static("/static/", HERE / "static", append_version=True)
    return app


@contextlib.asynccontextmanager
async def serve(hub: Hub, gate: Gate | None, host: str, port: int) -> AsyncIterator[web.AppRunner]:
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


LANG_COOKIE = "lang"
LANGS = ("de", "en")


def _lang(request: web.Request) -> str:
    """This browser's choice (the `lang` cookie), else the home's language."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGS:
        return chosen
    return str(request.app[HUB].config.home.language.value)


async def set_language(request: web.Request) -> web.Response:
    """The header's Deutsch / English switch: remember the choice here, go back to the page."""
    form = await request.post()
    lang = form.get("lang")
    if lang not in LANGS:
        raise web.HTTPBadRequest(text="lang must be de or en")
    back = form.get("next")
    if not isinstance(back, str) or not back.startswith("/") or back.startswith(("//", "/\\")):
        back = "/"
    response = web.HTTPSeeOther(back)
    response.set_cookie(
        LANG_COOKIE, str(lang), max_age=365 * 24 * 3600, samesite="Strict", httponly=True, path="/"
    )
    raise response


def _render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    lang = _lang(request)
    if "csrf" not in context:
        session = request.get(SESSION)
        context["csrf"] = session.csrf if session is not None else ""
    context.setdefault("lang_switch", request.get(SESSION) is not None)
    context.setdefault("here_path", request.path_qs)
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


def _audit_view(request: web.Request, actor: str) -> None:
    """Record a view, once per VIEW_AGAIN for the same person and path."""
    hub, views = request.app[HUB], request.app[VIEWS]
    now, key = hub.clock.now(), (actor, request.path)
    last = views.get(key)
    if last is not None and now - last < VIEW_AGAIN and request.method in SAFE_METHODS:
        return
    if len(views) >= VIEWS_KEPT:
        views.clear()
    views[key] = now
    hub.store.audit(actor, "view", request.path)


def _refuse(request: web.Request, status: type[web.HTTPException], error: str) -> NoReturn:
    if request.path.startswith(("/api/", "/events")) or request.method not in SAFE_METHODS:
        raise status(text=json.dumps({"error": error}), content_type="application/json")
    raise status(
        text=request.app[TEMPLATES].render(
            "message.html", t=translator(_lang(request)), lang=_lang(request), key="forbidden"
        ),
        content_type="text/html",
    )


@web.middleware
async def _security(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every answer, refusals and redirects included, carries the security headers."""
    try:
        response = await _guarded(request, handler)
    except web.HTTPException as e:
        e.headers.update(_HEADERS)
        raise
    if not response.prepared:
        response.headers.update(_headers_for(request))
    return response


def _headers_for(request: web.Request) -> dict[str, str]:
    """The tablet's page may frame the configured video calls' pages and lend them camera,
    microphone and full screen; every other page frames nothing."""
    if request.path != RESIDENT_HOME:
        return _HEADERS
    from hub.web.resident.video import frame_headers

    return {**_HEADERS, **frame_headers(request.app[HUB].config, _CSP)}


async def _guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Who is asking (a session, else a paired tablet), may they, and is the request their own."""
    gate = request.app[GATE]
    session = gate.session(request.cookies.get(COOKIE)) or gate.tablet(
        request.cookies.get(DEVICE_COOKIE)
    )
    if session is not None:
        request[SESSION] = session
    unsafe = request.method not in SAFE_METHODS
    new_csrf = ""
    if not is_public(request.path):
        if session is None:
            if request.path.startswith(("/api/", "/events")):
                raise web.HTTPUnauthorized(
                    text='{"error": "sign in first"}', content_type="application/json"
                )
            # A tablet whose pairing was revoked is asked to pair again, not for a password.
            raise web.HTTPFound("/pair" if DEVICE_COOKIE in request.cookies else "/login")
        allowed = area_roles(request.path)
        if allowed is not None and session.role not in allowed:
            request.app[HUB].store.audit(session.actor, "refused", request.path)
            _refuse(request, web.HTTPForbidden, "not allowed")
        if unsafe and not await csrf_ok(request, session.csrf):
            request.app[HUB].store.audit(session.actor, "refused.csrf", request.path)
            _refuse(request, web.HTTPForbidden, "missing or wrong CSRF token")
        if request.path != "/events":
            _audit_view(request, session.actor)
    elif unsafe and request.path not in CSRF_EXEMPT:
        # Before signing in: the form must send back the token of the cookie (double submit).
        expected = session.csrf if session else request.cookies.get(CSRF_COOKIE)
        if not await csrf_ok(request, expected):
            _refuse(request, web.HTTPForbidden, "missing or wrong CSRF token")
    elif (
        session is None
        and (request.path in _FORM_PAGES or request.path.startswith(_ANSWER_PAGES))
        and not request.cookies.get(CSRF_COOKIE)
    ):
        new_csrf = request[accounts.PRE_CSRF] = secrets.token_urlsafe(24)
    response = await handler(request)
    if not response.prepared:
        if session is not None and request.cookies.get(CSRF_COOKIE) != session.csrf:
            accounts.set_csrf_cookie(response, session.csrf, SESSION_SECONDS)
        elif new_csrf:
            accounts.set_csrf_cookie(response, new_csrf, SESSION_SECONDS)
    return response


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


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
    session = require(request, *ROLES)
    if session.role == "resident":
        raise web.HTTPFound(RESIDENT_HOME)
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
    require(request, "carer", "installer")
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
    require(request, *ROLES)  # the tablet shows pre-alerts
    hub = request.app[HUB]
    return web.json_response({"alerts": [_alert(a) for a in await hub.alerts.open_alerts()]})


_VERB_ROLES = {
    "acknowledge": ("carer", "installer"),
    "resolve": ("carer", "installer"),
    "dismiss": ("resident", "installer"),
}


async def api_alert(request: web.Request) -> web.Response:
    """A carer acknowledges or resolves an alert; the tablet dismisses a pre-alert."""
    hub = request.app[HUB]
    verb = request.path.rsplit("/", 1)[1]
    session = require(request, *(_VERB_ROLES[verb]))
    alert_id = int(request.match_info["alert_id"])
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
    require(request, *ROLES)
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
