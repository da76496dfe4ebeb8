"""Daily life: preparing a reminder's picture, a month of reminder history, a month of visits.

The picture is a phone photo just under the 2 MB limit (3000×2250, noisy, so that JPEG cannot
shrink it much); the history is a hub that ran four reminders a day for 30 simulated days with
the real engine and alerting, confirmed on most days; the visits are two a day.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation
from hub.reminders import history
from hub.reminders.pictures import MAX_BYTES, prepare

TARGETS = {
    "daily.picture_prepare_ms_median": ("<=", 1500),
    "daily.history_month_ms_median": ("<=", 200),
    "daily.visits_month_ms_median": ("<=", 50),
}
BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 4, 1, 6, 0, tzinfo=BERLIN)
DAYS = 30
ROUNDS = 5
CONFIG = """\
home: {{name: Bench, timezone: Europe/Berlin}}
contacts: {{anna: {{name: Anna, role: family, email: anna@example.org}}}}
escalation: {{default: {{tiers: [{{contacts: [anna], channels: [console]}}]}}}}
rules:
  - {{kind: reminder, id: morgens, text: Tabletten, at: ["08:00", "12:00", "18:00", "21:00"],
      confirm_within: 1h}}
storage: {{data_dir: {data}}}
"""


def photo() -> bytes:
    """A noisy 3000×2250 JPEG of just under MAX_BYTES."""
    from PIL import Image

    rng = random.Random(7)
    noise = bytes(rng.getrandbits(8) for _ in range(750 * 563 * 3))
    small = Image.frombytes("RGB", (750, 563), noise)
    image = small.resize((3000, 2250))
    for quality in range(90, 10, -5):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        if out.tell() <= MAX_BYTES:
            return out.getvalue()
    raise AssertionError("no quality fits")  # pragma: no cover


def picture_ms() -> float:
    data = photo()
    times = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        prepare(data)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


async def month(folder: Path) -> tuple[float, float, int]:
    path = folder / "obhut.yaml"
    path.write_text(CONFIG.format(data=folder / "data"), encoding="utf-8")
    clock = SimulatedClock(START)
    # (when, entity, value): confirmations on most occasions, two visits a day; None: only
    # let the clock reach that moment (a reminder due, its hour to confirm over).
    events: list[tuple[datetime, str | None, Any]] = []
    for day in range(DAYS):
        for hour in (8, 12, 18, 21):
            due = START.replace(hour=hour) + timedelta(days=day)
            events += [(due, None, None), (due + timedelta(hours=1, seconds=1), None, None)]
            if (day + hour) % 5:  # now and then nobody confirms
                events.append((due + timedelta(minutes=5), "reminder.tablet", "morgens"))
        for hour, minutes in ((9, 25), (19, 15)):
            arrived = START.replace(hour=hour) + timedelta(days=day)
            events.append((arrived, "visit.tablet", True))
            events.append((arrived + timedelta(minutes=minutes), "visit.tablet", False))
    events.sort(key=lambda e: e[0])
    # No configuration path: no nightly backups in the middle of the measurement.
    async with Hub.running(load_config(path), None, clock) as hub:
        for when, entity, value in events:
            await clock.advance_to(when)
            if entity is not None:
                hub.ingest(Observation(clock.now(), entity, value, "tablet"))
            await hub.alerts.idle()  # alerts opened at their simulated time, not later
        await hub.store.flush()
        end = clock.now()
        start = end - timedelta(days=DAYS)
        history_times, visit_times = [], []
        found: list[Any] = []
        for _ in range(ROUNDS):
            began = time.perf_counter()
            found = await history.occurrences(hub.store, start, end, {"reminder.tablet"})
            history_times.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            await hub.visits.between(start, end)
            visit_times.append((time.perf_counter() - began) * 1000)
        return statistics.median(history_times), statistics.median(visit_times), len(found)


def run() -> dict[str, float]:
    # A month of findings logged one by one would bury the figures.
    logging.disable(logging.CRITICAL)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            history_ms, visits_ms, occurrences = asyncio.run(month(Path(tmp)))
    finally:
        logging.disable(logging.NOTSET)
    return {
        "daily.picture_prepare_ms_median": picture_ms(),
        "daily.history_month_ms_median": history_ms,
        "daily.history_month_occurrences": float(occurrences),
        "daily.visits_month_ms_median": visits_ms,
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:.6g}")
