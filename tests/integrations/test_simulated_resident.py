"""The demo's simulated resident: the scripted day, in order, on the hub's clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.clock import SimulatedClock
from hub.model import Observation
from integrations.simulation.resident import SimulatedResident, read_script

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)


def script(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "day.csv"
    path.write_text("time,entity,value\n" + text, encoding="utf-8")
    return path


async def test_steps_play_in_order_compressed_and_loop(tmp_path: Path) -> None:
    steps = read_script(
        script(tmp_path, "07:00:00,motion.bad,on\n07:01:00,motion.bad,off\n22:00:00,light.bad,0\n")
    )
    clock = SimulatedClock(T0)
    seen: list[Observation] = []
    task = asyncio.create_task(
        SimulatedResident(steps, clock, speed=60, max_gap=5).run(seen.append)
    )
    await clock.advance(timedelta(0))
    assert [(o.entity, o.value, o.ts) for o in seen] == [("motion.bad", True, T0)]
    await clock.advance(timedelta(seconds=1))  # one simulated minute at speed 60
    assert seen[-1].value is False and seen[-1].ts == T0 + timedelta(seconds=1)
    await clock.advance(timedelta(seconds=5))  # a long gap is cut to max_gap
    assert seen[-1].entity == "light.bad" and seen[-1].ts == T0 + timedelta(seconds=6)
    await clock.advance(timedelta(seconds=5))  # the night, cut too, then the day again
    assert [o.entity for o in seen] == ["motion.bad", "motion.bad", "light.bad", "motion.bad"]
    task.cancel()


def test_the_demo_day_reads_and_names_only_demo_entities() -> None:
    from hub.config import load_config
    from hub.entities import EntityRegistry

    steps = read_script(ROOT / "examples" / "demo" / "day.csv")
    known = EntityRegistry.from_config(load_config(ROOT / "examples" / "demo" / "obhut.yaml"))
    assert len(steps) > 40
    assert {s.entity for s in steps} <= set(known.by_id)


def test_a_bad_script_line_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"day.csv:3: expected on or off for motion"):
        read_script(script(tmp_path, "07:00:00,motion.bad,on\n07:01:00,motion.bad,vielleicht\n"))
