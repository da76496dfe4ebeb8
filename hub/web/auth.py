"""Who may see what: accounts sign in for a session, a paired tablet holds a device token.

Sessions live in memory (a restart signs people out; the tablets stay paired, their tokens
are in the store). Every state-changing request carries the session's CSRF token, in the
form field `csrf` or the header `X-CSRF-Token`; pages find it in the `csrf-token` meta tag
and in the `obhut_csrf` cookie, which scripts may read.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from hub.store.db import Store

log = logging.getLogger(__name__)

ROLES = ("resident", "carer", "installer")
COOKIE = "obhut_session"
DEVICE_COOKIE = "obhut_device"
CSRF_COOKIE = "obhut_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
SESSION_SECONDS = 12 * 3600
DEVICE_SECONDS = 365 * 24 * 3600
PAIRING_SECONDS = 10 * 60
# Where a resident lands after pairing or signing in: the tablet's page.
RESIDENT_HOME = "/tablet"
# /twilio/sms is Twilio's webhook: it carries no session, its signature is checked instead.
# /r/<token> is a provider's answer to a service request: the link's token is the authority.
PUBLIC = ("/login", "/setup", "/pair", "/static/", "/health", "/twilio/sms", "/r/")
# Public forms are protected by a double-submitted token; Twilio signs its requests instead.
CSRF_EXEMPT = ("/twilio/sms",)
# Whole areas closed to lower roles, whatever their handlers check.
AREAS = {"/installer": ("installer",), "/carer": ("carer", "installer")}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Wrong passwords, setup or pairing codes per minute: from one address, and from anywhere.
# An 8-symbol code (40 bits) then takes far longer to guess than it lives.
MAX_FAILURES = 5
MAX_FAILURES_OVERALL = 20
THROTTLE_WINDOW_S = 60.0
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a screen


def new_code() -> str:
    """A one-time code of 8 symbols, easy to read off a screen and type: `ABCD-EFGH`."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normal_code(code: str) -> str:
    """A code as typed ("abcd efgh") in its printed form ("ABCD-EFGH")."""
    given = code.strip().upper().replace(" ", "").replace("-", "")
    return f"{given[:4]}-{given[4:]}" if len(given) == 8 else given


def same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _tablet_csrf(token: str) -> str:
    # Derived from the device token: stable across restarts, unknowable without the token.
    return hmac.new(token.encode(), b"obhut csrf", hashlib.sha256).hexdigest()[:32]


@dataclass
class Session:
    token: str
    role: str
    expires: float
    user: str = ""
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    tablet_id: int | None = None

    @property
    def actor(self) -> str:
        """Who this is in the audit log: `installer:anna`, `resident:tablet-3`."""
        return f"{self.role}:{self.user or self.token[:6]}"


@dataclass(frozen=True)
class Pairing:
    code: str
    expires: float
    name: str
    created_by: str


class Throttle:
    """Counts failures per client address and overall over the last minute."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._overall: deque[float] = deque()
        self._by_peer: dict[str, deque[float]] = {}

    def _trim(self, times: deque[float]) -> None:
        now = self._clock()
        while times and now - times[0] >= THROTTLE_WINDOW_S:
            times.popleft()

    def blocked(self, peer: str) -> bool:
        self._trim(self._overall)
        if len(self._overall) >= MAX_FAILURES_OVERALL:
            return True
        times = self._by_peer.get(peer)
        if times is None:
            return False
        self._trim(times)
        if not times:
            del self._by_peer[peer]
            return False
        return len(times) >= MAX_FAILURES

    def failed(self, peer: str) -> None:
        now = self._clock()
        self._overall.append(now)
        if len(self._by_peer) > 10_000:  # many addresses: forget the quiet ones
            for key in [k for k, v in self._by_peer.items() if not v or now - v[-1] >= 60]:
                del self._by_peer[key]
        self._by_peer.setdefault(peer, deque()).append(now)


class Gate:
    """Open sessions, paired tablets, the one-time setup and pairing codes, the throttle."""

    def __init__(
        self, setup_code: str | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self._wanted_setup_code = setup_code
        # Set by `start` while no installer account exists; None once spent.
        self.setup_code: str | None = None
        self.throttle = Throttle(clock)
        self._sessions: dict[str, Session] = {}
        self._tablets: dict[str, tuple[int, str]] = {}  # token hash -> (id, name)
        self._pairings: dict[str, Pairing] = {}

    async def start(self, store: Store) -> None:
        """Load the paired tablets; make a setup code if no installer account exists yet."""
        from hub.store import accounts

        self._tablets = {t.token_hash: (t.id, t.name) for t in await accounts.list_tablets(store)}
        if not await accounts.has_installer(store):
            self.setup_code = normal_code(self._wanted_setup_code or new_code())

    def now(self) -> float:
        return self._clock()

    # Sessions of signed-in accounts

    def open_session(self, role: str, user: str) -> Session:
        token = secrets.token_urlsafe(32)
        session = Session(token, role, self._clock() + SESSION_SECONDS, user)
        self._sessions[token] = session
        return session

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        session = self._sessions.get(token)
        if session is not None and session.expires < self._clock():
            del self._sessions[token]
            return None
        return session

    def end(self, token: str | None) -> None:
        self._sessions.pop(token or "", None)

    def end_user(self, user: str) -> None:
        """Sign a deleted account out everywhere."""
        for token in [t for t, s in self._sessions.items() if s.user.lower() == user.lower()]:
            del self._sessions[token]

    # Paired tablets

    def tablet(self, token: str | None) -> Session | None:
        if not token:
            return None
        found = self._tablets.get(token_hash(token))
        if found is None:
            return None
        tablet_id, _ = found
        return Session(
            token, "resident", math.inf, f"tablet-{tablet_id}", _tablet_csrf(token), tablet_id
        )

    def add_tablet(self, tablet_id: int, name: str, hashed: str) -> None:
        self._tablets[hashed] = (tablet_id, name)

    def remove_tablet(self, tablet_id: int) -> None:
        for hashed in [h for h, (i, _) in self._tablets.items() if i == tablet_id]:
            del self._tablets[hashed]

    @staticmethod
    def new_tablet_token() -> tuple[str, str, str]:
        """A device token, its hash for the store and its CSRF token."""
        token = secrets.token_urlsafe(32)
        return token, token_hash(token), _tablet_csrf(token)

    # One-time codes

    def setup_code_matches(self, code: str) -> bool:
        return self.setup_code is not None and same(normal_code(code), self.setup_code)

    def new_pairing(self, name: str, created_by: str) -> Pairing:
        now = self._clock()
        for code in [c for c, p in self._pairings.items() if p.expires <= now]:
            del self._pairings[code]
        pairing = Pairing(new_code(), now + PAIRING_SECONDS, name, created_by)
        self._pairings[pairing.code] = pairing
        return pairing

    def take_pairing(self, code: str) -> Pairing | None:
        """The pairing for `code`, spent by this call; None if unknown or expired."""
        given = normal_code(code)
        for known in list(self._pairings):
            if same(given, known):
                pairing = self._pairings.pop(known)
                return pairing if pairing.expires > self._clock() else None
        return None


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_public(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in PUBLIC)


def area_roles(path: str) -> tuple[str, ...] | None:
    """The roles allowed in the area `path` belongs to, or None if it is open to every role."""
    for prefix, roles in AREAS.items():
        if path == prefix or path.startswith(prefix + "/"):
            return roles
    return None


async def csrf_token_of(request: web.Request) -> str:
    """The CSRF token a request carries: the header first, else the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()  # aiohttp keeps it: the handler reads the same form
        value = form.get(CSRF_FIELD)
        if isinstance(value, str):
            return value
    return ""


async def csrf_ok(request: web.Request, expected: str | None) -> bool:
    given = await csrf_token_of(request)
    return bool(given) and bool(expected) and same(given, expected or "")


SESSION = web.RequestKey("session", Session)


def require(request: web.Request, *roles: str) -> Session:
    """The request's session if its role is one of `roles`; 403 otherwise."""
    session: Session | None = request.get(SESSION)
    if session is None or session.role not in roles:
        raise web.HTTPForbidden(text='{"error": "not allowed"}', content_type="application/json")
    return session
