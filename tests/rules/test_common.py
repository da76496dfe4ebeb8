"""What every rule has: active times and weekdays, cooldown, enabled, notify, the index."""

from __future__ import annotations

import pytest

from hub.config import ConfigError
from tests.rules.scenario import config, findings, local, run


def test_cooldown_keeps_a_rule_quiet_about_the_same_subject() -> None:
    rules = "rules:\n  - {kind: panic, cooldown: 10m}\n"
    out = run(
        rules,
        [
            ("2026-05-04 09:00", "sos_button.schlafzimmer", True),
            ("2026-05-04 09:02", "sos_button.schlafzimmer", True),
            ("2026-05-04 09:03", "help.tablet", True),  # another subject: not held back
            ("2026-05-04 09:15", "sos_button.schlafzimmer", True),
        ],
    )
    assert [(local(f.ts), f.subject) for f in findings(out)] == [
        ("2026-05-04 09:00", "sos_button.schlafzimmer"),
        ("2026-05-04 09:03", "help.tablet"),
        ("2026-05-04 09:15", "sos_button.schlafzimmer"),
    ]


def test_active_weekdays_and_window_gate_findings() -> None:
    rules = """\
    rules:
      - kind: door_open
        duration: 10m
        active: {start: "08:00", end: "20:00", weekdays: [mon, tue, wed, thu, fri]}
    """
    events = [
        ("2026-05-04 09:00", "contact.front_door", True),  # Monday morning
        ("2026-05-04 09:30", "contact.front_door", False),
        ("2026-05-09 09:00", "contact.front_door", True),  # Saturday
        ("2026-05-09 09:30", "contact.front_door", False),
        ("2026-05-05 21:00", "contact.front_door", True),  # Tuesday evening
        ("2026-05-05 21:30", "contact.front_door", False),
    ]
    raised = findings(run(rules, events, until="2026-05-10 00:00"), cleared=False)
    assert [local(f.ts) for f in raised] == ["2026-05-04 09:10"]


def test_a_disabled_rule_does_nothing() -> None:
    rules = "rules:\n  - {kind: smoke, enabled: false}\n"
    assert run(rules, [("2026-05-04 09:00", "smoke.flur", True)]) == []


def test_notify_names_a_policy_or_contacts_that_exist() -> None:
    assert config("rules:\n  - {kind: smoke, notify: [anna, technik]}\n").rules[0].notify == (
        "anna",
        "technik",
    )
    with pytest.raises(ConfigError) as info:
        config("rules:\n  - {kind: smoke, notify: [anja]}\n")
    assert "unknown contact 'anja'" in info.value.format()
    assert "did you mean 'anna'?" in info.value.format()
