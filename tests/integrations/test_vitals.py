"""The vital-sign feed: the real record, minute by minute, on the hub's clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.clock import SimulatedClock
from integrations.simulation.vitals import Minute, feed, read_numerics, synthetic

RECORD = (
    Path(__file__).resolve().parents[3] / "shared/data/vitals/mimic2-s00001/s00001_numerics.csv"
)


def test_the_real_record_reads_with_its_dropouts() -> None:
    minutes = read_numerics(RECORD)
    assert len(minutes) == 1936
    assert minutes[0] == Minute(0.0, 23.0)  # a dropout: zero, not a gap
    assert minutes[1] == Minute(62.8, 12.7)


def test_a_file_without_rates_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("minute,SpO2\n0,97\n")
    with pytest.raises(ValueError, match="no HR and RESP"):
        read_numerics(path)


async def test_one_minute_of_record_per_simulated_minute() -> None:
    start = datetime(2026, 5, 4, 22, 0, tzinfo=UTC)
    clock = SimulatedClock(start)
    sent: list[tuple[datetime, Minute]] = []
    task = asyncio.create_task(
        feed(synthetic(3), lambda m: sent.append((clock.now(), m)), clock, speed=60, loop=False)
    )
    await clock.advance(timedelta(seconds=5))
    assert [t for t, _ in sent] == [start + timedelta(seconds=s) for s in (0, 1, 2)]
    assert [m for _, m in sent] == synthetic(3)
    await task
