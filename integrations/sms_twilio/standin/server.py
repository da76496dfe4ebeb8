"""A local server that answers like Twilio's 2010-04-01 Messages resource.

The real `twilio` client talks to it with `client.api.base_url = standin.base_url`. It
keeps every request (with the perf_counter of its arrival), every message, every status
callback and inbound webhook it posted; tests inject replies (`inbound`) and faults
(`fail_next`).
"""

from __future__ import annotations

import asyncio
import binascii
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Self

import aiohttp
from aiohttp import web

from integrations.sms_twilio.standin import listing
from integrations.sms_twilio.standin.messages import (
    E164,
    MAGIC_TO,
    MAX_BODY,
    OPT_IN,
    OPT_OUT,
    Message,
    error_body,
    new_sid,
)
from integrations.sms_twilio.standin.signing import signature

PREFIX = "/2010-04-01/Accounts/{account}"
Kind = Literal["create", "fetch", "list", "any"]
FINAL = {"delivered", "undelivered", "failed"}


@dataclass(slots=True)
class RecordedRequest:
    """One HTTP request as it reached the stand-in."""

    arrived: float  # time.perf_counter() when the handler chain first saw it
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)
    authorized: bool = False
    status: int = 0  # what the stand-in answered; 0 while held (or never answered)


@dataclass(slots=True)
class Posted:
    """A status callback or inbound webhook the stand-in POSTed, and how it was answered."""

    kind: Literal["status", "inbound"]
    url: str
    params: dict[str, str]
    signature: str
    status: int  # the receiver's HTTP status; 0 if it could not be reached
    text: str = ""


@dataclass(slots=True)
class _Fault:
    on: Kind
    status: int | None
    code: int | None
    hang: bool
    skip: int  # matching requests still to let through


class TwilioStandin:
    """Start with `async with TwilioStandin() as twilio:`; point the client at `base_url`."""

    def __init__(
        self,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        numbers: Iterable[str] | None = None,
        verified: Iterable[str] | None = None,
        clock: Callable[[], datetime] | None = None,
        auto_progress: bool = True,
        sms_url: str | None = None,
    ) -> None:
        self.account_sid = account_sid or new_sid("AC")
        self.auth_token = auth_token or secrets.token_hex(16)
        self.numbers = set(numbers) if numbers is not None else None  # None: any From
        self.verified = set(verified) if verified is not None else None  # set: a trial account
        self.clock = clock or (lambda: datetime.now(UTC))
        self.auto_progress = auto_progress
        self.sms_url = sms_url  # the number's incoming-message webhook, if any
        # The URL as configured at Twilio, which the signature covers (behind a proxy it
        # differs from the one the stand-in actually calls); defaults to sms_url.
        self.public_sms_url: str | None = None
        self.on_arrival: Callable[[RecordedRequest], None] | None = None
        self.requests: list[RecordedRequest] = []
        self.messages: dict[str, Message] = {}
        self.posted: list[Posted] = []
        self._outcomes: dict[str, tuple[str, int | None]] = {}
        self._opted_out: set[tuple[str, str]] = set()  # (our number, their number)
        self._faults: list[_Fault] = []
        self._release = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.base_url = ""

    # --- lifecycle -------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_post(PREFIX + "/Messages.json", self._create, name="create")
        app.router.add_get(PREFIX + "/Messages.json", self._list, name="list")
        app.router.add_get(PREFIX + "/Messages/{sid}.json", self._fetch, name="fetch")
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        self._release.set()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- what tests look at and inject ----------------------------------------------------

    @property
    def outbound(self) -> list[Message]:
        """Messages created through the API, oldest first."""
        return [m for m in self.messages.values() if m.direction == "outbound-api"]

    def fail_next(
        self,
        status: int | Literal["timeout"] | None = None,
        *,
        code: int | None = None,
        on: Kind = "any",
        skip: int = 0,
    ) -> None:
        """Make the next request (of kind `on`, after `skip` of them) fail.

        With an HTTP status (Twilio's code 20000 + status), a Twilio `code` (its usual
        status unless one is given), or `"timeout"`: held without an answer until close().
        """
        if status is None and code is None:
            raise ValueError("fail_next needs a status, 'timeout' or a code")
        http = None if status == "timeout" else status
        self._faults.append(_Fault(on, http, code, status == "timeout", skip))

    def deliver_as(self, to: str, status: str = "undelivered", error_code: int = 30003) -> None:
        """Messages to `to` end `undelivered` (after `sent`) or `failed`, with this code."""
        if status not in ("undelivered", "failed", "delivered"):
            raise ValueError(f"not a final status: {status}")
        self._outcomes[to] = (status, None if status == "delivered" else error_code)

    def inbound(self, from_: str, to: str, body: str) -> Message:
        """A reply from a phone: listed with direction "inbound"; STOP opts the sender out."""
        now = self._now()
        msg = self._new(from_=from_, to=to, body=body, direction="inbound", status="received")
        msg.date_sent = now
        word = body.strip().upper()
        if word in OPT_OUT:
            self._opted_out.add((to, from_))
        elif word in OPT_IN:
            self._opted_out.discard((to, from_))
        if self.sms_url:
            params = {
                "AccountSid": self.account_sid,
                "ApiVersion": "2010-04-01",
                "Body": body,
                "From": from_,
                "MessageSid": msg.sid,
                "NumMedia": "0",
                "NumSegments": "1",
                "SmsMessageSid": msg.sid,
                "SmsSid": msg.sid,
                "SmsStatus": "received",
                "To": to,
            }
            self._spawn(self._post("inbound", self.sms_url, params, self.public_sms_url))
        return msg

    def opted_out(self, ours: str, theirs: str) -> bool:
        return (ours, theirs) in self._opted_out

    async def progress(self, sid: str) -> str:
        """Move an outbound message one step along its lifecycle; returns the new status."""
        msg = self.messages[sid]
        final, code = self._outcomes.get(msg.to, ("delivered", None))
        if msg.status in FINAL:
            return msg.status
        nxt = final
        if msg.status == "queued":
            nxt = "failed" if final == "failed" else "sent"
        msg.status = nxt
        msg.history.append(nxt)
        msg.date_updated = self._now()
        if nxt == "sent":
            msg.date_sent = msg.date_updated
            msg.price = "-0.07900"
        if nxt in ("failed", "undelivered"):
            msg.error_code = code
        if msg.status_callback:
            await self._post("status", msg.status_callback, self._callback_params(msg))
        return nxt

    async def settle(self, within: float = 5.0) -> None:
        """Wait (at most `within` s) until every lifecycle step and webhook in flight has run."""
        async with asyncio.timeout(within):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def wait_requests(self, count: int, within: float = 5.0) -> list[RecordedRequest]:
        """Wait (at most `within` s) until `count` requests have arrived in all."""
        async with asyncio.timeout(within), self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests) >= count)
        return self.requests

    # --- HTTP ----------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        arrived = time.perf_counter()
        rec = RecordedRequest(arrived, request.method, request.path, dict(request.query))
        if request.method == "POST":
            rec.form = {k: str(v) for k, v in (await request.post()).items()}
        self.requests.append(rec)
        if self.on_arrival is not None:
            self.on_arrival(rec)
        async with self._arrived:
            self._arrived.notify_all()
        response = await self._answer(request, rec, handler)
        rec.status = response.status
        return response

    async def _answer(
        self,
        request: web.Request,
        rec: RecordedRequest,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        route = request.match_info.route.name
        fault = self._take_fault(route)
        if fault is not None:
            if fault.hang:
                await self._release.wait()
                return _error(20503)
            if fault.code is not None:
                to, from_ = rec.form.get("To", ""), rec.form.get("From", "")
                return _error(fault.code, status=fault.status, to=to, from_=from_)
            assert fault.status is not None
            return _error(20000 + fault.status, status=fault.status)
        rec.authorized = self._authorized(request)
        if not rec.authorized:
            resp = _error(20003)
            resp.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return resp
        if route is None:
            return _error(20404, path=request.path)
        return await handler(request)

    def _take_fault(self, route: str | None) -> _Fault | None:
        for i, fault in enumerate(self._faults):
            if fault.on in ("any", route):
                if fault.skip:
                    fault.skip -= 1
                    return None
                return self._faults.pop(i)
        return None

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        try:
            auth = aiohttp.BasicAuth.decode(header)
        except (ValueError, binascii.Error):
            return False
        account = request.match_info.get("account", self.account_sid)
        return (
            secrets.compare_digest(auth.login, self.account_sid)
            and secrets.compare_digest(auth.password, self.auth_token)
            and account == self.account_sid
        )

    async def _create(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}  # aiohttp keeps it
        to, from_, body = form.get("To"), form.get("From"), form.get("Body")
        code = self._refusal(to, from_, body)
        if code is not None:
            return _error(code, to=to or "", from_=from_ or "")
        assert to is not None and from_ is not None and body is not None
        msg = self._new(from_=from_, to=to, body=body, direction="outbound-api", status="queued")
        msg.status_callback = form.get("StatusCallback")
        if self.auto_progress:
            self._spawn(self._run_lifecycle(msg.sid))
        return web.json_response(msg.to_json(), status=201)

    def _refusal(self, to: str | None, from_: str | None, body: str | None) -> int | None:
        """Twilio's checks on a create, in its order; the error code or None."""
        if not to:
            return 21604
        if not from_:
            return 21603
        if not body:
            return 21602
        if not E164.match(to):
            return 21211
        if to in MAGIC_TO:
            return MAGIC_TO[to]
        if self.numbers is not None and from_ not in self.numbers:
            return 21606
        if self.verified is not None and to not in self.verified:
            return 21608
        if (from_, to) in self._opted_out:
            return 21610
        if len(body) > MAX_BODY:
            return 21617
        return None

    async def _fetch(self, request: web.Request) -> web.Response:
        msg = self.messages.get(request.match_info["sid"])
        if msg is None:
            return _error(20404, path=request.path)
        return web.json_response(msg.to_json())

    async def _list(self, request: web.Request) -> web.Response:
        try:
            found = listing.select(self.messages.values(), request.query)
            return web.json_response(listing.page(found, request.query, request.path))
        except listing.BadQuery as exc:
            status, body = error_body(20001, status=400)
            body["message"] = str(exc)
            return web.json_response(body, status=status)

    # --- inner workings ---------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC).replace(microsecond=0)

    def _new(self, *, from_: str, to: str, body: str, direction: str, status: str) -> Message:
        now = self._now()
        self._seq += 1
        msg = Message(
            sid=new_sid("SM"),
            account_sid=self.account_sid,
            from_=from_,
            to=to,
            body=body,
            direction=direction,
            status=status,
            date_created=now,
            date_updated=now,
            seq=self._seq,
            history=[status],
        )
        self.messages[msg.sid] = msg
        return msg

    async def _run_lifecycle(self, sid: str) -> None:
        while await self.progress(sid) not in FINAL:
            pass

    def _callback_params(self, msg: Message) -> dict[str, str]:
        params = {
            "AccountSid": msg.account_sid,
            "ApiVersion": "2010-04-01",
            "From": msg.from_,
            "MessageSid": msg.sid,
            "MessageStatus": msg.status,
            "SmsSid": msg.sid,
            "SmsStatus": msg.status,
            "To": msg.to,
        }
        if msg.error_code is not None:
            params["ErrorCode"] = str(msg.error_code)
        return params

    async def _post(
        self,
        kind: Literal["status", "inbound"],
        url: str,
        params: dict[str, str],
        signed_url: str | None = None,
    ) -> None:
        sig = signature(self.auth_token, signed_url or url, params)
        posted = Posted(kind, url, params, sig, 0)
        self.posted.append(posted)
        headers = {
            "X-Twilio-Signature": sig,
            "I-Twilio-Idempotency-Token": secrets.token_hex(16),
            "User-Agent": "TwilioProxy/1.1",
        }
        assert self._session is not None, "start() the stand-in first"
        try:
            async with self._session.post(
                url, data=params, headers=headers, timeout=aiohttp.ClientTimeout(total=5)
            ) as resp:
                posted.status = resp.status
                posted.text = await resp.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            posted.text = repr(exc)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _error(code: int, *, status: int | None = None, **fill: str) -> web.Response:
    http, body = error_body(code, status=status, **fill)
    return web.json_response(body, status=http)
