"""door_open: a door left open for too long; all clear when it closes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.config import ConfigError
from tests.rules.scenario import at, config, findings, local, run

RULES = """\
rules:
  - kind: door_open
    id: tuer_offen
    duration: 10m
"""


def test_a_door_left_open_alerts_after_ten_minutes_and_clears_when_it_closes() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 14:00", "contact.front_door", True),
            ("2026-05-04 14:03", "contact.front_door", True),  # a repeated report
            ("2026-05-04 14:40", "contact.front_door", False),
        ],
    )
    raised, cleared = findings(out, cleared=False), findings(out, cleared=True)
    assert [(local(f.ts), f.explanation) for f in raised] == [
        ("2026-05-04 14:10", "Haustür seit 14:00 offen (10 Min)")
    ]
    assert (raised[0].entity, raised[0].room, raised[0].severity) == (
        "contact.front_door",
        "flur",
        "warning",
    )
    assert raised[0].pre_alert_s == 0
    assert [(local(f.ts), f.explanation) for f in cleared] == [
        ("2026-05-04 14:40", "Haustür um 14:40 geschlossen (war 40 Min offen)")
    ]


def test_a_door_closed_in_time_raises_nothing() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 14:00", "contact.front_door", True),
            ("2026-05-04 14:09", "contact.front_door", False),
            ("2026-05-04 15:00", "contact.front_door", True),
            ("2026-05-04 15:05", "contact.front_door", False),
            ("2026-05-04 15:06", "contact.fridge", True),  # another door: not this rule's
        ],
        until="2026-05-04 18:00",
    )
    assert findings(out) == []


def test_another_door_by_entity() -> None:
    rules = """\
    rules:
      - kind: door_open
        door: contact.fridge
        duration: 2m
    """
    out = run(
        rules,
        [
            ("2026-05-04 14:00", "contact.front_door", True),
            ("2026-05-04 14:01", "contact.fridge", True),
        ],
        until="2026-05-04 15:00",
    )
    assert [(local(f.ts), f.explanation) for f in findings(out)] == [
        ("2026-05-04 14:03", "Kühlschrank seit 14:01 offen (2 Min)")
    ]


def test_only_while_active_and_a_door_open_when_the_watch_begins_is_reported_then() -> None:
    rules = """\
    rules:
      - kind: door_open
        duration: 10m
        active: {start: "22:00", end: "07:00"}
    """
    out = run(
        rules,
        [
            # in the afternoon: not watched
            ("2026-05-04 15:00", "contact.front_door", True),
            ("2026-05-04 15:30", "contact.front_door", False),
            # left open in the evening and still open when the night watch begins
            ("2026-05-04 21:00", "contact.front_door", True),
            ("2026-05-04 22:30", "contact.front_door", False),
            # opened at night, after midnight
            ("2026-05-05 00:50", "contact.front_door", True),
            ("2026-05-05 01:15", "contact.front_door", False),
        ],
        until="2026-05-05 12:00",
    )
    assert [(local(f.ts), f.explanation) for f in findings(out, cleared=False)] == [
        ("2026-05-04 22:00", "Haustür seit 21:00 offen (1 Std 00 Min)"),
        ("2026-05-05 01:00", "Haustür seit 00:50 offen (10 Min)"),
    ]
    assert [local(f.ts) for f in findings(out, cleared=True)] == [
        "2026-05-04 22:30",
        "2026-05-05 01:15",
    ]


def test_active_weekdays_wait_for_the_next_active_day() -> None:
    rules = """\
    rules:
      - kind: door_open
        duration: 10m
        active: {weekdays: [sat, sun]}
    """
    # Friday 8 May 2026, 20:00, left open all night: reported when Saturday begins
    out = run(rules, [("2026-05-08 20:00", "contact.front_door", True)], until="2026-05-09 08:00")
    assert [(local(f.ts), f.explanation) for f in findings(out)] == [
        ("2026-05-09 00:00", "Haustür seit 20:00 offen (4 Std 00 Min)")
    ]


def test_elapsed_minutes_across_the_spring_forward_night() -> None:
    # 01:55 CET + 10 min = 02:05 CET = 03:05 CEST
    out = run(RULES, [("2026-03-29 01:55", "contact.front_door", True)], until="2026-03-29 06:00")
    [raised] = findings(out)
    assert local(raised.ts) == "2026-03-29 03:05"
    assert raised.ts - at("2026-03-29 01:55") == timedelta(minutes=10)
    assert raised.explanation == "Haustür seit 01:55 offen (10 Min)"


def test_the_door_must_be_a_contact_entity() -> None:
    with pytest.raises(ConfigError) as e:
        config("rules:\n  - kind: door_open\n    door: motion.flur\n")
    assert "'motion.flur' is not a door" in str(e.value)
    assert "contact.front_door" in str(e.value)
