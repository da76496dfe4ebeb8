"""Readings summed up per hour or minute in SQL, with the queue's rows and without dropouts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hub.store import Store

from .conftest import NEVER, T0, obs

HOUR = timedelta(hours=1)
PULSE = (20.0, 250.0)


async def test_hourly_bins_count_sum_and_extremes_leaving_out_dropouts(db_path: Path) -> None:
    async with Store.open(db_path, flush_interval=NEVER) as store:
        # two hours of minute readings, every tenth a 0 (nobody in bed)
        for minute in range(120):
            value = 0 if minute % 10 == 0 else 60 + minute % 3
            store.add_observation(obs("heart_rate.bett", value, seconds=60 * minute))
        store.add_observation(obs("heart_rate.sessel", 99, seconds=30))  # another sensor
        await store.flush()
        # still in the queue: they count as well
        store.add_observation(obs("heart_rate.bett", 100, seconds=3 * 3600))
        store.add_observation(obs("heart_rate.bett", 300, seconds=3 * 3600 + 60))  # impossible
        bins = await store.bins("heart_rate.bett", T0, T0 + 4 * HOUR, HOUR, PULSE)
    assert [(b.start, b.readings, b.low, b.high) for b in bins] == [
        (T0, 54, 60, 62),
        (T0 + HOUR, 54, 60, 62),
        (T0 + 3 * HOUR, 1, 100, 100),
    ]
    assert bins[0].mean == 61.0


async def test_bins_keep_to_their_span_and_an_unknown_entity_has_none(db_path: Path) -> None:
    async with Store.open(db_path, flush_interval=NEVER) as store:
        for minute in range(10):
            store.add_observation(obs("respiratory_rate.bett", 14, seconds=60 * minute))
        await store.flush()
        one = timedelta(minutes=1)
        inside = await store.bins(
            "respiratory_rate.bett", T0 + 2 * one, T0 + 5 * one, one, (3.0, 80.0)
        )
        assert [b.start for b in inside] == [T0 + 2 * one, T0 + 3 * one, T0 + 4 * one]
        assert await store.bins("heart_rate.nirgends", T0, T0 + HOUR, HOUR, PULSE) == []
