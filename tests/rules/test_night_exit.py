"""night_exit: the front door opens at night; optionally only if nobody comes back soon."""

from __future__ import annotations

from datetime import timedelta

from tests.rules.scenario import at, findings, local, run

AT_ONCE = """\
rules:
  - kind: night_exit
    id: nachts
"""
UNLESS_BACK = """\
rules:
  - kind: night_exit
    id: nachts
    unless_back_within: 15m
"""


def test_an_opening_in_the_night_window_is_reported_at_once() -> None:
    out = run(
        AT_ONCE,
        [
            ("2026-05-04 22:59", "contact.front_door", True),  # before the window
            ("2026-05-04 23:00", "contact.front_door", False),
            ("2026-05-05 02:14", "contact.front_door", True),
            ("2026-05-05 02:14", "contact.front_door", False),
            ("2026-05-05 06:01", "contact.front_door", True),  # after it
        ],
    )
    [raised] = findings(out)
    assert (local(raised.ts), raised.explanation) == (
        "2026-05-05 02:14",
        "Haustür um 02:14 geöffnet",
    )
    assert (raised.rule, raised.entity, raised.severity, raised.pre_alert_s) == (
        "nachts",
        "contact.front_door",
        "urgent",
        0,
    )


def test_leaving_without_coming_back_alerts_after_the_wait_and_the_return_clears_it() -> None:
    out = run(
        UNLESS_BACK,
        [
            ("2026-05-05 02:13", "motion.flur", True),
            ("2026-05-05 02:14", "contact.front_door", True),
            ("2026-05-05T02:14:05+02:00", "motion.flur", True),  # her, on the way out
            ("2026-05-05T02:14:10+02:00", "contact.front_door", False),
            ("2026-05-05 02:15", "motion.flur", False),
            # back at 02:40: the door, then movement inside
            ("2026-05-05 02:40", "contact.front_door", True),
            ("2026-05-05T02:40:20+02:00", "contact.front_door", False),
            ("2026-05-05 02:42", "motion.schlafzimmer", True),
        ],
    )
    assert [(local(f.ts), f.cleared, f.explanation) for f in findings(out)] == [
        ("2026-05-05 02:29", False, "Haustür um 02:14 geöffnet, seitdem keine Rückkehr (15 Min)"),
        ("2026-05-05 02:42", True, "Wieder Bewegung in der Wohnung um 02:42 (Schlafzimmer)"),
    ]


def test_opening_the_door_and_going_back_to_bed_raises_nothing() -> None:
    out = run(
        UNLESS_BACK,
        [
            ("2026-05-05 02:14", "contact.front_door", True),
            ("2026-05-05T02:14:30+02:00", "contact.front_door", False),
            ("2026-05-05T02:14:50+02:00", "motion.schlafzimmer", True),
            ("2026-05-05 02:16", "bed_occupancy.schlafzimmer", True),
            # and once more, this time staying in the hall for a while
            ("2026-05-05 03:00", "contact.front_door", True),
            ("2026-05-05 03:01", "contact.front_door", False),
            ("2026-05-05 03:03", "motion.flur", True),
        ],
        until="2026-05-05 07:00",
    )
    assert findings(out) == []


def test_motion_by_the_door_just_after_it_moved_is_her_going_out() -> None:
    out = run(
        UNLESS_BACK,
        [
            ("2026-05-05 02:14", "contact.front_door", True),
            ("2026-05-05T02:14:20+02:00", "motion.flur", True),
            ("2026-05-05T02:14:30+02:00", "contact.front_door", False),
            ("2026-05-05T02:14:40+02:00", "motion.flur", True),
        ],
        until="2026-05-05 03:00",
    )
    assert [local(f.ts) for f in findings(out)] == ["2026-05-05 02:29"]


def test_one_finding_per_exit_and_a_new_one_the_next_night() -> None:
    out = run(
        AT_ONCE,
        [
            ("2026-05-04 23:30", "contact.front_door", True),
            ("2026-05-04 23:31", "contact.front_door", False),
            # coming back in through the door: the same exit, no second alarm
            ("2026-05-05 00:10", "contact.front_door", True),
            ("2026-05-05 00:11", "contact.front_door", False),
            ("2026-05-05 00:13", "motion.wohnzimmer", True),
            ("2026-05-05 03:00", "contact.front_door", True),
            # the night after; no sign of life in between was seen
            ("2026-05-06 01:00", "contact.front_door", True),
        ],
    )
    assert [(local(f.ts), f.cleared) for f in findings(out)] == [
        ("2026-05-04 23:30", False),
        ("2026-05-05 00:13", True),
        ("2026-05-05 03:00", False),
        ("2026-05-06 01:00", False),
    ]


def test_the_wait_is_real_minutes_in_the_night_the_clocks_go_back() -> None:
    # 02:50 summer time + 15 min = 02:05 winter time: the hour from 02:00 to 03:00 repeats
    out = run(
        UNLESS_BACK,
        [("2026-10-25T02:50:00+02:00", "contact.front_door", True)],
        until="2026-10-25 06:00",
    )
    [raised] = findings(out)
    assert raised.ts == at("2026-10-25T02:05:00+01:00")
    assert raised.ts - at("2026-10-25T02:50:00+02:00") == timedelta(minutes=15)
    assert local(raised.ts) == "2026-10-25 02:05"
    assert raised.explanation == "Haustür um 02:50 geöffnet, seitdem keine Rückkehr (15 Min)"


def test_a_window_and_door_of_its_own() -> None:
    rules = """\
    rules:
      - kind: night_exit
        door: contact.fridge
        window: {start: "01:00", end: "04:00"}
    """
    out = run(
        rules,
        [
            ("2026-05-05 00:30", "contact.fridge", True),
            ("2026-05-05 00:31", "contact.fridge", False),
            ("2026-05-05 02:00", "contact.front_door", True),
            ("2026-05-05 03:30", "contact.fridge", True),
        ],
    )
    assert [(local(f.ts), f.explanation) for f in findings(out)] == [
        ("2026-05-05 03:30", "Kühlschrank um 03:30 geöffnet")
    ]


def test_not_on_days_outside_its_active_weekdays() -> None:
    rules = AT_ONCE + "    active: {weekdays: [mon, tue, wed, thu, fri]}\n"
    out = run(
        rules,
        [
            ("2026-05-09 02:00", "contact.front_door", True),  # Saturday
            ("2026-05-09 02:30", "motion.wohnzimmer", True),
            ("2026-05-11 02:00", "contact.front_door", True),  # Monday
        ],
    )
    assert [(local(f.ts), f.cleared) for f in findings(out)] == [("2026-05-11 02:00", False)]
