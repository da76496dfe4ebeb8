"""Scenario tests for rules: a flat, its rules, events in; findings and actions out.

    found = run(RULES, [("2026-05-04 07:00", "motion.bad", True)], until="2026-05-04 12:00")

Times are local wall times in Europe/Berlin (or ISO-8601 with an offset); the replay runs
the real engine and scheduler under the simulated clock.
"""

from __future__ import annotations

import asyncio
import tempfile
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.config import Config, load_config
from hub.model import Action, EntityId, Finding, Observation, parse_value
from hub.replay import replay

BERLIN = ZoneInfo("Europe/Berlin")

FLAT = """\
home: {name: Testwohnung, timezone: Europe/Berlin, language: de}
rooms:
  flur: {name: Flur, kind: entrance}
  wohnzimmer: {name: Wohnzimmer, kind: living_room}
  kueche: {name: Küche, kind: kitchen}
  bad: {name: Bad, kind: bathroom}
  schlafzimmer: {name: Schlafzimmer, kind: bedroom}
devices:
  "00:15:8d:00:01:00:00:01": {name: Bewegung Flur, room: flur, role: motion}
  "00:15:8d:00:01:00:00:02": {name: Haustür, room: flur, role: front_door}
  "00:15:8d:00:01:00:00:03": {name: Bewegung Wohnzimmer, room: wohnzimmer, role: motion}
  "00:15:8d:00:01:00:00:04": {name: Bewegung Küche, room: kueche, role: motion}
  "00:15:8d:00:01:00:00:05": {name: Kühlschrank, room: kueche, role: fridge_door}
  "00:15:8d:00:01:00:00:06": {name: Bewegung Bad, room: bad, role: motion}
  "00:15:8d:00:01:00:00:07": {name: Wassermelder, room: bad, role: water_leak}
  "00:15:8d:00:01:00:00:08": {name: Bettsensor, room: schlafzimmer, role: bed}
  "00:15:8d:00:01:00:00:09": {name: Notruf, room: schlafzimmer, role: sos_button}
  "00:15:8d:00:01:00:00:0a": {name: Rauchmelder, room: flur, role: smoke}
  "00:15:8d:00:01:00:00:0b": {name: Thermostat, room: wohnzimmer, role: thermostat}
  "00:15:8d:00:01:00:00:0c": {name: Bewegung Schlafzimmer, room: schlafzimmer, role: motion}
  "00:15:8d:00:01:00:00:0d": {name: Licht Flur, room: flur, role: light}
  "00:15:8d:00:01:00:00:0e": {name: Sturzsensor, room: bad, role: fall}
  "00:15:8d:00:01:00:00:0f": {name: Vitalsensor, room: schlafzimmer, role: vital_signs}
  "00:15:8d:00:01:00:00:10": {name: Raumklima, room: schlafzimmer, role: climate_sensor}
  "00:15:8d:00:01:00:00:11": {name: OK-Taste, room: flur, role: check_in_button}
contacts:
  anna: {name: Anna, role: family, phone: "+4917612345678"}
  technik: {name: Technik, role: installer, email: technik@example.org}
escalation:
  default: {tiers: [{contacts: [anna]}]}
  technik: {tiers: [{contacts: [technik]}]}
"""
# Entities of FLAT: motion.{flur,wohnzimmer,kueche,bad,schlafzimmer}, contact.front_door,
# contact.fridge, water_leak.bad, bed_occupancy.schlafzimmer, sos_button.schlafzimmer,
# smoke.flur, climate.wohnzimmer, temperature.wohnzimmer, temperature.schlafzimmer,
# humidity.schlafzimmer, light.flur, fall.bad, presence.bad, bed_occupancy.bad,
# respiratory_rate.bad, heart_rate.schlafzimmer, respiratory_rate.schlafzimmer,
# check_in.flur, battery.<device name slug>, available.<device name slug>, and the
# tablet's check_in.tablet, help.tablet, away.tablet.


def config(rules_yaml: str) -> Config:
    """FLAT with the given `rules:` section (YAML, indented or not)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "obhut.yaml"
        path.write_text(FLAT + textwrap.dedent(rules_yaml), encoding="utf-8")
        return load_config(path)


def at(text: str) -> datetime:
    """'2026-05-04 07:00' (Berlin wall time) or an ISO-8601 time with offset."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)


def run(
    rules_yaml: str, events: list[tuple[str, str, Any]], until: str | None = None
) -> list[Finding | Action]:
    """Replay `events` (time, entity, value) through FLAT's engine with these rules."""
    observations = []
    for when, entity, value in events:
        cap = EntityId.parse(entity).capability
        parsed = parse_value(cap, str(value).lower() if isinstance(value, bool) else str(value))
        observations.append(Observation(at(when), entity, parsed, "test"))
    observations.sort(key=lambda o: o.ts)
    out: list[Finding | Action] = []
    asyncio.run(
        replay(
            config(rules_yaml), observations, out.append, at(until) if until else None, out.append
        )
    )
    return out


def findings(items: list[Finding | Action], cleared: bool | None = None) -> list[Finding]:
    return [
        i for i in items if isinstance(i, Finding) and (cleared is None or i.cleared == cleared)
    ]


def local(ts: datetime) -> str:
    """A finding's time as Berlin wall time, '2026-05-04 10:00', for readable assertions."""
    return ts.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")
