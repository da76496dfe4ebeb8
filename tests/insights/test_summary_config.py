"""The `daily_summary:` section as an installer writes it, and the errors they see."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hub.config import ConfigError, load_config

FLAT = """\
home: {name: Wohnung Test}
contacts:
  anna: {name: Anna, role: family, phone: "+4917612345678"}
  ines: {name: Ines, role: family, email: ines@example.org}
"""


def load(tmp_path: Path, text: str) -> str:
    path = tmp_path / "obhut.yaml"
    path.write_text(FLAT + textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.format()


def test_a_good_section(tmp_path: Path) -> None:
    path = tmp_path / "obhut.yaml"
    path.write_text(FLAT + 'daily_summary: {at: "19:30", to: [anna, ines]}\n', encoding="utf-8")
    summary = load_config(path).daily_summary
    assert summary is not None and summary.to == ("anna", "ines") and summary.channel is None
    assert summary.at.hour == 19 and summary.at.minute == 30


def test_an_unknown_contact_with_position_and_did_you_mean(tmp_path: Path) -> None:
    out = load(tmp_path, 'daily_summary:\n  at: "19:30"\n  to: [anna, tochter, anan]\n')
    assert "obhut.yaml:7:14: error: unknown contact 'tochter'" in out
    assert "obhut.yaml:7:23: error: unknown contact 'anan'" in out
    assert "did you mean 'anna'?" in out
    assert "expected: one of anna, ines" in out


def test_a_channel_that_is_not_set_up_or_does_not_reach_them(tmp_path: Path) -> None:
    out = load(tmp_path, 'daily_summary: {at: "19:30", to: [anna], channel: sms}\n')
    assert "the daily summary goes by SMS, but SMS is not set up" in out
    assert "obhut.yaml:5:" in out
    mail = "email: {host: mail.example.org, sender: hub@example.org}\n"
    out = load(tmp_path, mail + 'daily_summary: {at: "19:30", to: [ines, anna], channel: email}\n')
    assert "Anna has no email for the daily summary by e-mail" in out
    assert "Ines" not in out.split("error:")[1]


def test_a_time_and_someone_to_tell_are_needed(tmp_path: Path) -> None:
    out = load(tmp_path, "daily_summary: {at: 7.30, to: []}\n")
    assert "7.3 is not a time of day" in out
    assert "obhut.yaml:5:" in out and "to" in out
