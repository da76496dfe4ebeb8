"""The daily summary's cost: its facts (the day, the night, 28 days of routine) gathered from
the store of a busy flat, as the scheduled message and each view of /carer/summary do."""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.insights.daily import facts_at
from hub.insights.summary import compose
from hub.model import Observation, Value

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 5, 4, 19, 30, tzinfo=BERLIN)
DAYS = 30
PER_DAY = 20_000  # a busy flat: climate sensors reporting every few seconds
RUNS = 5
SEED = 20260504

TARGETS = {"summary.facts_p50_s": ("<=", 1.0)}

FLAT = """\
home: {name: Bench, language: de}
rooms:
  bad: {name: Bad, kind: bathroom}
  kueche: {name: Küche, kind: kitchen}
  schlafzimmer: {name: Schlafzimmer, kind: bedroom}
  flur: {name: Flur, kind: entrance}
devices:
  "00:15:8d:00:0c:00:00:01": {name: Bewegung Bad, room: bad, role: motion}
  "00:15:8d:00:0c:00:00:02": {name: Bewegung Küche, room: kueche, role: motion}
  "00:15:8d:00:0c:00:00:03": {name: Bettsensor, room: schlafzimmer, role: bed}
  "00:15:8d:00:0c:00:00:04": {name: Haustür, room: flur, role: front_door}
  "00:15:8d:00:0c:00:00:05": {name: Klima Bad, room: bad, role: climate_sensor}
contacts:
  anna: {name: Anna, role: family, email: anna@example.org}
daily_summary: {at: "19:30", to: [anna]}
"""


def her_day(day: datetime, rng: random.Random) -> list[tuple[datetime, str, Value]]:
    def at(hh: int, mm: int) -> datetime:
        return day.replace(hour=hh, minute=mm) + timedelta(minutes=rng.randrange(-20, 20))

    bed, door = "bed_occupancy.schlafzimmer", "contact.front_door"
    return [
        (at(7, 30), bed, False),
        (at(7, 35), "motion.bad", True),
        (at(8, 0), "motion.kueche", True),
        (at(10, 0), door, True),
        (at(11, 30), door, True),
        (at(11, 35), "motion.kueche", True),
        (at(13, 0), "motion.kueche", True),
        (at(18, 0), "motion.kueche", True),
        (at(22, 30), bed, True),
    ]


async def measure() -> list[float]:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "obhut.yaml"
        path.write_text(textwrap.dedent(FLAT) + f"storage: {{data_dir: {tmp}}}\n")
        clock = SimulatedClock(NOW.astimezone(UTC))
        async with Hub.running(load_config(path), path, clock) as hub:
            start = NOW - timedelta(days=DAYS)
            step = timedelta(days=1) / PER_DAY
            t = start
            while t < NOW:
                hub.store.add_observation(Observation(t, "temperature.bad", 21.0, "zigbee"))
                t += step
            for n in range(DAYS + 1):  # the last is today, until now
                day = start + timedelta(days=n)
                for ts, entity, value in her_day(day, rng):
                    if ts < NOW:
                        hub.store.add_observation(Observation(ts, entity, value, "zigbee"))
            await hub.store.flush()
            times = []
            for _ in range(RUNS):
                began = time.perf_counter()
                sentence = compose(await facts_at(hub, clock.now()), "de")
                times.append(time.perf_counter() - began)
            print(f"summary: {sentence}")
            return times


def run() -> dict[str, float]:
    times = asyncio.run(measure())
    return {
        "summary.facts_p50_s": statistics.median(times),
        "summary.facts_max_s": max(times),
        "summary.store_observations": DAYS * PER_DAY,
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:.6g}")
