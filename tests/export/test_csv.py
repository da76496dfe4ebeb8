"""`obhut export csv` and `obhut export fhir`: the files a person gets, their quoting, the edges
of a range of local days (across the switch to and from summer time), and that it works
while the hub runs."""

from __future__ import annotations

import csv
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.app import Hub
from hub.cli import main
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.model import Observation
from hub.replay import read_events

from .conftest import DAY, AlertRow, fill, manual, night
from .fhir_r4 import problems

DB = ("data", "obhut.db")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def audit(db: Path) -> list[tuple[str, str, str, str]]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT actor, action, target, detail FROM audit ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_csv_files_with_a_header_rfc4180_quoting_and_utf8(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = config_path.parent.joinpath(*DB)
    tricky = 'Tabletten, "die weißen"\nnach dem Frühstück'
    fill(
        db,
        [
            Observation(DAY + timedelta(hours=8), "motion.kueche", True),
            Observation(DAY + timedelta(hours=8, minutes=1), "motion.kueche", False),
            Observation(DAY + timedelta(hours=9), "reminder.tablet", tricky, "tablet"),
            Observation(DAY + timedelta(hours=9, seconds=1.5), "temperature.bad", 21.5),
        ],
        [
            AlertRow(
                "panic",
                "bad",
                DAY + timedelta(hours=10),
                "SOS pressed",
                "Der Notrufknopf im Bad wurde gedrückt, bitte nachsehen",
                acknowledged_by="anna",
                resolved=DAY + timedelta(hours=11),
            )
        ],
    )
    out = config_path.parent / "export"
    code, printed, err = run(
        capsys,
        "export",
        "csv",
        "-c",
        str(config_path),
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-01",
        "--out",
        str(out),
    )
    assert code == 0, err
    observations = out / "observations_2026-11-01_2026-11-01.csv"
    alerts = out / "alerts_2026-11-01_2026-11-01.csv"
    assert f"{observations}: observations 4" in printed and f"{alerts}: alerts 1" in printed
    raw = observations.read_bytes()
    assert raw.startswith(b"timestamp,entity,value,source,timestamp_utc,room,unit\r\n")
    assert "Küche".encode() in raw  # UTF-8, no byte order mark
    assert '"Tabletten, ""die weißen""\nnach dem Frühstück"'.encode() in raw
    table = rows(observations)
    assert [(r["timestamp"], r["entity"], r["value"], r["room"], r["unit"]) for r in table] == [
        ("2026-11-01T08:00:00+01:00", "motion.kueche", "on", "Küche", ""),
        ("2026-11-01T08:01:00+01:00", "motion.kueche", "off", "Küche", ""),
        ("2026-11-01T09:00:00+01:00", "reminder.tablet", tricky, "", ""),
        ("2026-11-01T09:00:01.500+01:00", "temperature.bad", "21.5", "Bad", "°C"),
    ]
    assert table[0]["timestamp_utc"] == "2026-11-01T07:00:00Z"
    assert table[2]["source"] == "tablet"
    (alert,) = rows(alerts)
    assert alert["rule"] == "panic" and alert["state"] == "resolved"
    assert alert["acknowledged_by"] == "Anna"  # the contact's name, not her id
    assert alert["opened"] == "2026-11-01T10:00:00+01:00"
    assert alert["resolved_at"] == "2026-11-01T11:00:00+01:00"
    assert alert["explanation"] == "Der Notrufknopf im Bad wurde gedrückt, bitte nachsehen"
    for path in (observations, alerts):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # health data: the owner's only
    assert audit(db)[-1][1:] == ("export.csv", "cli", "2026-11-01..2026-11-01")
    assert audit(db)[-1][0].startswith("cli:")


def test_the_observations_file_replays_as_an_events_file(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = config_path.parent.joinpath(*DB)
    stored = night(DAY + timedelta(hours=1), 30) + manual(DAY + timedelta(hours=7))
    fill(db, stored)
    out = config_path.parent / "export"
    code, _, err = run(
        capsys,
        "export",
        "csv",
        "-c",
        str(config_path),
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-01",
        "--out",
        str(out),
    )
    assert code == 0, err
    back = read_events(out / "observations_2026-11-01_2026-11-01.csv")
    key = lambda o: (o.ts, o.entity)  # noqa: E731
    assert sorted(back, key=key) == sorted(stored, key=key)


@pytest.mark.parametrize(
    ("day", "first", "last", "hours"),
    [
        # autumn: 25 hours, 02:00-03:00 twice
        (
            "2026-10-25",
            datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
            25,
        ),
        # spring: 23 hours, no 02:00-03:00
        (
            "2026-03-29",
            datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
            23,
        ),
    ],
)
def test_a_local_day_across_a_clock_change_is_exported_whole_and_nothing_more(
    config_path: Path,
    capsys: pytest.CaptureFixture[str],
    day: str,
    first: datetime,
    last: datetime,
    hours: int,
) -> None:
    ms = timedelta(milliseconds=1)
    inside = [first + timedelta(hours=h) for h in range(hours)] + [last - ms]
    outside = [first - ms, last]
    assert (last - first) == timedelta(hours=hours)
    fill(
        config_path.parent.joinpath(*DB),
        [Observation(ts, "temperature.bad", 20.0 + i) for i, ts in enumerate(inside + outside)],
    )
    out = config_path.parent / "export"
    code, _, err = run(
        capsys,
        "export",
        "csv",
        "-c",
        str(config_path),
        "--from",
        day,
        "--to",
        day,
        "--out",
        str(out),
    )
    assert code == 0, err
    table = rows(out / f"observations_{day}_{day}.csv")
    times = [datetime.fromisoformat(r["timestamp"]) for r in table]
    assert times == inside
    assert {r["timestamp"][:10] for r in table} == {day}  # every local time is on that day
    utc = [datetime.fromisoformat(r["timestamp_utc"].replace("Z", "+00:00")) for r in table]
    assert utc == times


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-11-31", "2026-12-01", "--from '2026-11-31' is not a day"),
        ("2026-11-01", "gestern", "--to 'gestern' is not a day"),
        ("2026-11-03", "2026-11-01", "--to (2026-11-01) is before --from (2026-11-03)"),
        ("1026-11-01", "2026-11-01", "outside 2000..2199"),
    ],
)
def test_bad_days_get_a_clear_message_and_nothing_is_written(
    config_path: Path, capsys: pytest.CaptureFixture[str], first: str, last: str, message: str
) -> None:
    fill(config_path.parent.joinpath(*DB), manual(DAY))
    out = config_path.parent / "export"
    code, _, err = run(
        capsys,
        "export",
        "csv",
        "-c",
        str(config_path),
        "--from",
        first,
        "--to",
        last,
        "--out",
        str(out),
    )
    assert code == 1
    assert err.startswith("obhut export: error: ") and message in err
    assert "Traceback" not in err
    assert not out.exists()


def test_no_store_yet_is_said_plainly(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "export",
        "fhir",
        "-c",
        str(config_path),
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-01",
        "--out",
        str(config_path.parent / "v.json"),
    )
    assert code == 1 and "no store here" in err


def test_fhir_from_the_command_line_validates(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = config_path.parent.joinpath(*DB)
    # from 22:00 the evening before: the night that ends on the morning of 1 November
    fill(db, night(DAY - timedelta(hours=2), 300) + manual(DAY + timedelta(hours=8)))
    target = config_path.parent / "out" / "erna.json"
    code, printed, err = run(
        capsys,
        "export",
        "fhir",
        "-c",
        str(config_path),
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-01",
        "--out",
        str(target),
    )
    assert code == 0, err
    bundle = json.loads(target.read_text(encoding="utf-8"))
    assert problems(bundle) == []
    assert len(bundle["entry"]) == 1 + 2 + 5  # patient, the night's 2 resting rates, manual
    assert "60 dropouts left out" in printed
    assert audit(db)[-1][1:] == ("export.fhir", "erna", "2026-11-01..2026-11-01")


async def test_exports_while_the_hub_runs_and_writes(config_path: Path) -> None:
    clock = SimulatedClock(DAY + timedelta(hours=12))
    config = load_config(config_path)
    out = config_path.parent / "export"
    async with Hub.running(config, config_path, clock) as hub:
        for obs in night(DAY + timedelta(hours=1), 60):
            hub.ingest(obs)
        await hub.store.flush()
        code = main(
            [
                "export",
                "csv",
                "-c",
                str(config_path),
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-01",
                "--out",
                str(out),
            ]
        )
        assert code == 0
        # the hub goes on writing, the export's audit line among its entries
        hub.ingest(Observation(clock.now(), "motion.bad", True))
        await hub.store.flush()
        assert (await hub.store.current_state())["motion.bad"].value is True
        entries = await hub.store.audit_entries(5)
        assert any(e.action == "export.csv" for e in entries)
    table = rows(out / "observations_2026-11-01_2026-11-01.csv")
    assert len(table) == 120
