"""`obhut check` and load_config: the messages an installer sees."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.cli import main
from hub.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo" / "obhut.yaml"

GOOD = """\
home:
  name: Wohnung Test
rooms:
  bad: {name: Bad, kind: bathroom}
  flur: {name: Flur, kind: entrance}
devices:
  "00:15:8d:00:01:23:45:67": {name: Bewegung Bad, room: bad, role: motion}
contacts:
  anna: {name: Anna, role: family, phone: "+4917612345678"}
escalation:
  default:
    tiers:
      - contacts: [anna]
rules:
  - kind: inactivity
    duration: 4h
"""


def write(tmp_path: Path, text: str, name: str = "obhut.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.format()


def test_the_three_classic_mistakes_are_all_reported_with_position_caret_and_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        GOOD.replace("home:", "homme:")
        .replace("kind: inactivity", "kind: inactivty")
        .replace("  - contacts: [anna]", "  - contacts: [anna]\n        wait: 10 minuten"),
    )
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{path}:1:1: error: unknown key 'homme'" in err
    assert "hint: did you mean 'home'?" in err
    assert f"{path}:16:11: error: unknown rule kind 'inactivty'" in err
    assert "hint: did you mean 'inactivity'?" in err
    assert "expected: one of automation, carer_visit, check_in, device_health, door_open," in err
    assert f"{path}:14:15: error: '10 minuten' is not a duration" in err
    assert "hint: write 10m" in err
    # the offending line and a caret exactly under the value
    assert "  16 |   - kind: inactivty\n     |           ^^^^^^^^^" in err
    assert "  14 |         wait: 10 minuten\n     |               ^^^^^^^^^^" in err
    assert "3 errors in the configuration" in err
    # the misspelt key is not also reported as a missing 'home'
    assert "missing" not in err


def test_check_prints_a_summary_and_exits_0_on_a_good_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(write(tmp_path, GOOD))]) == 0
    assert capsys.readouterr().out == "OK: 2 rooms, 1 devices, 1 rules, 1 contacts\n"


def test_the_demo_configuration_is_valid() -> None:
    config = load_config(DEMO)
    assert config.home.timezone == "Europe/Berlin"
    assert len(config.devices) == 17  # from the !include'd devices.yaml
    assert config.storage.data_dir == DEMO.parent / "data"


def test_errors_are_sorted_and_never_speak_pydantic(tmp_path: Path) -> None:
    text = GOOD.replace("bathroom", "bathrom").replace('"+4917612345678"', "0176 12345678")
    text += "web:\n  port: 99999\n  hots: 0.0.0.0\nstorage:\n  retention: {observations: 90}\n"
    out = problems(write(tmp_path, text))
    lines = [int(m) for m in re.findall(r":(\d+):\d+: error", out)]
    assert lines == sorted(lines) and len(lines) == 5
    for word in ("pydantic", "Input should", "validation error", "Traceback", "type=", "loc"):
        assert word not in out
    assert "'bathrom' is not a valid kind" in out and "did you mean 'bathroom'?" in out
    assert "unknown key 'hots' in web" in out and "did you mean 'host'?" in out
    assert "is out of range for port" in out and "less than 65536" in out
    assert 'hint: write it with the country code, e.g. "+4917612345678"' in out
    assert "write 90m for minutes" in out


def test_duplicate_keys_are_errors_each_one(tmp_path: Path) -> None:
    text = GOOD + "rooms:\n  x: {name: X}\nhome:\n  name: again\n"
    out = problems(write(tmp_path, text))
    assert "duplicate key 'rooms'" in out and "already set on line 3" in out
    assert "duplicate key 'home'" in out and "already set on line 1" in out


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "obhut.yaml"
    path.write_text("home:\n\tname: X\n", encoding="utf-8")
    out = problems(path)
    assert f"{path}:2:1: error: a tab character; YAML indents with spaces only" in out


def test_yaml_traps_unquoted_times_and_yes_no(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    duration: 4h",
        '    duration: 4h\n    window: {start: 7.30, end: "22:00"}\n    enabled: yes',
    )
    out = problems(write(tmp_path, text))
    assert "7.3 is not a time of day" in out and 'write "07:30" in quotes' in out
    assert "'yes' is not true or false here" in out and "write true or false" in out


def test_references_to_rooms_contacts_and_policies_must_exist(tmp_path: Path) -> None:
    text = (
        GOOD.replace("room: bad", "room: baad")
        .replace("[anna]", "[ana]")
        .replace("duration: 4h", "duration: 4h\n    notify: nachts\n    rooms: [kueche]")
    )
    out = problems(write(tmp_path, text))
    assert "unknown room 'baad'" in out and "did you mean 'bad'?" in out
    assert "unknown contact 'ana'" in out and "did you mean 'anna'?" in out
    assert "unknown escalation policy or contact 'nachts'" in out
    assert "unknown room 'kueche'" in out


def test_include_and_secret(tmp_path: Path) -> None:
    write(tmp_path, "bad: {name: Bad, kind: bathroom}\n", "rooms.yaml")
    write(tmp_path, "twilio_token: s3cr3t-value-xyz\n", "secrets.yaml")
    text = GOOD.replace(
        "rooms:\n  bad: {name: Bad, kind: bathroom}\n  flur: {name: Flur, kind: entrance}\n",
        "rooms: !include rooms.yaml\n",
    )
    text += (
        'sms:\n  account_sid: AC1\n  auth_token: !secret twilio_token\n  sender: "+4930123456"\n'
    )
    config = load_config(write(tmp_path, text))
    assert list(config.rooms) == ["bad"]
    assert config.sms is not None and config.sms.auth_token.value == "s3cr3t-value-xyz"
    assert "s3cr3t" not in repr(config) and "s3cr3t" not in str(config.model_dump())


def test_secrets_only_by_reference_and_missing_secret_named(tmp_path: Path) -> None:
    write(tmp_path, "twilio_token: s3cr3t-value-xyz\n", "secrets.yaml")
    text = GOOD + (
        'sms:\n  account_sid: AC1\n  auth_token: plain-text-token\n  sender: "+4930123456"\n'
        "email:\n  host: mail\n  sender: a@b.de\n  password: !secret mail_passwort\n"
    )
    out = problems(write(tmp_path, text))
    assert "a password or token must not be written into obhut.yaml" in out
    assert "secret 'mail_passwort' is not in" in out
    assert "plain-text-token" in out  # the line is shown so the installer finds it …
    assert "s3cr3t" not in out  # … but a real secret never is


def test_include_errors_point_into_the_included_file(tmp_path: Path) -> None:
    inc = write(tmp_path, "bad: {name: Bad, kind: bathroom}\nflur: {naem: Flur}\n", "rooms.yaml")
    text = GOOD.replace(
        "rooms:\n  bad: {name: Bad, kind: bathroom}\n  flur: {name: Flur, kind: entrance}\n",
        "rooms: !include rooms.yaml\nresidents: !include nobody.yaml\n",
    )
    out = problems(write(tmp_path, text))
    assert f"{inc}:2:8: error: unknown key 'naem'" in out
    assert "cannot include 'nobody.yaml': no such file" in out


def test_missing_file_and_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope.yaml")]) == 1
    assert "no such file" in capsys.readouterr().err
    out = problems(write(tmp_path, ""))
    assert "must hold the sections of the configuration" in out


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(alphabet=st.sampled_from(list("home:name -\t\"'[]{}!&*#\n 7:3.0abc|>")), max_size=80)
)
def test_any_text_gives_problems_or_a_config_never_a_crash(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path)
    except ConfigError as e:
        assert e.problems and all(p.message for p in e.problems)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from hub import __version__

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"obhut {__version__}"
