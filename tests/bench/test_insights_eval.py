"""The incident evaluation's pipeline on a small recording: incidents are injected as
described, replayed through the real engine, and a fall and a long bathroom stay are found
by the rules that should find them. The printed rates are not asserted (they are figures)."""

from __future__ import annotations

import asyncio
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bench.insights_eval import (
    BED,
    DATA,
    arranged,
    bathroom,
    day_slices,
    evaluate,
    fall,
    late_wake,
    load,
    report,
)
from hub.model import Observation, Value

MADRID = ZoneInfo("Europe/Madrid")
FIRST = date(2011, 11, 28)


def her_day(day: date) -> list[Observation]:
    """An ordinary synthetic day in the Ordóñez flat's sensors, from 07:00 to bed at 23:00."""

    def at(hh: int, mm: int) -> datetime:
        return datetime(day.year, day.month, day.day, hh, mm, tzinfo=MADRID)

    seat, door = "presence.wohnzimmer", "contact.front_door"
    events: list[tuple[datetime, str, Value]] = [
        (at(7, 0), BED, False),
        (at(7, 2), "motion.bad", True),
        (at(7, 4), "motion.bad", False),
        (at(7, 30), "motion.kueche", True),
        (at(7, 32), "motion.kueche", False),
        (at(7, 35), "contact.fridge", True),
        (at(7, 36), "contact.fridge", False),
        (at(8, 0), seat, True),
        (at(10, 0), seat, False),
        (at(10, 5), "motion.bad", True),
        (at(10, 8), "motion.bad", False),
        (at(12, 0), "motion.kueche", True),
        (at(12, 10), "motion.kueche", False),
        (at(12, 30), seat, True),
        (at(15, 0), seat, False),
        (at(15, 30), door, True),
        (at(15, 31), door, False),
        (at(16, 30), door, True),
        (at(16, 31), door, False),
        (at(18, 0), "motion.kueche", True),
        (at(18, 5), "motion.kueche", False),
        (at(18, 30), seat, True),
        (at(20, 0), seat, False),
        (at(20, 5), "motion.bad", True),
        (at(20, 7), "motion.bad", False),
        (at(20, 10), seat, True),
        (at(22, 30), seat, False),
        (at(22, 40), "motion.bad", True),
        (at(22, 43), "motion.bad", False),
        (at(23, 0), BED, True),
    ]
    return [Observation(ts, entity, value, "synthetic") for ts, entity, value in events]


def recording(days: int) -> list[Observation]:
    return [o for n in range(days) for o in her_day(FIRST + timedelta(days=n))]


def test_the_incidents_are_what_they_say() -> None:
    events = recording(4)
    days = day_slices(events, MADRID)
    # whole days from 05:00: the first (from 07:00) and the last (to 23:00) are partial
    assert [d[0] for d in days] == [datetime(2011, 11, d, 5, 0, tzinfo=MADRID) for d in (29, 30)]
    start, today = days[0]
    rng = random.Random(1)
    f = fall(start, today, rng)
    assert not f.goes_on and f.end - f.start == timedelta(hours=24)
    after = [o for o in f.events if o.ts > f.start]
    # after the fall only the mat she was on and a motion sensor going quiet
    assert all(o.value is False and o.source == "fall" for o in after)
    b = bathroom(start, today, rng)
    stay = [o for o in b.events if b.start <= o.ts < b.end]
    assert stay and {o.entity for o in stay if o.value is True} == {"motion.bad"}
    assert b.end - b.start == timedelta(minutes=60)
    late = late_wake(start, today)
    assert late is not None
    rising = [o.ts for o in late.events if o.entity == BED and o.value is False]
    assert rising[0] == datetime(2011, 11, 29, 10, 0, tzinfo=MADRID)  # 07:00 + 3 h
    # the other days come first, the test day keeps its date
    arranged_events = arranged(days, 1, days[1][1])
    assert [o.ts for o in arranged_events] == sorted(o.ts for o in arranged_events)
    assert arranged_events[-1].ts < days[1][0] + timedelta(days=2)


def test_a_fall_and_a_long_bathroom_stay_are_detected(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.insights_eval import EXAMPLE
    from hub.config import load_config

    config = load_config(EXAMPLE / "obhut.yaml")
    trials, false_alarms, days = asyncio.run(evaluate(config, recording(6), seed=7))
    assert days == 4
    falls = [t for t in trials if t.kind == "fall"]
    stays = [t for t in trials if t.kind == "bathroom"]
    assert len(falls) == len(stays) == 4
    for t in falls:
        assert t.found is not None, t
        assert timedelta(0) < t.found.ts - t.start <= timedelta(hours=24)
    daytime = [t for t in falls if t.start.astimezone(MADRID).hour < 18]
    for t in daytime:  # no sleep window in between: the inactivity rule, within its 3 h
        assert t.found is not None and t.found.kind == "inactivity"
        assert t.found.ts - t.start <= timedelta(hours=3)
    for t in stays:  # the dwell rule, 45 minutes after she went in
        assert t.found is not None and t.found.kind == "dwell"
        assert abs(t.found.ts - t.start - timedelta(minutes=45)) < timedelta(minutes=1)
    figures = report(trials, false_alarms, days)
    printed = capsys.readouterr().out
    assert "fall" in printed and "bad_lange (urgent)" in printed
    assert set(figures) >= {"insights.fall_detected_pct", "insights.bathroom_median_min"}


@pytest.mark.skipif(not DATA.is_file(), reason="the shared data folder is not beside the project")
def test_the_real_recording_runs_through() -> None:
    config, events = load()
    first_days = [o for o in events if o.ts < events[0].ts + timedelta(days=4)]
    trials, _, days = asyncio.run(evaluate(config, first_days, seed=1))
    assert days == 3
    assert {t.kind for t in trials} == {"fall", "bathroom", "late wake-up"}
