"""The routine rules across a restart of the hub, and a rule added to a hub with history.

Each hub is the real one (Hub.running) on the same data folder and store file, driven by a
simulated clock: the learned days and today's unfinished counts come back from the store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Finding, Observation
from hub.store import Store
from rules.routine import times
from rules.routine_rule import RoutineRule
from tests.rules.routine_days import Event, day, observations, weeks
from tests.rules.scenario import FLAT, at, local

FIRST = date(2026, 4, 6)
THERMOMETER = "temperature.wohnzimmer"
THREE = ("01:00", "03:00", "04:30")
RULES = """\
rules:
  - kind: routine_night_bathroom
  - kind: routine_wake_up
"""


def d(n: int) -> date:
    return FIRST + timedelta(days=n)


def write_flat(tmp_path: Path, rules: str = RULES) -> Path:
    path = tmp_path / "obhut.yaml"
    path.write_text(f"{FLAT}{rules}storage:\n  data_dir: {tmp_path / 'data'}\n", "utf-8")
    return path


async def live(hub: Hub, clock: SimulatedClock, events: Iterable[Observation]) -> None:
    """Observations arrive at their times; deadlines fire in between."""
    for obs in events:
        await clock.advance_to(obs.ts)
        hub.ingest(obs)


def before(events: list[Event], moment: str) -> list[Event]:
    return [e for e in events if at(e[0]) < at(moment)]


def after(events: list[Event], moment: str) -> list[Event]:
    return [e for e in events if at(e[0]) >= at(moment)]


def rule(hub: Hub, rule_id: str) -> RoutineRule:
    found: object = hub.engine.rule(rule_id)
    assert isinstance(found, RoutineRule)
    return found


Memory = tuple[int, date, int]


async def restart(
    path: Path, events: list[Event], down: str, up: str, until: str
) -> tuple[list[Finding], Memory]:
    """A hub that stops at `down`, and a new one on the same store from `up` to `until`.

    Also what the second hub's night rule knew when it started: the days learned (with data),
    today, and tonight's bathroom visits so far.
    """
    config = load_config(path)
    found: list[Finding] = []
    clock = SimulatedClock(at(events[0][0]))
    async with Hub.running(config, None, clock) as hub:
        hub.subscribe(Finding, found.append)
        await live(hub, clock, observations(before(events, down)))
        await clock.advance_to(at(down))
        assert rule(hub, "routine_night_bathroom").builder.day.night_bathroom == 2
    clock = SimulatedClock(at(up))
    async with Hub.running(config, None, clock) as hub:
        hub.subscribe(Finding, found.append)
        night = rule(hub, "routine_night_bathroom")
        usable = sum(1 for d in night.days if d.usable)
        remembered = (usable, night.builder.day.day, night.builder.day.night_bathroom)
        await live(hub, clock, observations(after(events, up)))
        await clock.advance_to(at(until))
    return found, remembered


def test_a_restart_in_the_night_forgets_neither_the_weeks_nor_the_nights_visits(
    tmp_path: Path,
) -> None:
    # Three ordinary weeks, two nights with three visits, and a third night in which the hub
    # stops at 03:40 after two visits and is back ten minutes later, before the third.
    events = weeks(FIRST, 21) + day(d(21), night=THREE) + day(d(22), night=THREE)
    events += day(d(23), night=THREE)
    path = write_flat(tmp_path)
    down, up = "2026-04-29 03:40", "2026-04-29 03:50"
    findings, memory = asyncio.run(restart(path, events, down, up, "2026-04-29 12:00"))
    assert memory == (23, d(23), 2)  # 23 days learned; tonight 2 visits so far
    assert [(local(f.ts), f.explanation) for f in findings] == [
        ("2026-04-29 06:00", "Heute Nacht 3 Badbesuche, die Nächte davor 3 und 3; üblich sind 0–1")
    ]


def test_a_long_outage_leaves_a_hole_that_is_neither_judged_nor_learned(tmp_path: Path) -> None:
    # The hub is off from 03:40 to 08:00: the night is not watched, so not judged, and the
    # day (over four hours unobserved) will not teach the usual.
    events = weeks(FIRST, 21) + day(d(21), night=THREE) + day(d(22), night=THREE)
    events += day(d(23), night=THREE, wake="08:30")

    async def main() -> tuple[list[Finding], int, bool]:
        path = write_flat(tmp_path)
        found: list[Finding] = []
        config = load_config(path)
        clock = SimulatedClock(at(events[0][0]))
        async with Hub.running(config, None, clock) as hub:
            await live(hub, clock, observations(before(events, "2026-04-29 03:40")))
        clock = SimulatedClock(at("2026-04-29 08:00"))
        async with Hub.running(config, None, clock) as hub:
            hub.subscribe(Finding, found.append)
            await live(hub, clock, observations(after(events, "2026-04-29 08:00")))
            await clock.advance_to(at("2026-04-30 00:30"))
            night = rule(hub, "routine_night_bathroom")
            day_23 = night.learned(d(23))
            assert day_23 is not None
            return found, day_23.unobserved, day_23.usable

    found, unobserved, usable = asyncio.run(main())
    assert found == []
    # From the last thing the first hub heard (back in bed at 03:08) to 08:00
    assert unobserved == 4 * 60 + 52 and not usable


def test_a_rule_added_to_a_hub_with_three_weeks_of_history_knows_her_routine_at_once(
    tmp_path: Path,
) -> None:
    path = write_flat(tmp_path, "rules:\n  - kind: routine_wake_up\n")
    db = tmp_path / "data" / "obhut.db"
    db.parent.mkdir()
    history = observations(weeks(FIRST, 21))
    late = observations(day(d(21), wake="10:30", outing=None))

    async def main() -> tuple[int, str, str, list[Finding]]:
        async with Store.open(db, clock=lambda: history[-1].ts) as store:
            for obs in history:
                store.add_observation(obs)
        clock = SimulatedClock(at("2026-04-27 00:05"))
        found: list[Finding] = []
        async with Hub.running(load_config(path), None, clock) as hub:
            hub.subscribe(Finding, found.append)
            [learning] = [t for t in asyncio.all_tasks() if t.get_name() == "routine learning"]
            await asyncio.wait_for(learning, 30)
            wake = rule(hub, "routine_wake_up")
            baseline = wake.baseline()
            assert baseline.wake is not None
            check = hub.scheduler.get("rule:routine_wake_up:check")
            assert check is not None
            await live(hub, clock, late)
            await clock.advance_to(at("2026-04-27 12:00"))
            return baseline.days, times(baseline.wake), local(check.due), found

    days, usual, due, found = asyncio.run(main())
    assert (days, usual, due) == (21, "7:02–7:48", "2026-04-27 09:18")
    assert [(local(f.ts), f.explanation) for f in found if not f.cleared] == [
        ("2026-04-27 09:18", "Heute bis 9:18 nicht aufgestanden, üblich 7:02–7:48")
    ]


def test_a_restarted_rule_reads_nothing_it_knows(tmp_path: Path) -> None:
    path = write_flat(tmp_path, "rules:\n  - kind: routine_wake_up\n")
    events = weeks(FIRST, 21)

    async def main() -> tuple[list[date], int]:
        config = load_config(path)
        clock = SimulatedClock(at(events[0][0]))
        async with Hub.running(config, None, clock) as hub:
            # A new hub: the store has no history, so the 28 days before are learned empty
            [learning] = [t for t in asyncio.all_tasks() if t.get_name() == "routine learning"]
            await asyncio.wait_for(learning, 30)
            await live(hub, clock, observations(events))
            # A thermometer reports till the end: the hub was running until it stopped
            await live(hub, clock, [Observation(at("2026-04-26 23:59"), THERMOMETER, 21.0)])
        clock = SimulatedClock(at("2026-04-27 00:05"))
        async with Hub.running(config, None, clock) as hub:
            wake = rule(hub, "routine_wake_up")
            return wake.history_wanted(), wake.baseline().days

    wanted, usable = asyncio.run(main())
    assert (wanted, usable) == ([], 21)
