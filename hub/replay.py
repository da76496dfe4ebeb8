"""Run recorded observations through the rules under a simulated clock, as fast as the CPU can."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hub.bus import Bus
from hub.clock import SimulatedClock
from hub.config import Config
from hub.entities import EntityRegistry
from hub.model import Action, EntityId, Finding, Observation, parse_value
from hub.scheduler import Scheduler
from hub.store import Store
from rules.engine import Engine
from rules.registry import rule_factories

MAX_REPORTED = 20


class EventsError(Exception):
    """Rows of an events file that cannot be read, each with its line number."""

    def __init__(self, path: Path, errors: list[tuple[int, str]]):
        self.errors = errors
        lines = [f"{path}:{n}: error: {message}" for n, message in errors[:MAX_REPORTED]]
        if len(errors) > MAX_REPORTED:
            lines.append(f"… and {len(errors) - MAX_REPORTED} more bad rows")
        super().__init__("\n".join(lines))


def read_events(path: Path) -> list[Observation]:
    """Rows `timestamp,entity,value[,source]`; every bad row is reported, none is skipped."""
    events: list[Observation] = []
    errors: list[tuple[int, str]] = []
    with path.open(newline="", encoding="utf-8") as f:
        for n, row in enumerate(csv.reader(f), start=1):
            if not row or row[0].startswith("#") or (n == 1 and row[0].strip() == "timestamp"):
                continue
            try:
                events.append(_row(row))
            except ValueError as e:
                errors.append((n, str(e)))
    if errors:
        raise EventsError(path, errors)
    # Recorded logs are not always in order; a stable sort keeps equal times as written.
    events.sort(key=lambda o: o.ts)
    return events


def _row(row: list[str]) -> Observation:
    if len(row) < 3:
        raise ValueError(f"expected timestamp,entity,value but found {len(row)} field(s)")
    text = row[0].strip()
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not an ISO-8601 timestamp") from None
    if ts.tzinfo is None:
        raise ValueError(f"'{text}' has no UTC offset; write e.g. {text}+01:00")
    entity = EntityId.parse(row[1].strip())
    value = parse_value(entity.capability, row[2])
    source = row[3].strip() if len(row) > 3 and row[3].strip() else "replay"
    return Observation(ts.astimezone(UTC), str(entity), value, source)


@dataclass
class ReplayResult:
    events: int
    findings: int
    unknown_entities: set[str]


async def replay(
    config: Config,
    events: Iterable[Observation],
    on_finding: Callable[[Finding], None],
    until: datetime | None = None,
    on_action: Callable[[Action], None] | None = None,
) -> ReplayResult:
    """Feed `events` in order; deadlines fire at their exact simulated times in between."""
    it: Iterator[Observation] = iter(events)
    first = next(it, None)
    if first is None:
        return ReplayResult(0, 0, set())
    clock = SimulatedClock(first.ts)
    entities = EntityRegistry.from_config(config)
    async with Store.open(":memory:", clock=clock.now) as store:
        bus = Bus()
        scheduler = Scheduler(clock, store, config.home.tz)
        await scheduler.start()
        engine = Engine(
            bus,
            scheduler,
            entities,
            config.home.tz,
            rule_factories(),
            lang=config.home.language.value,
            rooms={room_id: room.name for room_id, room in config.rooms.items()},
        )
        if on_action is not None:
            bus.subscribe(Action, on_action)
        bus.subscribe(Finding, on_finding)
        engine.load(config.rules, first.ts)
        unknown: set[str] = set()
        known = entities.by_id
        count = 0
        publish, next_due = bus.publish, scheduler.next_due
        for obs in _chain(first, it):
            due = next_due()
            if due is not None and due <= obs.ts:
                _fire_until(clock, scheduler, obs.ts)
            clock.set(obs.ts)
            if obs.entity not in known:
                unknown.add(obs.entity)
            publish(obs)
            count += 1
        if until is not None:
            _fire_until(clock, scheduler, until)
            clock.set(until)
        return ReplayResult(count, engine.findings, unknown)


def _fire_until(clock: SimulatedClock, scheduler: Scheduler, when: datetime) -> None:
    """Fire deadlines one moment at a time, so each sees the clock at its own due time."""
    while (due := scheduler.next_due()) is not None and due <= when:
        clock.set(due)
        scheduler.fire_due(due)


def _chain(first: Observation, rest: Iterator[Observation]) -> Iterator[Observation]:
    yield first
    yield from rest
