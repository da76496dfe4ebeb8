"""A flat with contacts and escalation, the alert service on a real store, fake channels."""

from __future__ import annotations

import asyncio
import contextlib
import random
import textwrap
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hub.alerts.model import Alert
from hub.alerts.service import AlertService
from hub.clock import SimulatedClock
from hub.config import Config, load_config
from hub.model import Finding, Severity
from hub.scheduler import Scheduler
from hub.store import Store
from integrations.base import DeliveryResult, DeliveryStatus, InboundReply, OutboundMessage

BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2026, 5, 4, 10, 0, tzinfo=BERLIN)
IDLE_TIMEOUT = 10.0

CONFIG = """\
home: {name: Wohnung Berger, timezone: Europe/Berlin, language: de}
residents:
  erna: {name: Erna Berger}
rooms:
  bad: {name: Bad, kind: bathroom}
  flur: {name: Flur, kind: entrance}
devices:
  "00:15:8d:00:01:00:00:01": {name: Bewegung Bad, room: bad, role: motion}
contacts:
  anna: {name: Anna, role: family, phone: "+4917611111111", email: anna@example.org,
         quiet_hours: {start: "22:00", end: "07:00"}}
  ben: {name: Ben, role: carer, phone: "+4917622222222", language: en}
  carla: {name: Carla, role: doctor, email: carla@example.org}
  ines: {name: Ines, role: installer, phone: "+4917633333333", email: ines@example.org}
escalation:
  default:
    tiers:
      - {contacts: [anna], wait: 10m}
      - {contacts: [ben, carla], channels: [sms], wait: 10m}
    repeat_last: 2
    repeat_every: 5m
rules:
  - {kind: dwell, id: bad_lange, room: bad, duration: 45m}
  - {kind: dwell, id: flur_lange, room: flur, duration: 45m, notify: [ben]}
"""


def config_at(tmp_path: Path, text: str = CONFIG) -> Config:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "obhut.yaml"
    storage = f"storage:\n  data_dir: {tmp_path / 'data'}\n"
    path.write_text(textwrap.dedent(text) + storage, encoding="utf-8")
    return load_config(path)


def finding(
    ts: datetime,
    *,
    rule: str = "bad_lange",
    subject: str = "bad",
    severity: Severity = Severity.URGENT,
    cleared: bool = False,
    pre_alert_s: float = 0,
    system: bool = False,
    explanation: str = "Seit 45 Minuten im Bad, keine Bewegung",
) -> Finding:
    return Finding(
        ts=ts,
        rule=rule,
        kind="dwell",
        severity=severity,
        subject=subject,
        summary=explanation,
        explanation=explanation,
        room="bad",
        cleared=cleared,
        pre_alert_s=pre_alert_s,
        system=system,
    )


@dataclass
class FakeNotifier:
    """Records what it sends; `script[to]` lists results to give first (then SENT)."""

    channel: str
    clock: SimulatedClock
    sent: list[OutboundMessage] = field(default_factory=list)
    attempts: list[tuple[datetime, OutboundMessage, DeliveryStatus]] = field(default_factory=list)
    script: dict[str, list[DeliveryResult]] = field(default_factory=dict)
    on_send: Callable[[OutboundMessage], None] | None = None
    on_attempt: Callable[[OutboundMessage], None] | None = None
    latency: float = 0.0  # real seconds a provider takes (the crash test's kill window)

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        if self.on_attempt is not None:
            self.on_attempt(message)
        if self.latency:
            await asyncio.sleep(self.latency)
        queued = self.script.get(message.to)
        sid = f"{self.channel}-{uuid.uuid4().hex}"
        result = queued.pop(0) if queued else DeliveryResult(DeliveryStatus.SENT, sid)
        self.attempts.append((self.clock.now(), message, result.status))
        if result.status is DeliveryStatus.SENT:
            if self.on_send is not None:
                self.on_send(message)
            self.sent.append(message)
        return result


@dataclass
class Flat:
    config: Config
    clock: SimulatedClock
    store: Store
    scheduler: Scheduler
    service: AlertService
    sms: FakeNotifier
    email: FakeNotifier

    def contact_of(self, to: str) -> str:
        for cid, c in self.config.contacts.items():
            if to in (c.phone, c.email):
                return cid
        raise KeyError(to)

    def inbox(self, contact: str, channel: str | None = None) -> list[str]:
        """Every message `contact` received, in order (channel: sms or email)."""
        notifiers = [n for n in (self.sms, self.email) if channel in (None, n.channel)]
        got = [
            (m.delivery_id, m.body)
            for n in notifiers
            for m in n.sent
            if self.contact_of(m.to) == contact
        ]
        return [body for _, body in sorted(got)]

    def who_got(self) -> list[tuple[str, str]]:
        """(contact, channel) of every message sent, in order."""
        sent = [(m.delivery_id, m) for n in (self.sms, self.email) for m in n.sent]
        return [(self.contact_of(m.to), m.channel) for _, m in sorted(sent)]

    async def idle(self) -> None:
        await asyncio.wait_for(self.service.idle(), IDLE_TIMEOUT)

    async def advance(self, delta: timedelta) -> None:
        await self.advance_to(self.clock.now() + delta)

    async def advance_to(self, when: datetime) -> None:
        """From one due moment (deadline, delivery) to the next, settling at each."""
        await self.idle()
        while (now := self.clock.now()) < when:
            dues = [self.scheduler.next_due(), await self.service.next_delivery_due()]
            target = min([d for d in dues if d is not None and d > now] + [when])
            await self.clock.advance_to(target)
            await self.idle()

    async def raise_(self, f: Finding) -> Alert:
        self.service.on_finding(f)
        await self.idle()
        alerts = await self.service.recent_alerts(20)
        return next(a for a in alerts if (a.rule, a.subject) == (f.rule, f.subject))

    async def reply(self, contact: str, body: str) -> Alert | None:
        phone = self.config.contacts[contact].phone
        assert phone is not None
        reply = InboundReply(phone, body, self.clock.now(), f"SM{random.randrange(10**9)}")
        alert = await self.service.handle_reply(reply)
        await self.idle()
        return alert

    async def alert(self, alert_id: int) -> Alert:
        alert = await self.service.alert(alert_id)
        assert alert is not None
        return alert


@contextlib.asynccontextmanager
async def flat(
    tmp_path: Path, start: datetime = MORNING, config_text: str = CONFIG, seed: int = 7
) -> AsyncIterator[Flat]:
    config = config_at(tmp_path, config_text)
    clock = SimulatedClock(start)
    sms, email = FakeNotifier("sms", clock), FakeNotifier("email", clock)
    async with Store.open(tmp_path / "obhut.db", clock=clock.now) as store:
        scheduler = Scheduler(clock, store, BERLIN)
        notifiers = {"sms": sms, "email": email}
        service = AlertService(config, store, scheduler, clock, notifiers, rng=random.Random(seed))
        await scheduler.start()
        await service.start()
        tasks = [asyncio.create_task(scheduler.run()), asyncio.create_task(service.run())]
        try:
            yield Flat(config, clock, store, scheduler, service, sms, email)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
