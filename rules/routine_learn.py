"""Routine days from the store's history: for the routine rules' shared days when a rule is
added to a hub that has weeks of it, and for the carer's page when no routine rule runs.

The store is read one local day at a time (the activity entities only), so a month of a busy
flat never sits in memory at once; each run of consecutive days is read from 18:00 the day
before it, for the first evening's bedtime and night.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable, Collection, Iterable
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from hub.entities import EntityRegistry
from hub.model import Observation
from rules.routine import Day, DayBuilder, Layout
from rules.routine_day import ACTIVITY
from rules.routine_tracker import ROUTINE, RoutineTracker

log = logging.getLogger(__name__)

Read = Callable[[datetime, datetime, Collection[str]], Awaitable[list[Observation]]]


class Learner(Protocol):
    """What hands history to the routine's shared days (rules.engine.Engine)."""

    def shared(self, key: str) -> object | None: ...

    def learn(self, key: str, history: object) -> bool: ...


def activity_entities(entities: EntityRegistry) -> set[str]:
    """The entities whose history makes up the resident's days."""
    return {e.id for e in entities if e.capability in ACTIVITY}


def _runs(dates: Iterable[date]) -> list[list[date]]:
    """Consecutive dates grouped: [1., 2., 3., 7.] → [[1., 2., 3.], [7.]]."""
    runs: list[list[date]] = []
    for d in sorted(set(dates)):
        if runs and d - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


def _midnight(d: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, time(0), tzinfo=tz)


async def read_days(
    read: Read, entities: EntityRegistry, tz: ZoneInfo, dates: Iterable[date]
) -> list[Day]:
    """The Days of `dates`, built from the store's observations a day at a time."""
    layout = Layout.from_registry(entities)
    names = activity_entities(entities)
    found: list[Day] = []
    for run in _runs(dates):
        start = datetime.combine(run[0] - timedelta(days=1), time(18), tzinfo=tz)
        builder = DayBuilder(layout, tz, start)
        edges = [
            start,
            *(_midnight(d, tz) for d in run),
            _midnight(run[-1] + timedelta(days=1), tz),
        ]
        wanted = set(run)
        for a, b in itertools.pairwise(edges):
            closed: list[Day] = []
            for obs in await read(a, b, names):
                closed += builder.observe(obs)
            closed += builder.advance(b)
            found += [d for d in closed if d.day in wanted]
    return found


async def learn_from_store(
    engine: Learner, read: Read, entities: EntityRegistry, tz: ZoneInfo
) -> int:
    """Give the routine rules' shared days the past days they lack; how many days were read."""
    routine = engine.shared(ROUTINE)
    if not isinstance(routine, RoutineTracker):
        return 0  # no routine rule runs
    wanted = routine.history_wanted()
    if not wanted:
        return 0
    days = await read_days(read, entities, tz, wanted)
    engine.learn(ROUTINE, days)  # to the tracker running now: a reload may have come meanwhile
    usable = sum(1 for d in days if d.usable)
    log.info("routine: %d past days read from the store, %d of them usable", len(days), usable)
    return len(days)
