"""The inbound-SMS webhook: Twilio's signed POST becomes a reply; anything unsigned is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp

from integrations.base import InboundReply
from integrations.sms_twilio import inbound_sms_handler
from integrations.sms_twilio.standin import TwilioStandin
from integrations.sms_twilio.webhook import EMPTY_TWIML
from tests.integrations.sms_twilio.conftest import ANNA, SENDER, serve

NOW = datetime(2026, 3, 14, 21, 30, tzinfo=UTC)


async def run_webhook(
    signing_token: str | None, hub_token: str, body: str = "OK 42"
) -> tuple[list[InboundReply], TwilioStandin]:
    """A stand-in whose number calls the hub's webhook; `signing_token` signs its requests."""
    got: list[InboundReply] = []

    async def on_reply(reply: InboundReply) -> None:
        got.append(reply)

    public_url = "https://hub.example.org/twilio/sms"  # what is configured at Twilio
    handler = inbound_sms_handler(hub_token, public_url, on_reply, now=lambda: NOW)
    runner, local_url = await serve("/twilio/sms", handler)
    try:
        async with TwilioStandin(
            numbers=[SENDER], auth_token=signing_token, sms_url=local_url
        ) as twilio:
            # The stand-in signs for the URL it calls; Twilio signs for the public one.
            twilio.public_sms_url = public_url
            twilio.inbound(ANNA, SENDER, body)
            await twilio.settle()
    finally:
        await runner.cleanup()
    return got, twilio


async def test_a_signed_reply_is_handed_on_and_answered_with_empty_twiml() -> None:
    token = "f" * 32
    got, twilio = await run_webhook(token, token)

    [posted] = twilio.posted
    assert (posted.status, posted.text) == (200, EMPTY_TWIML)
    [msg] = twilio.messages.values()
    assert got == [InboundReply(ANNA, "OK 42", NOW, msg.sid)]


async def test_a_request_signed_with_another_token_is_refused() -> None:
    got, twilio = await run_webhook("e" * 32, "f" * 32)

    assert [p.status for p in twilio.posted] == [403]
    assert got == []


async def test_an_unsigned_request_is_refused() -> None:
    got: list[InboundReply] = []

    async def on_reply(reply: InboundReply) -> None:
        got.append(reply)

    handler = inbound_sms_handler("f" * 32, "https://hub.example.org/twilio/sms", on_reply)
    runner, url = await serve("/twilio/sms", handler)
    try:
        async with aiohttp.ClientSession() as session:
            form = {"From": ANNA, "To": SENDER, "Body": "OK 42", "MessageSid": "SM" + "0" * 32}
            async with session.post(url, data=form) as resp:
                status = resp.status
    finally:
        await runner.cleanup()
    assert status == 403
    assert got == []
