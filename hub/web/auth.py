"""Who may see what: an access code from the log buys a session cookie; every view is audited."""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

log = logging.getLogger(__name__)

COOKIE = "obhut_session"
SESSION_SECONDS = 12 * 3600
# /twilio/sms is Twilio's webhook: it carries no session, its signature is checked instead.
PUBLIC = ("/login", "/static/", "/health", "/twilio/sms")
MAX_FAILURES = 5  # per minute, from anywhere: a code of 8 symbols then takes ages to guess
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a screen


def new_access_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


@dataclass
class Session:
    token: str
    role: str
    expires: float

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.token[:6]}"


class Gate:
    """The access code of this run, the open sessions, and the throttle on wrong codes."""

    def __init__(self, access_code: str | None = None) -> None:
        self.access_code = access_code or new_access_code()
        self._sessions: dict[str, Session] = {}
        self._failures: deque[float] = deque()

    def throttled(self) -> bool:
        now = time.monotonic()
        while self._failures and now - self._failures[0] > 60:
            self._failures.popleft()
        return len(self._failures) >= MAX_FAILURES

    def try_code(self, code: str) -> Session | None:
        given = code.strip().upper().replace(" ", "")
        if len(given) == 8:
            given = f"{given[:4]}-{given[4:]}"
        if hmac.compare_digest(given.encode(), self.access_code.encode()):
            token = secrets.token_urlsafe(32)
            session = Session(token, "installer", time.monotonic() + SESSION_SECONDS)
            self._sessions[token] = session
            return session
        self._failures.append(time.monotonic())
        return None

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        session = self._sessions.get(token)
        if session is None or session.expires < time.monotonic():
            self._sessions.pop(token or "", None)
            return None
        return session

    def end(self, token: str | None) -> None:
        self._sessions.pop(token or "", None)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_public(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in PUBLIC)


SESSION = web.RequestKey("session", Session)


def require(request: web.Request, *roles: str) -> Session:
    """The request's session if its role is one of `roles`; 403 otherwise."""
    session: Session | None = request.get(SESSION)
    if session is None or session.role not in roles:
        raise web.HTTPForbidden(text='{"error": "not allowed"}', content_type="application/json")
    return session
