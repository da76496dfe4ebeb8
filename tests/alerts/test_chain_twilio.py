"""The whole chain through the hub and the real twilio client against the local stand-in:
a finding → SMS to tier 1 → no answer → tier 2 after the wait → a reply "OK 42" →
acknowledged → the condition clears → an all-clear to both tiers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation
from integrations.sms_twilio.standin import TwilioStandin

SENDER = "+4915712345678"
ANNA = "+4917612345678"  # the daughter, tier 1
PFLEGE = "+4920312345678"  # the care service, tier 2
T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)  # 10:00 in Berlin: nobody's quiet hours
BOUND = 10.0


def flat(tmp_path: Path, api_url: str, token: str, sid: str) -> Path:
    (tmp_path / "secrets.yaml").write_text(f"twilio_token: {token}\n")
    path = tmp_path / "obhut.yaml"
    path.write_text(
        f"""\
home: {{name: Wohnung Müller, language: de}}
rooms: {{flur: {{name: Flur}}}}
devices:
  "00:15:8d:00:01:00:00:0a": {{name: Rauchmelder Flur, room: flur, role: smoke}}
contacts:
  anna: {{name: Anna, role: family, phone: "{ANNA}", language: de}}
  pflege: {{name: Pflegedienst, role: carer, phone: "{PFLEGE}", language: en}}
escalation:
  default:
    tiers:
      - {{contacts: [anna], channels: [sms], wait: 10m}}
      - {{contacts: [pflege], channels: [sms], wait: 10m}}
    repeat_last: 0
rules:
  - {{kind: smoke, severity: urgent}}
sms:
  account_sid: {sid}
  auth_token: !secret twilio_token
  sender: "{SENDER}"
  api_url: {api_url}
  poll_every: 30s
storage: {{data_dir: {tmp_path / "data"}}}
""",
        encoding="utf-8",
    )
    return path


async def until(condition: Callable[[], bool]) -> None:
    async def wait() -> None:
        while True:  # real HTTP on loopback between hub and stand-in: poll, bounded
            if condition():
                return
            await asyncio.sleep(0.005)

    await asyncio.wait_for(wait(), BOUND)


async def test_finding_tiers_reply_acknowledge_all_clear(tmp_path: Path) -> None:
    clock = SimulatedClock(T0)
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as twilio:
        path = flat(tmp_path, twilio.base_url, twilio.auth_token, twilio.account_sid)

        def sms_to(number: str) -> list[str]:
            return [m.body for m in twilio.outbound if m.to == number]

        async with Hub.running(load_config(path), path, clock) as hub:
            hub.ingest(Observation(T0, "smoke.flur", True))
            await until(lambda: len(sms_to(ANNA)) == 1)
            first = sms_to(ANNA)[0]
            assert "Rauchmelder in Flur meldet Rauch" in first
            alert_id = int(re.search(r"Antworten Sie OK (\d+)", first).group(1))  # type: ignore[union-attr]

            # nobody answers: after the tier's wait, the care service, in English
            await clock.advance(timedelta(minutes=9, seconds=59))
            assert sms_to(PFLEGE) == []
            await clock.advance(timedelta(seconds=2))
            await until(lambda: len(sms_to(PFLEGE)) == 1)
            assert f"Reply OK {alert_id}" in sms_to(PFLEGE)[0]

            # the care service replies; the hub finds it at its next poll
            twilio.inbound(PFLEGE, SENDER, f"OK {alert_id}")
            await clock.advance(timedelta(seconds=31))
            await acknowledged(hub, alert_id)
            await until(lambda: len(sms_to(ANNA)) == 2)  # Anna hears that they took it on
            assert "Pflegedienst" in sms_to(ANNA)[1]

            # no more escalation after the acknowledgement
            await clock.advance(timedelta(minutes=30))
            await asyncio.sleep(0.05)
            assert len(sms_to(PFLEGE)) == 1 and len(sms_to(ANNA)) == 2

            # the smoke clears: both are told
            hub.ingest(Observation(clock.now(), "smoke.flur", False))
            await until(lambda: len(sms_to(ANNA)) == 3 and len(sms_to(PFLEGE)) == 2)
            assert "Entwarnung" in sms_to(ANNA)[2]
            assert "all clear" in sms_to(PFLEGE)[1].lower()


async def acknowledged(hub: Hub, alert_id: int) -> None:
    async def wait() -> None:
        while True:
            alert = await hub.alerts.alert(alert_id)
            if alert is not None and alert.acknowledged_by is not None:
                assert alert.acknowledged_by == "pflege"
                return
            await asyncio.sleep(0.005)

    await asyncio.wait_for(wait(), BOUND)


async def test_the_daily_obhut_laeuft_message(tmp_path: Path) -> None:
    clock = SimulatedClock(datetime(2026, 5, 4, 6, 0, tzinfo=UTC))  # 08:00 in Berlin
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as twilio:
        path = flat(tmp_path, twilio.base_url, twilio.auth_token, twilio.account_sid)
        text = path.read_text() + 'watchdog: {daily_ok_at: "09:00", daily_ok_to: [anna]}\n'
        path.write_text(text)
        async with Hub.running(load_config(path), path, clock):
            await clock.advance(timedelta(minutes=59))
            assert twilio.outbound == []
            await clock.advance(timedelta(minutes=2))
            await until(lambda: len(twilio.outbound) == 1)
            assert twilio.outbound[0].to == ANNA and "Obhut läuft" in twilio.outbound[0].body
