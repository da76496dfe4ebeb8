"""A day's features (rules/routine_day.py) and the usual day (rules/routine_baseline.py)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from hub.entities import EntityRegistry
from hub.model import Observation
from rules.routine import Baseline, Day, DayBuilder, Layout, Usual, clock, counts, times, usual
from tests.rules.routine_days import Event, day, observations, weeks
from tests.rules.scenario import BERLIN, at, config

FIRST = date(2026, 4, 6)


def layout() -> Layout:
    return Layout.from_registry(EntityRegistry.from_config(config("rules: []\n")))


def build(events: list[Event], until: str) -> list[Day]:
    obs = observations(events)
    builder = DayBuilder(layout(), BERLIN, obs[0].ts)
    days = [d for o in obs for d in builder.observe(o)]
    return days + builder.advance(at(until))


def test_the_features_of_a_known_day() -> None:
    # The evening before: bed at 21:40 after the living room at 21:20; a visit at 03:10
    events = day(date(2026, 5, 3), night=())
    events += day(date(2026, 5, 4), wake="07:30", night=("03:10",), outing=("10:00", "11:20"))
    [_, monday] = build(events, "2026-05-05 00:00")
    assert monday.day == date(2026, 5, 4)
    assert (clock(monday.wake or 0), monday.night_bathroom) == ("7:30", 1)
    assert monday.bedtime == -(2 * 60 + 40)  # 21:20 the evening before
    assert monday.outings == [(600, 680)] and monday.out_minutes == 80 and monday.left
    assert monday.out[10] == 60 and monday.out[11] == 20
    assert clock(monday.lunch or 0) == "12:15"
    # A new visit after ten minutes without a sign: breakfast 7:55–8:05 (motion, the fridge,
    # motion), lunch 12:15–12:30 and 12:45, supper 18:00 and 18:15
    assert monday.kitchen_visits == 5
    # 12:15, the fridge opened and closed, 12:30, 12:45; the bathroom visit: 3:12 and 3:15
    assert monday.rooms["kueche"][12] == 5 and monday.rooms["bad"][3] == 2
    assert monday.events == sum(monday.hourly())
    assert monday.usable and not monday.away and monday.night_watched


def test_a_trip_to_the_bathroom_at_dawn_is_not_getting_up() -> None:
    events = day(date(2026, 5, 4), wake="07:30", night=("05:20",))
    [monday] = build(events, "2026-05-05 00:00")
    assert clock(monday.wake or 0) == "7:30"
    assert monday.night_bathroom == 1


def test_sitting_in_the_armchair_is_no_quiet_evening() -> None:
    # She sits from 20:00 (presence on, no more events) until 01:30: bedtime is 01:30
    events: list[Event] = [
        ("2026-05-03 19:55", "motion.wohnzimmer", True),
        ("2026-05-03 20:00", "presence.wohnzimmer", True),
        ("2026-05-04 01:30", "presence.wohnzimmer", False),
        ("2026-05-04 01:35", "bed_occupancy.schlafzimmer", True),
        ("2026-05-04 09:00", "bed_occupancy.schlafzimmer", False),
        ("2026-05-04 09:20", "motion.kueche", True),
    ]
    flat = config("rules: []\n")
    entities = EntityRegistry.from_config(flat)  # the scenario flat has no armchair: add one
    room_of = {e.id: e.room for e in entities if e.room} | {"presence.wohnzimmer": "wohnzimmer"}
    kinds = {r: room.kind for r, room in flat.rooms.items()}
    obs = observations(events)
    builder = DayBuilder(Layout(kinds, room_of), BERLIN, at("2026-05-03 00:00"))
    for o in obs:
        builder.observe(o)
    builder.advance(at("2026-05-04 13:00"))
    assert builder.day.bedtime == 90 and clock(builder.day.wake or 0) == "9:00"


def test_out_over_midnight_and_days_away() -> None:
    events: list[Event] = [
        ("2026-05-04 00:00", "motion.schlafzimmer", False),
        ("2026-05-04 08:00", "motion.kueche", True),
        ("2026-05-04 09:00", "contact.front_door", True),
        ("2026-05-04 09:00:20", "contact.front_door", False),
        ("2026-05-06 16:00", "contact.front_door", True),
        ("2026-05-06 16:00:20", "contact.front_door", False),
        ("2026-05-06 16:02", "motion.flur", True),
    ]
    monday, tuesday, wednesday = build(events, "2026-05-07 00:00")
    assert monday.outings == [(540, 1440)] and monday.away and not monday.usable
    assert tuesday.out_minutes == 24 * 60 and tuesday.away and tuesday.night_away
    assert wednesday.outings == [(0, 960)] and wednesday.away
    # She slept elsewhere: her first sign at home (16:02) is no wake-up the usual learns from
    assert wednesday.night_away and not wednesday.night_watched


def test_away_on_the_tablet_and_the_walk_to_the_door() -> None:
    events: list[Event] = [
        ("2026-05-04 00:00", "motion.schlafzimmer", False),
        ("2026-05-04 08:00", "motion.kueche", True),
        ("2026-05-04 09:00", "away.tablet", True),
        ("2026-05-04 09:03", "motion.flur", True),  # on her way out
        ("2026-05-04 09:05", "contact.front_door", True),
        ("2026-05-04 09:05:20", "contact.front_door", False),
        ("2026-05-04 11:00", "contact.front_door", True),
        ("2026-05-04 11:01", "motion.flur", True),
    ]
    [monday] = build(events, "2026-05-05 00:00")
    assert monday.outings == [(545, 660)]


def test_a_restart_marks_the_hole_and_the_json_keeps_everything() -> None:
    obs = observations(day(date(2026, 5, 4), night=("03:10",)))
    builder = DayBuilder(layout(), BERLIN, at("2026-05-04 00:00"))
    for o in (o for o in obs if o.ts < at("2026-05-04 10:00")):
        builder.observe(o)
    saved = json.loads(json.dumps(builder.to_json()))
    again = DayBuilder.from_json(saved, layout(), BERLIN)
    assert again.to_json() == builder.to_json()
    again.pause(at("2026-05-04 10:00"), at("2026-05-04 13:30"))
    for o in (o for o in obs if o.ts >= at("2026-05-04 13:30")):
        again.observe(o)
    [monday] = again.advance(at("2026-05-05 00:00"))
    assert monday.unobserved == 210 and not monday.usable
    assert clock(monday.wake or 0) == "7:30" and monday.night_bathroom == 1
    assert Day.from_json(json.loads(json.dumps(monday.to_json()))) == monday


def test_a_daylight_saving_night_has_its_hours_right() -> None:
    # 29 March 2026: 02:00 becomes 03:00; the day has 23 hours
    events: list[Event] = [
        ("2026-03-29 00:00", "motion.schlafzimmer", False),
        ("2026-03-29 03:30", "motion.bad", True),
        ("2026-03-29 07:30", "bed_occupancy.schlafzimmer", False),
        ("2026-03-29 07:35", "motion.kueche", True),
    ]
    [sunday] = build(events, "2026-03-30 00:00")
    assert sunday.rooms["bad"][3] == 1 and sunday.rooms["bad"][2] == 0
    assert clock(sunday.wake or 0) == "7:30" and sunday.unobserved == 0


def test_usual_is_the_10th_to_90th_percentile_by_nearest_rank() -> None:
    u = usual(range(21))  # 0 … 20: ranks 3 and 19 of 21
    assert u == Usual(2, 10, 18, 21)
    assert usual([5, 1, 3]) == Usual(1, 3, 5, 3)  # few days: all of the range
    assert usual([1, 2]) is None
    assert (times(Usual(435, 450, 485, 9)), counts(Usual(0, 0, 1, 9))) == ("7:15–8:05", "0–1")
    assert times(Usual(-90, -60, 30, 9)) == "22:30–0:30"


def test_days_without_data_and_away_do_not_shift_the_usual() -> None:
    ordinary = build(weeks(FIRST, 21), "2026-04-27 00:00")
    silent = build(weeks(FIRST, 28, skip=frozenset(range(21, 28))), "2026-05-04 00:00")
    assert [d.has_data for d in silent[21:]] == [False] * 7
    # The same 21 days, a week of silence later: the same usual day
    a = Baseline(ordinary, date(2026, 4, 27))
    b = Baseline(silent, date(2026, 5, 4), window=35)
    assert (a.days, a.wake, a.bedtime, a.night_bathroom, a.lunch, a.events) == (
        b.days,
        b.wake,
        b.bedtime,
        b.night_bathroom,
        b.lunch,
        b.events,
    )
    assert a.days == 21 and a.wake is not None and times(a.wake) == "7:02–7:48"


def test_unusual_names_what_differed_from_the_usual() -> None:
    days = build(
        weeks(FIRST, 21)
        + day(
            date(2026, 4, 27),
            wake="09:30",  # breakfast at 9:55, no lunch
            night=("01:00", "02:00", "03:30"),
            outing=None,
            lunch=None,
        ),
        "2026-04-28 00:00",
    )
    baseline = Baseline(days, date(2026, 4, 27))
    found = baseline.unusual(days[-1])
    assert [(u.feature, u.direction) for u in found] == [
        ("wake", "later"),
        ("night_bathroom", "more"),
        ("lunch", "missing"),
    ]
    assert [u.describe("de") for u in found] == [
        "spät aufgestanden: 9:30 (üblich 7:02–7:48)",
        "nachts 3× im Bad (üblich 0–1)",
        "mittags nicht in der Küche (üblich 12:03–12:36)",
    ]
    assert found[0].describe("en") == "got up late: 9:30 (usually 7:02–7:48)"
    assert baseline.unusual(days[-2]) == []  # an ordinary day: as usual
    assert Baseline(days[:5], date(2026, 4, 11)).unusual(days[5]) == []  # too few days


def test_an_observation_the_routine_does_not_know_changes_nothing() -> None:
    builder = DayBuilder(layout(), BERLIN, at("2026-05-04 00:00"))
    ts = datetime(2026, 5, 4, 8, 0, tzinfo=BERLIN)
    for entity, value in (("temperature.wohnzimmer", 21.0), ("motion.dachboden", True)):
        builder.observe(Observation(ts, entity, value))
    assert builder.day.events == 0 and builder.day.rooms == {}
    builder.observe(Observation(ts + timedelta(minutes=1), "motion.kueche", True))
    assert builder.day.events == 1
