"""reminder: shown on the tablet at set times; the carer is told when it is not confirmed."""

from __future__ import annotations

import pytest

from hub.config import ConfigError
from hub.model import Finding
from tests.rules.scenario import config, findings, local, run
from tests.rules.test_wake_up import run_across_restart

RULES = """\
rules:
  - kind: reminder
    id: tabletten
    text: Tabletten nehmen
    at: ["08:00", "20:00"]
"""
MORNING = ("2026-05-04 07:00", "motion.kueche", True)


def shown(f: Finding) -> tuple[str, str, bool]:
    return local(f.ts), f.explanation, f.cleared


def test_due_on_the_tablet_and_confirmed_in_time_tells_nobody() -> None:
    out = run(
        RULES, [MORNING, ("2026-05-04 08:10", "reminder.tablet", "tabletten")], "2026-05-04 12:00"
    )
    assert [shown(f) for f in findings(out)] == [
        ("2026-05-04 08:00", "Erinnerung: Tabletten nehmen (08:00)", False),
        ("2026-05-04 08:10", "Erinnerung 'Tabletten nehmen' von 08:00 um 08:10 bestätigt", True),
    ]
    due = findings(out)[0]
    assert due.severity == "info"
    assert due.pre_alert_s == 0
    assert due.data["reminder"] is True
    assert due.data["text"] == "Tabletten nehmen"
    assert findings(out)[1].subject == due.subject  # the tablet takes it off


def test_not_confirmed_tells_the_carer_and_a_late_confirmation_clears_it() -> None:
    out = run(
        RULES, [MORNING, ("2026-05-04 08:50", "reminder.tablet", "tabletten")], "2026-05-04 12:00"
    )
    assert [shown(f) for f in findings(out)] == [
        ("2026-05-04 08:00", "Erinnerung: Tabletten nehmen (08:00)", False),
        ("2026-05-04 08:30", "Erinnerung 'Tabletten nehmen' von 08:00 nicht bestätigt", False),
        ("2026-05-04 08:50", "Erinnerung 'Tabletten nehmen' von 08:00 um 08:50 bestätigt", True),
        ("2026-05-04 08:50", "Erinnerung 'Tabletten nehmen' von 08:00 um 08:50 bestätigt", True),
    ]
    due, missed, *clears = findings(out)
    assert missed.severity == "warning"
    assert "reminder" not in missed.data  # for the carer, not the tablet
    assert {c.subject for c in clears} == {due.subject, missed.subject}


def test_a_confirmation_of_another_reminder_does_not_count() -> None:
    out = run(
        RULES, [MORNING, ("2026-05-04 08:10", "reminder.tablet", "blutdruck")], "2026-05-04 12:00"
    )
    assert [(local(f.ts), f.severity, f.cleared) for f in findings(out)] == [
        ("2026-05-04 08:00", "info", False),
        ("2026-05-04 08:30", "warning", False),
    ]


def test_the_next_reminder_replaces_a_missed_one_on_the_tablet_but_the_carer_alert_stays() -> None:
    out = run(
        RULES, [MORNING, ("2026-05-04 20:05", "reminder.tablet", "tabletten")], "2026-05-04 23:00"
    )
    assert [shown(f) for f in findings(out)] == [
        ("2026-05-04 08:00", "Erinnerung: Tabletten nehmen (08:00)", False),
        ("2026-05-04 08:30", "Erinnerung 'Tabletten nehmen' von 08:00 nicht bestätigt", False),
        (
            "2026-05-04 20:00",
            "Erinnerung 'Tabletten nehmen' von 08:00 abgelöst durch die von 20:00",
            True,
        ),
        ("2026-05-04 20:00", "Erinnerung: Tabletten nehmen (20:00)", False),
        ("2026-05-04 20:05", "Erinnerung 'Tabletten nehmen' von 20:00 um 20:05 bestätigt", True),
    ]
    missed = findings(out)[1]
    assert not any(f.cleared and f.subject == missed.subject for f in findings(out))


def test_weekdays_and_a_single_time() -> None:
    rules = """\
    rules:
      - kind: reminder
        text: Blutdruck messen
        at: "09:00"
        weekdays: [mon, wed]
        confirm_within: 1h
    """
    out = run(rules, [MORNING], until="2026-05-07 23:00")
    assert [(local(f.ts), f.severity) for f in findings(out)] == [
        ("2026-05-04 09:00", "info"),
        ("2026-05-04 10:00", "warning"),
        ("2026-05-06 09:00", "info"),  # takes the unconfirmed Monday one off the tablet …
        ("2026-05-06 09:00", "info"),  # … and shows Wednesday's
        ("2026-05-06 10:00", "warning"),
    ]


def test_spring_forward_a_reminder_in_the_skipped_hour_comes_once_an_hour_later() -> None:
    rules = RULES.replace('["08:00", "20:00"]', '"02:30"')
    out = run(rules, [("2026-03-28 22:00", "motion.kueche", True)], until="2026-03-29 12:00")
    assert [(f.ts.isoformat(), f.explanation) for f in findings(out)] == [
        ("2026-03-29T01:30:00+00:00", "Erinnerung: Tabletten nehmen (02:30)"),  # 03:30 CEST
        ("2026-03-29T02:00:00+00:00", "Erinnerung 'Tabletten nehmen' von 02:30 nicht bestätigt"),
    ]


def test_fall_back_a_reminder_in_the_repeated_hour_comes_once_and_waits_real_time() -> None:
    rules = RULES.replace('["08:00", "20:00"]', '"02:30"')
    out = run(rules, [("2026-10-24 22:00", "motion.kueche", True)], until="2026-10-25 12:00")
    # the first 02:30 (summer time); 30 minutes later it is 02:00 again, winter time
    assert [f.ts.isoformat() for f in findings(out)] == [
        "2026-10-25T00:30:00+00:00",
        "2026-10-25T01:00:00+00:00",
    ]


def test_away_no_reminder_is_shown_and_leaving_after_one_waits_for_her_return() -> None:
    away = [
        ("2026-05-04 07:00", "away.tablet", True),
        ("2026-05-04 07:05", "contact.front_door", True),
        ("2026-05-04 07:05", "contact.front_door", False),
    ]
    assert findings(run(RULES, away, until="2026-05-04 12:00")) == []
    left_after = [
        MORNING,
        ("2026-05-04 08:05", "away.tablet", True),
        ("2026-05-04 08:06", "contact.front_door", True),
        ("2026-05-04 08:06", "contact.front_door", False),
        ("2026-05-04 11:00", "contact.front_door", True),
        ("2026-05-04 11:00", "contact.front_door", False),
        ("2026-05-04 11:01", "motion.flur", True),  # back: 30 minutes from now
    ]
    out = run(RULES, left_after, until="2026-05-04 13:00")
    assert [(local(f.ts), f.severity) for f in findings(out)] == [
        ("2026-05-04 08:00", "info"),
        ("2026-05-04 11:31", "warning"),
    ]


def test_a_late_confirmation_after_a_restart_still_clears() -> None:
    out = run_across_restart(
        RULES,
        [MORNING],
        down="2026-05-04 08:40",
        up="2026-05-04 09:00",
        after=[("2026-05-04 09:10", "reminder.tablet", "tabletten")],
        until="2026-05-04 12:00",
    )
    assert [(local(f.ts), f.severity, f.cleared) for f in out] == [
        ("2026-05-04 08:00", "info", False),
        ("2026-05-04 08:30", "warning", False),
        ("2026-05-04 09:10", "info", True),
        ("2026-05-04 09:10", "warning", True),
    ]


def test_config_mistakes_are_explained() -> None:
    with pytest.raises(ConfigError) as long:
        config(RULES + "    confirm_within: 13h\n")
    assert "confirm_within 13h is not shorter than the 12h from one reminder to the next" in (
        long.value.format()
    )
    with pytest.raises(ConfigError) as twice:
        config(RULES.replace('["08:00", "20:00"]', '["08:00", "8:00"]'))
    assert "08:00 is given twice in `at`" in twice.value.format()
    with pytest.raises(ConfigError) as empty:
        config(RULES.replace('["08:00", "20:00"]', "[]"))
    assert "this list is empty" in empty.value.format()
