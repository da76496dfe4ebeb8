"""The channels the configuration asks for, built once at start; the console is always there."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from hub.clock import Clock
from hub.config.model import Config
from integrations.base import InboundReply, Notifier

if TYPE_CHECKING:
    from integrations.sms_twilio.replies import TwilioReplies

log = logging.getLogger(__name__)


def build_notifiers(config: Config) -> dict[str, Notifier]:
    from integrations.console.notifier import ConsoleNotifier

    notifiers: dict[str, Notifier] = {"console": ConsoleNotifier()}
    if config.sms is not None:
        from integrations.sms_twilio.notifier import TwilioNotifier

        sms = config.sms
        notifiers["sms"] = TwilioNotifier(
            sms.account_sid, sms.auth_token.value, sms.sender, base_url=sms.api_url
        )
    if config.email is not None:
        from integrations.email_smtp.notifier import EmailNotifier

        mail = config.email
        notifiers["email"] = EmailNotifier(
            mail.host,
            mail.port,
            mail.sender,
            username=mail.username,
            password=mail.password.value if mail.password else None,
            starttls=mail.starttls,
        )
    return notifiers


def build_replies(config: Config, since: datetime, clock: Clock) -> TwilioReplies | None:
    if config.sms is None:
        return None
    from integrations.sms_twilio.replies import TwilioReplies

    sms = config.sms
    return TwilioReplies(
        sms.account_sid,
        sms.auth_token.value,
        sms.sender,
        since=since,
        now=clock.now,
        base_url=sms.api_url,
    )


async def poll_replies(
    replies: TwilioReplies,
    handle: Callable[[InboundReply], Awaitable[object]],
    config: Config,
    clock: Clock,
) -> None:
    """Fetch SMS replies every `sms.poll_every` and hand each one to alerting."""
    from integrations.sms_twilio.replies import ReplyPollError

    assert config.sms is not None
    every = config.sms.poll_every
    while True:
        try:
            for reply in await replies.poll():
                await handle(reply)
        except ReplyPollError as e:
            log.warning("could not fetch SMS replies: %s", e)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("handling an SMS reply failed")
        await clock.sleep_until(clock.now() + every)
