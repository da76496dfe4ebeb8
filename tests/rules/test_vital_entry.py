"""vital_entry: a value entered by hand outside the resident's range is told once; blood
pressure is judged as one reading; and vital_range with `resident:` takes her range."""

from __future__ import annotations

import asyncio

from hub.config.model import Language
from hub.model import Action, Finding, Observation
from hub.replay import replay
from tests.rules.scenario import at, config, findings, local, run

ERNA = """\
residents:
  erna:
    name: Erna
    vitals:
      bp_systolic: {max: 150}
      heart_rate: {min: 45, max: 90}
      body_weight: {min: 50, max: 80}
  otto: {name: Otto}
rules:
  - kind: vital_entry
    id: messwerte_erna
    resident: erna
"""


def told(items: list[Finding | Action]) -> list[tuple[str, str, str]]:
    return [(local(f.ts), f.subject, f.explanation) for f in findings(items)]


Entry = tuple[str, str, float, str]  # time, entity, value, source


def entered(rules_yaml: str, events: list[Entry], lang: str = "de") -> list[Finding | Action]:
    """Replay entries (time, entity, value, source) through the flat with these rules."""
    cfg = config(rules_yaml)
    if lang != "de":
        home = cfg.home.model_copy(update={"language": Language(lang)})
        cfg = cfg.model_copy(update={"home": home})
    observations = [Observation(at(when), e, float(v), source) for when, e, v, source in events]
    out: list[Finding | Action] = []
    asyncio.run(replay(cfg, observations, out.append, None, out.append))
    return out


def test_blood_pressure_outside_her_range_is_told_once_with_who_entered_it() -> None:
    out = run(
        ERNA,
        [
            ("2026-05-04 08:10", "bp_systolic.erna", 182),
            ("2026-05-04 08:10", "bp_diastolic.erna", 85),
            ("2026-05-04 12:00", "bp_systolic.erna", 138),  # inside: nothing
            ("2026-05-04 12:00", "bp_diastolic.erna", 84),
        ],
    )
    assert told(out) == [
        (
            "2026-05-04 08:10",
            "blood_pressure.erna",
            "Blutdruck 182/85 mmHg (08:10, gemessen), Bereich bis 150",
        )
    ]
    (finding,) = findings(out)
    assert str(finding.severity) == "warning" and finding.rule == "messwerte_erna"
    assert finding.data["values"] == {"bp_systolic": 182.0, "bp_diastolic": 85.0}


def test_both_numbers_too_low_and_a_lower_value_too_high_read_plainly() -> None:
    out = run(
        ERNA,
        [
            ("2026-05-04 08:10", "bp_systolic.erna", 92),
            ("2026-05-04 08:10", "bp_diastolic.erna", 55),
            ("2026-05-04 09:10", "bp_systolic.erna", 140),
            ("2026-05-04 09:10", "bp_diastolic.erna", 96),
        ],
    )
    assert [text for _, _, text in told(out)] == [
        "Blutdruck 92/55 mmHg (08:10, gemessen), Bereich ab 100/60",
        "Blutdruck 140/96 mmHg (09:10, gemessen), unterer Wert: Bereich bis 90",
    ]


def test_one_half_of_a_reading_alone_is_not_judged() -> None:
    out = run(ERNA, [("2026-05-04 08:10", "bp_systolic.erna", 190)])
    assert told(out) == []


def test_single_values_against_her_range_and_the_defaults() -> None:
    out = run(
        ERNA,
        [
            ("2026-05-04 07:30", "body_weight.erna", 81.2),
            ("2026-05-04 07:40", "spo2.erna", 90),  # default: from 92 %
            ("2026-05-04 07:50", "body_temperature.erna", 38.1),  # default: up to 37.8 °C
            ("2026-05-04 08:00", "blood_glucose.erna", 65),  # default: from 70 mg/dL
            ("2026-05-04 08:10", "blood_glucose.erna", 150),  # inside
        ],
    )
    assert [text for _, _, text in told(out)] == [
        "Gewicht 81,2 kg (07:30, gemessen), Bereich bis 80",
        "Sauerstoffsättigung 90 % (07:40, gemessen), Bereich ab 92",
        "Temperatur 38,1 °C (07:50, gemessen), Bereich bis 37,8",
        "Blutzucker 65 mg/dL (08:00, gemessen), Bereich ab 70",
    ]


def test_without_a_resident_the_rule_judges_everyones_entries_by_their_own_range() -> None:
    every = ERNA.replace("    resident: erna\n", "")
    out = run(
        every,
        [
            ("2026-05-04 07:30", "body_weight.otto", 120),  # Otto has no weight range
            ("2026-05-04 07:40", "bp_systolic.otto", 155),  # the default: up to 150
            ("2026-05-04 07:40", "bp_diastolic.otto", 85),
            ("2026-05-04 07:50", "body_weight.erna", 81),  # hers: up to 80
        ],
    )
    assert [(subject, text) for _, subject, text in told(out)] == [
        ("blood_pressure.otto", "Blutdruck 155/85 mmHg (07:40, gemessen), Bereich bis 150"),
        ("body_weight.erna", "Gewicht 81,0 kg (07:50, gemessen), Bereich bis 80"),
    ]


def test_other_residents_and_impossible_values_are_not_its_business() -> None:
    out = run(
        ERNA,
        [
            ("2026-05-04 07:30", "body_weight.otto", 120),  # Otto has no such rule
            ("2026-05-04 07:40", "spo2.erna", 20),  # never a person's: a dropped clip
        ],
    )
    assert told(out) == []


def test_who_entered_it_is_told_in_the_homes_language() -> None:
    events: list[Entry] = [
        ("2026-05-04 08:10", "bp_systolic.erna", 182, "manual:carer:carla"),
        ("2026-05-04 08:10", "bp_diastolic.erna", 95, "manual:carer:carla"),
        ("2026-05-04 09:00", "body_weight.erna", 49.5, "manual:resident:tablet-1"),
    ]
    assert [text for _, _, text in told(entered(ERNA, events))] == [
        "Blutdruck 182/95 mmHg (08:10, eingetragen von carla), Bereich bis 150/90",
        "Gewicht 49,5 kg (09:00, am Tablet eingetragen), Bereich ab 50",
    ]
    assert [text for _, _, text in told(entered(ERNA, events, "en"))] == [
        "Blood pressure 182/95 mmHg (08:10, entered by carla), range up to 150/90",
        "Weight 49.5 kg (09:00, entered on the tablet), range from 50",
    ]


def test_the_same_reading_twice_is_two_findings_the_alert_keeps_them_as_one() -> None:
    events: list[Entry] = [
        ("2026-05-04 08:10", "body_weight.erna", 85, "manual:carer:carla"),
        ("2026-05-05 08:10", "body_weight.erna", 86, "manual:carer:carla"),
    ]
    found = findings(entered(ERNA, events))
    # one subject per measure: alerting updates the open alert instead of telling again
    assert [f.subject for f in found] == ["body_weight.erna", "body_weight.erna"]


PULS = """\
residents:
  erna: {name: Erna, vitals: {heart_rate: {min: 45, max: 90}}}
rules:
  - {kind: vital_range, id: puls, measure: heart_rate, room: schlafzimmer, resident: erna}
"""


def test_vital_range_with_a_resident_uses_her_range() -> None:
    minutes = [(f"2026-05-04 03:{m:02d}", "heart_rate.schlafzimmer", 95) for m in range(15)]
    out = run(PULS, minutes)
    (finding,) = findings(out)
    assert "über 90/min" in finding.explanation  # her 90, not the default 100
    out = run(PULS.replace(", resident: erna", ", resident: erna, max: 100"), minutes)
    assert findings(out) == []  # the rule's own max wins
