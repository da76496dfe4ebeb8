"""The scheduler: deadlines that survive a restart, calendar times that are right on DST nights."""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.clock import SimulatedClock
from hub.model import Deadline
from hub.scheduler import Calendar, DeadlineStore, Scheduler, next_occurrence
from hub.store import Store

BERLIN = ZoneInfo("Europe/Berlin")
WORKDAYS = frozenset(range(5))


def berlin(y: int, mo: int, d: int, h: int, mi: int = 0, *, fold: int = 0) -> datetime:
    """A wall time in Berlin as an aware UTC instant."""
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN, fold=fold).astimezone(UTC)


def utc(y: int, mo: int, d: int, h: int, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


class MemoryStore:
    """A DeadlineStore in memory: writes queue up in order and count only once flushed."""

    def __init__(self, committed: dict[str, Deadline] | None = None) -> None:
        self.committed = {} if committed is None else committed
        self._queue: list[tuple[str, Deadline | str]] = []

    def put_deadline(self, deadline: Deadline) -> None:
        self._queue.append(("put", deadline))

    def delete_deadline(self, key: str) -> None:
        self._queue.append(("delete", key))

    async def flush(self) -> None:
        for _op, arg in self._queue:
            if isinstance(arg, Deadline):
                self.committed[arg.key] = arg
            else:
                self.committed.pop(arg, None)
        self._queue.clear()

    async def load_deadlines(self) -> list[Deadline]:
        return list(self.committed.values())


class Recorder:
    """A deadline handler that notes what fired and when the clock said it was."""

    def __init__(self, clock: SimulatedClock) -> None:
        self.clock = clock
        self.fired: list[tuple[Deadline, datetime]] = []

    def __call__(self, deadline: Deadline) -> None:
        self.fired.append((deadline, self.clock.now()))

    @property
    def keys(self) -> list[str]:
        return [d.key for d, _ in self.fired]


async def started(clock: SimulatedClock, store: DeadlineStore) -> tuple[Scheduler, Recorder]:
    scheduler = Scheduler(clock, store, BERLIN)
    recorder = Recorder(clock)
    scheduler.on("check", recorder)
    await scheduler.start()
    return scheduler, recorder


@asynccontextmanager
async def running(scheduler: Scheduler) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(scheduler.run())
    await asyncio.sleep(0)
    try:
        yield task
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


# ---------------------------------------------------------------- calendar specs


def test_calendar_spec_round_trips() -> None:
    for cal in (
        Calendar(time(7, 30)),
        Calendar(time(0, 0, 15), frozenset({6, 0})),
        Calendar(time(23, 59, 59), WORKDAYS),
    ):
        assert Calendar.from_spec(cal.to_spec()) == cal
    assert Calendar(time(7, 30), WORKDAYS).to_spec() == "at 07:30 on mon,tue,wed,thu,fri"
    assert Calendar(time(7, 30)).to_spec() == "at 07:30"


def test_every_day_spelt_out_is_every_day() -> None:
    assert Calendar(time(7, 30), frozenset(range(7))) == Calendar(time(7, 30))
    assert Calendar(time(7, 30), frozenset(range(7))).to_spec() == "at 07:30"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("07:30", "not understood"),
        ("at 7:30", "not understood"),
        ("at 25:00", "no such time"),
        ("at 07:30 on mon,fry", "unknown weekday 'fry'"),
    ],
)
def test_a_broken_spec_says_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Calendar.from_spec(spec)


def test_a_calendar_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="at least one weekday"):
        Calendar(time(7, 30), frozenset())
    with pytest.raises(ValueError, match="0 \\(Monday\\) to 6"):
        Calendar(time(7, 30), frozenset({7}))
    with pytest.raises(ValueError, match="wall time"):
        Calendar(time(7, 30, tzinfo=UTC))


# ---------------------------------------------------------------- calendar arithmetic


def occurrences(spec: Calendar, after: datetime, count: int) -> list[datetime]:
    out = []
    for _ in range(count):
        after = next_occurrence(spec, after, BERLIN)
        out.append(after)
    return out


def test_daily_0730_across_the_march_switch_is_0730_local_every_day() -> None:
    got = occurrences(Calendar(time(7, 30)), berlin(2026, 3, 27, 0), 4)
    assert got == [
        utc(2026, 3, 27, 6, 30),  # CET, UTC+1
        utc(2026, 3, 28, 6, 30),
        utc(2026, 3, 29, 5, 30),  # CEST, UTC+2, from the switch night on
        utc(2026, 3, 30, 5, 30),
    ]
    assert all(o.tzinfo is UTC for o in got)


def test_daily_0730_across_the_october_switch_is_0730_local_every_day() -> None:
    got = occurrences(Calendar(time(7, 30)), berlin(2026, 10, 23, 0), 4)
    assert got == [
        utc(2026, 10, 23, 5, 30),  # CEST
        utc(2026, 10, 24, 5, 30),
        utc(2026, 10, 25, 6, 30),  # CET
        utc(2026, 10, 26, 6, 30),
    ]


def test_daily_0230_fires_once_on_the_night_the_clocks_go_back() -> None:
    got = occurrences(Calendar(time(2, 30)), berlin(2026, 10, 24, 12), 2)
    # 02:30 happens twice on 25 October (CEST, then CET); only the first one counts.
    assert got == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]


def test_daily_0230_fires_once_at_0330_on_the_night_the_clocks_go_forward() -> None:
    got = occurrences(Calendar(time(2, 30)), berlin(2026, 3, 28, 12), 2)
    # 02:30 does not exist on 29 March; it is shifted by the skipped hour to 03:30 CEST.
    assert got == [utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)]
    assert got[0].astimezone(BERLIN).time() == time(3, 30)


def test_the_shifted_0230_is_found_from_inside_the_skipped_hour() -> None:
    # At 03:10 CEST the shifted 03:30 is still ahead; plain cron would skip the whole day here.
    assert next_occurrence(Calendar(time(2, 30)), berlin(2026, 3, 29, 3, 10), BERLIN) == utc(
        2026, 3, 29, 1, 30
    )


def test_between_the_two_0230s_the_next_one_is_tomorrow() -> None:
    spec = Calendar(time(2, 30))
    for inside in (berlin(2026, 10, 25, 2, 45), berlin(2026, 10, 25, 2, 10, fold=1)):
        assert next_occurrence(spec, inside, BERLIN) == utc(2026, 10, 26, 1, 30)


def test_workdays_skip_the_weekend() -> None:
    got = occurrences(Calendar(time(7, 30), WORKDAYS), berlin(2026, 3, 27, 8), 2)
    # Friday 27 March at 08:00 → Monday 30 March, Tuesday 31 March (CEST by then).
    assert got == [utc(2026, 3, 30, 5, 30), utc(2026, 3, 31, 5, 30)]


def test_next_occurrence_is_strictly_after() -> None:
    spec = Calendar(time(7, 30))
    at = berlin(2026, 6, 1, 7, 30)
    assert next_occurrence(spec, at, BERLIN) == berlin(2026, 6, 2, 7, 30)
    assert next_occurrence(spec, at - timedelta(microseconds=1), BERLIN) == at


# Zones with other rules: New York (02:00), Lord Howe (half-hour DST), Santiago and Havana
# (switching at midnight, so a whole first hour of the day goes missing or repeats).
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Havana",
)
YEARS_START = datetime(2026, 1, 1, tzinfo=UTC)
YEARS_END = datetime(2028, 1, 1, tzinfo=UTC)


@functools.cache
def offset_changes(zone: str) -> tuple[datetime, ...]:
    tz = ZoneInfo(zone)
    hours = int((YEARS_END - YEARS_START).total_seconds() // 3600)
    instants = [YEARS_START + timedelta(hours=h) for h in range(hours)]
    return tuple(
        b
        for a, b in itertools.pairwise(instants)
        if a.astimezone(tz).utcoffset() != b.astimezone(tz).utcoffset()
    )


def expected_next(spec: Calendar, after: datetime, tz: ZoneInfo) -> datetime:
    """By definition: each allowed local day's wall time, or its fold=0 reading if skipped."""
    first = after.astimezone(tz).date() - timedelta(days=2)
    for i in range(12):
        day = first + timedelta(days=i)
        if spec.weekdays is None or day.weekday() in spec.weekdays:
            occ = datetime.combine(day, spec.time, tzinfo=tz).astimezone(UTC)
            if occ > after:
                return occ
    raise AssertionError("no occurrence within ten days")


def wall_time_exists(day: date, wall: time, tz: ZoneInfo) -> bool:
    local = datetime.combine(day, wall, tzinfo=tz)
    return local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None)


@st.composite
def instants(draw: st.DrawFn, zone: str) -> datetime:
    if draw(st.booleans()):
        # Near a switch night, where the trouble is.
        change = draw(st.sampled_from(offset_changes(zone)))
        return change + timedelta(seconds=draw(st.integers(-36 * 3600, 36 * 3600)))
    seconds = int((YEARS_END - YEARS_START).total_seconds())
    return YEARS_START + timedelta(
        seconds=draw(st.integers(0, seconds)), microseconds=draw(st.integers(0, 999_999))
    )


wall_times = st.one_of(
    st.builds(
        time, st.sampled_from([0, 1, 2, 3, 23]), st.integers(0, 59), st.sampled_from([0, 30])
    ),
    st.builds(time, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59)),
)
weekday_sets = st.one_of(st.none(), st.frozensets(st.integers(0, 6), min_size=1))


@settings(max_examples=400, deadline=None)
@given(data=st.data(), zone=st.sampled_from(ZONES), wall=wall_times, weekdays=weekday_sets)
def test_next_occurrence_properties(
    data: st.DataObject, zone: str, wall: time, weekdays: frozenset[int] | None
) -> None:
    tz = ZoneInfo(zone)
    spec = Calendar(wall, weekdays)
    after = data.draw(instants(zone))

    occ = next_occurrence(spec, after, tz)

    assert occ.tzinfo is UTC
    assert occ > after
    local = occ.astimezone(tz)
    assert weekdays is None or local.weekday() in weekdays
    if wall_time_exists(local.date(), wall, tz):
        assert local.time() == wall
    else:  # the documented shift: forward by the skipped span
        before, after_switch = (local - timedelta(days=1)).utcoffset(), local.utcoffset()
        assert before is not None and after_switch is not None
        shifted = datetime.combine(local.date(), wall) + (after_switch - before)
        assert local.replace(tzinfo=None) == shifted
    # Nothing skipped, nothing doubled: exactly the definition, day by day.
    assert occ == expected_next(spec, after, tz)
    following = next_occurrence(spec, occ, tz)
    assert following.astimezone(tz).date() > local.date()


# ---------------------------------------------------------------- scheduling and firing


async def test_pending_is_ordered_by_due_then_key() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler, _ = await started(clock, MemoryStore())
    scheduler.at("b", utc(2026, 6, 1, 10), "check")
    scheduler.at("c", utc(2026, 6, 1, 9), "check")
    scheduler.at("a", utc(2026, 6, 1, 10), "check")

    assert [d.key for d in scheduler.pending()] == ["c", "a", "b"]
    assert scheduler.next_due() == utc(2026, 6, 1, 9)
    assert scheduler.get("a") == Deadline("a", utc(2026, 6, 1, 10), "check", {})
    assert scheduler.get("nope") is None


async def test_fire_due_fires_what_is_due_in_order_and_only_once() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler, rec = await started(clock, MemoryStore())
    scheduler.at("late", utc(2026, 6, 1, 11), "check")
    scheduler.at("b", utc(2026, 6, 1, 10), "check")
    scheduler.at("a", utc(2026, 6, 1, 10), "check")
    scheduler.at("first", utc(2026, 6, 1, 9), "check")

    assert scheduler.fire_due(utc(2026, 6, 1, 8, 59, 59)) == 0
    assert scheduler.fire_due(utc(2026, 6, 1, 10)) == 3
    assert rec.keys == ["first", "a", "b"]
    assert scheduler.fire_due(utc(2026, 6, 1, 10)) == 0
    assert [d.key for d in scheduler.pending()] == ["late"]


async def test_replacing_a_key_keeps_one_deadline_in_memory_and_in_the_store() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    store = MemoryStore()
    scheduler, rec = await started(clock, store)
    scheduler.at("inactivity", utc(2026, 6, 1, 9), "check", {"since": "08:00"})
    scheduler.at("inactivity", utc(2026, 6, 1, 12), "check", {"since": "11:00"})
    await store.flush()

    assert scheduler.pending() == [
        Deadline("inactivity", utc(2026, 6, 1, 12), "check", {"since": "11:00"})
    ]
    assert await store.load_deadlines() == scheduler.pending()
    assert scheduler.fire_due(utc(2026, 6, 1, 11)) == 0
    assert scheduler.fire_due(utc(2026, 6, 1, 12)) == 1
    assert rec.fired[0][0].data == {"since": "11:00"}


async def test_many_replacements_do_not_fire_stale_deadlines() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler, rec = await started(clock, MemoryStore())
    for minute in range(500):  # motion every minute pushes the inactivity check on
        scheduler.at("inactivity", utc(2026, 6, 1, 8) + timedelta(minutes=minute, hours=2), "check")
    scheduler.at("other", utc(2026, 6, 1, 9), "check")

    assert scheduler.fire_due(utc(2026, 6, 1, 18)) == 1
    assert rec.keys == ["other"]
    assert scheduler.next_due() == utc(2026, 6, 1, 8) + timedelta(minutes=499, hours=2)


async def test_cancel_removes_the_deadline_from_the_store_too() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    store = MemoryStore()
    scheduler, rec = await started(clock, store)
    scheduler.at("check-in", utc(2026, 6, 1, 9), "check")
    await store.flush()

    assert scheduler.cancel("check-in") is True
    assert scheduler.cancel("check-in") is False
    assert scheduler.fire_due(utc(2026, 6, 1, 9)) == 0
    await store.flush()
    restarted, rec2 = await started(clock, MemoryStore(store.committed))
    assert restarted.pending() == []
    assert restarted.fire_due(utc(2026, 6, 1, 10)) == 0
    assert rec.fired == rec2.fired == []


async def test_a_failing_handler_is_logged_and_the_others_still_fire(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    store = MemoryStore()
    scheduler, rec = await started(clock, store)

    def broken(deadline: Deadline) -> None:
        raise RuntimeError("the SMS gateway is down")

    scheduler.on("broken", broken)
    scheduler.at("a", utc(2026, 6, 1, 9), "check")
    scheduler.at("b", utc(2026, 6, 1, 9), "broken")
    scheduler.at("c", utc(2026, 6, 1, 9), "check")

    with caplog.at_level(logging.ERROR, logger="hub.scheduler"):
        assert scheduler.fire_due(utc(2026, 6, 1, 9)) == 3
    assert rec.keys == ["a", "c"]
    assert "deadline 'b' (broken) failed" in caplog.text
    assert "the SMS gateway is down" in caplog.text
    # The failed one-shot is gone, in memory and in the store: it does not fire again and again.
    assert scheduler.get("b") is None
    assert scheduler.fire_due(utc(2026, 6, 1, 10)) == 0
    await store.flush()
    assert store.committed == {}


async def test_a_deadline_without_a_handler_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler, _ = await started(clock, MemoryStore())
    scheduler.at("orphan", utc(2026, 6, 1, 9), "gone")
    with caplog.at_level(logging.ERROR, logger="hub.scheduler"):
        assert scheduler.fire_due(utc(2026, 6, 1, 9)) == 0
    assert "no handler for deadline 'orphan' of kind 'gone'" in caplog.text
    assert scheduler.pending() == []


async def test_a_handler_may_schedule_more_that_fire_in_the_same_call_in_order() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler, rec = await started(clock, MemoryStore())

    def escalate(deadline: Deadline) -> None:
        rec(deadline)
        tier = deadline.data["tier"]
        if tier < 3:  # each tier waits 10 minutes for an acknowledgement
            scheduler.at(
                "alert", deadline.due + timedelta(minutes=10), "escalate", {"tier": tier + 1}
            )

    scheduler.on("escalate", escalate)
    scheduler.at("alert", utc(2026, 6, 1, 9), "escalate", {"tier": 1})
    scheduler.at("summary", utc(2026, 6, 1, 9, 15), "check")

    assert scheduler.fire_due(utc(2026, 6, 1, 9, 25)) == 4
    assert [(d.key, d.due, d.data.get("tier")) for d, _ in rec.fired] == [
        ("alert", utc(2026, 6, 1, 9), 1),
        ("alert", utc(2026, 6, 1, 9, 10), 2),
        ("summary", utc(2026, 6, 1, 9, 15), None),
        ("alert", utc(2026, 6, 1, 9, 20), 3),
    ]


async def test_a_handler_rescheduling_into_the_past_does_not_loop() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler, rec = await started(clock, MemoryStore())

    def again(deadline: Deadline) -> None:
        rec(deadline)
        scheduler.at(deadline.key, deadline.due, "again")

    scheduler.on("again", again)
    scheduler.at("x", utc(2026, 6, 1, 9), "again")
    assert scheduler.fire_due(utc(2026, 6, 1, 9)) == 1
    assert scheduler.fire_due(utc(2026, 6, 1, 9)) == 1
    assert rec.keys == ["x", "x"]


async def test_after_is_exactly_eight_real_hours_across_both_switch_nights() -> None:
    for start, wall_due in (
        (berlin(2026, 3, 28, 22), time(7, 0)),  # clocks go forward: 22:00 CET + 8 h = 07:00 CEST
        (berlin(2026, 10, 24, 22), time(5, 0)),  # clocks go back: 22:00 CEST + 8 h = 05:00 CET
    ):
        clock = SimulatedClock(start)
        scheduler, rec = await started(clock, MemoryStore())
        deadline = scheduler.after("inactivity", timedelta(hours=8), "check")
        assert deadline.due - start == timedelta(hours=8)
        assert deadline.due.tzinfo is UTC
        assert deadline.due.astimezone(BERLIN).time() == wall_due
        async with running(scheduler):
            await clock.advance(timedelta(hours=7, minutes=59, seconds=59))
            assert rec.fired == []
            await clock.advance(timedelta(seconds=1))
        assert rec.fired == [(deadline, start + timedelta(hours=8))]


async def test_every_rearms_for_the_next_local_day_and_persists_it() -> None:
    clock = SimulatedClock(berlin(2026, 3, 28, 12))
    store = MemoryStore()
    scheduler, _ = await started(clock, store)
    first = scheduler.every("morning", Calendar(time(7, 30)), "check", {"say": "Guten Morgen"})
    assert first.due == utc(2026, 3, 29, 5, 30)
    assert first.trigger == "at 07:30"

    assert scheduler.fire_due(first.due) == 1
    await store.flush()
    assert store.committed["morning"].due == utc(2026, 3, 30, 5, 30)
    assert store.committed["morning"].data == {"say": "Guten Morgen"}


async def test_every_0730_fires_once_a_day_through_both_switches() -> None:
    for start in (berlin(2026, 3, 26, 12), berlin(2026, 10, 22, 12)):
        clock = SimulatedClock(start)
        scheduler, rec = await started(clock, MemoryStore())
        scheduler.every("morning", Calendar(time(7, 30)), "check")
        async with running(scheduler):
            await clock.advance(timedelta(days=5))
        fired_at = [now.astimezone(BERLIN) for _, now in rec.fired]
        assert [f.day for f in fired_at] == [start.day + i for i in range(1, 6)]
        assert all(f.time() == time(7, 30) for f in fired_at)
        assert [d.due for d, _ in rec.fired] == [now for _, now in rec.fired]


async def test_every_0230_on_both_switch_nights() -> None:
    for start, expected in (
        (berlin(2026, 3, 28, 12), [utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)]),
        (berlin(2026, 10, 24, 12), [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]),
    ):
        clock = SimulatedClock(start)
        scheduler, rec = await started(clock, MemoryStore())
        scheduler.every("pills", Calendar(time(2, 30)), "check")
        async with running(scheduler):
            await clock.advance(timedelta(days=2))
        assert [now for _, now in rec.fired] == expected


async def test_every_on_workdays_skips_the_weekend() -> None:
    clock = SimulatedClock(berlin(2026, 3, 26, 12))  # a Thursday
    scheduler, rec = await started(clock, MemoryStore())
    scheduler.every("carer", Calendar(time(7, 30), WORKDAYS), "check")
    async with running(scheduler):
        await clock.advance(timedelta(days=7))
    days = [now.astimezone(BERLIN).strftime("%a %d") for _, now in rec.fired]
    assert days == ["Fri 27", "Mon 30", "Tue 31", "Wed 01", "Thu 02"]


async def test_every_again_with_the_same_spec_keeps_the_due_time() -> None:
    clock = SimulatedClock(berlin(2026, 6, 1, 12))
    scheduler, _ = await started(clock, MemoryStore())
    first = scheduler.every("morning", Calendar(time(7, 30)), "check")
    clock.set(berlin(2026, 6, 2, 7, 45))  # its time has passed; it has not fired yet
    again = scheduler.every("morning", Calendar(time(7, 30)), "check", {"new": True})
    assert again.due == first.due
    assert again.data == {"new": True}
    moved = scheduler.every("morning", Calendar(time(8, 0)), "check")
    assert moved.due == berlin(2026, 6, 2, 8, 0)
    assert len(scheduler.pending()) == 1


async def test_scheduling_needs_a_started_scheduler_and_aware_times() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler = Scheduler(clock, MemoryStore(), BERLIN)
    with pytest.raises(RuntimeError, match="start"):
        scheduler.after("x", timedelta(hours=1), "check")
    await scheduler.start()
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduler.at("x", datetime(2026, 6, 1, 9), "check")
    scheduler.on("check", Recorder(clock))
    with pytest.raises(ValueError, match="already have a handler"):
        scheduler.on("check", Recorder(clock))


async def test_firing_is_logged_and_lateness_stands_out(caplog: pytest.LogCaptureFixture) -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler, _ = await started(clock, MemoryStore())
    scheduler.at("on-time", utc(2026, 6, 1, 9), "check")
    scheduler.at("overdue", utc(2026, 6, 1, 7), "check")
    with caplog.at_level(logging.DEBUG, logger="hub.scheduler"):
        scheduler.fire_due(utc(2026, 6, 1, 9))
    fired = [r for r in caplog.records if r.name == "hub.scheduler" and "fires" in r.getMessage()]
    levels = {r.getMessage().split("'")[1]: r.levelno for r in fired}
    assert levels == {"overdue": logging.INFO, "on-time": logging.DEBUG}
    assert "fires 2:00:00 late" in caplog.text


# ---------------------------------------------------------------- the live loop


async def test_run_wakes_early_for_an_earlier_deadline() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler, rec = await started(clock, MemoryStore())
    scheduler.at("later", utc(2026, 6, 1, 10), "check")
    async with running(scheduler):
        await clock.advance(timedelta(minutes=30))
        scheduler.at("sooner", utc(2026, 6, 1, 9), "check")
        await clock.advance(timedelta(hours=3))
    assert [(d.key, now) for d, now in rec.fired] == [
        ("sooner", utc(2026, 6, 1, 9)),
        ("later", utc(2026, 6, 1, 10)),
    ]


async def test_run_wakes_for_the_first_deadline_when_there_was_none() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler, rec = await started(clock, MemoryStore())
    async with running(scheduler):
        await clock.advance(timedelta(hours=1))
        scheduler.after("x", timedelta(minutes=5), "check")
        await clock.advance(timedelta(hours=1))
    assert [(d.key, now) for d, now in rec.fired] == [("x", utc(2026, 6, 1, 9, 5))]


async def test_run_stops_cleanly_when_cancelled() -> None:
    clock = SimulatedClock(utc(2026, 6, 1, 8))
    scheduler, rec = await started(clock, MemoryStore())
    scheduler.at("x", utc(2026, 6, 1, 9), "check")
    before = asyncio.all_tasks()
    async with running(scheduler) as task:
        await clock.advance(timedelta(minutes=1))
    await asyncio.sleep(0)
    assert task.cancelled()
    assert asyncio.all_tasks() == before
    # A new loop picks up where the old one stopped.
    async with running(scheduler):
        await clock.advance(timedelta(hours=1))
    assert rec.keys == ["x"]


# ---------------------------------------------------------------- restarts


@asynccontextmanager
async def open_store(path: Path, clock: SimulatedClock) -> AsyncIterator[Store]:
    """The real store on a file: closing it is what a stopping hub does."""
    async with Store.open(path, clock=clock.now) as store:
        yield store


async def test_a_restart_in_the_middle_fires_the_timer_at_its_original_deadline(
    tmp_path: Path,
) -> None:
    db = tmp_path / "obhut.db"
    evening = berlin(2026, 3, 28, 22)  # the night the clocks go forward
    clock = SimulatedClock(evening)
    async with open_store(db, clock) as store:
        scheduler, _ = await started(clock, store)
        async with running(scheduler):
            scheduled = scheduler.after(
                "rule:inactivity:night", timedelta(hours=8), "check", {"since": "22:00"}
            )
            await clock.advance_to(berlin(2026, 3, 29, 1))  # the hub goes down at 01:00 CET
        await store.flush()

    clock.set(berlin(2026, 3, 29, 3, 30))  # and comes back at 03:30 CEST
    async with open_store(db, clock) as store:
        scheduler, rec = await started(clock, store)
        assert scheduler.pending() == [scheduled]
        async with running(scheduler):
            await clock.advance_to(utc(2026, 3, 29, 4, 59, 59))
            assert rec.fired == []
            await clock.advance_to(berlin(2026, 3, 29, 12))

    assert rec.fired == [(scheduled, utc(2026, 3, 29, 5))]
    deadline, fired_at = rec.fired[0]
    assert fired_at - evening == timedelta(hours=8)
    assert fired_at.astimezone(BERLIN).time() == time(7, 0)
    assert deadline.data == {"since": "22:00"}


async def test_a_timer_that_passed_while_the_hub_was_down_fires_once_at_start(
    tmp_path: Path,
) -> None:
    db = tmp_path / "obhut.db"
    clock = SimulatedClock(berlin(2026, 3, 28, 22))
    async with open_store(db, clock) as store:
        scheduler, _ = await started(clock, store)
        scheduled = scheduler.after("night", timedelta(hours=8), "check", {"since": "22:00"})
        await store.flush()

    clock.set(berlin(2026, 3, 29, 8))  # back an hour after the deadline
    async with open_store(db, clock) as store:
        scheduler, rec = await started(clock, store)
        async with running(scheduler):
            await clock.advance(timedelta(hours=2))
        await store.flush()
    assert rec.fired == [(scheduled, berlin(2026, 3, 29, 8))]
    assert rec.fired[0][0].due == utc(2026, 3, 29, 5)

    async with open_store(db, clock) as store:
        scheduler, rec = await started(clock, store)
        assert scheduler.pending() == []


async def test_a_missed_daily_deadline_fires_once_then_resumes_its_rhythm(tmp_path: Path) -> None:
    db = tmp_path / "obhut.db"
    clock = SimulatedClock(berlin(2026, 10, 22, 12))
    spec = Calendar(time(7, 30))
    async with open_store(db, clock) as store:
        scheduler, _ = await started(clock, store)
        scheduler.every("morning", spec, "check")
        await store.flush()

    clock.set(berlin(2026, 10, 26, 9))  # down for four mornings, across the October switch
    async with open_store(db, clock) as store:
        scheduler, rec = await started(clock, store)
        scheduler.every("morning", spec, "check")  # the config registers it again at start
        async with running(scheduler):
            await clock.advance_to(berlin(2026, 10, 28, 12))

    # One catch-up with its original due time (not one per missed day), then the normal rhythm.
    assert [(d.due, now) for d, now in rec.fired] == [
        (utc(2026, 10, 23, 5, 30), berlin(2026, 10, 26, 9)),
        (berlin(2026, 10, 27, 7, 30), berlin(2026, 10, 27, 7, 30)),
        (berlin(2026, 10, 28, 7, 30), berlin(2026, 10, 28, 7, 30)),
    ]


async def test_a_cancelled_timer_stays_cancelled_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "obhut.db"
    clock = SimulatedClock(berlin(2026, 6, 1, 8))
    async with open_store(db, clock) as store:
        scheduler, _ = await started(clock, store)
        scheduler.after("check-in", timedelta(hours=2), "check")
        scheduler.after("keep", timedelta(hours=3), "check")
        await store.flush()
        scheduler.cancel("check-in")
        await store.flush()

    async with open_store(db, clock) as store:
        scheduler, rec = await started(clock, store)
        assert [d.key for d in scheduler.pending()] == ["keep"]
        scheduler.fire_due(berlin(2026, 6, 1, 12))
    assert rec.keys == ["keep"]


async def test_data_the_store_cannot_keep_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    clock = SimulatedClock(berlin(2026, 6, 1, 8))
    async with open_store(tmp_path / "obhut.db", clock) as store:
        scheduler, _ = await started(clock, store)
        kept = scheduler.after("x", timedelta(hours=1), "check", {"n": 1})
        with pytest.raises(ValueError, match="not JSON"):
            scheduler.after("x", timedelta(hours=2), "check", {"n": object()})
        assert scheduler.pending() == [kept]
        await store.flush()
        assert await store.load_deadlines() == [kept]
