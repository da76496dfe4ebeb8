"""The real twilio client, built without hidden retries, and its failures put in plain words."""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

import aiohttp

from integrations.base import DeliveryResult, DeliveryStatus

# twilio logs every request at INFO (about ten lines, Authorization left out): at the hub's
# INFO level that is noise and time on the alert path. Set this logger to DEBUG to see it.
WIRE_LOG = logging.getLogger("integrations.sms_twilio.wire")
if WIRE_LOG.level == logging.NOTSET:
    WIRE_LOG.setLevel(logging.WARNING)

# Codes the installer must act on; anything else 4xx is permanent too, in Twilio's words.
_PERMANENT_WORDS = {
    21211: "Twilio rejects {to} as an invalid phone number (21211). "
    "Check the contact's phone in obhut.yaml (E.164, e.g. +4917612345678).",
    21608: "{to} is not a verified number of this Twilio trial account (21608). "
    "Verify it in the Twilio console, or upgrade the account.",
    21610: "{to} has replied STOP to {sender} and receives no more SMS from it (21610). "
    "They can text START to {sender} to receive alerts again; until then use another channel.",
    20003: "Twilio refused the account SID or auth token (20003). "
    "Check sms.account_sid and sms.auth_token in obhut.yaml.",
    21606: "{sender} is not an SMS-capable number of this Twilio account (21606). "
    "Check sms.sender in obhut.yaml.",
    21408: "This Twilio account may not send SMS to the country of {to} (21408). "
    "Enable it under Messaging > Geo permissions in the Twilio console.",
    21614: "{to} is not a mobile number and cannot receive SMS (21614).",
}
# Twilio codes that say "not now" although the HTTP status is a 4xx.
_RETRY_CODES = {14107, 20429}


def build(account_sid: str, auth_token: str, base_url: str | None) -> Any:
    """A twilio Client on a plain aiohttp session: no RetryClient, so a POST goes out once.

    AsyncTwilioHttpClient wraps its session in aiohttp_retry's RetryClient when given
    `max_retries`; that retries every method, POST included, on any 5xx, and an SMS can go
    out twice. Whatever its constructor did, the session is replaced by our own.
    Call inside a running event loop (aiohttp sessions belong to one).
    """
    from twilio.rest import Client

    http = _http_client_class()(pool_connections=False, max_retries=None, logger=WIRE_LOG)
    http.session = aiohttp.ClientSession()
    client = Client(account_sid, auth_token, account_sid=account_sid, http_client=http)
    if base_url is not None:
        client.api.base_url = base_url.rstrip("/")
        # TWILIO_EDGE/TWILIO_REGION in the environment would rewrite the host name.
        client.edge = None
        client.region = None
    return client


@functools.cache
def _http_client_class() -> Any:
    """twilio's async HTTP client, sending credentials as a header rather than BasicAuth.

    aiohttp 3.14 deprecates `auth=BasicAuth(...)` (gone in aiohttp 4); the header is the same.
    Its request logging already leaves out the Authorization header.
    """
    from twilio.http.async_http_client import AsyncTwilioHttpClient

    class HttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]
        async def request(
            self,
            method: str,
            url: str,
            params: dict[str, object] | None = None,
            data: dict[str, object] | None = None,
            headers: dict[str, str] | None = None,
            auth: tuple[str, str] | None = None,
            timeout: float | None = None,  # noqa: ASYNC109 (twilio's signature; it is unused)
            allow_redirects: bool = False,
        ) -> Any:
            if auth is not None:
                headers = {**(headers or {}), "Authorization": _basic(*auth)}
            return await super().request(
                method, url, params, data, headers, None, timeout, allow_redirects
            )

    return HttpClient


def _basic(login: str, password: str) -> str:
    encode = getattr(aiohttp, "encode_basic_auth", None)
    if encode is not None:
        return str(encode(login, password))
    return aiohttp.BasicAuth(login, password).encode()


async def close(client: Any) -> None:
    session = client.http_client.session
    if isinstance(session, aiohttp.ClientSession):
        await session.close()


def is_outside_failure(exc: BaseException) -> bool:
    """Failures of Twilio or the network (results, not crashes); anything else is our bug."""
    from twilio.base.exceptions import TwilioException

    return isinstance(
        exc, (TwilioException, TimeoutError, aiohttp.ClientError, OSError, ValueError)
    )


def failure(exc: BaseException, *, to: str, sender: str, timeout: float) -> DeliveryResult:
    """What a failed call means: try again later, or never (with the code and plain words)."""
    from twilio.base.exceptions import TwilioException, TwilioRestException

    if isinstance(exc, TwilioRestException):
        return _refused(int(exc.status), _int(exc.code), str(exc.msg), to=to, sender=sender)
    if isinstance(exc, TimeoutError):
        return DeliveryResult(
            DeliveryStatus.RETRY,
            detail=f"No answer from Twilio within {timeout:g} s; it may or may not have "
            "taken the message, so it is sent again later.",
        )
    if isinstance(exc, TwilioException) and len(exc.args) > 1:
        # A list page that was not 200: twilio raises TwilioException("…", response).
        response = exc.args[1]
        status = int(getattr(response, "status_code", 0))
        code, text = _payload(str(getattr(response, "text", "")))
        return _refused(status, code or status, text, to=to, sender=sender)
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        return DeliveryResult(
            DeliveryStatus.RETRY,
            detail=f"Cannot reach Twilio ({type(exc).__name__}: {exc}); trying again later.",
        )
    return DeliveryResult(
        DeliveryStatus.RETRY,
        detail=f"Unexpected answer from Twilio ({type(exc).__name__}: {exc}); trying again later.",
    )


def _refused(status: int, code: int | None, text: str, *, to: str, sender: str) -> DeliveryResult:
    code = code or status
    if status in (408, 429) or status >= 500 or code in _RETRY_CODES:
        why = "is limiting the rate" if status == 429 else f"answered HTTP {status}"
        return DeliveryResult(
            DeliveryStatus.RETRY, code=code, detail=f"Twilio {why} ({code}); trying again later."
        )
    words = _PERMANENT_WORDS.get(code)
    if words is None:
        text = text.removeprefix("Unable to create record: ").removeprefix("Unable to fetch page")
        words = f"Twilio refused the message: {text.strip() or 'no reason given'} ({code})."
    return DeliveryResult(
        DeliveryStatus.PERMANENT, code=code, detail=words.format(to=to, sender=sender)
    )


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _payload(text: str) -> tuple[int | None, str]:
    try:
        body = json.loads(text)
    except ValueError:
        return None, ""
    if not isinstance(body, dict):
        return None, ""
    return _int(body.get("code")), str(body.get("message", ""))
