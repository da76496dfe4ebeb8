"""Ranges per resident in obhut.yaml: defaults, positioned errors, and rules that take theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.config import ConfigError, load_config
from hub.config.model import Resident

HEAD = """\
home: {name: Wohnung Test}
contacts:
  anna: {name: Anna, role: family, phone: "+4917612345678"}
escalation:
  default: {tiers: [{contacts: [anna]}]}
"""


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "obhut.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    return load_config(path)


def problems(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return caught.value.format()


def test_a_resident_without_vitals_has_the_default_ranges() -> None:
    erna = Resident(name="Erna")
    assert erna.range("heart_rate") == (50, 100)
    assert erna.range("bp_systolic") == (100, 150)
    assert erna.range("spo2") == (92, None)
    assert erna.range("body_weight") == (None, None)  # her own, or none
    assert erna.measures == ()


def test_her_own_ranges_and_measures(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
residents:
  erna:
    name: Erna
    vitals:
      heart_rate: {min: 45}
      body_weight: {min: 52.5, max: 70}
    measures: [blood_pressure, body_weight]
""",
    )
    erna = config.residents["erna"]  # type: ignore[attr-defined]
    assert erna.range("heart_rate") == (45, 100)
    assert erna.range("body_weight") == (52.5, 70)
    assert [m.value for m in erna.measures] == ["blood_pressure", "body_weight"]


@pytest.mark.parametrize(
    ("vitals", "says", "line", "col"),
    [
        ("heart_rate: {min: 45, max: 300}", "300 /min is impossible for heart_rate", 10, 19),
        ("spo2: {min: 97, max: 95}", "min (97) must be lower than max (95)", 10, 13),
        ("heart_rate: {min: 120}", "min (120) is not inside the default range 50–100 /min", 10, 19),
        ("bp_diastolic: {}", "a range needs min:, max:, or both", 10, 21),
        (
            "blood_pressure: {max: 140}",
            "unknown key 'blood_pressure' in residents.erna.vitals",
            10,
            7,
        ),
    ],
)
def test_a_wrong_range_is_named_where_it_is_written(
    tmp_path: Path, vitals: str, says: str, line: int, col: int
) -> None:
    text = problems(tmp_path, f"residents:\n  erna:\n    name: Erna\n    vitals:\n      {vitals}\n")
    assert f"obhut.yaml:{line}:{col}: error: {says}" in text
    assert "expected:" in text


def test_an_unknown_measure_gets_a_hint(tmp_path: Path) -> None:
    text = problems(tmp_path, "residents:\n  erna: {name: Erna, measures: [weight]}\n")
    assert "'weight' is not a valid measures" in text
    assert "hint: did you mean 'body_weight'?" in text


VITAL_RANGE = """\
residents:
  erna:
    name: Erna
    vitals: {heart_rate: {min: 42, max: 88}}
rules:
  - {kind: vital_range, id: puls, measure: heart_rate, resident: erna}
  - {kind: vital_range, id: puls_eng, measure: heart_rate, resident: erna, max: 80}
  - {kind: vital_range, id: atem, measure: respiratory_rate, resident: erna}
"""


def test_vital_range_takes_the_limits_it_lacks_from_the_resident(tmp_path: Path) -> None:
    config = load(tmp_path, VITAL_RANGE)
    limits = {r.rule_id: (r.min, r.max) for r in config.rules}  # type: ignore[attr-defined]
    assert limits == {"puls": (42, 88), "puls_eng": (42, 80), "atem": (10, 24)}


def test_a_rule_naming_an_unknown_resident_is_an_error(tmp_path: Path) -> None:
    text = problems(
        tmp_path,
        VITAL_RANGE.replace(
            "resident: erna}\n  - {kind: vital_range, id: puls_eng",
            "resident: ernaa}\n  - {kind: vital_range, id: puls_eng",
        ),
    )
    assert "unknown resident 'ernaa'" in text and "did you mean 'erna'?" in text
    assert "obhut.yaml:11:" in text


def test_a_rules_own_limit_must_fit_the_residents_other_one(tmp_path: Path) -> None:
    text = problems(tmp_path, VITAL_RANGE.replace("max: 80", "min: 95"))
    assert "obhut.yaml:12:" in text
    assert "min (95) does not fit the max (88) this rule takes from Erna" in text


def test_vital_range_still_needs_a_range_or_a_resident(tmp_path: Path) -> None:
    text = problems(tmp_path, "rules:\n  - {kind: vital_range, measure: heart_rate}\n")
    assert "a vital_range rule needs a range" in text and "or resident:" in text


def test_vital_entry_takes_her_ranges_its_own_winning(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
residents:
  erna: {name: Erna, vitals: {bp_systolic: {max: 140}, body_weight: {min: 50, max: 75}}}
rules:
  - kind: vital_entry
    resident: erna
    ranges:
      bp_systolic: {max: 160}
""",
    )
    (rule,) = config.rules  # type: ignore[attr-defined]
    got = {c: (r.min, r.max) for c, r in rule.limits_for("erna").items()}
    assert got["bp_systolic"] == (100, 160)
    assert got["body_weight"] == (50, 75)
    assert got["spo2"] == (92, None)
    assert str(rule.severity) == "warning"


def test_vital_entry_without_a_resident_is_about_every_resident(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        "residents:\n  erna: {name: Erna, vitals: {spo2: {min: 88}}}\n  otto: {name: Otto}\n"
        "rules:\n  - {kind: vital_entry, ranges: {bp_systolic: {max: 160}}}\n",
    )
    (rule,) = config.rules  # type: ignore[attr-defined]
    assert (rule.limits_for("erna")["spo2"].min, rule.limits_for("otto")["spo2"].min) == (88, 92)
    assert rule.limits_for("otto")["bp_systolic"].max == 160  # the rule's own, for both
    assert rule.limits_for("nobody") == {}


def test_vital_entry_checks_its_resident_and_ranges(tmp_path: Path) -> None:
    text = problems(tmp_path, "rules:\n  - {kind: vital_entry, resident: erna}\n")
    assert "unknown resident 'erna'" in text
    text = problems(
        tmp_path,
        "residents: {erna: {name: Erna}}\nrules:\n"
        "  - {kind: vital_entry, resident: erna, ranges: {spo2: {min: 40}}}\n",
    )
    assert "40 % is impossible for spo2" in text
