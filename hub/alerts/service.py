"""The alerting service: the one door for findings, acknowledgements and replies.

Every change is one transaction on the store's database thread (`hub/store/alerts.py`);
escalation deadlines are the scheduler's, keyed `alert:<id>`, and the alert row records the
pending step too, so a deadline lost in a crash is set again at start.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from hub.alerts.lifecycle import Effects, Lifecycle, next_due
from hub.alerts.model import TEST_RULE, Alert, AlertState, Delivery
from hub.alerts.outbox import Outbox
from hub.alerts.routing import address, channels_for, next_channel
from hub.alerts.texts import MessageKind, parse_reply
from hub.clock import Clock
from hub.config.model import Config
from hub.model import Deadline, Finding, Severity
from hub.scheduler import Scheduler
from hub.store import Store
from hub.store.alerts import transact
from hub.store.errors import StoreError
from integrations.base import InboundReply, Notifier

log = logging.getLogger(__name__)

ESCALATION = "escalation"  # the scheduler's deadline kind
# Whoever asked a yes/no question by SMS: (contact, verb, number, text) → was it theirs?
Answers = Callable[[str, str, int | None, str], Awaitable[bool]]


def deadline_key(alert_id: int) -> str:
    return f"alert:{alert_id}"


class AlertService:
    """Findings in; alerts, escalations and messages out; acknowledgements back."""

    def __init__(
        self,
        config: Config,
        store: Store,
        scheduler: Scheduler,
        clock: Clock,
        notifiers: Mapping[str, Notifier],
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self._store = store
        self._scheduler = scheduler
        self._clock = clock
        self._channels = frozenset(notifiers)
        self._lock = asyncio.Lock()  # changes apply in the order they came in
        self._ops: set[asyncio.Task[Any]] = set()
        self.outbox = Outbox(clock, notifiers, self._transact, rng)
        self.answers: Answers | None = None  # set by hub.services.attach
        # Registered now, before the scheduler loads and fires persisted deadlines.
        scheduler.on(ESCALATION, self._on_deadline)

    async def start(self) -> None:
        """Resume after a restart: resend what was in flight, re-arm lost deadlines."""
        resent = await transact(self._store, lambda tx: tx.resend_interrupted())
        if resent:
            log.warning("sending %d messages again that were in flight at the last stop", resent)
        alerts = await transact(self._store, lambda tx: tx.unresolved())
        armed = False
        for alert in alerts:
            pending = next_due(alert)
            key = deadline_key(alert.id)
            if pending is None:
                continue
            current = self._scheduler.get(key)
            if current is None or current.data.get("step") != pending[0]:
                step, due = pending
                self._scheduler.at(key, due, ESCALATION, {"alert": alert.id, "step": step})
                armed = True
        if armed:
            await self._flush()
        self.outbox.wake()

    async def run(self) -> None:
        """The outbox worker, until cancelled."""
        await self.outbox.run()

    async def stop(self) -> None:
        """Let changes already handed in (findings, deadlines) reach the store; before it closes."""
        if self._ops:
            await asyncio.wait(set(self._ops), timeout=5.0)

    # Changes

    def on_finding(self, finding: Finding) -> None:
        """From the bus: opens, updates or clears an alert (in the background, in order)."""
        self._spawn(self._apply(lambda lc: lc.on_finding(finding)))

    async def acknowledge(self, alert_id: int, by: str, how: str = "web") -> Alert | None:
        """`by`: a contact id, "web:<user>" or "tablet"; `how`: sms, web or tablet."""
        alert = await self._apply(lambda lc: lc.acknowledge(alert_id, by, how))
        if alert is not None:
            self._audit(by, "acknowledge", alert, how)
        return alert

    async def resolve(self, alert_id: int, by: str) -> Alert | None:
        alert = await self._apply(lambda lc: lc.resolve(alert_id, by))
        if alert is not None:
            self._audit(by, "resolve", alert)
        return alert

    async def cancel_pre_alert(self, alert_id: int, by: str = "resident") -> Alert | None:
        """ "Mir geht es gut" on the tablet: recorded, nobody is told."""
        alert = await self._apply(lambda lc: lc.cancel_pre_alert(alert_id, by))
        if alert is not None:
            self._audit(by, "cancel pre-alert", alert)
        return alert

    async def handle_reply(self, reply: InboundReply) -> Alert | None:
        """An SMS reply: "OK 42", "OK" (the newest alert they were told of) or "STOP"."""
        contact_id = self.contact_by_phone(reply.sender)
        verb, number = parse_reply(reply.body)
        if contact_id is None:
            log.warning("a reply from %s, who is not a contact, was ignored", reply.sender)
            self._store.audit(reply.sender, "reply ignored", "", reply.body[:160])
            return None
        # "JA 17": an answer to a service request (hub/services); "OK 17" too, if 17 is one
        answerable = verb in ("yes", "no") or (verb == "ok" and number is not None)
        if answerable and self.answers and await self.answers(contact_id, verb, number, reply.body):
            return None
        if verb == "stop":
            alert = await self._apply(lambda lc: _opt_out(lc, contact_id))
            self._audit(contact_id, "sms opt-out", alert)
            return alert
        if verb != "ok":
            log.info("reply from %s not understood: %r", contact_id, reply.body)
            self._store.audit(contact_id, "reply not understood", "", reply.body[:160])
            return None
        alert = await self._apply(lambda lc: _acknowledge_reply(lc, contact_id, number))
        if alert is not None:
            self._audit(contact_id, "acknowledge", alert, "sms")
        return alert

    async def send_test(self, contact_id: str) -> int:
        """A test message to `contact_id` on each of their channels; returns the alert id."""
        if contact_id not in self.config.contacts:
            raise KeyError(f"no contact '{contact_id}'")
        alert_id = await self._apply(lambda lc: _test(lc, contact_id))
        self._store.audit("installer", "send test", contact_id, f"alert {alert_id}")
        return alert_id

    async def send_daily_ok(self, contact_id: str) -> int:
        """The daily "Obhut läuft" to `contact_id`, on their first channel that is set up."""
        if contact_id not in self.config.contacts:
            raise KeyError(f"no contact '{contact_id}'")
        return await self._apply(lambda lc: _daily_ok(lc, contact_id))

    async def send_daily_summary(
        self, contact_id: str, facts: dict[str, Any], channel: str | None = None
    ) -> int:
        """The day's summary (`DayFacts.to_json()`) to `contact_id`, recorded like the daily OK.

        On `channel` if it reaches them, else on their first channel that does; it waits for
        the end of their quiet hours. Each delivery renders the facts in their language.
        """
        if contact_id not in self.config.contacts:
            raise KeyError(f"no contact '{contact_id}'")
        return await self._apply(lambda lc: _daily_summary(lc, contact_id, facts, channel))

    async def record[T](self, fn: Callable[[Lifecycle], T]) -> T:
        """Another feature's change that sends messages (a service request), in order and in
        one transaction with its deliveries; the outbox is woken after the commit."""
        return await self._apply(fn)

    # Reads

    async def open_alerts(self) -> list[Alert]:
        """Alerts not yet resolved (pre-alert, open, acknowledged), oldest first."""
        return await transact(self._store, lambda tx: tx.unresolved())

    async def recent_alerts(self, limit: int = 50) -> list[Alert]:
        return await transact(self._store, lambda tx: tx.recent(limit))

    async def alert(self, alert_id: int) -> Alert | None:
        return await transact(self._store, lambda tx: tx.get(alert_id))

    async def deliveries(self, alert_id: int | None = None) -> list[Delivery]:
        return await transact(self._store, lambda tx: tx.deliveries(alert_id))

    async def next_delivery_due(self) -> datetime | None:
        """When the outbox sends next (a retry, a message held for quiet hours)."""
        return await transact(self._store, lambda tx: tx.next_due())

    def contact_by_phone(self, phone: str) -> str | None:
        wanted = "".join(phone.split())
        for contact_id, contact in self.config.contacts.items():
            if contact.phone and "".join(contact.phone.split()) == wanted:
                return contact_id
        return None

    async def idle(self) -> None:
        """Return once every change is applied and the outbox has nothing due (tests, demo)."""
        while True:
            if self._ops:
                await asyncio.gather(*self._ops, return_exceptions=True)
                # Finished tasks leave `_ops` in their done-callbacks, which run only at the
                # loop's next turn; gather of done tasks does not yield, so give it that turn.
                await asyncio.sleep(0)
                continue
            await self.outbox.wait_idle()
            if not self._ops:
                return

    # Machinery

    def _on_deadline(self, deadline: Deadline) -> None:
        alert_id, step = int(deadline.data["alert"]), int(deadline.data["step"])
        self._spawn(self._apply(lambda lc: lc.step(alert_id, step)))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._ops.add(task)
        task.add_done_callback(self._op_done)

    def _op_done(self, task: asyncio.Task[Any]) -> None:
        self._ops.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("an alert change failed", exc_info=task.exception())

    async def _apply[T](self, fn: Callable[[Lifecycle], T]) -> T:
        async with self._lock:
            return await self._transact(fn)

    async def _transact[T](self, fn: Callable[[Lifecycle], T]) -> T:
        now = self._clock.now()
        effects = Effects()
        result = await transact(
            self._store, lambda tx: fn(Lifecycle(tx, self.config, self._channels, now, effects))
        )
        for alert_id in effects.cancel - effects.schedule.keys():
            self._scheduler.cancel(deadline_key(alert_id))
        for alert_id, (step, due) in effects.schedule.items():
            data = {"alert": alert_id, "step": step}
            self._scheduler.at(deadline_key(alert_id), due, ESCALATION, data)
        if effects.schedule or effects.cancel:
            await self._flush()  # a deadline is worth nothing if a crash forgets it
        if effects.messages:
            self.outbox.wake()
        return result

    async def _flush(self) -> None:
        try:
            await self._store.flush()
        except StoreError:
            log.exception("could not save the escalation deadlines now; the store retries")

    def _audit(self, actor: str, action: str, alert: Alert | None, detail: str = "") -> None:
        if alert is not None:
            self._store.audit(actor, f"alert {action}", f"alert {alert.id}", detail)


def _acknowledge_reply(lc: Lifecycle, contact_id: str, number: int | None) -> Alert | None:
    if number is None:
        escalating = [a for a in lc.tx.unresolved() if a.state is AlertState.OPEN]
        told = [a for a in escalating if contact_id in lc.told(a.id)]
        candidates = told or escalating
        if not candidates:
            return None
        number = candidates[-1].id
    alert = lc.tx.get(number)
    if alert is not None and alert.rule == TEST_RULE:
        replies = [*alert.data.get("replies", []), contact_id]
        lc.tx.update(replace(alert, data={**alert.data, "replies": replies}))
        return None
    return lc.acknowledge(number, contact_id, "sms")


def _opt_out(lc: Lifecycle, contact_id: str) -> Alert | None:
    contact = lc.config.contacts[contact_id]
    subject = f"sms:{contact_id}"
    fallback = next_channel(contact_id, contact, {"sms"}, lc.channels, lc.blocked() | {subject})
    why = {"code": "stop", "channel": "sms", "contact": contact_id, "name": contact.name}
    return lc.raise_system(subject, {**why, "fallback": fallback}, Severity.WARNING)


def _note(
    lc: Lifecycle,
    contact_id: str,
    rule: str,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
) -> Alert:
    """A message that is no alarm (a test, the daily OK): recorded as an alert already done."""
    return lc.tx.insert(
        rule=rule,
        subject=contact_id,
        kind=kind,
        severity=Severity.INFO,
        state=AlertState.RESOLVED,
        opened=lc.now,
        summary=summary,
        data={**(data or {}), "system": True},
        resolved=lc.now,
    )


def _test(lc: Lifecycle, contact_id: str) -> int:
    contact = lc.config.contacts[contact_id]
    alert = _note(lc, contact_id, TEST_RULE, "test", f"test message to {contact.name}")
    for channel in sorted(lc.channels):
        if address(contact, channel) is not None and channel != "console":
            lc.tell(alert, contact_id, channel, MessageKind.TEST, due=lc.now)
    return alert.id


DAILY_OK_RULE = "system.daily_ok"


def _daily_ok(lc: Lifecycle, contact_id: str) -> int:
    contact = lc.config.contacts[contact_id]
    alert = _note(lc, contact_id, DAILY_OK_RULE, "daily_ok", f"daily OK to {contact.name}")
    for channel in ("sms", "email", "console"):  # the first way that reaches them
        if channel in lc.channels and address(contact, channel) is not None:
            lc.tell(alert, contact_id, channel, MessageKind.DAILY_OK, due=lc.now)
            break
    return alert.id


DAILY_SUMMARY_RULE = "system.daily_summary"


def _daily_summary(
    lc: Lifecycle, contact_id: str, facts: dict[str, Any], channel: str | None
) -> int:
    contact = lc.config.contacts[contact_id]
    summary = f"daily summary to {contact.name}"
    alert = _note(
        lc, contact_id, DAILY_SUMMARY_RULE, "daily_summary", summary, {"day_summary": facts}
    )
    wanted = (channel,) if channel else ("sms",)
    ways = channels_for(contact_id, contact, wanted, lc.channels, lc.blocked())
    if not ways and "console" in lc.channels:
        ways = ["console"]
    for way in ways[:1]:
        lc.tell(alert, contact_id, way, MessageKind.DAILY_SUMMARY)
    return alert.id
