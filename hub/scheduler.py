"""Deadlines: one-shot and calendar timers that live in the store and survive a restart.

A calendar deadline is a wall time in the home's timezone. APScheduler's cron trigger (imported
here and nowhere else) finds the next matching wall time; zoneinfo turns it into an instant.
Two daylight-saving nights need care, in Europe/Berlin and everywhere else:

* Spring forward (02:00 → 03:00): a wall time in the skipped hour, say 02:30, does not exist that
  day. It is shifted forward by the gap, to 03:30 summer time, and fires once.
* Fall back (03:00 → 02:00): a wall time in the repeated hour happens twice. It fires once, at
  its first occurrence (summer time), like cron.

All instants handed out are aware UTC datetimes; a delay (`after`) is exact elapsed time.
Firing is at least once: a deadline that fired just before a crash, before the store committed
its removal, fires again after the restart.
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import itertools
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from hub.clock import Clock
from hub.model import Deadline

log = logging.getLogger(__name__)

Handler = Callable[[Deadline], None]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(r"^at (\d\d):(\d\d)(?::(\d\d))?(?: on ([a-z,]+))?$")
# A deadline handled this much after its due is reported as late (the hub was down or stalled).
_LATE = timedelta(minutes=1)


class DeadlineStore(Protocol):
    """The part of the store the scheduler needs: deadlines, written in order, loaded at start."""

    def put_deadline(self, deadline: Deadline) -> None: ...

    def delete_deadline(self, key: str) -> None: ...

    async def flush(self) -> None: ...

    async def load_deadlines(self) -> list[Deadline]: ...


@dataclass(frozen=True)
class Calendar:
    """A wall time in the home's timezone, every day or on some weekdays (0 = Monday)."""

    time: time
    weekdays: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.time.tzinfo is not None:
            raise ValueError("a calendar time is a wall time in the home's timezone; drop tzinfo")
        if self.time.microsecond:
            raise ValueError("a calendar time has whole seconds")
        if self.time.fold:
            object.__setattr__(self, "time", self.time.replace(fold=0))
        if self.weekdays is not None:
            days = frozenset(self.weekdays)
            if not days:
                raise ValueError("a calendar needs at least one weekday (or None for every day)")
            if not days <= frozenset(range(7)):
                raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), got {sorted(days)}")
            # Every day spelt out is the same calendar as every day, and must compare equal.
            object.__setattr__(self, "weekdays", None if len(days) == 7 else days)

    def to_spec(self) -> str:
        """`at 07:30`, `at 07:30:15 on mon,tue,wed,thu,fri`: stored in `Deadline.trigger`."""
        t = self.time
        text = f"at {t:%H:%M}" + (f":{t:%S}" if t.second else "")
        if self.weekdays is not None:
            text += " on " + ",".join(WEEKDAYS[d] for d in sorted(self.weekdays))
        return text

    @classmethod
    def from_spec(cls, spec: str) -> Calendar:
        m = _SPEC.match(spec)
        if not m:
            raise ValueError(
                f"calendar spec '{spec}' not understood; "
                "expected e.g. 'at 07:30' or 'at 09:00 on sat,sun'"
            )
        hour, minute, second, days = m.groups()
        try:
            wall = time(int(hour), int(minute), int(second or 0))
        except ValueError:
            raise ValueError(f"'{spec}' has no such time of day") from None
        weekdays = None
        if days is not None:
            names = days.split(",")
            unknown = [n for n in names if n not in WEEKDAYS]
            if unknown:
                raise ValueError(f"'{spec}': unknown weekday {unknown[0]!r}; use mon … sun")
            weekdays = frozenset(WEEKDAYS.index(n) for n in names)
        return cls(wall, weekdays)


@functools.lru_cache(maxsize=256)
def _cron(spec: Calendar) -> Any:
    days = None if spec.weekdays is None else ",".join(str(d) for d in sorted(spec.weekdays))
    t = spec.time
    # UTC stands for "wall time, no DST": APScheduler 3's own zone arithmetic adds 24 h of real
    # time per day and so skips the day after a switch for times just after midnight
    # (agronholm/apscheduler#529, #606). The home's zone is applied by zoneinfo, below.
    return CronTrigger(
        hour=t.hour, minute=t.minute, second=t.second, day_of_week=days, timezone=UTC
    )


def _next_wall(trigger: Any, start: datetime) -> datetime:
    """The trigger's next wall time at or after `start` (both wall times tagged UTC)."""
    fire = trigger.get_next_fire_time(None, start)
    if not isinstance(fire, datetime):
        raise RuntimeError(f"{trigger} has no next fire time after {start}")
    return fire


def next_occurrence(spec: Calendar, after: datetime, tz: ZoneInfo) -> datetime:
    """The first occurrence of `spec` in `tz` strictly after `after`, as aware UTC."""
    if after.tzinfo is None:
        raise ValueError("next_occurrence needs a timezone-aware instant")
    after = after.astimezone(UTC)
    trigger = _cron(spec)
    # A skipped wall time happens later than its reading: at 03:10 CEST on the spring-forward
    # day, 02:30 (→ 03:30 CEST) is still ahead. So the search starts a day early.
    wall = after.astimezone(tz).replace(tzinfo=UTC) - timedelta(days=1)
    for _ in range(16):
        wall = _next_wall(trigger, wall)
        # fold=0: the first of a repeated wall time; a skipped one is read with the offset from
        # before the switch, which shifts it forward by the gap.
        occurrence = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
        if occurrence > after:
            return occurrence
        wall += timedelta(seconds=1)
    raise RuntimeError(f"no occurrence of '{spec.to_spec()}' after {after}")  # pragma: no cover


class Scheduler:
    """Pending deadlines, kept in the store, fired in (due, key) order by `fire_due` or `run`."""

    def __init__(self, clock: Clock, store: DeadlineStore, tz: ZoneInfo) -> None:
        self._clock = clock
        self._store = store
        self._tz = tz
        self._handlers: dict[str, Handler] = {}
        self._deadlines: dict[str, Deadline] = {}
        # A heap with lazy deletion: an entry counts while its deadline is its key's current one.
        self._heap: list[tuple[datetime, str, int, Deadline]] = []
        self._seq = itertools.count()
        self._started = False
        self._running = False
        self._wake = asyncio.Event()
        self._waiting = False
        self._armed_for: datetime | None = None

    def on(self, kind: str, handler: Handler) -> None:
        """Let `handler` run every deadline of `kind`."""
        if kind in self._handlers:
            raise ValueError(f"deadlines of kind '{kind}' already have a handler")
        self._handlers[kind] = handler

    async def start(self) -> None:
        """Load the persisted deadlines; those already due fire on the next `fire_due`."""
        if self._started:
            raise RuntimeError("the scheduler is already started")
        for deadline in await self._store.load_deadlines():
            self._index(deadline)
        self._started = True
        log.info("scheduler started with %d pending deadlines", len(self._deadlines))

    def at(
        self, key: str, due: datetime, kind: str, data: Mapping[str, Any] | None = None
    ) -> Deadline:
        """Schedule `kind` at `due`, once; a deadline with the same key is replaced."""
        if due.tzinfo is None:
            raise ValueError(f"deadline '{key}' needs a timezone-aware due time")
        return self._schedule(Deadline(key, due.astimezone(UTC), kind, dict(data or {})))

    def after(
        self, key: str, delay: timedelta, kind: str, data: Mapping[str, Any] | None = None
    ) -> Deadline:
        """Schedule `kind` once, `delay` of real elapsed time from now (across DST changes too)."""
        due = self._clock.now().astimezone(UTC) + delay
        return self._schedule(Deadline(key, due, kind, dict(data or {})))

    def every(
        self, key: str, spec: Calendar, kind: str, data: Mapping[str, Any] | None = None
    ) -> Deadline:
        """Schedule `kind` on every occurrence of `spec` in the home's timezone.

        A pending deadline with the same key and spec keeps its due time, so an occurrence missed
        while the hub was down still fires (once: the next one after that is the next normal one).
        """
        trigger = spec.to_spec()
        old = self._deadlines.get(key)
        if old is not None and old.trigger == trigger and self._is_occurrence(spec, old.due):
            due = old.due
        else:
            due = next_occurrence(spec, self._clock.now(), self._tz)
        deadline = Deadline(key, due, kind, dict(data or {}), trigger)
        if deadline == old:
            return old
        return self._schedule(deadline)

    def cancel(self, key: str) -> bool:
        """Remove the deadline `key`, here and in the store; False if there was none."""
        self._require_started()
        if self._deadlines.pop(key, None) is None:
            return False
        self._store.delete_deadline(key)
        return True

    def get(self, key: str) -> Deadline | None:
        return self._deadlines.get(key)

    def pending(self) -> list[Deadline]:
        """All pending deadlines, by due time, then key."""
        return sorted(self._deadlines.values(), key=lambda d: (d.due, d.key))

    def next_due(self) -> datetime | None:
        top = self._peek()
        return None if top is None else top.due

    def fire_due(self, now: datetime) -> int:
        """Fire every deadline due at `now`, in (due, key) order; return how many fired.

        Deadlines that handlers schedule for `now` or earlier fire in the same call, in order.
        A key fires again in the same call only at a later due time than before, so a handler
        that reschedules itself to its own due time (or earlier) waits for the next call.
        """
        if not self._heap or self._heap[0][0] > now:
            return 0  # the common case in replay, once per observation
        fired = 0
        fired_at: dict[str, datetime] = {}
        held: list[tuple[datetime, str, int, Deadline]] = []
        while (deadline := self._peek()) is not None and deadline.due <= now:
            entry = heapq.heappop(self._heap)
            last = fired_at.get(deadline.key)
            if last is not None and deadline.due <= last:
                held.append(entry)
                continue
            fired_at[deadline.key] = deadline.due
            self._consume(deadline, now)
            if self._run(deadline, now):
                fired += 1
        for entry in held:
            heapq.heappush(self._heap, entry)
        return fired

    async def run(self) -> None:
        """Fire deadlines as the clock reaches them, until cancelled."""
        self._require_started()
        if self._running:
            raise RuntimeError("the scheduler is already running")
        self._running = True
        try:
            while True:
                self._wake.clear()
                due = self.next_due()
                if due is None or due > self._clock.now():
                    self._armed_for, self._waiting = due, True
                    try:
                        await self._sleep_until_or_woken(due)
                    finally:
                        self._waiting = False
                self.fire_due(self._clock.now())
                # Let other tasks in even if more deadlines are due at once.
                await asyncio.sleep(0)
        finally:
            self._running = False

    async def _sleep_until_or_woken(self, due: datetime | None) -> None:
        waker = asyncio.ensure_future(self._wake.wait())
        if due is None:
            try:
                await waker
            finally:
                waker.cancel()
            return
        sleeper = asyncio.ensure_future(self._clock.sleep_until(due))
        try:
            await asyncio.wait((sleeper, waker), return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
        if sleeper.done() and not sleeper.cancelled() and sleeper.exception() is not None:
            sleeper.result()

    def _schedule(self, deadline: Deadline) -> Deadline:
        self._require_started()
        # The store first: if it refuses the deadline (data that is not JSON), nothing changed.
        self._store.put_deadline(deadline)
        self._index(deadline)
        if self._waiting and (self._armed_for is None or deadline.due < self._armed_for):
            self._wake.set()
        return deadline

    def _index(self, deadline: Deadline) -> None:
        self._deadlines[deadline.key] = deadline
        heapq.heappush(self._heap, (deadline.due, deadline.key, next(self._seq), deadline))
        if len(self._heap) > 64 and len(self._heap) > 2 * len(self._deadlines):
            # Replaced deadlines pile up when a key is re-armed again and again (each movement).
            self._heap = [(d.due, d.key, next(self._seq), d) for d in self._deadlines.values()]
            heapq.heapify(self._heap)

    def _peek(self) -> Deadline | None:
        heap = self._heap
        while heap:
            deadline = heap[0][3]
            if self._deadlines.get(deadline.key) is deadline:
                return deadline
            heapq.heappop(heap)
        return None

    def _consume(self, deadline: Deadline, now: datetime) -> None:
        """Remove a fired one-shot, or re-arm a calendar deadline for its next occurrence."""
        if deadline.trigger is not None:
            try:
                spec = Calendar.from_spec(deadline.trigger)
            except ValueError:
                log.exception("deadline '%s' has a broken trigger; it fires once", deadline.key)
            else:
                # After `now`, not after `due`: days missed while the hub was down fire only once.
                due = next_occurrence(spec, max(deadline.due, now), self._tz)
                rearmed = replace(deadline, due=due)
                self._index(rearmed)
                self._store.put_deadline(rearmed)
                return
        del self._deadlines[deadline.key]
        self._store.delete_deadline(deadline.key)

    def _run(self, deadline: Deadline, now: datetime) -> bool:
        handler = self._handlers.get(deadline.kind)
        if handler is None:
            log.error("no handler for deadline '%s' of kind '%s'", deadline.key, deadline.kind)
            return False
        late = now - deadline.due
        if late > _LATE:
            log.info("deadline '%s' fires %s late (due %s)", deadline.key, late, deadline.due)
        else:
            log.debug("deadline '%s' (%s) fires, due %s", deadline.key, deadline.kind, deadline.due)
        try:
            handler(deadline)
        except Exception:
            log.exception("the handler for deadline '%s' (%s) failed", deadline.key, deadline.kind)
        return True

    def _is_occurrence(self, spec: Calendar, when: datetime) -> bool:
        return next_occurrence(spec, when - timedelta(seconds=1), self._tz) == when

    def _require_started(self) -> None:
        if not self._started:
            raise RuntimeError("call Scheduler.start() first: it loads the persisted deadlines")
