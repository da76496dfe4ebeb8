"""The real twilio client against the stand-in: what was sent, and what each failure means."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from integrations.base import DeliveryStatus, OutboundMessage
from integrations.sms_twilio import TwilioNotifier
from integrations.sms_twilio.standin import TwilioStandin
from tests.conftest import free_port
from tests.integrations.sms_twilio.conftest import ANNA, BERND, SENDER, Receiver

BODY = "Obhut: Keine Bewegung seit 3 Std. in Küche (Frau Weber). Antworten Sie OK 42 😊"


def sms(to: str = ANNA, body: str = BODY, delivery_id: int = 42) -> OutboundMessage:
    return OutboundMessage(delivery_id=delivery_id, channel="sms", to=to, subject="", body=body)


async def test_a_sent_sms_reaches_twilio_exactly_as_written(
    twilio: TwilioStandin, notifier: TwilioNotifier
) -> None:
    result = await notifier.send(sms())

    assert result.status is DeliveryStatus.SENT
    [msg] = twilio.outbound
    assert result.provider_id == msg.sid
    assert (msg.to, msg.from_, msg.body) == (ANNA, SENDER, BODY)
    [request] = twilio.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    assert request.form == {"To": ANNA, "From": SENDER, "Body": BODY}


REFUSALS = [
    # (what the installer got wrong, how the stand-in is made to refuse, code, words in detail)
    ("invalid number", "to:+49 176 1234", 21211, "invalid phone number"),
    ("unverified on a trial account", "trial", 21608, "not a verified number"),
    ("opted out with STOP", "stop", 21610, "replied STOP"),
    ("wrong auth token", "token", 20003, "account SID or auth token"),
    ("sender not in the account", "sender", 21606, "sms.sender"),
    ("too long for Twilio", "body:x" + "x" * 1600, 21617, "1600 character limit"),
]


@pytest.mark.parametrize(("why", "how", "code", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
async def test_each_refusal_is_permanent_with_its_code_and_plain_words(
    why: str, how: str, code: int, words: str
) -> None:
    to, body, sender, token = ANNA, BODY, SENDER, None
    verified = None
    if how.startswith("to:"):
        to = how[3:]
    elif how.startswith("body:"):
        body = how[5:]
    elif how == "trial":
        verified = [BERND]
    elif how == "sender":
        sender = "+4915700000000"
    elif how == "token":
        token = "0" * 32
    async with TwilioStandin(numbers=[SENDER], verified=verified) as twilio:
        if how == "stop":
            twilio.inbound(ANNA, SENDER, "Stop")
        async with TwilioNotifier(
            twilio.account_sid, token or twilio.auth_token, sender, base_url=twilio.base_url
        ) as notifier:
            result = await notifier.send(sms(to=to, body=body))

        assert result.status is DeliveryStatus.PERMANENT, why
        assert result.code == code
        assert words in result.detail
        assert twilio.outbound == []


@pytest.mark.parametrize("code", [21211, 21608, 21610, 20003, 21614, 21612])
async def test_injected_twilio_codes_are_permanent(
    twilio: TwilioStandin, notifier: TwilioNotifier, code: int
) -> None:
    twilio.fail_next(code=code, on="create")

    result = await notifier.send(sms())

    assert (result.status, result.code) == (DeliveryStatus.PERMANENT, code)
    assert f"({code})" in result.detail
    # The next message goes through: a refusal is about that one request.
    assert (await notifier.send(sms())).status is DeliveryStatus.SENT


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_server_errors_and_rate_limits_retry_later_and_reach_twilio_once(
    twilio: TwilioStandin, notifier: TwilioNotifier, status: int
) -> None:
    twilio.fail_next(status)

    result = await notifier.send(sms())

    assert result.status is DeliveryStatus.RETRY
    assert result.code == 20000 + status
    assert len(twilio.requests) == 1, "the client retried by itself"
    assert twilio.outbound == []


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the raw client's BasicAuth
async def test_twilios_own_retries_would_send_a_post_twice(twilio: TwilioStandin) -> None:
    """Why the notifier builds its own session: the client's max_retries repeats a POST."""
    http = AsyncTwilioHttpClient(max_retries=3)
    client = Client(twilio.account_sid, twilio.auth_token, http_client=http)
    client.api.base_url = twilio.base_url
    twilio.fail_next(500)
    try:
        await client.messages.create_async(to=ANNA, from_=SENDER, body=BODY)
    finally:
        await http.close()
    assert len(twilio.requests) == 2
    assert len(twilio.outbound) == 1


async def test_a_twilio_that_never_answers_is_a_retry_after_our_timeout(
    twilio: TwilioStandin,
) -> None:
    twilio.fail_next("timeout")
    async with TwilioNotifier(
        twilio.account_sid, twilio.auth_token, SENDER, base_url=twilio.base_url, timeout=0.2
    ) as notifier:
        started = time.perf_counter()
        result = await notifier.send(sms())
        waited = time.perf_counter() - started

    assert result.status is DeliveryStatus.RETRY
    assert "within 0.2 s" in result.detail
    assert 0.2 <= waited < 1.0
    assert len(twilio.requests) == 1


async def test_no_connection_is_a_retry() -> None:
    async with TwilioNotifier(
        "AC" + "0" * 32, "secret", SENDER, base_url=f"http://127.0.0.1:{free_port()}"
    ) as notifier:
        result = await notifier.send(sms())

    assert result.status is DeliveryStatus.RETRY
    assert "Cannot reach Twilio" in result.detail


async def test_an_edge_in_the_environment_does_not_redirect_the_stand_in(
    twilio: TwilioStandin, notifier: TwilioNotifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_EDGE", "frankfurt")
    monkeypatch.setenv("TWILIO_REGION", "de1")
    async with TwilioNotifier(
        twilio.account_sid, twilio.auth_token, SENDER, base_url=twilio.base_url
    ) as notifier:
        assert (await notifier.send(sms())).status is DeliveryStatus.SENT


async def test_stop_then_send_is_refused_until_start(
    twilio: TwilioStandin, notifier: TwilioNotifier
) -> None:
    assert (await notifier.send(sms())).status is DeliveryStatus.SENT
    twilio.inbound(ANNA, SENDER, "STOP")

    refused = await notifier.send(sms())
    other = await notifier.send(sms(to=BERND))
    twilio.inbound(ANNA, SENDER, "start")
    again = await notifier.send(sms())

    assert (refused.status, refused.code) == (DeliveryStatus.PERMANENT, 21610)
    assert ANNA in refused.detail
    assert other.status is DeliveryStatus.SENT
    assert again.status is DeliveryStatus.SENT


async def test_the_auth_token_is_never_logged(
    twilio: TwilioStandin, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with TwilioNotifier(
        twilio.account_sid, twilio.auth_token, SENDER, base_url=twilio.base_url
    ) as notifier:
        ok = await notifier.send(sms())
        twilio.fail_next(code=20003)
        refused = await notifier.send(sms())
        shown = repr(notifier)

    assert ok.status is DeliveryStatus.SENT
    assert refused.status is DeliveryStatus.PERMANENT
    assert "SMS delivery 42" in caplog.text  # the refusal was logged, and ...
    for text in (caplog.text, shown, refused.detail):
        assert twilio.auth_token not in text


async def test_status_callbacks_follow_the_lifecycle_and_are_signed(
    twilio: TwilioStandin, receiver: Receiver
) -> None:
    twilio.deliver_as(BERND, "undelivered", 30003)
    async with TwilioNotifier(
        twilio.account_sid,
        twilio.auth_token,
        SENDER,
        base_url=twilio.base_url,
        status_callback=receiver.url,
    ) as notifier:
        delivered = await notifier.send(sms(to=ANNA))
        lost = await notifier.send(sms(to=BERND))
        await twilio.settle()

    validator = RequestValidator(twilio.auth_token)
    seen: dict[str, list[tuple[str, str | None]]] = {}
    for form, headers in receiver.posts:
        assert validator.validate(receiver.url, form, headers["X-Twilio-Signature"])
        seen.setdefault(form["MessageSid"], []).append(
            (form["MessageStatus"], form.get("ErrorCode"))
        )
    assert seen == {
        delivered.provider_id: [("sent", None), ("delivered", None)],
        lost.provider_id: [("sent", None), ("undelivered", "30003")],
    }
    form, headers = receiver.posts[0]
    forged = dict(form, MessageStatus="delivered" if form["MessageStatus"] != "delivered" else "x")
    assert not validator.validate(receiver.url, forged, headers["X-Twilio-Signature"])


async def test_the_message_can_be_fetched_back_with_its_final_status(
    twilio: TwilioStandin, notifier: TwilioNotifier
) -> None:
    result = await notifier.send(sms())
    await twilio.settle()
    fetched = await notifier._twilio().messages(result.provider_id).fetch_async()
    assert (fetched.status, fetched.to, fetched.body) == ("delivered", ANNA, BODY)
    assert fetched.date_sent is not None


async def test_a_server_that_hangs_up_is_a_retry(twilio: TwilioStandin) -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with TwilioNotifier(
            twilio.account_sid, twilio.auth_token, SENDER, base_url=f"http://127.0.0.1:{port}"
        ) as notifier:
            result = await notifier.send(sms())
    finally:
        server.close()
        await server.wait_closed()
    assert result.status is DeliveryStatus.RETRY
    assert "Cannot reach Twilio" in result.detail
