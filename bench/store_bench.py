"""Store benchmark: observations per second, and what the SD card sees per 1,000 observations.

Bytes come from /proc/self/io: `write_bytes` is what the kernel sends to the block device (in
whole 4 KiB pages), `wchar` what SQLite hands to write(). Both include the WAL and the final
checkpoint into the main file. "batched" flushes every 1,000 observations (the default
batch_size); "trickle_N" flushes every N observations, as a live flat does: about 5
observations a second, so trickle_5 is the default flush_interval of 1 s, trickle_50 a 10 s
and trickle_150 a 30 s interval.
"""

from __future__ import annotations

import asyncio
import math
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hub.model import Observation, Value
from hub.store import Store

T0 = datetime(2024, 5, 1, tzinfo=UTC)
THROUGHPUT_N = 200_000
BATCHED_N = 100_000
TRICKLE_N = 5_000
OBS_PER_DAY = 20_000  # a flat with a dozen sensors, temperatures and batteries included
COMMIT_INTERVAL = 10.0  # seconds, the default storage.commit_interval
# The figures `make bench` checks: (op, limit). The trickle figures have no target of their own:
# they show what the flush interval costs (see the module docstring).
TARGETS = {
    "store.observations_per_s": (">=", 20_000),
    "store.batched.kb_written_per_1000": ("<=", 150),
}
# Twenty entities of a small flat, with the values their sensors report.
ENTITIES = [
    *(f"motion.{room}" for room in ("hall", "kitchen", "bathroom", "bedroom", "living")),
    *(f"contact.{door}" for door in ("front_door", "fridge", "balcony")),
    "presence.bed",
    "bed_occupancy.bed",
    *(f"temperature.{room}" for room in ("hall", "kitchen", "bathroom", "bedroom")),
    "humidity.bathroom",
    "illuminance.living",
    "power.kettle",
    "battery.front_door",
    "heart_rate.resident",
    "light.living",
]


def value_of(entity: str, i: int) -> Value:
    capability = entity.partition(".")[0]
    if capability in ("motion", "contact", "presence", "bed_occupancy"):
        return i % 3 == 0
    if capability == "temperature":
        return round(19.5 + (i * 7 % 300) / 100, 2)  # 19.50 … 22.49 °C, as Zigbee reports
    if capability in ("humidity", "battery", "light"):
        return float(40 + i % 50)
    if capability == "illuminance":
        return float(i * 13 % 2000)
    if capability == "power":
        return round((i * 37 % 22000) / 10, 1)
    return float(60 + i % 30)


def observations(n: int, step: timedelta, start: int = 0) -> list[Observation]:
    out = []
    for i in range(start, start + n):
        entity = ENTITIES[i % len(ENTITIES)]
        out.append(Observation(T0 + i * step, entity, value_of(entity, i)))
    return out


def io_counters() -> dict[str, int]:
    counters = {}
    with Path("/proc/self/io").open() as f:
        for line in f:
            name, _, value = line.partition(":")
            counters[name] = int(value)
    return counters


def file_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


async def throughput(path: Path) -> dict[str, float]:
    """add_observation as fast as the bus can deliver, background flushes at the default batch.

    While the event loop is this busy the database thread gets the GIL rarely, so batches grow
    far beyond batch_size (see `flushes`); "batched" below flushes exactly every 1,000.
    """
    data = observations(THROUGHPUT_N, timedelta(seconds=1))
    async with Store.open(path) as store:
        started = time.perf_counter()
        for i, obs in enumerate(data, 1):
            store.add_observation(obs)
            if i % 100 == 0:
                await asyncio.sleep(0)  # the bus hands over to other tasks now and then
        await store.flush()
        elapsed = time.perf_counter() - started
        flushes = store.stats["flushes"]
        started = time.perf_counter()
        read = await store.observations(T0, T0 + timedelta(days=365))
        read_elapsed = time.perf_counter() - started
    assert len(read) == THROUGHPUT_N
    return {
        "observations_per_s": THROUGHPUT_N / elapsed,
        "flushes": flushes,
        "read_observations_per_s": len(read) / read_elapsed,
    }


async def bytes_per_1000(path: Path, n: int, per_flush: int, step: timedelta) -> dict[str, float]:
    """Disk writes per 1,000 observations in steady state, flushing every `per_flush` of them."""
    async with Store.open(path, batch_size=per_flush, flush_interval=3600) as store:
        for obs in observations(20_000, step):  # not a fresh, empty file
            store.add_observation(obs)
        await store.flush()
        checkpoint(path)
        size = file_size(path)
        data = observations(n, step, start=20_000)
        before = io_counters()
        started = time.perf_counter()
        for i, obs in enumerate(data, 1):
            store.add_observation(obs)
            if i % per_flush == 0:
                await store.flush()
        await store.flush()
        elapsed = time.perf_counter() - started
        checkpoint(path)
        after = io_counters()
        grown = file_size(path) - size
    per = 1000 / n / 1024
    return {
        "observations_per_s": n / elapsed,
        "kb_written_per_1000": (after["write_bytes"] - before["write_bytes"]) * per,
        "kb_wchar_per_1000": (after["wchar"] - before["wchar"]) * per,
        "kb_file_growth_per_1000": grown * per,
    }


async def day_of_flat(path: Path) -> dict[str, float]:
    """MB the SD card sees in a day of a busy flat: 20,000 observations a day arriving at random,
    committed every COMMIT_INTERVAL (the default `storage.commit_interval`). One hour is
    measured and multiplied by 24."""
    rng = random.Random(7)
    per_hour = OBS_PER_DAY / 24
    windows = int(3600 / COMMIT_INTERVAL)
    async with Store.open(path, batch_size=10_000, flush_interval=3600) as store:
        for obs in observations(20_000, timedelta(seconds=4)):
            store.add_observation(obs)
        await store.flush()
        checkpoint(path)
        before = io_counters()
        commits, i = 0, 0
        for w in range(windows):
            arrivals = _poisson(rng, per_hour / windows)
            for _ in range(arrivals):
                entity = ENTITIES[i % len(ENTITIES)]
                ts = T0 + timedelta(days=1, seconds=w * COMMIT_INTERVAL + rng.random())
                store.add_observation(Observation(ts, entity, value_of(entity, i)))
                i += 1
            if arrivals:
                await store.flush()
                commits += 1
        checkpoint(path)
        after = io_counters()
    hour = after["write_bytes"] - before["write_bytes"]
    return {
        "mb_written_per_day": hour * 24 / 2**20,
        "commits_per_day": commits * 24,
        "kb_written_per_1000": hour / i * 1000 / 1024,
    }


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


async def measure() -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="obhut-bench-") as tmp:
        folder = Path(tmp)
        for name, value in (await throughput(folder / "throughput.db")).items():
            results[f"store.{name}"] = value
        cases = [
            ("batched", BATCHED_N, 1000, timedelta(seconds=1)),
            ("trickle_5", TRICKLE_N, 5, timedelta(milliseconds=200)),
            ("trickle_50", TRICKLE_N, 50, timedelta(milliseconds=200)),
            ("trickle_150", TRICKLE_N, 150, timedelta(milliseconds=200)),
        ]
        for case, n, per_flush, step in cases:
            figures = await bytes_per_1000(folder / f"{case}.db", n, per_flush, step)
            for name, value in figures.items():
                results[f"store.{case}.{name}"] = value
        for name, value in (await day_of_flat(folder / "day.db")).items():
            results[f"store.day_of_flat.{name}"] = value
    return results


def run() -> dict[str, float]:
    """All figures of the store benchmark, by name."""
    return asyncio.run(measure())


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:.0f}" if value >= 1000 else f"{key}: {value:.1f}")
