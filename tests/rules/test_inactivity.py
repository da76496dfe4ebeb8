"""inactivity: the flat (or some rooms) still for too long; away and asleep suspend it."""

from __future__ import annotations

from tests.rules.scenario import findings, local, run

RULES = """\
rules:
  - kind: inactivity
    id: tag
    duration: 3h
    window: {start: "07:00", end: "22:00"}
"""


def test_fires_after_three_quiet_hours_with_an_explanation_and_clears() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 08:00", "motion.kueche", True),
            ("2026-05-04 08:05", "motion.kueche", False),
            ("2026-05-04 12:00", "motion.bad", True),
        ],
    )
    raised, cleared = findings(out, cleared=False), findings(out, cleared=True)
    assert [local(f.ts) for f in raised] == ["2026-05-04 11:05"]
    assert raised[0].explanation == "Keine Bewegung seit 08:05 (3 Std 00 Min), zuletzt in Küche"
    assert raised[0].pre_alert_s == 300
    assert [(local(f.ts), f.explanation) for f in cleared] == [
        ("2026-05-04 12:00", "Wieder Bewegung um 12:00 in Bad")
    ]


def test_going_out_suspends_it_and_coming_back_restarts_it() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 09:00", "motion.flur", True),
            ("2026-05-04 09:01", "motion.flur", False),
            ("2026-05-04 09:02", "contact.front_door", True),
            ("2026-05-04 09:02", "contact.front_door", False),
            # nobody moves inside: she is out, for five hours
            ("2026-05-04 14:00", "contact.front_door", True),
            ("2026-05-04 14:00", "contact.front_door", False),
            ("2026-05-04 14:01", "motion.flur", True),
        ],
        until="2026-05-04 18:00",
    )
    assert [local(f.ts) for f in findings(out, cleared=False)] == ["2026-05-04 17:01"]


def test_away_on_the_tablet_suspends_it() -> None:
    out = run(
        RULES,
        [("2026-05-04 09:00", "motion.flur", True), ("2026-05-04 09:05", "away.tablet", True)],
        until="2026-05-04 21:00",
    )
    assert findings(out) == []


def test_walking_out_after_pressing_away_does_not_end_away() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 09:00", "motion.wohnzimmer", True),
            ("2026-05-04 09:05", "away.tablet", True),
            ("2026-05-04 09:06", "motion.flur", True),  # on her way to the door
            ("2026-05-04 09:07", "contact.front_door", True),
            ("2026-05-04 09:07", "contact.front_door", False),
            ("2026-05-04 09:08", "motion.flur", False),
            ("2026-05-04 16:00", "contact.front_door", True),  # back in the afternoon
            ("2026-05-04 16:00", "contact.front_door", False),
            ("2026-05-04 16:01", "motion.flur", True),
        ],
        until="2026-05-04 20:00",
    )
    assert [local(f.ts) for f in findings(out, cleared=False)] == ["2026-05-04 19:01"]


def test_the_sleep_window_is_not_watched() -> None:
    rules = """\
    rules:
      - kind: inactivity
        duration: 3h
        sleep: {start: "22:00", end: "07:00"}
    """
    out = run(rules, [("2026-05-04 21:30", "motion.schlafzimmer", True)], until="2026-05-05 12:00")
    # 21:30: asleep from 22:00; counting starts again at 07:00 -> 10:00
    assert [local(f.ts) for f in findings(out, cleared=False)] == ["2026-05-05 10:00"]
