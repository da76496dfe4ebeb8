"""fall: a radar's fall report is an emergency at once; a pre-alert only if the installer asks."""

from __future__ import annotations

from hub.model import Severity
from tests.rules.scenario import findings, local, run

RULES = """\
rules:
  - kind: fall
    id: sturz
"""


def test_a_fall_is_an_emergency_at_once_without_asking_and_clears_when_the_radar_does() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 09:00", "presence.bad", True),
            ("2026-05-04 09:14", "fall.bad", True),
            ("2026-05-04 09:14:05", "fall.bad", True),  # the radar repeats its report
            ("2026-05-04 09:15", "fall.bad", True),
            ("2026-05-04 09:31", "fall.bad", False),
        ],
    )
    [raised] = findings(out, cleared=False)
    assert local(raised.ts) == "2026-05-04 09:14"
    assert raised.explanation == "Sturz erkannt in Bad um 09:14"
    assert (raised.rule, raised.kind, raised.severity) == ("sturz", "fall", Severity.EMERGENCY)
    assert (raised.entity, raised.room, raised.pre_alert_s, raised.system) == (
        "fall.bad",
        "bad",
        0,
        False,
    )
    [cleared] = findings(out, cleared=True)
    assert (local(cleared.ts), cleared.explanation) == (
        "2026-05-04 09:31",
        "Sturzmeldung in Bad aufgehoben (09:31)",
    )


def test_the_installer_may_ask_on_the_tablet_for_a_minute_first() -> None:
    rules = """\
    rules:
      - kind: fall
        pre_alert: 1m
    """
    out = run(rules, [("2026-05-04 09:14", "fall.bad", True), ("2026-05-04 09:20", "fall.bad", 0)])
    raised, cleared = findings(out, cleared=False), findings(out, cleared=True)
    assert [f.pre_alert_s for f in raised] == [60]
    assert [f.pre_alert_s for f in cleared] == [0]  # an all-clear asks nobody


def test_no_fall_report_no_finding_and_other_radar_readings_are_not_falls() -> None:
    out = run(
        RULES,
        [
            ("2026-05-04 09:00", "presence.bad", True),
            ("2026-05-04 09:01", "fall.bad", False),  # "no fall" with no fall before it
            ("2026-05-04 09:02", "bed_occupancy.bad", True),
            ("2026-05-04 09:03", "respiratory_rate.bad", 14),
            ("2026-05-04 09:04", "sos_button.schlafzimmer", True),  # panic's business
        ],
        until="2026-05-04 12:00",
    )
    assert findings(out) == []


def test_only_the_listed_radars_count() -> None:
    rules = """\
    rules:
      - kind: fall
        entities: [fall.bad]
    """
    out = run(
        rules,
        [("2026-05-04 09:00", "fall.flur", True), ("2026-05-04 09:05", "fall.bad", True)],
    )
    assert [(local(f.ts), f.entity) for f in findings(out)] == [("2026-05-04 09:05", "fall.bad")]


def test_a_fall_in_the_repeated_hour_of_the_october_night_shows_the_wall_time() -> None:
    # 2026-10-25: 02:00-03:00 happens twice; the fall is in the second one (+01:00).
    out = run(
        RULES,
        [
            ("2026-10-25T02:40+02:00", "fall.bad", True),
            ("2026-10-25T02:45+02:00", "fall.bad", False),
            ("2026-10-25T02:10+01:00", "fall.bad", True),
        ],
    )
    raised = findings(out, cleared=False)
    assert [f.explanation for f in raised] == [
        "Sturz erkannt in Bad um 02:40",
        "Sturz erkannt in Bad um 02:10",  # 30 minutes later, though the clock reads earlier
    ]
    assert (raised[1].ts - raised[0].ts).total_seconds() == 30 * 60
