"""check_in: "I'm OK" pressed by a set time each day (the Tagestaste); away suspends it."""

from __future__ import annotations

import pytest

from hub.config import ConfigError
from tests.rules import scenario
from tests.rules.scenario import config, findings, local, run

RULES = """\
rules:
  - kind: check_in
    id: tagestaste
    by: "10:00"
"""


def test_pressed_in_time_is_quiet_and_a_missed_day_raises_until_a_late_press() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 09:12", "check_in.tablet", True),
            ("2026-05-05 10:20", "check_in.tablet", True),
        ],
        until="2026-05-05 12:00",
    )
    raised, cleared = findings(out, cleared=False), findings(out, cleared=True)
    assert [(local(f.ts), f.explanation) for f in raised] == [
        (
            "2026-05-05 10:00",
            "Die OK-Taste wurde heute bis 10:00 nicht gedrückt (zuletzt gestern 09:12)",
        )
    ]
    assert raised[0].severity == "urgent"
    assert raised[0].pre_alert_s == 600
    assert [(local(f.ts), f.explanation) for f in cleared] == [
        ("2026-05-05 10:20", "OK-Taste um 10:20 gedrückt")
    ]


def test_a_press_the_evening_before_or_in_the_night_does_not_count_for_the_day() -> None:
    out = run(
        RULES,
        [
            ("2026-05-03 21:00", "check_in.tablet", True),
            ("2026-05-04 03:30", "check_in.tablet", True),  # before `since` (04:00)
            ("2026-05-04 04:10", "motion.kueche", True),  # up, but did not press
        ],
        until="2026-05-04 12:00",
    )
    assert [(local(f.ts), f.explanation) for f in findings(out)] == [
        (
            "2026-05-04 10:00",
            "Die OK-Taste wurde heute bis 10:00 nicht gedrückt (zuletzt heute 03:30)",
        )
    ]


def test_the_button_counts_like_the_tablet_and_its_release_is_no_press() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 08:00", "check_in.flur", True),
            ("2026-05-04 08:00", "check_in.flur", False),
            ("2026-05-05 08:00", "check_in.flur", False),  # a button rejoining, showing off
        ],
        until="2026-05-05 12:00",
    )
    assert [local(f.ts) for f in findings(out)] == ["2026-05-05 10:00"]


def test_entities_limit_which_button_counts() -> None:
    rules = """\
    rules:
      - kind: check_in
        by: "10:00"
        entities: [check_in.flur]
    """
    out = run(rules, [("2026-05-04 08:00", "check_in.tablet", True)], until="2026-05-04 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-04 10:00"]
    out = run(rules, [("2026-05-04 08:00", "check_in.flur", True)], until="2026-05-04 12:00")
    assert findings(out) == []


def test_weekdays_and_a_time_per_weekday() -> None:
    rules = """\
    rules:
      - kind: check_in
        by: "10:00"
        weekdays: [mon, wed, fri]
    """
    # pressed on Friday 8 May, then nothing: the weekend passes quietly, Monday raises
    out = run(rules, [("2026-05-08 08:00", "check_in.tablet", True)], until="2026-05-11 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-11 10:00"]
    per_day = """\
    rules:
      - kind: check_in
        by: {sat: "11:00", sun: "12:00"}
    """
    out = run(
        per_day,
        [
            ("2026-05-08 08:00", "check_in.tablet", True),
            ("2026-05-10 11:30", "check_in.flur", True),
        ],
        until="2026-05-11 12:00",
    )
    assert [(local(f.ts), f.cleared) for f in findings(out)] == [
        ("2026-05-09 11:00", False),
        ("2026-05-10 11:30", True),  # pressed on Sunday before 12:00: no second alert
    ]


def test_away_on_the_tablet_suspends_it_until_she_is_home_again() -> None:
    events = [
        ("2026-05-03 17:00", "away.tablet", True),
        ("2026-05-03 17:03", "motion.flur", True),  # on her way out: still away
        ("2026-05-03 17:05", "contact.front_door", True),
        ("2026-05-03 17:05", "contact.front_door", False),
        # home on Monday evening without pressing "back": moving about at home ends it
        ("2026-05-04 19:00", "contact.front_door", True),
        ("2026-05-04 19:00", "contact.front_door", False),
        ("2026-05-04 19:01", "motion.flur", True),
    ]
    out = run(RULES, events, until="2026-05-05 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-05 10:00"]
    # "back" on the tablet ends it too
    back = [events[0], ("2026-05-04 09:00", "away.tablet", False)]
    out = run(RULES, back, until="2026-05-04 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-04 10:00"]


def test_coming_back_at_once_for_the_keys_ends_away() -> None:
    events = [
        ("2026-05-03 17:00", "away.tablet", True),
        ("2026-05-03 17:01", "contact.front_door", True),
        ("2026-05-03 17:01", "contact.front_door", False),
        ("2026-05-03 17:06", "contact.front_door", True),
        ("2026-05-03 17:06", "contact.front_door", False),
        ("2026-05-03 17:07", "motion.flur", True),  # and she stays in after all
    ]
    out = run(RULES, events, until="2026-05-04 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-04 10:00"]


def test_going_out_without_saying_so_does_not_suspend_it() -> None:
    events = [
        ("2026-05-04 08:00", "motion.flur", True),
        ("2026-05-04 08:01", "contact.front_door", True),
        ("2026-05-04 08:01", "contact.front_door", False),
    ]
    out = run(RULES, events, until="2026-05-04 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-04 10:00"]


def test_dst_nights_keep_the_deadline_at_ten_local_time() -> None:
    spring = run(RULES, [("2026-03-28 09:00", "check_in.tablet", True)], until="2026-03-29 12:00")
    assert [f.ts.isoformat() for f in findings(spring)] == ["2026-03-29T08:00:00+00:00"]
    assert findings(spring)[0].explanation.endswith("(zuletzt gestern 09:00)")
    autumn = run(RULES, [("2026-10-24 09:00", "check_in.tablet", True)], until="2026-10-25 12:00")
    assert [f.ts.isoformat() for f in findings(autumn)] == ["2026-10-25T09:00:00+00:00"]


def test_a_press_in_the_repeated_hour_counts_after_a_since_in_it() -> None:
    rules = """\
    rules:
      - kind: check_in
        by: "10:00"
        since: "02:30"
    """
    # the second 02:45 (winter time) is after the first 02:30
    out = run(
        rules, [("2026-10-25T02:45:00+01:00", "check_in.tablet", True)], until="2026-10-25 12:00"
    )
    assert findings(out) == []


def test_english_explanations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario, "FLAT", scenario.FLAT.replace("language: de", "language: en"))
    out = run(
        RULES,
        [
            ("2026-05-03 09:00", "check_in.tablet", True),
            ("2026-05-04 10:05", "check_in.flur", True),
        ],
        until="2026-05-04 12:00",
    )
    assert [f.explanation for f in findings(out)] == [
        '"I\'m OK" was not pressed today by 10:00 (last yesterday 09:00)',
        '"I\'m OK" pressed at 10:05',
    ]


def test_a_deadline_before_since_is_refused() -> None:
    with pytest.raises(ConfigError) as err:
        config("""\
        rules:
          - kind: check_in
            by: "03:00"
        """)
    assert "the deadline 03:00 is not after `since` (04:00)" in err.value.format()
