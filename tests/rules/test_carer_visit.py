"""carer_visit: the care service checked in by a set time; away and restarts; DST nights."""

from __future__ import annotations

import pytest

from hub.config import ConfigError
from tests.rules import scenario
from tests.rules.scenario import config, findings, local, run
from tests.rules.test_wake_up import run_across_restart

RULES = """\
rules:
  - kind: carer_visit
    id: pflegedienst
    by: "09:30"
"""


def raised(out: list) -> list[tuple[str, str, bool]]:  # type: ignore[type-arg]
    return [(local(f.ts), f.explanation, f.cleared) for f in findings(out)]


def test_a_check_in_in_time_is_quiet_and_a_late_one_clears_the_alert() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 08:50", "visit.tablet", True),
            ("2026-05-04 09:20", "visit.tablet", False),
            ("2026-05-05 09:50", "visit.tablet", True),
        ],
        until="2026-05-05 12:00",
    )
    assert raised(out) == [
        (
            "2026-05-05 09:30",
            "Pflegedienst bis 09:30 nicht eingetroffen (letzter Besuch gestern 08:50)",
            False,
        ),
        ("2026-05-05 09:50", "Pflegedienst um 09:50 eingetroffen", True),
    ]
    first = findings(out)[0]
    assert first.severity == "warning"
    assert first.pre_alert_s == 0  # the resident is not asked: she did nothing wrong
    assert first.subject == findings(out)[1].subject  # the late check-in clears that alert


def test_checking_out_is_no_arrival_and_a_visit_button_counts_like_the_tablet() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 08:00", "visit.flur", True),  # the visit button in the hall
            ("2026-05-05 08:00", "visit.flur", False),  # yesterday's visit closed late
        ],
        until="2026-05-05 12:00",
    )
    assert raised(out) == [
        (
            "2026-05-05 09:30",
            "Pflegedienst bis 09:30 nicht eingetroffen (letzter Besuch gestern 08:00)",
            False,
        )
    ]


def test_the_first_day_without_any_visit_says_so() -> None:
    out = run(RULES, [("2026-05-04 07:00", "motion.kueche", True)], until="2026-05-04 12:00")
    assert raised(out) == [
        (
            "2026-05-04 09:30",
            "Pflegedienst bis 09:30 nicht eingetroffen (noch kein Besuch erfasst)",
            False,
        )
    ]


def test_entities_limit_which_check_in_counts() -> None:
    rules = """\
    rules:
      - kind: carer_visit
        by: "09:30"
        entities: [visit.tablet]
    """
    out = run(rules, [("2026-05-04 08:00", "visit.flur", True)], until="2026-05-04 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-04 09:30"]


def test_weekdays_and_a_time_per_weekday() -> None:
    rules = """\
    rules:
      - kind: carer_visit
        by: {mon: "09:30", sat: "11:00"}
    """
    # Friday 8 May to Monday 11 May: Saturday at 11:00 and Monday at 09:30; Sunday is free
    out = run(rules, [("2026-05-08 08:00", "visit.tablet", True)], until="2026-05-11 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-09 11:00", "2026-05-11 09:30"]
    assert findings(out)[1].explanation.endswith("(letzter Besuch am 8.5. 08:00)")


def test_each_missed_day_is_told_again() -> None:
    out = run(RULES, [("2026-05-04 08:00", "visit.tablet", True)], until="2026-05-06 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-05 09:30", "2026-05-06 09:30"]


def test_an_evening_round_counts_only_check_ins_after_its_since() -> None:
    rules = """\
    rules:
      - kind: carer_visit
        id: abendrunde
        since: "14:00"
        by: "19:00"
    """
    out = run(rules, [("2026-05-04 08:00", "visit.tablet", True)], until="2026-05-04 20:00")
    assert raised(out) == [
        (
            "2026-05-04 19:00",
            "Pflegedienst bis 19:00 nicht eingetroffen (letzter Besuch heute 08:00)",
            False,
        )
    ]


def test_not_raised_while_the_resident_is_away() -> None:
    events = [
        ("2026-05-04 08:00", "visit.tablet", True),
        ("2026-05-04 17:00", "away.tablet", True),  # to her daughter's for two nights
        ("2026-05-06 18:00", "away.tablet", False),
    ]
    out = run(RULES, events, until="2026-05-07 12:00")
    assert [local(f.ts) for f in findings(out)] == ["2026-05-07 09:30"]


def test_a_restart_keeps_the_last_visit_and_the_open_alert() -> None:
    out = run_across_restart(
        RULES,
        [("2026-05-04 08:50", "visit.tablet", True)],
        down="2026-05-05 09:40",
        up="2026-05-05 09:45",
        after=[("2026-05-05 10:05", "visit.tablet", True)],
        until="2026-05-05 12:00",
    )
    assert [(local(f.ts), f.explanation, f.cleared) for f in out] == [
        (
            "2026-05-05 09:30",
            "Pflegedienst bis 09:30 nicht eingetroffen (letzter Besuch gestern 08:50)",
            False,
        ),
        ("2026-05-05 10:05", "Pflegedienst um 10:05 eingetroffen", True),
    ]


def test_a_deadline_missed_while_the_hub_was_off_fires_once_when_it_is_back() -> None:
    out = run_across_restart(
        RULES,
        [("2026-05-04 08:50", "visit.tablet", True)],
        down="2026-05-05 09:00",
        up="2026-05-05 10:00",
        after=[],
        until="2026-05-05 12:00",
    )
    assert [(local(f.ts), f.cleared) for f in out] == [("2026-05-05 09:30", False)]


def test_a_check_in_soon_after_a_restart_counts() -> None:
    out = run_across_restart(
        RULES,
        [("2026-05-04 08:50", "visit.tablet", True)],
        down="2026-05-05 07:00",
        up="2026-05-05 09:00",
        after=[("2026-05-05 09:05", "visit.tablet", True)],
        until="2026-05-05 12:00",
    )
    assert out == []


def test_dst_nights_keep_the_deadline_at_half_past_nine_local_time() -> None:
    spring = run(RULES, [("2026-03-28 08:00", "visit.tablet", True)], until="2026-03-29 12:00")
    assert [f.ts.isoformat() for f in findings(spring)] == ["2026-03-29T07:30:00+00:00"]
    assert findings(spring)[0].explanation.endswith("(letzter Besuch gestern 08:00)")
    autumn = run(RULES, [("2026-10-24 08:00", "visit.tablet", True)], until="2026-10-25 12:00")
    assert [f.ts.isoformat() for f in findings(autumn)] == ["2026-10-25T08:30:00+00:00"]


def test_a_check_in_in_the_repeated_hour_counts_after_a_since_in_it() -> None:
    rules = """\
    rules:
      - kind: carer_visit
        by: "09:30"
        since: "02:30"
    """
    out = run(
        rules, [("2026-10-25T02:45:00+01:00", "visit.tablet", True)], until="2026-10-25 12:00"
    )
    assert findings(out) == []


def test_english_explanations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario, "FLAT", scenario.FLAT.replace("language: de", "language: en"))
    out = run(
        RULES,
        [
            ("2026-05-03 08:40", "visit.tablet", True),
            ("2026-05-04 09:45", "visit.flur", True),
        ],
        until="2026-05-04 12:00",
    )
    assert [f.explanation for f in findings(out)] == [
        "The care service had not arrived by 09:30 (last visit yesterday 08:40)",
        "The care service arrived at 09:45",
    ]


def test_a_deadline_before_since_and_weekdays_given_twice_are_refused() -> None:
    with pytest.raises(ConfigError) as early:
        config("""\
        rules:
          - kind: carer_visit
            by: "03:00"
        """)
    assert "the deadline 03:00 is not after `since` (04:00)" in early.value.format()
    with pytest.raises(ConfigError) as twice:
        config("""\
        rules:
          - kind: carer_visit
            by: {mon: "09:00"}
            weekdays: [mon]
        """)
    assert "the weekdays are given twice" in twice.value.format()
