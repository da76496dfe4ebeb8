"""The hub as a whole under the simulated clock: persisted rule timers, retention, reload."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Finding, Observation

RULE = """\
rules:
  - kind: inactivity
    id: tag
    duration: 3h
"""
T0 = datetime(2026, 3, 28, 21, 0, tzinfo=UTC)  # 22:00 in Berlin, the night clocks go forward


async def test_a_restart_mid_timer_fires_it_at_the_original_deadline(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config(RULE)
    config = load_config(path)
    clock = SimulatedClock(T0)
    async with Hub.running(config, path, clock) as hub:
        hub.ingest(Observation(T0, "motion.bad", True))
        await clock.advance(timedelta(hours=1))
    # The hub is down for an hour; a new process, a new clock, the same data folder.
    clock = SimulatedClock(T0 + timedelta(hours=2))
    async with Hub.running(load_config(path), path, clock) as hub:
        seen: list[Finding] = []
        hub.subscribe(Finding, seen.append)
        await clock.advance_to(T0 + timedelta(hours=3) - timedelta(seconds=1))
        assert seen == []
        await clock.advance_to(T0 + timedelta(hours=4))
        assert [(f.rule, f.ts) for f in seen] == [("tag", T0 + timedelta(hours=3))]


async def test_a_deadline_missed_while_down_fires_once_at_start(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config(RULE)
    clock = SimulatedClock(T0)
    async with Hub.running(load_config(path), path, clock) as hub:
        hub.ingest(Observation(T0, "motion.bad", True))
    clock = SimulatedClock(T0 + timedelta(hours=10))
    async with Hub.running(load_config(path), path, clock) as hub:
        seen: list[Finding] = []
        hub.subscribe(Finding, seen.append)
        await clock.advance(timedelta(seconds=1))
        await clock.advance(timedelta(hours=1))
        assert [f.ts for f in seen] == [T0 + timedelta(hours=3)]  # the original time, once


async def test_nightly_retention_folds_old_observations_into_aggregates(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config("storage:\n  data_dir: data\n  retention: {observations: 2d}\n")
    start = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    clock = SimulatedClock(start)
    async with Hub.running(load_config(path), path, clock) as hub:
        for day in range(4):
            for i in range(10):
                ts = start + timedelta(days=day, minutes=i)
                hub.ingest(Observation(ts, "temperature.bad", 20.0 + i))
        await hub.store.flush()
        # jump to the night after the last day: 03:30 Berlin on 5 May
        await clock.advance_to(datetime(2026, 5, 5, 1, 31, tzinfo=UTC))
        await clock.advance(timedelta(seconds=1))
        await hub.store.flush()
        left = await hub.store.observations(start, start + timedelta(days=5))
        assert {o.ts.date().isoformat() for o in left} == {"2026-05-03", "2026-05-04"}
        days = await hub.store.daily_aggregates(
            "temperature.bad", start.date(), (start + timedelta(days=3)).date()
        )
        first = days[0]
        assert (first.day.isoformat(), first.count, first.min, first.max) == (
            "2026-05-01",
            10,
            20.0,
            29.0,
        )


async def test_reload_applies_a_good_file_and_keeps_the_last_good_one_otherwise(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config(RULE)
    clock = SimulatedClock(T0)
    async with Hub.running(load_config(path), path, clock) as hub:
        good = path.read_text()
        path.write_text(good.replace("duration: 3h", "duration: drei Stunden"))
        assert await hub.reload() is False
        assert hub.engine.rule_ids == ["tag"]
        assert any("'drei Stunden' is not a duration" in p for p in hub.config_problems)

        path.write_text(good.replace("id: tag", "id: tags"))
        assert await hub.reload() is True
        assert hub.engine.rule_ids == ["tags"] and hub.config_problems == []
        # the old rule's timer is gone with it, the new one is armed
        keys = {d.key for d in hub.scheduler.pending()}
        assert "rule:tags:due" in keys and "rule:tag:due" not in keys
        await hub.store.flush()
        actions = [e.action for e in await hub.store.audit_entries()]
        assert actions[:2] == ["config.applied", "config.rejected"]
