"""The demo's SMS: a stand-in of Twilio's API on this machine, so requests and replies can be
tried without an account. Each message the hub sends is logged; a line typed on the demo's
terminal as `+4917600000001 JA 17` arrives at the hub as that phone's reply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from hub.config import Config

if TYPE_CHECKING:
    from integrations.sms_twilio.standin.server import TwilioStandin

log = logging.getLogger("obhut.demo")
LOCAL = ("127.0.0.1", "localhost")


@contextlib.asynccontextmanager
async def local_standin(config: Config) -> AsyncIterator[None]:
    """Run the stand-in at `sms.api_url` while the block runs, if that URL is on this machine."""
    sms = config.sms
    url = urlsplit(sms.api_url) if sms is not None and sms.api_url else None
    if sms is None or url is None or url.hostname not in LOCAL or url.port is None:
        yield
        return
    from integrations.sms_twilio.standin.server import RecordedRequest, TwilioStandin

    standin = TwilioStandin(account_sid=sms.account_sid, auth_token=sms.auth_token.value)

    def show(request: RecordedRequest) -> None:
        if request.method == "POST":
            form = request.form
            log.info("SMS to %s: %s", form.get("To"), form.get("Body"))

    standin.on_arrival = show
    try:
        await standin.start(url.hostname, url.port)
    except OSError as e:
        log.warning("the demo's SMS stand-in cannot listen on %s (%s): SMS will wait", url.port, e)
        yield
        return
    log.info(
        "demo: SMS go to a stand-in of Twilio at %s; type '<phone> <reply>' to answer", sms.api_url
    )
    # Read by the event loop when a line is there: no thread left blocked on Ctrl-C.
    loop = asyncio.get_running_loop()
    typing = sys.stdin.isatty()
    if typing:
        loop.add_reader(sys.stdin.fileno(), _typed_reply, standin, sms.sender)
    try:
        yield
    finally:
        if typing:
            loop.remove_reader(sys.stdin.fileno())
        await standin.close()


def _typed_reply(standin: TwilioStandin, sender: str) -> None:
    """A line `+49… JA 17` on the terminal becomes a reply from that phone."""
    phone, _, text = sys.stdin.readline().strip().partition(" ")
    if phone.startswith("+") and text:
        standin.inbound(phone, sender, text)
        log.info("demo: reply from %s: %s", phone, text)
