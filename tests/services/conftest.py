"""A flat with services and video calls, run as a whole hub on a simulated clock, with the
real twilio client talking to the local Twilio stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from integrations.sms_twilio.standin import TwilioStandin

SENDER = "+4915712345678"
PETRA = "+4917612345678"  # the daughter: escorts, calls
PFLEGE = "+4920312345678"
SCHMIDT = "+4920355512345"  # the meal service, not a contact of its own
ALI = "+4915100000001"  # the neighbour who shops, in English
REFUSED = "+15005550001"  # Twilio refuses this number for good (21211)
# Tuesday 1 December 2026, 09:00 in Berlin
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
BOUND = 10.0

FLAT = """\
home: {{name: Wohnung Berger, language: de, timezone: Europe/Berlin}}
residents: {{erika: {{name: Erika, formal_name: Frau Berger, address: Musterstr. 1}}}}
contacts:
  tochter: {{name: Petra, role: family, phone: "{petra}", language: de}}
  pflege: {{name: Pflegedienst, role: carer, phone: "{pflege}", language: de}}
escalation:
  default:
    tiers: [{{contacts: [pflege], channels: [sms]}}]
sms:
  account_sid: {sid}
  auth_token: !secret twilio_token
  sender: "{sender}"
  api_url: {api_url}
  poll_every: 30s
{web}
services:
  essen:
    kind: meal
    name: Essen auf Rädern
    provider: {{name: Menüdienst Schmidt, phone: "{schmidt}"}}
    menu: ["Menü 1: Gulasch", "Menü 2: Gemüseauflauf"]
  begleitung:
    kind: escort
    contact: tochter
    destinations: [arzt, friseur, apotheke]
    times: ["09:00", "11:00", "14:00"]
  einkauf:
    kind: shopping
    provider: {{name: Ali, phone: "{ali}", language: en}}
    order_text: Milch, Brot, Äpfel
  anrufen: {{kind: call, contact: tochter, sign_as: Mama}}
  bote: {{kind: shopping, provider: {{name: Bote, phone: "{refused}"}}}}
video:
  remind_before: 15m
  calls:
    hausarzt:
      name: Dr. Weber
      kind: doctor
      url: "https://praxis.example.org/raum/weber"
      appointments: [{{at: "2026-12-01 10:00"}}]
    familie: {{name: Petra, url: "https://meet.jit.si/familie-berger"}}
storage: {{data_dir: {data}}}
"""


def write_flat(tmp_path: Path, twilio: TwilioStandin, public_url: str | None) -> Path:
    (tmp_path / "secrets.yaml").write_text(f"twilio_token: {twilio.auth_token}\n")
    path = tmp_path / "obhut.yaml"
    web = f'web: {{public_url: "{public_url}"}}' if public_url else ""
    path.write_text(
        FLAT.format(
            petra=PETRA,
            pflege=PFLEGE,
            schmidt=SCHMIDT,
            ali=ALI,
            refused=REFUSED,
            sid=twilio.account_sid,
            sender=SENDER,
            api_url=twilio.base_url,
            web=web,
            data=tmp_path / "data",
        ),
        encoding="utf-8",
    )
    return path


async def until[T](probe: Callable[[], T], what: str = "") -> T:
    """Real HTTP on loopback lies between hub and stand-in: poll, bounded."""

    async def wait() -> T:
        while True:
            if result := probe():
                return result
            await asyncio.sleep(0.005)

    try:
        return await asyncio.wait_for(wait(), BOUND)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what or probe}") from None


@dataclass
class Flat:
    hub: Hub
    twilio: TwilioStandin
    clock: SimulatedClock
    path: Path

    def sms_to(self, number: str) -> list[str]:
        return [m.body for m in self.twilio.outbound if m.to == number]

    async def reply(self, number: str, body: str) -> None:
        """The provider answers by SMS; the hub finds it at its next poll."""
        self.twilio.inbound(number, SENDER, body)
        await self.clock.advance(self.hub.config.sms.poll_every)  # type: ignore[union-attr]


@pytest.fixture
def public_url() -> str | None:
    return "https://obhut.example.org"


@pytest.fixture
async def flat(tmp_path: Path, public_url: str | None) -> AsyncIterator[Flat]:
    clock = SimulatedClock(T0)
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as twilio:
        path = write_flat(tmp_path, twilio, public_url)
        async with Hub.running(load_config(path), path, clock) as hub:
            yield Flat(hub, twilio, clock, path)
