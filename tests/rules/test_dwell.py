"""dwell: a stay in one room that lasts too long with nothing elsewhere, the pattern of a fall."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.config import ConfigError
from tests.rules import scenario
from tests.rules.scenario import at, config, findings, local, run

RULES = """\
rules:
  - kind: dwell
    id: bad_sturz
    room: bad
    duration: 45m
"""


def test_a_stay_in_the_bathroom_alerts_after_45_minutes_counted_from_entering() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 07:05", "motion.kueche", True),
            ("2026-05-04 07:11", "motion.bad", True),
            ("2026-05-04 07:12", "motion.kueche", False),  # the kitchen sensor clearing
            ("2026-05-04 07:13", "motion.bad", False),
            # still moving an arm on the floor: not a new stay
            ("2026-05-04 07:30", "motion.bad", True),
            ("2026-05-04 07:50", "motion.bad", True),
        ],
        until="2026-05-04 09:00",
    )
    [raised] = findings(out)
    assert local(raised.ts) == "2026-05-04 07:56"
    assert raised.explanation == (
        "Seit 07:11 (45 Min) im Raum Bad, sonst keine Bewegung in der Wohnung"
    )
    assert (raised.rule, raised.room, raised.pre_alert_s) == ("bad_sturz", "bad", 300)


def test_leaving_the_bathroom_in_time_raises_nothing() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 07:11", "motion.bad", True),
            ("2026-05-04 07:40", "motion.flur", True),
            # a second, short visit later
            ("2026-05-04 08:00", "motion.bad", True),
            ("2026-05-04 08:20", "contact.fridge", True),
        ],
        until="2026-05-04 12:00",
    )
    assert findings(out) == []


def test_each_kind_of_activity_elsewhere_ends_the_stay() -> None:
    for entity, value in [
        ("motion.schlafzimmer", True),
        ("contact.front_door", True),
        ("contact.fridge", False),  # a door closing is someone too
        ("bed_occupancy.schlafzimmer", True),
        ("check_in.tablet", True),
    ]:
        out = run(
            RULES,
            [("2026-05-04 07:11", "motion.bad", True), ("2026-05-04 07:30", entity, value)],
            until="2026-05-04 09:00",
        )
        assert findings(out) == [], entity


def test_quiet_sensors_elsewhere_do_not_end_the_stay() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 07:10", "motion.flur", True),
            ("2026-05-04 07:11", "motion.bad", True),
            ("2026-05-04 07:12", "motion.flur", False),
            ("2026-05-04 07:20", "bed_occupancy.schlafzimmer", False),
            ("2026-05-04 07:25", "temperature.wohnzimmer", 21.5),
        ],
        until="2026-05-04 09:00",
    )
    assert [local(f.ts) for f in findings(out)] == ["2026-05-04 07:56"]


def test_coming_out_after_the_alert_clears_it_and_a_new_stay_counts_afresh() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 07:11", "motion.bad", True),
            ("2026-05-04 08:02", "motion.kueche", True),
            ("2026-05-04 09:00", "motion.bad", True),
        ],
        until="2026-05-04 10:00",
    )
    assert [(local(f.ts), f.cleared) for f in findings(out)] == [
        ("2026-05-04 07:56", False),
        ("2026-05-04 08:02", True),
        ("2026-05-04 09:45", False),
    ]
    assert findings(out, cleared=True)[0].explanation == (
        "Raum Bad verlassen: Bewegung um 08:02 (Küche)"
    )


def test_one_alert_per_stay_however_long_it_lasts() -> None:
    events = [("2026-05-04 07:11", "motion.bad", True)]
    events += [(f"2026-05-04 {h:02d}:30", "motion.bad", True) for h in range(8, 12)]
    out = run(RULES, events, until="2026-05-04 14:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-04 07:56"]


def test_the_clock_runs_in_real_minutes_across_the_spring_forward_night() -> None:
    # 01:40 CET + 45 min = 02:25 CET, which is 03:25 CEST: the clock jumps at 02:00.
    out = run(
        RULES,
        [("2026-03-29 01:40", "motion.bad", True)],
        until="2026-03-29 05:00",
    )
    [raised] = findings(out)
    assert local(raised.ts) == "2026-03-29 03:25"
    assert raised.ts - at("2026-03-29 01:40") == timedelta(minutes=45)
    assert raised.explanation.startswith("Seit 01:40 (45 Min) im Raum Bad")


def test_a_stay_over_midnight() -> None:
    out = run(RULES, [("2026-05-04 23:40", "presence.bad", True)], until="2026-05-05 02:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-05 00:25"]


def test_in_english_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario, "FLAT", scenario.FLAT.replace("language: de", "language: en"))
    out = run(
        RULES.replace("duration: 45m", "duration: 1h30m"),
        [("2026-05-04 07:11", "motion.bad", True), ("2026-05-04 08:50", "motion.flur", True)],
    )
    assert [f.explanation for f in findings(out)] == [
        "In Bad since 07:11 (1 h 30 min), no movement anywhere else in the flat",
        "Left Bad: movement at 08:50 (Flur)",
    ]


def test_the_config_needs_a_known_room_and_a_duration() -> None:
    with pytest.raises(ConfigError) as e:
        config("rules:\n  - kind: dwell\n    room: badezimmer\n")
    text = str(e.value)
    assert "unknown room 'badezimmer'" in text
    assert "duration" in text


def test_outside_its_active_time_a_stay_still_going_is_reported_when_the_watch_begins() -> None:
    rules = RULES + '    active: {start: "06:00", end: "23:00"}\n'
    out = run(
        rules,
        [
            # in at 22:30 and out again at 23:30, while not watched: nothing, not even all-clear
            ("2026-05-04 22:30", "motion.bad", True),
            ("2026-05-04 23:30", "motion.schlafzimmer", True),
            # in at 01:00 and never out
            ("2026-05-05 01:00", "motion.bad", True),
        ],
        until="2026-05-05 08:00",
    )
    assert [(local(f.ts), f.cleared, f.explanation) for f in findings(out)] == [
        (
            "2026-05-05 06:00",
            False,
            "Seit 01:00 (5 Std 00 Min) im Raum Bad, sonst keine Bewegung in der Wohnung",
        )
    ]
