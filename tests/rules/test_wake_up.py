"""wake_up: no sign of getting up by a set time; per weekday; away suspends it."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hub.bus import Bus
from hub.clock import SimulatedClock
from hub.config import ConfigError
from hub.entities import EntityRegistry
from hub.model import EntityId, Finding, Observation, parse_value
from hub.scheduler import Scheduler
from hub.store import Store
from rules.engine import Engine
from rules.registry import rule_factories
from tests.rules.scenario import at, config, findings, local, run

RULES = """\
rules:
  - kind: wake_up
    id: aufstehen
    by: "10:00"
"""
EVENING = [
    ("2026-05-03 22:00", "motion.schlafzimmer", True),
    ("2026-05-03 22:10", "motion.schlafzimmer", False),
    ("2026-05-03 22:15", "bed_occupancy.schlafzimmer", True),
]


def test_nobody_up_by_ten_raises_with_the_last_sign_and_getting_up_clears_it() -> None:
    out = run(RULES, [*EVENING, ("2026-05-04 10:40", "motion.bad", True)])
    raised, cleared = findings(out, cleared=False), findings(out, cleared=True)
    assert [(local(f.ts), f.explanation) for f in raised] == [
        (
            "2026-05-04 10:00",
            "Bis 10:00 keine Bewegung heute früh (zuletzt gestern 22:15, Schlafzimmer)",
        )
    ]
    assert raised[0].pre_alert_s == 300
    assert raised[0].severity == "urgent"
    assert [(local(f.ts), f.explanation) for f in cleared] == [
        ("2026-05-04 10:40", "Lebenszeichen um 10:40 (Bad)")
    ]


def test_up_in_the_morning_is_no_alarm_on_any_day() -> None:
    days = [f"2026-05-0{d}" for d in range(4, 8)]
    events = [*EVENING] + [(f"{d} 07:3{i}", "motion.kueche", True) for i, d in enumerate(days)]
    assert findings(run(RULES, events, until="2026-05-07 23:00")) == []


def test_leaving_the_bed_counts_as_getting_up() -> None:
    out = run(
        RULES,
        [*EVENING, ("2026-05-04 08:05", "bed_occupancy.schlafzimmer", False)],
        until="2026-05-04 12:00",
    )
    assert findings(out) == []


def test_a_night_trip_to_the_bathroom_is_not_getting_up() -> None:
    out = run(
        RULES,
        [
            *EVENING,
            ("2026-05-04 03:05", "motion.bad", True),
            ("2026-05-04 03:10", "motion.bad", False),
        ],
        until="2026-05-04 12:00",
    )
    assert [(local(f.ts), f.explanation) for f in findings(out)] == [
        ("2026-05-04 10:00", "Bis 10:00 keine Bewegung heute früh (zuletzt heute 03:10, Bad)")
    ]


def test_only_the_given_rooms_count_but_leaving_the_bed_counts_anywhere() -> None:
    rules = """\
    rules:
      - kind: wake_up
        by: "09:00"
        rooms: [kueche, bad]
    """
    # turning over in bed sets off the bedroom's motion sensor: not getting up
    restless = [*EVENING, ("2026-05-04 07:00", "motion.schlafzimmer", True)]
    out = run(rules, restless, until="2026-05-04 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-04 09:00"]
    assert findings(out)[0].explanation == "Bis 09:00 keine Bewegung heute früh"
    out = run(
        rules,
        [*restless, ("2026-05-04 07:20", "bed_occupancy.schlafzimmer", False)],
        until="2026-05-04 12:00",
    )
    assert findings(out) == []


def test_weekdays_filter_the_mornings_that_are_watched() -> None:
    rules = """\
    rules:
      - kind: wake_up
        by: "10:00"
        weekdays: [mon, tue, wed, thu, fri]
    """
    # Friday 8 May up at 7; then nothing all weekend: Saturday and Sunday are not watched
    out = run(
        rules,
        [("2026-05-08 07:00", "motion.kueche", True), ("2026-05-08 21:00", "motion.flur", True)],
        until="2026-05-11 12:00",
    )
    assert [local(f.ts) for f in findings(out, cleared=False)] == ["2026-05-11 10:00"]


def test_a_time_per_weekday() -> None:
    rules = """\
    rules:
      - kind: wake_up
        by: {mon: "09:00", sat: "10:30", sun: "10:30"}
    """
    out = run(rules, [("2026-05-08 21:00", "motion.flur", True)], until="2026-05-11 12:00")
    # the first alert is still open on Sunday (nobody has moved since): not repeated
    assert [local(f.ts) for f in findings(out)] == ["2026-05-09 10:30"]
    events = [
        ("2026-05-08 21:00", "motion.flur", True),
        ("2026-05-09 10:00", "motion.flur", True),  # Saturday: up before 10:30
        ("2026-05-10 10:35", "motion.flur", True),  # Sunday: late, alert then clear
        ("2026-05-11 09:30", "motion.flur", True),  # Monday: late for 09:00
    ]
    out = run(rules, events, until="2026-05-11 12:00")
    assert [(local(f.ts), f.cleared) for f in findings(out)] == [
        ("2026-05-10 10:30", False),
        ("2026-05-10 10:35", True),
        ("2026-05-11 09:00", False),
        ("2026-05-11 09:30", True),
    ]


def test_away_on_the_tablet_suspends_it_until_she_is_back() -> None:
    events = [
        ("2026-05-03 17:00", "motion.flur", True),
        ("2026-05-03 17:01", "away.tablet", True),
        # still putting on her coat: she is leaving, not back
        ("2026-05-03 17:03", "motion.flur", True),
        ("2026-05-03 17:05", "contact.front_door", True),
        ("2026-05-03 17:05", "contact.front_door", False),
        # back on Tuesday evening, to bed, and not up on Wednesday
        ("2026-05-05 19:00", "contact.front_door", True),
        ("2026-05-05 19:00", "contact.front_door", False),
        ("2026-05-05 19:01", "motion.flur", True),
    ]
    out = run(RULES, events, until="2026-05-06 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-06 10:00"]


def test_out_since_the_evening_by_the_front_door_suspends_it() -> None:
    events = [
        ("2026-05-03 19:00", "motion.flur", True),
        ("2026-05-03 19:01", "motion.flur", False),
        ("2026-05-03 19:02", "contact.front_door", True),
        ("2026-05-03 19:02", "contact.front_door", False),
        # nobody moves inside: she spends the night at her daughter's
        ("2026-05-04 11:00", "contact.front_door", True),
        ("2026-05-04 11:00", "contact.front_door", False),
        ("2026-05-04 11:01", "motion.flur", True),
    ]
    assert findings(run(RULES, events, until="2026-05-04 12:00")) == []
    # the same evening with her moving about after shutting the door: she is at home
    home = [*events[:4], ("2026-05-03 19:05", "motion.wohnzimmer", True)]
    out = run(RULES, home, until="2026-05-04 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-04 10:00"]


def test_spring_forward_night_fires_at_ten_summer_time() -> None:
    out = run(
        RULES,
        [
            ("2026-03-28 22:10", "motion.schlafzimmer", True),
            ("2026-03-29 01:55", "motion.bad", True),  # before the clocks jump
            ("2026-03-29 03:05", "motion.bad", True),  # after: 70 minutes later, still night
        ],
        until="2026-03-29 12:00",
    )
    raised = findings(out)
    assert [f.ts.isoformat() for f in raised] == ["2026-03-29T08:00:00+00:00"]  # 10:00 CEST
    assert raised[0].explanation == (
        "Bis 10:00 keine Bewegung heute früh (zuletzt heute 03:05, Bad)"
    )


def test_fall_back_night_counts_from_the_first_since_and_fires_at_ten_winter_time() -> None:
    rules = """\
    rules:
      - kind: wake_up
        by: "10:00"
        since: "02:30"
    """
    # 02:45 in the repeated hour (winter time) comes after the first 02:30: she is up
    up = [
        ("2026-10-24 22:00", "motion.schlafzimmer", True),
        ("2026-10-25T02:45:00+01:00", "motion.kueche", True),
    ]
    assert findings(run(rules, up, until="2026-10-25 12:00")) == []
    # 02:15 summer time is before it
    early = [up[0], ("2026-10-25T02:15:00+02:00", "motion.kueche", True)]
    raised = findings(run(rules, early, until="2026-10-25 12:00"))
    assert [f.ts.isoformat() for f in raised] == ["2026-10-25T09:00:00+00:00"]  # 10:00 CET


def test_config_mistakes_are_explained() -> None:
    with pytest.raises(ConfigError) as twice:
        config("""\
        rules:
          - kind: wake_up
            by: {mon: "09:00"}
            weekdays: [mon]
        """)
    assert "the weekdays are given twice, in `by` and in `weekdays`" in twice.value.format()
    with pytest.raises(ConfigError) as early:
        config("""\
        rules:
          - kind: wake_up
            by: "04:30"
        """)
    assert "the deadline 04:30 is not after `since` (05:00)" in early.value.format()
    with pytest.raises(ConfigError) as typo:
        config("""\
        rules:
          - kind: wake_up
            by: {mo: "09:00"}
        """)
    message = typo.value.format()
    assert "did you mean 'mon'?" in message
    assert message.count("error:") == 1  # not also "expected a time of day"


Events = list[tuple[str, str, Any]]


def run_across_restart(
    rules_yaml: str, before: Events, down: str, up: str, after: Events, until: str
) -> list[Finding]:
    """Like `run`, with the hub stopped at `down` and started again at `up` on the same store."""
    cfg = config(rules_yaml)
    out: list[Finding] = []

    def observations(events: Events) -> list[Observation]:
        return [
            Observation(at(t), e, parse_value(EntityId.parse(e).capability, str(v).lower()), "test")
            for t, e, v in events
        ]

    async def session(db: Path, clock: SimulatedClock, events: Events, stop: datetime) -> None:
        async with Store.open(db, clock=clock.now) as store:
            bus, scheduler = Bus(), Scheduler(clock, store, cfg.home.tz)
            await scheduler.start()
            engine = Engine(
                bus,
                scheduler,
                EntityRegistry.from_config(cfg),
                cfg.home.tz,
                rule_factories(),
                rooms={r: room.name for r, room in cfg.rooms.items()},
            )
            bus.subscribe(Finding, out.append)
            engine.load(cfg.rules, clock.now())
            for obs in observations(events):
                fire_until(clock, scheduler, obs.ts)
                clock.set(obs.ts)
                bus.publish(obs)
            fire_until(clock, scheduler, stop)
            clock.set(stop)

    async def main() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "obhut.db"
            clock = SimulatedClock(at(before[0][0]))
            await session(db, clock, before, at(down))
            clock.set(at(up))  # the hub was off in between: nothing fired, nothing was seen
            await session(db, clock, after, at(until))

    asyncio.run(main())
    return out


def fire_until(clock: SimulatedClock, scheduler: Scheduler, when: datetime) -> None:
    while (due := scheduler.next_due()) is not None and due <= when:
        clock.set(due)
        scheduler.fire_due(clock.now())


def test_a_restart_remembers_that_she_was_up() -> None:
    out = run_across_restart(
        RULES,
        [*EVENING, ("2026-05-04 07:00", "motion.kueche", True)],
        down="2026-05-04 08:00",
        up="2026-05-04 09:30",
        after=[],
        until="2026-05-04 12:00",
    )
    assert out == []


def test_a_deadline_missed_while_the_hub_was_off_fires_once_when_it_is_back() -> None:
    out = run_across_restart(
        RULES,
        EVENING,
        down="2026-05-04 09:50",
        up="2026-05-04 10:30",
        after=[("2026-05-04 10:45", "motion.bad", True)],
        until="2026-05-05 09:00",
    )
    assert [(local(f.ts), f.cleared) for f in out] == [
        ("2026-05-04 10:00", False),
        ("2026-05-04 10:45", True),  # the open alert was remembered too
    ]


def test_an_alert_open_over_a_restart_is_cleared_by_getting_up() -> None:
    out = run_across_restart(
        RULES,
        EVENING,
        down="2026-05-04 10:10",
        up="2026-05-04 10:20",
        after=[("2026-05-04 10:45", "motion.bad", True)],
        until="2026-05-04 12:00",
    )
    assert [(local(f.ts), f.cleared) for f in out] == [
        ("2026-05-04 10:00", False),
        ("2026-05-04 10:45", True),
    ]
