"""The clocks: the simulated one drives tests and replay, so it must be exact and monotonic."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.clock import SimulatedClock, SystemClock

T0 = datetime(2026, 3, 28, 21, 0, tzinfo=UTC)


async def _sleeper(clock: SimulatedClock, when: datetime, woke: list[tuple[str, datetime]]) -> None:
    await clock.sleep_until(when)
    woke.append((f"{when:%H:%M}", clock.now()))


async def test_sleepers_wake_in_deadline_order_at_exactly_their_time() -> None:
    clock = SimulatedClock(T0)
    woke: list[tuple[str, datetime]] = []
    dues = [T0 + timedelta(hours=h, minutes=m) for h, m in ((3, 0), (1, 0), (2, 30), (1, 0))]
    tasks = [asyncio.create_task(_sleeper(clock, due, woke)) for due in dues]
    await asyncio.sleep(0)

    await clock.advance(timedelta(hours=4))

    assert woke == [
        ("22:00", T0 + timedelta(hours=1)),
        ("22:00", T0 + timedelta(hours=1)),
        ("23:30", T0 + timedelta(hours=2, minutes=30)),
        ("00:00", T0 + timedelta(hours=3)),
    ]
    assert clock.now() == T0 + timedelta(hours=4)
    assert all(t.done() for t in tasks)


async def test_a_sleeper_does_not_wake_before_its_time() -> None:
    clock = SimulatedClock(T0)
    woke: list[tuple[str, datetime]] = []
    task = asyncio.create_task(_sleeper(clock, T0 + timedelta(hours=1), woke))
    await asyncio.sleep(0)

    await clock.advance(timedelta(minutes=59, seconds=59))
    assert woke == []
    await clock.advance(timedelta(seconds=1))
    assert woke == [("22:00", T0 + timedelta(hours=1))]
    await task


async def test_a_task_that_has_not_run_yet_still_wakes_at_its_time() -> None:
    # The task is created but has not reached sleep_until when the clock is told to advance.
    clock = SimulatedClock(T0)
    woke: list[tuple[str, datetime]] = []
    task = asyncio.create_task(_sleeper(clock, T0 + timedelta(hours=1), woke))

    await clock.advance(timedelta(hours=2))

    assert woke == [("22:00", T0 + timedelta(hours=1))]
    await task


async def test_a_sleeper_set_by_a_woken_task_wakes_at_its_own_time() -> None:
    clock = SimulatedClock(T0)
    seen: list[datetime] = []

    async def every_ten_minutes() -> None:
        for _ in range(3):
            await clock.sleep_until(clock.now() + timedelta(minutes=10))
            seen.append(clock.now())

    task = asyncio.create_task(every_ten_minutes())
    await clock.advance(timedelta(hours=1))

    assert seen == [T0 + timedelta(minutes=m) for m in (10, 20, 30)]
    await task


async def test_a_cancelled_sleeper_does_not_disturb_the_others() -> None:
    clock = SimulatedClock(T0)
    woke: list[tuple[str, datetime]] = []
    gone = asyncio.create_task(_sleeper(clock, T0 + timedelta(minutes=30), woke))
    stays = asyncio.create_task(_sleeper(clock, T0 + timedelta(hours=1), woke))
    await asyncio.sleep(0)
    gone.cancel()

    await clock.advance(timedelta(hours=2))

    assert woke == [("22:00", T0 + timedelta(hours=1))]
    assert gone.cancelled()
    await stays


async def test_time_never_goes_backwards() -> None:
    clock = SimulatedClock(T0)
    clock.set(T0 - timedelta(hours=1))
    assert clock.now() == T0
    await clock.advance_to(T0 - timedelta(days=1))
    assert clock.now() == T0
    await clock.advance(timedelta(seconds=-5))
    assert clock.now() == T0
    await clock.advance(timedelta(seconds=5))
    assert clock.now() == T0 + timedelta(seconds=5)


async def test_sleeping_until_the_past_returns_at_once() -> None:
    clock = SimulatedClock(T0)
    await asyncio.wait_for(clock.sleep_until(T0), timeout=1)
    await asyncio.wait_for(clock.sleep_until(T0 - timedelta(hours=1)), timeout=1)
    assert clock.now() == T0


def test_simulated_time_is_utc_whatever_it_is_given() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    clock = SimulatedClock(datetime(2026, 3, 29, 1, 30, tzinfo=berlin))
    assert clock.now() == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)
    clock.set(datetime(2026, 3, 29, 3, 30, tzinfo=berlin))
    assert clock.now() == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_simulated_clock_refuses_a_naive_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        SimulatedClock(datetime(2026, 3, 29, 1, 30))


async def test_system_clock_sleep_until_a_past_time_returns_at_once() -> None:
    clock = SystemClock()
    now = clock.now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    await asyncio.wait_for(clock.sleep_until(now - timedelta(hours=1)), timeout=1)
    await asyncio.wait_for(clock.sleep_until(now), timeout=1)
    assert clock.now() >= now
