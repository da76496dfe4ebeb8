"""Run recorded observations through the rules under a simulated clock, as fast as the CPU can."""

from __future__ import annotations

import contextlib
import csv
import sqlite3
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
from hub.store.codec import SEQ_BITS, decode_observation, from_ms, to_ms_ceil
from hub.store.migrations import SchemaTooNew, check_version
from rules.engine import Engine
from rules.registry import rule_factories

MAX_REPORTED = 20
# Rows read from a store per query: bounded memory for a month of a busy flat, and no read
# transaction held open while a running hub writes (each query sees its own snapshot).
HISTORY_CHUNK = 20_000


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
    start: datetime | None = None,
) -> ReplayResult:
    """Feed `events` in order; deadlines fire at their exact simulated times in between.

    The rules start at `start` (default: the first event), so a quiet beginning counts too.
    """
    it: Iterator[Observation] = iter(events)
    first = next(it, None)
    if start is not None:
        began = start
    elif first is not None:
        began = first.ts
    else:
        return ReplayResult(0, 0, set())
    if first is not None and first.ts < began:
        raise ValueError(f"the first event ({first.ts.isoformat()}) is before the start")
    clock = SimulatedClock(began)
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
        engine.load(config.rules, began)
        unknown: set[str] = set()
        known = entities.by_id
        count = 0
        publish, next_due = bus.publish, scheduler.next_due
        stream = _chain(first, it) if first is not None else iter(())
        for obs in stream:
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


class HistoryError(Exception):
    """The store cannot be read as history (missing, not a store, or from a newer Obhut)."""


class History:
    """The store's observations, read through a read-only connection; never writes a row.

    A running hub may be writing: SQLite's WAL lets this reader see committed rows while it
    does. Read-only (`mode=ro`) means no migration, no pragma that changes the file, no
    interned names: the store is only looked at.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._entities: dict[int, str] = {}
        self._sources: dict[int, str] = {}
        self._load_names()

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path) -> Iterator[History]:
        if not path.is_file():
            raise HistoryError(
                f"{path}: error: no store here; has the hub run with this configuration?"
            )
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as e:
            raise HistoryError(f"{path}: error: cannot open the store: {e}") from None
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            try:
                check_version(conn)
                conn.execute("SELECT id, entity_id, value, source_id FROM observations LIMIT 0")
            except SchemaTooNew as e:
                raise HistoryError(f"{path}: error: {e}") from None
            except sqlite3.Error as e:
                raise HistoryError(f"{path}: error: not an Obhut store ({e})") from None
            yield cls(conn, path)
        finally:
            conn.close()

    def _load_names(self) -> None:
        self._entities = dict(self._conn.execute("SELECT id, name FROM entities").fetchall())
        self._sources = dict(self._conn.execute("SELECT id, name FROM sources").fetchall())

    def span(self) -> tuple[datetime, datetime] | None:
        """The times of the oldest and newest raw observation kept (retention folds older)."""
        lo, hi = self._conn.execute("SELECT min(id), max(id) FROM observations").fetchone()
        if lo is None:
            return None
        return from_ms(lo >> SEQ_BITS), from_ms(hi >> SEQ_BITS)

    def observations(self, start: datetime, end: datetime) -> Iterator[Observation]:
        """Observations with start <= ts < end in stored order, read a chunk at a time."""
        last = (to_ms_ceil(start) << SEQ_BITS) - 1
        hi = to_ms_ceil(end) << SEQ_BITS
        sql = (
            "SELECT id, entity_id, value, source_id FROM observations"
            " WHERE id > ? AND id < ? ORDER BY id LIMIT ?"
        )
        while True:
            rows = self._conn.execute(sql, (last, hi, HISTORY_CHUNK)).fetchall()
            if not rows:
                return
            names, sources = self._entities, self._sources
            if any(e not in names or s not in sources for _, e, _, s in rows):
                self._load_names()  # the running hub interned a new name meanwhile
                names, sources = self._entities, self._sources
            for key, entity_id, value, source_id in rows:
                yield decode_observation(
                    key >> SEQ_BITS, names[entity_id], value, sources[source_id]
                )
            last = rows[-1][0]
