"""`obhut replay`: recorded observations through the rules, findings as JSON lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hub.cli import main

RULES = """\
rules:
  - kind: inactivity
    id: tag
    duration: 3h
    window: {start: "07:00", end: "22:00"}
  - kind: inactivity
    id: kueche
    rooms: [kueche]
    duration: 6h
  - kind: panic
"""


def run_replay(
    config: Path, events: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, list[dict[str, object]], str]:
    code = main(["replay", "-c", str(config), str(events), *extra])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def write_events(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "events.csv"
    path.write_text("timestamp,entity,value\n" + rows, encoding="utf-8")
    return path


def test_inactivity_fires_at_its_exact_deadline_and_clears_on_movement(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_events(
        tmp_path,
        "2026-05-04T09:00:00+02:00,motion.kueche,on\n"
        "2026-05-04T09:10:00+02:00,motion.kueche,off\n"
        "2026-05-04T13:00:00+02:00,motion.flur,on\n",
    )
    code, findings, _ = run_replay(write_config(RULES), events, capsys)
    assert code == 0
    tag = [f for f in findings if f["rule"] == "tag"]
    assert [(f["ts"], f["cleared"]) for f in tag] == [
        ("2026-05-04T10:10:00+00:00", False),  # 3 h after the kitchen went quiet
        ("2026-05-04T11:00:00+00:00", True),
    ]
    assert tag[0]["summary"] == "no activity in flat for 3h"
    assert not [f for f in findings if f["rule"] == "kueche"]  # due 15:10, after the last event


def test_inactivity_only_counts_time_inside_its_window(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Last movement 21:00 on the night the clocks go forward: one hour counts before 22:00,
    # two more from 07:00 (CEST) the next morning; the alert is at 09:00 CEST, not at midnight.
    events = write_events(
        tmp_path,
        "2026-03-28T21:00:00+01:00,motion.bad,on\n2026-03-29T12:00:00+02:00,motion.bad,on\n",
    )
    _, findings, _ = run_replay(write_config(RULES), events, capsys)
    tag = [f for f in findings if f["rule"] == "tag" and not f["cleared"]]
    assert [f["ts"] for f in tag] == ["2026-03-29T07:00:00+00:00"]


def test_panic_is_immediate_and_each_press_counts(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_events(
        tmp_path,
        "2026-05-04T09:00:00+02:00,sos_button.bad,on\n"
        "2026-05-04T09:00:02+02:00,sos_button.bad,off\n"
        "2026-05-04T09:05:00+02:00,help.tablet,on\n",
    )
    _, findings, _ = run_replay(write_config(RULES), events, capsys)
    panic = [f for f in findings if f["kind"] == "panic"]
    assert [(f["ts"], f["subject"], f["severity"]) for f in panic] == [
        ("2026-05-04T07:00:00+00:00", "sos_button.bad", "emergency"),
        ("2026-05-04T07:05:00+00:00", "help.tablet", "emergency"),
    ]


def test_until_fires_deadlines_after_the_last_event(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_events(tmp_path, "2026-05-04T09:00:00+02:00,motion.bad,on\n")
    _, without, _ = run_replay(write_config(RULES), events, capsys)
    _, with_until, _ = run_replay(
        write_config(RULES), events, capsys, "--until", "2026-05-04T18:00:00+02:00"
    )
    assert without == []
    assert [(f["rule"], f["ts"]) for f in with_until] == [
        ("tag", "2026-05-04T10:00:00+00:00"),
        ("kueche", "2026-05-04T13:00:00+00:00"),  # no kitchen activity since the start
    ]


def test_replay_is_deterministic(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(
        f"2026-05-0{4 + d}T{h:02d}:{m:02d}:00+02:00,motion.{room},on\n"
        for d in range(3)
        for h, m, room in ((6, 5, "bad"), (9, 30, "kueche"), (15, 0, "flur"), (23, 50, "bad"))
    )
    events = write_events(tmp_path, rows)
    first = run_replay(write_config(RULES), events, capsys)
    second = run_replay(write_config(RULES), events, capsys)
    assert first[1] and first[1] == second[1]


def test_bad_rows_are_reported_with_line_numbers_and_nothing_runs(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_events(
        tmp_path,
        "2026-05-04T09:00:00+02:00,motion.bad,on\n"
        "2026-05-04T09:00:00,motion.bad,on\n"
        "yesterday,motion.bad,on\n"
        "2026-05-04T09:00:00+02:00,motoin.bad,on\n"
        "2026-05-04T09:00:00+02:00,motion.bad,maybe\n"
        "2026-05-04T09:00:00+02:00,motion.bad\n"
        "2026-05-04T09:00:00+02:00,sos_button.bad,on\n",
    )
    code, findings, err = run_replay(write_config(RULES), events, capsys)
    assert code == 1 and findings == []
    assert f"{events}:3: error: '2026-05-04T09:00:00' has no UTC offset" in err
    assert f"{events}:4: error: 'yesterday' is not an ISO-8601 timestamp" in err
    assert f"{events}:5: error: unknown capability 'motoin'" in err
    assert f"{events}:6: error: expected on or off for motion, got 'maybe'" in err
    assert f"{events}:7: error: expected timestamp,entity,value but found 2 field(s)" in err
    assert ":2:" not in err and ":8:" not in err


def test_unknown_entities_are_warned_about_but_replayed(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_events(tmp_path, "2026-05-04T09:00:00+02:00,sos_button.keller,on\n")
    code, findings, err = run_replay(write_config(RULES), events, capsys)
    assert code == 0 and len(findings) == 1
    assert "sos_button.keller is not an entity of this configuration's devices" in err
