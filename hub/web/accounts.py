"""Signing in: the first installer's setup, login and logout, tablet pairing, and the account API.

Passwords are hashed with argon2id (argon2-cffi) in a worker thread, at most two at a time,
with OWASP's smallest recommended cost (19 MiB, 2 passes): about 25 ms on a laptop, a few
times that on a Pi, and a bounded amount of memory however many try at once.
"""

from __future__ import annotations

import asyncio
import functools
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.store import accounts as db
from hub.web.auth import (
    COOKIE,
    CSRF_COOKIE,
    DEVICE_COOKIE,
    DEVICE_SECONDS,
    RESIDENT_HOME,
    ROLES,
    SESSION,
    SESSION_SECONDS,
    Gate,
    Session,
    new_code,
    require,
)

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from hub.store.db import Store

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
USERNAME = re.compile(r"[\w.@-]{1,64}")


@functools.cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _pool() -> ThreadPoolExecutor:
    # Two threads: at most two hashes at a time, whatever the number of requests.
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")


@functools.cache
def _dummy_hash() -> str:
    # Unknown usernames are checked against this, so they take as long as known ones.
    return _hasher().hash(new_code())


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool(), _hasher().hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    def verify() -> bool:
        try:
            return _hasher().verify(password_hash or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.get_running_loop().run_in_executor(_pool(), verify)


def password_problem(password: str, again: str | None = None) -> str | None:
    """The i18n key of what is wrong with a new password, or None."""
    if again is not None and password != again:
        return "passwords_differ"
    if len(password) < MIN_PASSWORD:
        return "password_short"
    if len(password) > MAX_PASSWORD:
        return "password_long"
    return None


def username_problem(username: str) -> str | None:
    return None if USERNAME.fullmatch(username) else "bad_username"


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _peer(request: web.Request) -> str:
    return request.remote or "?"


def _render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    from hub.web import app

    return app._render(request, template, status=status, **context)


def _store(request: web.Request) -> Store:
    from hub.web.app import HUB

    return request.app[HUB].store


def _gate(request: web.Request) -> Gate:
    from hub.web.app import GATE

    return request.app[GATE]


def _form_csrf(request: web.Request) -> str:
    """The token a public form carries back: the session's, or the cookie's (double submit)."""
    session: Session | None = request.get(SESSION)
    if session is not None:
        return session.csrf
    token: str = request.get(PRE_CSRF) or request.cookies.get(CSRF_COOKIE) or ""
    return token


PRE_CSRF = web.RequestKey("pre_csrf", str)


def _start_session(response: web.StreamResponse, session: Session) -> None:
    response.set_cookie(
        COOKIE, session.token, max_age=SESSION_SECONDS, httponly=True, samesite="Strict", path="/"
    )
    set_csrf_cookie(response, session.csrf, SESSION_SECONDS)


def set_csrf_cookie(response: web.StreamResponse, token: str, max_age: int) -> None:
    # Not HttpOnly on purpose: our own scripts read it to send X-CSRF-Token.
    response.set_cookie(CSRF_COOKIE, token, max_age=max_age, samesite="Strict", path="/")


def _landing(role: str) -> str:
    return RESIDENT_HOME if role == "resident" else "/"


# The first installer


async def setup_page(request: web.Request) -> web.Response:
    if _gate(request).setup_code is None:
        raise web.HTTPFound("/login")
    return _render(request, "setup.html", error=None, username="", csrf=_form_csrf(request))


async def setup_submit(request: web.Request) -> web.Response:
    gate, store, peer = _gate(request), _store(request), _peer(request)
    if gate.setup_code is None:
        raise web.HTTPFound("/login")

    def again(status: int, error: str, username: str = "") -> web.Response:
        return _render(
            request,
            "setup.html",
            status=status,
            error=error,
            username=username,
            csrf=_form_csrf(request),
        )

    if gate.throttle.blocked(peer):
        return again(429, "too_many")
    form = await request.post()
    username = _field(form, "username").strip()
    password = _field(form, "password")
    if not gate.setup_code_matches(_field(form, "code")):
        gate.throttle.failed(peer)
        store.audit(f"anonymous@{peer}", "setup.failed", "/setup")
        return again(401, "wrong_setup_code", username)
    problem = username_problem(username) or password_problem(password, _field(form, "password2"))
    if problem:
        return again(400, problem, username)
    password_hash = await hash_password(password)
    if gate.setup_code is None:  # another request spent it while this one was hashing
        raise web.HTTPFound("/login")
    gate.setup_code = None
    try:
        account = await db.create_account(
            store,
            username,
            "installer",
            password_hash,
            _now(request),
            "setup",
            first_installer=True,
        )
    except db.InstallerExists:
        raise web.HTTPFound("/login") from None
    store.audit(f"installer:{account.username}", "account.create", account.username, "installer")
    session = gate.open_session("installer", account.username)
    store.audit(session.actor, "login", "/setup", f"from {peer}")
    response = web.HTTPFound("/")
    _start_session(response, session)
    raise response


def _now(request: web.Request) -> datetime:
    from hub.web.app import HUB

    now: datetime = request.app[HUB].clock.now()
    return now


# Login and logout


async def login_page(request: web.Request) -> web.Response:
    if _gate(request).setup_code is not None:
        raise web.HTTPFound("/setup")
    return _render(request, "login.html", error=None, username="", csrf=_form_csrf(request))


async def login_submit(request: web.Request) -> web.Response:
    gate, store, peer = _gate(request), _store(request), _peer(request)

    def again(status: int, error: str, username: str = "") -> web.Response:
        return _render(
            request,
            "login.html",
            status=status,
            error=error,
            username=username,
            csrf=_form_csrf(request),
        )

    if gate.throttle.blocked(peer):
        return again(429, "too_many")
    form = await request.post()
    username = _field(form, "username").strip()[:64]
    password = _field(form, "password")[:MAX_PASSWORD]
    account = await db.find_account(store, username) if username else None
    good = await verify_password(account.password_hash if account else None, password)
    if account is None or not good:
        gate.throttle.failed(peer)
        store.audit(f"anonymous@{peer}", "login.failed", "/login", f"user {username!r}")
        return again(401, "wrong_login", username)
    if _hasher().check_needs_rehash(account.password_hash):
        await db.set_password_hash(store, account.id, await hash_password(password))
    gate.end(request.cookies.get(COOKIE))
    session = gate.open_session(account.role, account.username)
    store.audit(session.actor, "login", "/login", f"from {peer}")
    response = web.HTTPFound(_landing(account.role))
    _start_session(response, session)
    raise response


async def logout(request: web.Request) -> web.Response:
    session: Session | None = request.get(SESSION)
    if session is not None and session.tablet_id is None:
        _gate(request).end(session.token)
        _store(request).audit(session.actor, "logout", "/logout")
    response = web.HTTPFound("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


# Pairing a tablet


async def pair_page(request: web.Request) -> web.Response:
    code = request.query.get("code", "")[:20]
    return _render(request, "pair.html", error=None, code=code, csrf=_form_csrf(request))


async def pair_submit(request: web.Request) -> web.Response:
    gate, store, peer = _gate(request), _store(request), _peer(request)
    form = await request.post()
    code = _field(form, "code")[:20]

    def again(status: int, error: str) -> web.Response:
        csrf = _form_csrf(request)
        return _render(request, "pair.html", status=status, error=error, code=code, csrf=csrf)

    if gate.throttle.blocked(peer):
        return again(429, "too_many")
    pairing = gate.take_pairing(code)
    if pairing is None:
        gate.throttle.failed(peer)
        store.audit(f"anonymous@{peer}", "pair.failed", "/pair")
        return again(401, "wrong_pair_code")
    token, hashed, csrf = gate.new_tablet_token()
    tablet = await db.add_tablet(store, pairing.name, hashed, _now(request), pairing.created_by)
    gate.add_tablet(tablet.id, tablet.name, hashed)
    store.audit(
        f"resident:tablet-{tablet.id}",
        "tablet.pair",
        tablet.name,
        f"code of {pairing.created_by}, from {peer}",
    )
    # A kiosk must not keep the installer's session that was used to set it up.
    gate.end(request.cookies.get(COOKIE))
    response = web.HTTPFound(RESIDENT_HOME)
    response.del_cookie(COOKIE, path="/")
    response.set_cookie(
        DEVICE_COOKIE, token, max_age=DEVICE_SECONDS, httponly=True, samesite="Strict", path="/"
    )
    set_csrf_cookie(response, csrf, DEVICE_SECONDS)
    raise response


# The JSON API for accounts, pairing and tablets


def _bad(status: type[web.HTTPException], error: str) -> web.HTTPException:
    return status(text=f'{{"error": "{error}"}}', content_type="application/json")


async def _json_body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise _bad(web.HTTPBadRequest, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise _bad(web.HTTPBadRequest, "the body must be a JSON object")
    return body


def _account_json(account: db.Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "username": account.username,
        "role": account.role,
        "created": account.created.isoformat(),
        "created_by": account.created_by,
    }


def _tablet_json(tablet: db.Tablet) -> dict[str, Any]:
    return {
        "id": tablet.id,
        "name": tablet.name,
        "created": tablet.created.isoformat(),
        "created_by": tablet.created_by,
    }


async def api_session(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    return web.json_response(
        {
            "user": session.user,
            "role": session.role,
            "csrf": session.csrf,
            "tablet": session.tablet_id is not None,
        }
    )


async def api_accounts(request: web.Request) -> web.Response:
    require(request, "installer")
    found = await db.list_accounts(_store(request))
    return web.json_response({"accounts": [_account_json(a) for a in found]})


async def api_account_create(request: web.Request) -> web.Response:
    session = require(request, "installer")
    body = await _json_body(request)
    username = str(body.get("username", "")).strip()
    password = str(body.get("password", ""))
    role = str(body.get("role", ""))
    if role not in ROLES:
        raise _bad(web.HTTPBadRequest, "role must be resident, carer or installer")
    if username_problem(username):
        raise _bad(web.HTTPBadRequest, "username: 1 to 64 letters, digits or . _ - @")
    if password_problem(password):
        raise _bad(web.HTTPBadRequest, f"password: {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    store = _store(request)
    try:
        account = await db.create_account(
            store, username, role, await hash_password(password), _now(request), session.actor
        )
    except db.AccountExists:
        raise _bad(web.HTTPConflict, "this username is taken") from None
    store.audit(session.actor, "account.create", account.username, role)
    return web.json_response({"account": _account_json(account)}, status=201)


async def api_account_delete(request: web.Request) -> web.Response:
    session = require(request, "installer")
    store = _store(request)
    try:
        account = await db.delete_account(store, int(request.match_info["account_id"]))
    except db.LastInstaller:
        raise _bad(web.HTTPConflict, "the last installer account cannot be deleted") from None
    if account is None:
        raise _bad(web.HTTPNotFound, "no such account")
    _gate(request).end_user(account.username)
    store.audit(session.actor, "account.delete", account.username, account.role)
    return web.json_response({"account": _account_json(account)})


async def api_pairing(request: web.Request) -> web.Response:
    session = require(request, "installer")
    body = await _json_body(request)
    name = str(body.get("name") or "Tablet").strip()[:64] or "Tablet"
    gate = _gate(request)
    pairing = gate.new_pairing(name, session.actor)
    expires = datetime.now(UTC) + timedelta(seconds=pairing.expires - gate.now())
    _store(request).audit(session.actor, "pairing.create", name)
    return web.json_response(
        {
            "code": pairing.code,
            "expires": expires.isoformat(timespec="seconds"),
            "url": f"/pair?code={pairing.code}",
            "name": name,
        },
        status=201,
    )


async def api_tablets(request: web.Request) -> web.Response:
    require(request, "installer")
    found = await db.list_tablets(_store(request))
    return web.json_response({"tablets": [_tablet_json(t) for t in found]})


async def api_tablet_revoke(request: web.Request) -> web.Response:
    session = require(request, "installer")
    store = _store(request)
    tablet = await db.revoke_tablet(store, int(request.match_info["tablet_id"]), _now(request))
    if tablet is None:
        raise _bad(web.HTTPNotFound, "no such tablet")
    _gate(request).remove_tablet(tablet.id)
    store.audit(session.actor, "tablet.revoke", tablet.name, f"tablet-{tablet.id}")
    return web.json_response({"tablet": _tablet_json(tablet)})


def setup(app: web.Application) -> None:
    """Add the sign-in pages and the account API to `app`."""
    app.router.add_get("/setup", setup_page)
    app.router.add_post("/setup", setup_submit)
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login_submit)
    app.router.add_post("/logout", logout)
    app.router.add_get("/pair", pair_page)
    app.router.add_post("/pair", pair_submit)
    app.router.add_get("/api/session", api_session)
    app.router.add_get("/api/accounts", api_accounts)
    app.router.add_post("/api/accounts", api_account_create)
    app.router.add_delete("/api/accounts/{account_id:\\d+}", api_account_delete)
    app.router.add_post("/api/pairing", api_pairing)
    app.router.add_get("/api/tablets", api_tablets)
    app.router.add_delete("/api/tablets/{tablet_id:\\d+}", api_tablet_revoke)
