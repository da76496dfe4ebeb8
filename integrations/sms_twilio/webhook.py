"""Twilio's incoming-message webhook, for hubs that Twilio can reach at a public URL."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiohttp import web

from integrations.base import InboundReply

log = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'

Handler = Callable[[web.Request], Awaitable[web.Response]]


def inbound_sms_handler(
    auth_token: str,
    public_url: str,
    on_reply: Callable[[InboundReply], Awaitable[None]],
    *,
    now: Callable[[], datetime] | None = None,
) -> Handler:
    """An aiohttp handler for Twilio's POST: signature checked, reply handed on, empty TwiML.

    `public_url` is the webhook URL exactly as configured at Twilio (behind a proxy the
    request's own URL differs, and the signature covers Twilio's). A bad or missing
    X-Twilio-Signature gets 403 and nothing is handed on.
    """
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(auth_token)
    clock = now or (lambda: datetime.now(UTC))

    async def handle(request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not validator.validate(public_url, form, signature):
            log.warning("SMS webhook: refused a request without a valid Twilio signature")
            return web.Response(status=403, text="invalid signature")
        sender, sid = form.get("From"), form.get("MessageSid") or form.get("SmsSid")
        if not sender or not sid:
            return web.Response(status=400, text="From and MessageSid are required")
        await on_reply(InboundReply(sender, form.get("Body", ""), clock(), sid))
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")

    return handle
