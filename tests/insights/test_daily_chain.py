"""The daily summary through the whole hub: a fortnight in the store, the clock reaches the
configured time, and the family's phones (the Twilio stand-in) or mailbox (aiosmtpd) get one
calm message in each one's language."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from hub.alerts.service import DAILY_SUMMARY_RULE
from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.insights import daily as insights_daily
from hub.model import Finding, Observation, Severity, Value
from integrations.sms_twilio.standin import TwilioStandin

from ..conftest import free_port

BERLIN = ZoneInfo("Europe/Berlin")
SENDER = "+4915712345678"
ANNA = "+4917612345678"
PFLEGE = "+4920312345678"
TODAY = date(2026, 5, 4)
BOUND = 10.0


def flat(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "obhut.yaml"
    path.write_text(
        f"""\
home: {{name: Wohnung Müller, language: de}}
rooms:
  bad: {{name: Bad, kind: bathroom}}
  kueche: {{name: Küche, kind: kitchen}}
  schlafzimmer: {{name: Schlafzimmer, kind: bedroom}}
  flur: {{name: Flur, kind: entrance}}
devices:
  "00:15:8d:00:01:00:00:01": {{name: Bewegung Bad, room: bad, role: motion}}
  "00:15:8d:00:01:00:00:02": {{name: Bewegung Küche, room: kueche, role: motion}}
  "00:15:8d:00:01:00:00:03": {{name: Bettsensor, room: schlafzimmer, role: bed}}
  "00:15:8d:00:01:00:00:04": {{name: Haustür, room: flur, role: front_door}}
contacts:
  anna: {{name: Anna, role: family, phone: "{ANNA}", language: de}}
  pflege: {{name: Pflegedienst, role: carer, phone: "{PFLEGE}", language: en}}
  ines: {{name: Ines, role: family, email: ines@example.org}}
storage: {{data_dir: {tmp_path / "data"}}}
{extra}""",
        encoding="utf-8",
    )
    return path


def sms_section(tmp_path: Path, twilio: TwilioStandin) -> str:
    (tmp_path / "secrets.yaml").write_text(f"twilio_token: {twilio.auth_token}\n")
    return (
        f"sms: {{account_sid: {twilio.account_sid}, auth_token: !secret twilio_token, "
        f'sender: "{SENDER}", api_url: {twilio.base_url}}}\n'
    )


def her_day(day: date) -> list[Observation]:
    """Her ordinary day: in bed 22:30, once to the bathroom at 02:00, up 7:40, the kitchen
    three times, out 10:00–11:30."""

    def at(hh: int, mm: int, d: date = day) -> datetime:
        return datetime(d.year, d.month, d.day, hh, mm, tzinfo=BERLIN)

    eve = day - timedelta(days=1)
    bed, door = "bed_occupancy.schlafzimmer", "contact.front_door"
    events: list[tuple[datetime, str, Value]] = [
        (at(22, 30, eve), bed, True),
        (at(2, 0), bed, False),
        (at(2, 1), "motion.bad", True),
        (at(2, 9), bed, True),
        (at(7, 40), bed, False),
        (at(7, 41), "motion.bad", True),
        (at(8, 0), "motion.kueche", True),
        (at(10, 0), door, True),
        (at(10, 0) + timedelta(seconds=8), door, False),
        (at(11, 30), door, True),
        (at(11, 30) + timedelta(seconds=8), door, False),
        (at(11, 31), "motion.bad", True),
        (at(12, 30), "motion.kueche", True),
        (at(18, 0), "motion.kueche", True),
    ]
    return [Observation(ts, entity, value, "test") for ts, entity, value in events]


async def seed(hub: Hub, days: int = 15, today: list[Observation] | None = None) -> None:
    for n in range(days, 0, -1):
        for obs in her_day(TODAY - timedelta(days=n)):
            hub.store.add_observation(obs)
    for obs in her_day(TODAY) if today is None else today:
        hub.store.add_observation(obs)
    await hub.store.flush()


async def until(condition: Callable[[], bool]) -> None:
    async def wait() -> None:
        while True:  # real HTTP on loopback between hub and stand-in: poll, bounded
            if condition():
                return
            await asyncio.sleep(0.005)

    await asyncio.wait_for(wait(), BOUND)


def evening(hh: int, mm: int) -> SimulatedClock:
    return SimulatedClock(datetime(2026, 5, 4, hh, mm, tzinfo=BERLIN).astimezone(UTC))


async def test_the_summary_sms_arrives_at_the_configured_time(tmp_path: Path) -> None:
    clock = evening(19, 0)
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as twilio:
        summary = 'daily_summary: {at: "19:30", to: [anna, pflege]}\n'
        path = flat(tmp_path, sms_section(tmp_path, twilio) + summary)
        async with Hub.running(load_config(path), path, clock) as hub:
            await seed(hub)
            due = hub.scheduler.get("hub:daily-summary")
            assert due is not None and due.due == datetime(2026, 5, 4, 19, 30, tzinfo=BERLIN)
            await clock.advance(timedelta(minutes=29))
            assert twilio.outbound == []
            await clock.advance(timedelta(minutes=2))
            await until(lambda: len(twilio.outbound) == 2)
            got = {m.to: m.body for m in twilio.outbound}
            assert got[ANNA] == (
                "Obhut - Wohnung Müller: Tagesbericht. Gut geschlafen, 7:40 aufgestanden, "
                "Küche 3x, draußen 10-11:30, alles wie gewohnt."
            )
            assert got[PFLEGE] == (
                "Obhut - Wohnung Müller: Daily summary. Slept well, up at 7:40, kitchen 3x, "
                "out 10-11:30, all as usual."
            )
            # recorded like the daily OK: a note already done, no alert for anyone to handle
            recent = await hub.alerts.recent_alerts(5)
            notes = [a for a in recent if a.rule == DAILY_SUMMARY_RULE]
            assert len(notes) == 2 and all(a.system and a.resolved for a in notes)
            assert await hub.alerts.open_alerts() == []


async def test_a_late_morning_and_a_silent_sensor_are_said(tmp_path: Path) -> None:
    clock = evening(19, 0)
    today = [o for o in her_day(TODAY) if o.ts.astimezone(BERLIN).hour not in (7, 8)]
    late = datetime(2026, 5, 4, 9, 50, tzinfo=BERLIN)
    today += [
        Observation(late, "bed_occupancy.schlafzimmer", False, "test"),
        Observation(late + timedelta(minutes=1), "motion.kueche", True, "test"),
        Observation(late.replace(hour=14, minute=10), "available.bewegung_bad", False, "zigbee"),
    ]
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as twilio:
        summary = 'daily_summary: {at: "19:30", to: [anna]}\n'
        path = flat(tmp_path, sms_section(tmp_path, twilio) + summary)
        async with Hub.running(load_config(path), path, clock) as hub:
            await seed(hub, today=sorted(today, key=lambda o: o.ts))
            await clock.advance(timedelta(minutes=31))
            await until(lambda: len(twilio.outbound) == 1)
            assert twilio.outbound[0].body == (
                "Obhut - Wohnung Müller: Tagesbericht. Gut geschlafen, 9:50 aufgestanden "
                "(später als üblich), Küche 3x, draußen 10-11:30. "
                "Keine Daten von Bewegung Bad seit 14:10 - bitte Technik prüfen."
            )


async def test_not_up_by_the_evening_is_not_all_as_usual(tmp_path: Path) -> None:
    clock = evening(19, 0)
    # she went to bed last night and has not got up; the bathroom's thermometer still reports
    today = [o for o in her_day(TODAY) if o.ts < datetime(2026, 5, 4, 7, 0, tzinfo=BERLIN)]
    alive = datetime(2026, 5, 4, 18, 30, tzinfo=BERLIN)
    today.append(Observation(alive, "temperature.bad", 21.5, "zigbee"))
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as twilio:
        summary = 'daily_summary: {at: "19:30", to: [anna]}\n'
        extra = '  "00:15:8d:00:01:00:00:05": {name: Klima Bad, room: bad, role: climate_sensor}\n'
        path = flat(tmp_path, sms_section(tmp_path, twilio) + summary)
        text = path.read_text()
        anchor = '  "00:15:8d:00:01:00:00:04"'
        path.write_text(text.replace(anchor, extra + anchor))
        async with Hub.running(load_config(path), path, clock) as hub:
            await seed(hub, today=today)
            await clock.advance(timedelta(minutes=31))
            await until(lambda: len(twilio.outbound) == 1)
            assert twilio.outbound[0].body == (
                "Obhut - Wohnung Müller: Tagesbericht. Gut geschlafen, Aufstehen nicht erkannt "
                "(sonst 7:40), nicht in der Küche, wenig Bewegung, keine Meldungen."
            )


async def test_no_data_at_all_is_said_but_a_raised_alert_explains_the_quiet(
    tmp_path: Path,
) -> None:
    clock = evening(19, 0)
    cut = datetime(2026, 5, 4, 14, 10, tzinfo=BERLIN)  # the radio died: nothing after this
    today = [o for o in her_day(TODAY) if o.ts <= cut]
    today.append(Observation(cut, "motion.kueche", True, "zigbee"))
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as twilio:
        summary = 'daily_summary: {at: "19:30", to: [anna]}\n'
        path = flat(tmp_path, sms_section(tmp_path, twilio) + summary)
        async with Hub.running(load_config(path), path, clock) as hub:
            await seed(hub, today=today)
            await clock.advance(timedelta(minutes=31))
            await until(lambda: len(twilio.outbound) == 1)
            assert twilio.outbound[0].body == (
                "Obhut - Wohnung Müller: Tagesbericht. Gut geschlafen, 7:40 aufgestanden, "
                "Küche 3x, draußen 10-11:30. Keine Daten seit 14:10 - bitte Technik prüfen."
            )
            # the next evening the same quiet, but an alert was raised about her at 17:10:
            # a still person, not missing data
            raised = datetime(2026, 5, 5, 17, 10, tzinfo=BERLIN)
            await clock.advance_to(raised.astimezone(UTC))
            hub.alerts.on_finding(
                Finding(raised, "keine_bewegung", "inactivity", Severity.URGENT, "flat", "quiet")
            )
            await clock.advance_to(datetime(2026, 5, 5, 19, 31, tzinfo=BERLIN).astimezone(UTC))
            await until(lambda: len(twilio.outbound) >= 2)
            await hub.alerts.idle()
            summaries = [m.body for m in twilio.outbound if "Tagesbericht" in m.body]
            assert len(summaries) == 2
            assert "Keine Daten" not in summaries[1]
            assert "1 Meldung, noch offen" in summaries[1]


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        parsed = email.message_from_bytes(
            envelope.original_content or b"", policy=email.policy.default
        )
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


async def test_in_the_morning_by_email(tmp_path: Path, mailbox: tuple[Mailbox, Any]) -> None:
    box, port = mailbox
    clock = evening(8, 0)
    extra = (
        f"email: {{host: 127.0.0.1, port: {port}, sender: obhut@example.org, starttls: false}}\n"
        'daily_summary: {at: "08:30", to: [ines]}\n'
    )
    path = flat(tmp_path, extra)
    async with Hub.running(load_config(path), path, clock) as hub:
        morning = [o for o in her_day(TODAY) if o.ts.astimezone(BERLIN).hour < 8]
        await seed(hub, today=morning)
        await clock.advance(timedelta(minutes=31))
        await until(lambda: len(box.messages) == 1)
        await hub.alerts.idle()
    (mail,) = box.messages
    assert mail["To"] == "ines@example.org"
    assert mail["Subject"] == "Obhut – Wohnung Müller: Tagesbericht 04.05.2026"
    assert mail.get_content().strip() == (
        "Gut geschlafen, 7:40 aufgestanden. Gestern: Küche 3×, draußen 10–11:30. Alles wie gewohnt."
    )


async def test_a_reload_moves_or_stops_the_summary(tmp_path: Path) -> None:
    clock = evening(12, 0)
    path = flat(tmp_path, 'daily_summary: {at: "19:30", to: [ines]}\n')
    async with Hub.running(load_config(path), path, clock) as hub:

        def due() -> datetime | None:
            deadline = hub.scheduler.get("hub:daily-summary")
            return None if deadline is None else deadline.due.astimezone(BERLIN)

        assert due() == datetime(2026, 5, 4, 19, 30, tzinfo=BERLIN)
        path.write_text(path.read_text().replace('"19:30"', '"20:15"'))
        assert await hub.reload()
        assert due() == datetime(2026, 5, 4, 20, 15, tzinfo=BERLIN)
        text = path.read_text()
        path.write_text(text[: text.index("daily_summary:")])
        assert await hub.reload()
        assert due() is None


async def test_a_summary_that_cannot_be_gathered_tells_the_installer_not_the_family(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(hub: Hub, now: datetime) -> Any:
        raise OSError("disk I/O error")

    monkeypatch.setattr(insights_daily, "facts_at", broken)
    clock = evening(19, 0)
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as twilio:
        summary = 'daily_summary: {at: "19:30", to: [anna]}\n'
        technik = "escalation: {default: {tiers: [{contacts: [anna]}]}}\n"
        path = flat(tmp_path, sms_section(tmp_path, twilio) + summary + technik)
        text = path.read_text().replace(
            "contacts:\n",
            'contacts:\n  technik: {name: Technik, role: installer, phone: "+4915100000009"}\n',
        )
        path.write_text(text)
        async with Hub.running(load_config(path), path, clock) as hub:
            await seed(hub)
            await clock.advance(timedelta(minutes=31))
            await until(lambda: len(twilio.outbound) == 1)
            [message] = twilio.outbound
            assert message.to == "+4915100000009"  # the installer, not Anna
            assert "Die Tageszusammenfassung für Anna konnte heute nicht erstellt" in message.body
            [alert] = await hub.alerts.open_alerts()
            assert alert.system and alert.rule == "system.daily_summary"
