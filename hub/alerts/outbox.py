"""The outbox worker: sends due deliveries one at a time, retries, gives up, falls back.

One delivery is in flight at a time: after a crash at most that one is sent again.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from hub.alerts.lifecycle import Lifecycle
from hub.alerts.messages import render_for
from hub.alerts.model import Delivery, DeliveryState
from hub.alerts.routing import address, next_channel
from hub.alerts.texts import MessageKind
from hub.clock import Clock
from hub.model import Severity
from integrations.base import DeliveryResult, DeliveryStatus, Notifier, OutboundMessage

log = logging.getLogger(__name__)

BACKOFF_FIRST = 5.0
BACKOFF_MAX = 600.0
MAX_ATTEMPTS = 20  # about two and a half hours of retrying
BATCH = 16
ERROR_PAUSE = 10.0
# Twilio's account-wide refusal: no number of this channel works for anyone.
ACCOUNT_CODES = frozenset({20003})


class Transact(Protocol):
    """Runs a function in one transaction, with a Lifecycle at the current time."""

    def __call__[T](self, fn: Callable[[Lifecycle], T]) -> Awaitable[T]: ...


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """5 s, 10 s, 20 s … capped at 10 min, each ±20 % so that retries spread out."""
    base = min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)
    return timedelta(seconds=min(base * rng.uniform(0.8, 1.2), BACKOFF_MAX))


def prepare(lc: Lifecycle, delivery_id: int) -> OutboundMessage | None:
    """Mark the delivery `sending` and build its message; None if it cannot or need not go."""
    d = lc.tx.delivery(delivery_id)
    if d is None or d.state is not DeliveryState.PENDING:
        return None  # cancelled (acknowledged meanwhile) or done by an earlier pass
    contact = lc.config.contacts.get(d.contact)
    if contact is None:
        lc.tx.set_state(d.id, DeliveryState.FAILED, error="contact no longer configured")
        return None
    to = address(contact, d.channel)
    if to is None or lc.channels_of(d.contact, (d.channel,)) != [d.channel]:
        # Opted out or refused since the row was written: its next channel takes over.
        lc.tx.set_state(d.id, DeliveryState.FAILED, error=f"{d.channel} cannot be used now")
        _fall_back(lc, d, {d.channel})
        return None
    subject, body = d.subject, d.body
    tz = lc.config.home.tz
    alert = lc.tx.get(d.alert_id)
    if alert is not None and d.created.astimezone(tz).date() != lc.now.astimezone(tz).date():
        # Held overnight: "10:00" must now read "gestern 10:00".
        subject, body = render_for(
            lc.config, alert, d.contact, d.channel, MessageKind(d.kind), lc.now
        )
        lc.tx.set_message(d.id, subject, body)
    lc.tx.set_state(d.id, DeliveryState.SENDING, attempt=True)
    return OutboundMessage(d.id, d.channel, to, subject, body)


def record(lc: Lifecycle, delivery_id: int, result: DeliveryResult, rng: random.Random) -> None:
    """Write down what the notifier said: sent, retry later, or failed for good."""
    d = lc.tx.delivery(delivery_id)
    if d is None:
        return
    if result.status is DeliveryStatus.SENT:
        lc.tx.set_state(d.id, DeliveryState.SENT, provider_id=result.provider_id, sent=lc.now)
        return
    error = f"{result.code}: {result.detail}" if result.code else result.detail or "failed"
    if result.status is DeliveryStatus.RETRY and d.attempts < MAX_ATTEMPTS:
        due = lc.now + backoff(d.attempts, rng)
        lc.tx.set_state(d.id, DeliveryState.PENDING, next_attempt=due, error=error)
        log.warning("delivery %d to %s will be retried at %s: %s", d.id, d.contact, due, error)
        return
    lc.tx.set_state(d.id, DeliveryState.FAILED, error=error)
    log.error("delivery %d to %s by %s failed: %s", d.id, d.contact, d.channel, error)
    channel_wide = result.code in ACCOUNT_CODES
    subject = f"{d.channel}:*" if channel_wide else f"{d.channel}:{d.contact}"
    contact = lc.config.contacts.get(d.contact)
    fallback = None
    if contact is not None:
        blocked = lc.blocked() | {subject}
        fallback = next_channel(d.contact, contact, {d.channel}, lc.channels, blocked)
    why = {
        "code": result.code,
        "channel": d.channel,
        "contact": d.contact,
        "name": contact.name if contact else d.contact,
        "detail": result.detail,
        "fallback": fallback,
    }
    lc.raise_system(subject, why, Severity.WARNING)
    _fall_back(lc, d, {d.channel})


def _fall_back(lc: Lifecycle, d: Delivery, failed: set[str]) -> None:
    """Send what `d` carried on the contact's next channel, unless it went that way anyway."""
    contact = lc.config.contacts.get(d.contact)
    if contact is None:
        return
    channel = next_channel(d.contact, contact, failed, lc.channels, lc.blocked())
    if channel is None:
        log.error("no other channel reaches %s", d.contact)
        return
    alert = lc.tx.get(d.alert_id)
    if alert is None:
        return
    for other in lc.tx.deliveries(d.alert_id):
        same = (other.contact, other.channel, other.kind, other.step)
        if same == (d.contact, channel, d.kind, d.step) and other.state is not (
            DeliveryState.FAILED
        ):
            return
    lc.tell(alert, d.contact, channel, MessageKind(d.kind), step=d.step)


class Outbox:
    """Sends what is due through the notifier of its channel; sleeps on the clock otherwise."""

    def __init__(
        self,
        clock: Clock,
        notifiers: Mapping[str, Notifier],
        transact: Transact,
        rng: random.Random | None = None,
    ) -> None:
        self._clock = clock
        self._notifiers = dict(notifiers)
        self._transact = transact
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self.sent = 0

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    async def run(self) -> None:
        """Send due deliveries until cancelled."""
        while True:
            self._wake.clear()
            try:
                await self.send_due()
                due = await self._transact(lambda lc: lc.tx.next_due())
            except Exception:
                # The store refused (a full disk?): the rows wait in the outbox; try again.
                log.exception("the outbox could not send; trying again shortly")
                due = self._clock.now() + timedelta(seconds=ERROR_PAUSE)
                await self._sleep(due)
                continue
            if due is not None and due <= self._clock.now():
                continue
            if not self._wake.is_set():
                self._idle.set()
            await self._sleep(due)
            self._idle.clear()

    async def wait_idle(self) -> None:
        """Return once nothing is due now and the worker sleeps (for tests and the demo)."""
        await self._idle.wait()

    async def send_due(self) -> int:
        count = 0
        while True:
            batch = await self._transact(lambda lc: lc.tx.due(lc.now, BATCH))
            if not batch:
                return count
            for delivery in batch:
                count += await self.send_one(delivery.id)

    async def send_one(self, delivery_id: int) -> int:
        message = await self._transact(lambda lc: prepare(lc, delivery_id))
        if message is None:
            return 0
        result = await self._send(message)
        await self._transact(lambda lc: record(lc, delivery_id, result, self._rng))
        if result.status is DeliveryStatus.SENT:
            self.sent += 1
            return 1
        return 0

    async def _send(self, message: OutboundMessage) -> DeliveryResult:
        notifier = self._notifiers.get(message.channel)
        if notifier is None:
            return DeliveryResult(DeliveryStatus.PERMANENT, detail="no such channel configured")
        try:
            return await notifier.send(message)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a notifier must not raise; if it does, try again later
            log.exception("the %s notifier raised", message.channel)
            return DeliveryResult(DeliveryStatus.RETRY, detail=f"{type(exc).__name__}: {exc}")

    async def _sleep(self, due: datetime | None) -> None:
        waker = asyncio.ensure_future(self._wake.wait())
        sleeper = asyncio.ensure_future(
            self._clock.sleep_until(due) if due is not None else asyncio.Event().wait()
        )
        try:
            await asyncio.wait((sleeper, waker), return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
