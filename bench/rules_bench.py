"""Rules under load: a synthetic year of a 20-sensor flat through the example rule set, and
what a rule about something else costs an observation (nothing, thanks to the entity index).
"""

from __future__ import annotations

import asyncio
import math
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hub.config import Config, load_config
from hub.model import Action, Finding, Observation, Value
from hub.replay import replay

EXAMPLE_RULES = Path(__file__).resolve().parent.parent / "examples" / "rules.yaml"
BERLIN = ZoneInfo("Europe/Berlin")
SEED = 20260504
DAYS = 365
FIRST_DAY = date(2025, 1, 1)
# Per-observation cost: this many days of the year, through 10, 100 and 1,000 rules
COST_DAYS = 45
COST_RUNS = 3

TARGETS = {
    "rules.year_events_per_s": (">=", 50_000),
    "rules.cost_ratio_1000_vs_10": ("<=", 1.2),
}

FLAT = """\
home: {{name: Bench, timezone: Europe/Berlin, language: de}}
rooms:
  flur: {{name: Flur, kind: entrance}}
  wohnzimmer: {{name: Wohnzimmer, kind: living_room}}
  kueche: {{name: Küche, kind: kitchen}}
  bad: {{name: Bad, kind: bathroom}}
  schlafzimmer: {{name: Schlafzimmer, kind: bedroom}}
{extra_rooms}
devices:
  "00:15:8d:00:0b:00:00:01": {{name: Bewegung Flur, room: flur, role: motion}}
  "00:15:8d:00:0b:00:00:02": {{name: Bewegung Wohnzimmer, room: wohnzimmer, role: motion}}
  "00:15:8d:00:0b:00:00:03": {{name: Bewegung Küche, room: kueche, role: motion}}
  "00:15:8d:00:0b:00:00:04": {{name: Bewegung Bad, room: bad, role: motion}}
  "00:15:8d:00:0b:00:00:05": {{name: Bewegung Schlafzimmer, room: schlafzimmer, role: motion}}
  "00:15:8d:00:0b:00:00:06": {{name: Haustür, room: flur, role: front_door}}
  "00:15:8d:00:0b:00:00:07": {{name: Kühlschrank, room: kueche, role: fridge_door}}
  "00:15:8d:00:0b:00:00:08": {{name: Bettsensor, room: schlafzimmer, role: bed}}
  "00:15:8d:00:0b:00:00:09": {{name: Sessel, room: wohnzimmer, role: chair}}
  "00:15:8d:00:0b:00:00:0a": {{name: Wasserkocher, room: kueche, role: plug}}
  "00:15:8d:00:0b:00:00:0b": {{name: Thermostat, room: wohnzimmer, role: thermostat}}
  "00:15:8d:00:0b:00:00:0c": {{name: Klima Schlafzimmer, room: schlafzimmer, role: climate_sensor}}
  "00:15:8d:00:0b:00:00:0d": {{name: Klima Bad, room: bad, role: climate_sensor}}
  "00:15:8d:00:0b:00:00:0e": {{name: Vitalsensor, room: schlafzimmer, role: vital_signs}}
  "00:15:8d:00:0b:00:00:0f": {{name: Licht Flur, room: flur, role: light}}
  "00:15:8d:00:0b:00:00:10": {{name: Wassermelder, room: bad, role: water_leak}}
  "00:15:8d:00:0b:00:00:11": {{name: Rauchmelder, room: flur, role: smoke}}
  "00:15:8d:00:0b:00:00:12": {{name: Notruf, room: schlafzimmer, role: sos_button}}
  "00:15:8d:00:0b:00:00:13": {{name: OK-Taste, room: flur, role: check_in_button}}
  "00:15:8d:00:0b:00:00:14": {{name: Sturzsensor, room: bad, role: fall}}
contacts:
  anna: {{name: Anna, role: family, phone: "+4917600000001"}}
  technik: {{name: Technik, role: installer, email: technik@example.org}}
escalation:
  default: {{tiers: [{{contacts: [anna]}}]}}
  technik: {{tiers: [{{contacts: [technik]}}]}}
rules:
{rules}
"""


class Day:
    """One day of the resident, as observations in local time."""

    def __init__(self, day: date, rng: random.Random) -> None:
        self.day = day
        self.rng = rng
        self.out: list[Observation] = []

    def at(self, minutes: float) -> datetime:
        local = datetime(self.day.year, self.day.month, self.day.day, tzinfo=BERLIN)
        return (local + timedelta(minutes=minutes)).astimezone(UTC)

    def put(self, minutes: float, entity: str, value: Value) -> None:
        self.out.append(Observation(self.at(minutes), entity, value, "bench"))

    def motion(self, minutes: float, room: str) -> None:
        # A Zigbee PIR reports on, then off after its 90 s occupancy timeout
        self.put(minutes, f"motion.{room}", True)
        self.put(minutes + 1.5, f"motion.{room}", False)

    def visit(self, minutes: float, room: str, stay: float) -> float:
        t = minutes
        while t < minutes + stay:
            self.motion(t, room)
            t += self.rng.uniform(2, 6)
        return minutes + stay


def synthetic_day(day: date, rng: random.Random) -> list[Observation]:
    d = Day(day, rng)
    up = 7 * 60 + rng.gauss(0, 25)
    bed = 22 * 60 + rng.gauss(0, 30)
    # Nights: in bed, vitals every 5 minutes, a bathroom visit or two
    for start, end in ((0, up), (bed, 24 * 60)):
        t = start + rng.uniform(0, 5)
        while t < end:
            d.put(t, "heart_rate.schlafzimmer", round(rng.gauss(62, 4)))
            d.put(t + 0.2, "respiratory_rate.schlafzimmer", round(rng.gauss(14, 1.5)))
            t += 5
    for _ in range(rng.choice((0, 1, 1, 2))):
        t = rng.uniform(60, up - 60)
        d.put(t, "bed_occupancy.schlafzimmer", False)
        d.motion(t + 0.3, "schlafzimmer")
        d.motion(t + 0.8, "flur")
        d.visit(t + 1, "bad", rng.uniform(3, 8))
        d.put(t + 10, "bed_occupancy.schlafzimmer", True)
    # Morning: up, bathroom, breakfast
    d.put(up, "bed_occupancy.schlafzimmer", False)
    d.motion(up + 0.5, "schlafzimmer")
    t = d.visit(up + 2, "bad", rng.uniform(10, 25))
    d.put(t, "contact.fridge", True)
    d.put(t + 0.3, "contact.fridge", False)
    d.put(t + 1, "power.kueche", 2000.0)
    d.put(t + 4, "power.kueche", 0.0)
    t = d.visit(t, "kueche", rng.uniform(15, 30))
    if rng.random() < 0.05:
        d.put(t, "check_in.flur", True)
    # Day: the living room mostly, the kitchen at meals, an outing on some days
    out = (14 * 60 + rng.uniform(-60, 60), rng.uniform(60, 180)) if rng.random() < 0.4 else None
    while t < bed:
        if out and out[0] <= t < out[0] + out[1]:
            d.put(t, "contact.front_door", True)
            d.put(t + 0.1, "contact.front_door", False)
            t = out[0] + out[1]
            d.put(t, "contact.front_door", True)
            d.put(t + 0.1, "contact.front_door", False)
            d.motion(t + 0.3, "flur")
            out = None
            continue
        room = rng.choices(("wohnzimmer", "kueche", "bad", "flur"), (6, 2, 1, 1))[0]
        if room == "wohnzimmer" and rng.random() < 0.3:
            d.put(t, "presence.wohnzimmer", True)
            sit = rng.uniform(20, 90)
            d.put(t + sit, "presence.wohnzimmer", False)
            t += sit
        else:
            t = d.visit(t, room, rng.uniform(2, 15))
            if room == "kueche":
                d.put(t - 1, "contact.fridge", True)
                d.put(t - 0.8, "contact.fridge", False)
        t += rng.uniform(1, 20)
    d.motion(bed - 1, "schlafzimmer")
    d.put(bed, "bed_occupancy.schlafzimmer", True)
    d.put(bed + 0.5, "light.flur", 0.0)
    # Climate: every 15 minutes from three rooms
    season = math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
    for i in range(96):
        m = i * 15 + rng.uniform(0, 1)
        base = 21 - 1.5 * season + math.sin(2 * math.pi * m / 1440) * 0.8
        d.put(m, "temperature.wohnzimmer", round(base + rng.gauss(0, 0.2), 1))
        d.put(m + 0.1, "temperature.schlafzimmer", round(base - 2 + rng.gauss(0, 0.2), 1))
        d.put(m + 0.2, "temperature.bad", round(base + 1 + rng.gauss(0, 0.2), 1))
        d.put(m + 0.3, "humidity.bad", round(rng.uniform(45, 70)))
    return d.out


def synthetic_year(days: int = DAYS, seed: int = SEED) -> list[Observation]:
    rng = random.Random(seed)
    out: list[Observation] = []
    for i in range(days):
        out.extend(synthetic_day(FIRST_DAY + timedelta(days=i), rng))
    out.sort(key=lambda o: o.ts)
    return out


def _config(rules: str, extra_rooms: int = 0) -> Config:
    rooms = "".join(f"  raum_{i:04d}: {{name: Raum {i}}}\n" for i in range(extra_rooms))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "obhut.yaml"
        path.write_text(FLAT.format(extra_rooms=rooms, rules=rules), encoding="utf-8")
        return load_config(path)


def example_rules() -> str:
    return "\n".join("  " + line for line in EXAMPLE_RULES.read_text("utf-8").splitlines())


def unrelated_rules(n: int) -> str:
    """Rules about rooms and doors of somebody else's flat: never watching these entities."""
    lines = []
    for i in range(n):
        if i % 2:
            lines.append(
                f"  - {{kind: temperature, id: kalt_{i:04d}, room: raum_{i:04d}, below: 16}}"
            )
        else:
            door = f"contact.raum_{i:04d}"
            lines.append(f"  - {{kind: door_open, id: tuer_{i:04d}, door: {door}, duration: 5m}}")
    return "\n".join(lines)


def _run(config: Config, events: list[Observation]) -> tuple[float, int, int]:
    found: list[Finding] = []
    actions: list[Action] = []
    began = time.perf_counter()
    asyncio.run(replay(config, events, found.append, events[-1].ts, on_action=actions.append))
    return time.perf_counter() - began, len(found), len(actions)


def run() -> dict[str, float]:
    began = time.perf_counter()
    year = synthetic_year()
    generated = time.perf_counter() - began
    full = _config(example_rules())
    elapsed, findings, actions = _run(full, year)
    figures = {
        "rules.year_events": float(len(year)),
        "rules.year_generate_s": generated,
        "rules.example_rules": float(len(full.rules)),
        "rules.year_events_per_s": len(year) / elapsed,
        "rules.year_findings": float(findings),
        "rules.year_actions": float(actions),
    }
    # The base: ten of the example rules, each watching this flat's entities
    ten = _ten_rules()
    sample = [o for o in year if o.ts < year[0].ts + timedelta(days=COST_DAYS)]
    costs: dict[int, float] = {}
    for total in (10, 100, 1000):
        config = _config(ten + "\n" + unrelated_rules(total - 10), extra_rooms=total - 10)
        assert len(config.rules) == total
        best = min(_run(config, sample)[0] for _ in range(COST_RUNS))
        costs[total] = best / len(sample) * 1e6
        figures[f"rules.cost_us_per_obs_{total}_rules"] = costs[total]
    figures["rules.cost_ratio_1000_vs_10"] = costs[1000] / costs[10]
    return figures


def _ten_rules() -> str:
    """The first ten rules of the example set."""
    text = EXAMPLE_RULES.read_text("utf-8")
    blocks = [b for b in text.split("\n- ") if not b.lstrip().startswith("#")]
    chosen = ["- " + b.strip() for b in blocks[:10]]
    return "\n".join("  " + line for block in chosen for line in block.splitlines())


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k}: {v:.6g}")
