"""The stand-in on 127.0.0.1, a notifier pointed at it, and a receiver for Twilio's webhooks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from integrations.sms_twilio import TwilioNotifier
from integrations.sms_twilio.standin import TwilioStandin

SENDER = "+4915712345678"  # the hub's Twilio number
ANNA = "+4917612345678"
BERND = "+4915198765432"


@pytest.fixture
async def twilio() -> AsyncIterator[TwilioStandin]:
    async with TwilioStandin(numbers=[SENDER]) as standin:
        yield standin


@pytest.fixture
async def notifier(twilio: TwilioStandin) -> AsyncIterator[TwilioNotifier]:
    async with TwilioNotifier(
        twilio.account_sid, twilio.auth_token, SENDER, base_url=twilio.base_url, timeout=2.0
    ) as n:
        yield n


@dataclass
class Receiver:
    """A local web server whose one route records each POST's form and headers."""

    url: str = ""
    posts: list[tuple[dict[str, str], dict[str, str]]] = field(default_factory=list)


async def serve(
    path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post(path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}{path}"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    got = Receiver()

    async def record(request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        got.posts.append((form, dict(request.headers)))
        return web.Response(text="")

    runner, got.url = await serve("/twilio/status", record)
    yield got
    await runner.cleanup()
