"""Time, behind one protocol: the real clock in the hub, a simulated one in tests and replay."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta
from typing import Protocol

# A Raspberry Pi has no real-time clock: after boot, NTP can move the wall clock by years.
# Long sleeps are cut into slices and re-checked against the wall clock.
_MAX_SLICE = 30.0


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    async def sleep_until(self, when: datetime) -> None:
        """Return once `now() >= when`."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime) -> None:
        while True:
            left = (when - self.now()).total_seconds()
            if left <= 0:
                return
            await asyncio.sleep(min(left, _MAX_SLICE))


class SimulatedClock:
    """A clock that only moves when told to; sleepers wake in deadline order."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        """Move to `when` without running anyone; time never goes backwards."""
        if when > self._now:
            self._now = when.astimezone(UTC)

    async def sleep_until(self, when: datetime) -> None:
        if when <= self._now:
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (when, next(self._seq), fut))
        await fut

    async def advance(self, delta: timedelta) -> None:
        await self.advance_to(self._now + delta)

    async def advance_to(self, when: datetime) -> None:
        """Step through every sleeper's deadline up to `when`, letting each one run."""
        # Tasks already runnable at the current time must reach their sleep_until first.
        await _settle()
        while self._sleepers and self._sleepers[0][0] <= when:
            due, _, fut = heapq.heappop(self._sleepers)
            self.set(due)
            if not fut.done():
                fut.set_result(None)
            await _settle()
        self.set(when)
        await _settle()


async def _settle() -> None:
    # Enough loop turns for a woken task to run up to its next await on the clock.
    for _ in range(20):
        await asyncio.sleep(0)
