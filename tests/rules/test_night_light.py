"""night_light: movement at night dims a light up, and off again after a while; no alerts."""

from __future__ import annotations

from hub.model import Action, Finding
from tests.rules.scenario import findings, local, run

RULES = """\
rules:
  - kind: night_light
    id: nachtlicht
    rooms: [schlafzimmer, flur]
    lights: [light.flur]
    window: {start: "22:00", end: "06:00"}
    brightness: 30
    duration: 5m
"""
ON = {"on": True, "brightness": 30, "transition": 1}
OFF = {"on": False}


def switched(out: list[Finding | Action]) -> list[tuple[str, str, dict[str, object]]]:
    assert all(a.kind == "light" for a in out if isinstance(a, Action))
    return [(local(a.ts), a.entity, a.params) for a in out if isinstance(a, Action)]


def test_movement_at_night_lights_the_way_and_switches_off_after_five_minutes() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 23:58", "motion.schlafzimmer", True),
            ("2026-05-04 23:59", "motion.schlafzimmer", False),
        ],
        until="2026-05-05 01:00",
    )
    assert switched(out) == [
        ("2026-05-04 23:58", "light.flur", ON),
        ("2026-05-05 00:03", "light.flur", OFF),
    ]
    assert findings(out) == []


def test_more_movement_keeps_it_on() -> None:
    out = run(
        RULES,
        [
            ("2026-05-05 02:00", "motion.schlafzimmer", True),
            ("2026-05-05 02:04", "motion.flur", True),  # on the way to the bathroom
            ("2026-05-05 02:08", "motion.flur", True),
            ("2026-05-05 02:30", "motion.flur", True),  # on the way back: on again
        ],
        until="2026-05-05 03:00",
    )
    assert switched(out) == [
        ("2026-05-05 02:00", "light.flur", ON),
        ("2026-05-05 02:13", "light.flur", OFF),
        ("2026-05-05 02:30", "light.flur", ON),
        ("2026-05-05 02:35", "light.flur", OFF),
    ]


def test_nothing_in_the_day_nor_in_other_rooms() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 21:59", "motion.schlafzimmer", True),
            ("2026-05-05 06:00", "motion.flur", True),
            ("2026-05-05 14:00", "motion.flur", True),
            ("2026-05-05 23:00", "motion.kueche", True),
        ],
        until="2026-05-06 01:00",
    )
    assert out == []


def test_movement_after_the_window_ends_still_keeps_a_held_light_on() -> None:
    out = run(
        RULES,
        [
            ("2026-05-05 05:58", "motion.flur", True),
            ("2026-05-05 06:02", "motion.flur", True),
            ("2026-05-05 06:30", "motion.flur", True),  # morning: the rule is done
        ],
        until="2026-05-05 08:00",
    )
    assert switched(out) == [
        ("2026-05-05 05:58", "light.flur", ON),
        ("2026-05-05 06:07", "light.flur", OFF),
    ]


def test_a_light_already_on_is_left_alone() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 23:00", "light.flur", 80),  # she switched it on herself
            ("2026-05-04 23:10", "motion.flur", True),
            ("2026-05-04 23:40", "light.flur", 0),
            ("2026-05-04 23:50", "motion.flur", True),  # now it is dark: the rule helps
        ],
        until="2026-05-05 01:00",
    )
    assert switched(out) == [
        ("2026-05-04 23:50", "light.flur", ON),
        ("2026-05-04 23:55", "light.flur", OFF),
    ]


def test_a_light_turned_up_by_hand_is_not_switched_off() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 23:10", "motion.flur", True),
            ("2026-05-04 23:10", "light.flur", 29.9),  # the dimmer reports our 30 %
            ("2026-05-04 23:12", "light.flur", 100),  # she wants to read the post
            ("2026-05-04 23:13", "motion.flur", True),
        ],
        until="2026-05-05 01:00",
    )
    assert switched(out) == [("2026-05-04 23:10", "light.flur", ON)]


def test_the_rooms_own_lights_when_none_are_given_over_the_dst_night() -> None:
    rules = """\
    rules:
      - kind: night_light
        duration: 5m
        brightness: 20
        transition: 1.5
    """
    out = run(
        rules,
        [
            # 01:58 winter time; five minutes later the clock has jumped to 03:03
            ("2026-03-29 01:58", "motion.flur", True),
            ("2026-03-29 03:30", "motion.bad", True),  # no light in the bathroom
        ],
        until="2026-03-29 05:00",
    )
    assert switched(out) == [
        ("2026-03-29 01:58", "light.flur", {"on": True, "brightness": 20, "transition": 1.5}),
        ("2026-03-29 03:03", "light.flur", OFF),
    ]
