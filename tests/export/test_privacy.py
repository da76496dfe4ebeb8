"""`obhut privacy export` and `obhut privacy delete`: all of a resident's data handed over in
one zip readable without Obhut, or erased, rows and bytes, with the record of it kept."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import stat
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from hub.app import Hub
from hub.cli import main
from hub.clock import SimulatedClock
from hub.config import load_config
from hub.control import serve_control
from hub.export.erase import TABLES
from hub.model import Finding, Observation, Severity
from hub.store import Store
from hub.store.sql import connect

from .conftest import DAY, AlertRow, config_text, fill, manual, night
from .fhir_r4 import problems

MARKER = "ZQX-Sturz-im-Bad-ZQX"
SECRET_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$c2VjcmV0aGFzaHNlY3JldA"
TOKEN_HASH = "9f2c" * 16


def db_of(config_path: Path) -> Path:
    return config_path.parent / "data" / "obhut.db"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sql(db: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        return conn.execute(statement, params).fetchall()
    finally:
        conn.close()


def count(db: Path, table: str) -> int:
    return int(sql(db, f"SELECT count(*) FROM {table}")[0][0])  # noqa: S608


def a_life(config_path: Path) -> Path:
    """Her nights, her measurements, an alert about her with its SMS, and the rest."""
    db = fill(
        db_of(config_path),
        night(DAY, 120)
        + manual(DAY + timedelta(hours=8))
        + [
            Observation(
                DAY + timedelta(hours=9), "reminder.tablet", f"{MARKER} Tabletten", "tablet"
            )
        ],
        [
            AlertRow(
                "panic",
                "bad",
                DAY + timedelta(hours=10),
                f"{MARKER}: SOS",
                "Der Notrufknopf im Bad wurde gedrückt",
                acknowledged_by="anna",
                resolved=DAY + timedelta(hours=11),
            )
        ],
    )
    ms = int((DAY + timedelta(hours=12)).timestamp() * 1000)
    for actor, action, target in [
        ("carer:carla", "login", "/login"),
        ("carer:carla", "view", "/carer/vitals"),
        ("installer:ina", "config.saved", "obhut.yaml"),
        ("resident:tablet-1", "tablet.help", ""),
        ("resident:tablet-1", "view", "/tablet"),
        ("anna", "alert acknowledged", "alert 1"),
        ("carer:carla", "vitals.entered", f"bp_systolic.erna {MARKER}"),
    ]:
        sql(
            db,
            "INSERT INTO audit (ts, actor, action, target) VALUES (?,?,?,?)",
            ms,
            actor,
            action,
            target,
        )
    sql(
        db,
        "INSERT INTO deadlines (key, due, kind, data) VALUES (?,?,?,?), (?,?,?,?)",
        "rule:inactivity:tag", ms * 1000, "rule", json.dumps({"rule": "tag", "last": MARKER}),
        "hub:retention", ms * 1000, "retention", "{}",
    )  # fmt: skip
    sql(
        db,
        "INSERT INTO accounts (username, role, password_hash, created_ts, created_by)"
        " VALUES ('erna', 'resident', ?, ?, 'ina')",
        SECRET_HASH,
        ms,
    )
    sql(
        db,
        "INSERT INTO tablets (name, token_hash, created_ts, created_by) VALUES (?,?,?,?)",
        "Tablet Flur", TOKEN_HASH, ms, "ina",
    )  # fmt: skip
    sql(
        db,
        "INSERT INTO service_requests (service, kind, provider, details, state, created_ts,"
        " token_hash) VALUES ('essen', 'meal', 'anna', ?, 'requested', ?, ?)",
        json.dumps({"item": "Linsensuppe"}), ms, TOKEN_HASH,
    )  # fmt: skip
    return db


def test_the_privacy_export_holds_everything_about_her_readable_without_obhut(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = a_life(config_path)
    target = config_path.parent / "erna.zip"
    code, out, err = run(capsys, "privacy", "export", "-c", str(config_path), "--out", str(target))
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with zipfile.ZipFile(target) as archive:
        files = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    expected = {
        "README.txt",
        "observations.csv",
        "daily_aggregates.csv",
        "current_state.csv",
        "alerts.csv",
        "deliveries.csv",
        "audit.csv",
        "timers.csv",
        "accounts.csv",
        "vital_signs.fhir.json",
        "configuration.json",
        "service_requests.csv",
    }
    assert expected <= set(files), set(files)
    readme = files["README.txt"]
    assert "DEUTSCH" in readme and "ENGLISH" in readme and "Erna Beispiel" in readme
    for name in expected - {"README.txt"}:
        assert name in readme, f"the README does not explain {name}"
    assert "Puls vom Sensor im Schlafzimmer" in readme and "heart rate from the bedroom" in readme
    assert len(files["observations.csv"].splitlines()) == 1 + 240 + 6 + 1
    assert MARKER in files["alerts.csv"] and "Anna" in files["alerts.csv"]
    deliveries = files["deliveries.csv"]
    assert "anna,Anna,sms,raised" in deliveries
    assert "Der Notrufknopf im Bad wurde gedrückt" in deliveries
    assert "carer:carla,view,/carer/vitals" in files["audit.csv"]
    assert "privacy.export,erna" in files["audit.csv"]  # the export itself is on record
    assert "rule:inactivity:tag" in files["timers.csv"]
    assert "account,erna,resident" in files["accounts.csv"]
    assert "tablet,Tablet Flur" in files["accounts.csv"]
    assert "Linsensuppe" in files["service_requests.csv"]
    assert "2026-11-01T12:00:00+01:00" in files["service_requests.csv"]  # created_ts, readable
    configuration = json.loads(files["configuration.json"])
    assert configuration["resident"]["name"] == "Erna Beispiel"
    assert configuration["resident"]["birth_year"] == 1941
    assert configuration["contacts"]["anna"]["phone"] == "+4917612345678"
    bundle = json.loads(files["vital_signs.fhir.json"])
    assert problems(bundle) == []
    assert bundle["entry"][0]["resource"]["name"] == [{"text": "Erna Beispiel"}]
    everything = "".join(files.values())
    assert "argon2" not in everything and TOKEN_HASH not in everything  # no secrets
    assert sql(db, "SELECT action, target FROM audit ORDER BY id DESC LIMIT 1") == [
        ("privacy.export", "erna")
    ]
    assert str(target) in out


def test_delete_asks_for_her_name_and_deletes_nothing_without_it(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = a_life(config_path)
    monkeypatch.setattr("builtins.input", lambda prompt: "Erna")
    code, out, _ = run(capsys, "privacy", "delete", "-c", str(config_path))
    assert code == 1
    assert "observations 247" in out and "alerts 1" in out  # what would go
    assert "nothing deleted" in out
    assert count(db, "observations") == 247
    monkeypatch.setattr("builtins.input", lambda prompt: " erna beispiel ")
    code, out, _ = run(capsys, "privacy", "delete", "-c", str(config_path))
    assert code == 0, out
    assert count(db, "observations") == 0


def _raw(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(db.parent.glob("obhut.db*")))


@pytest.mark.parametrize("overwrites_by_default", [True, False])
def test_delete_takes_her_rows_and_their_bytes_and_keeps_the_record(
    config_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    overwrites_by_default: bool,
) -> None:
    if not overwrites_by_default:
        # Debian builds SQLite to overwrite deleted rows; others leave them in free pages.
        def plain(path: Path) -> sqlite3.Connection:
            conn = connect(path)
            conn.execute("PRAGMA secure_delete = OFF")
            return conn

        monkeypatch.setattr("hub.export.erase.connect", plain)
    db = a_life(config_path)
    backups = config_path.parent / "data" / "backups"
    backups.mkdir()
    (backups / "obhut-20261101-032000.tar.gz").write_bytes(MARKER.encode())
    (backups / "zigbee-20261101-031500.json").write_text("{}", encoding="utf-8")
    assert MARKER.encode() in _raw(db)
    code, out, err = run(capsys, "privacy", "delete", "-c", str(config_path), "--yes")
    assert code == 0, err
    for table in ("observations", "current_state", "alerts", "deliveries", "service_requests"):
        assert count(db, table) == 0, table
    assert sql(db, "SELECT key FROM deadlines") == [("hub:retention",)]
    assert sql(db, "SELECT name FROM entities") == []  # `bp_systolic.erna` names her
    assert MARKER.encode() not in _raw(db)
    assert b"Linsensuppe" not in _raw(db)
    left = sql(db, "SELECT actor, action, target FROM audit ORDER BY id")
    assert left[:3] == [
        ("carer:carla", "login", "/login"),
        ("carer:carla", "view", "/carer/vitals"),
        ("installer:ina", "config.saved", "obhut.yaml"),
    ]
    (record,) = sql(db, "SELECT actor, detail FROM audit WHERE action = 'privacy.delete'")
    assert str(record[0]).startswith("cli:")
    assert "observations 247" in str(record[1]) and MARKER not in str(record[1])
    assert len(left) == 4  # her own doings, her alerts' handling, unknown entries: gone
    assert not (backups / "obhut-20261101-032000.tar.gz").exists()
    assert (backups / "zigbee-20261101-031500.json").exists()  # the network, not her
    assert count(db, "accounts") == 1  # sign-in stays, on the installer page to remove
    assert "obhut backup -c" in out
    asyncio.run(_hub_runs_after(config_path))


async def _hub_runs_after(config_path: Path) -> None:
    clock = SimulatedClock(DAY + timedelta(days=1))
    text = config_path.read_text(encoding="utf-8") + "rules:\n  - kind: panic\n"
    config_path.write_text(text, encoding="utf-8")
    async with Hub.running(load_config(config_path), config_path, clock) as hub:
        hub.ingest(Observation(clock.now(), "motion.bad", True))
        hub.bus.publish(
            Finding(clock.now(), "panic", "panic", Severity.EMERGENCY, "bad", "SOS pressed")
        )
        await hub.alerts.idle()
        assert [a.rule for a in await hub.alerts.open_alerts()] == ["panic"]
        await hub.store.flush()
        assert (await hub.store.current_state())["motion.bad"].value is True


async def test_delete_refuses_while_the_hub_runs(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await asyncio.to_thread(a_life, config_path)
    clock = SimulatedClock(DAY + timedelta(days=1))
    async with (
        Hub.running(load_config(config_path), config_path, clock) as hub,
        serve_control(hub),
    ):
        code, _, err = run(capsys, "privacy", "delete", "-c", str(config_path), "--yes")
    assert code == 1
    assert "the hub is running; stop it first: sudo systemctl stop obhut" in err
    assert count(db, "observations") == 247


def test_with_several_residents_only_what_is_hers_goes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two = "residents:\n  erna: {name: Erna Beispiel}\n  bert: {name: Bert Beispiel}\n"
    path = tmp_path / "obhut.yaml"
    path.write_text(config_text(tmp_path / "data", residents=two), encoding="utf-8")
    db = fill(
        db_of(path),
        night(DAY, 10) + manual(DAY, "erna") + manual(DAY, "bert"),
        [
            AlertRow("blutdruck", "bp_systolic.erna", DAY, "hoch"),
            AlertRow("panic", "bad", DAY, "SOS"),
        ],
    )
    code, _, err = run(capsys, "privacy", "delete", "-c", str(path), "--yes")
    assert code == 1 and "several residents (erna, bert)" in err
    code, out, err = run(
        capsys, "privacy", "delete", "-c", str(path), "--resident", "erna", "--yes"
    )
    assert code == 0, err
    names = {
        str(n)
        for (n,) in sql(
            db, "SELECT DISTINCT e.name FROM observations o JOIN entities e ON e.id = o.entity_id"
        )
    }
    assert not {n for n in names if n.endswith(".erna")}
    assert {n for n in names if n.endswith(".bert")} and "heart_rate.schlafzimmer" in names
    assert sql(db, "SELECT subject FROM alerts") == [("bad",)]
    assert "the flat's own sensors concern all of them" in out


def test_every_table_of_the_store_is_known_to_the_erasure(tmp_path: Path) -> None:
    async def make() -> None:
        async with Store.open(tmp_path / "obhut.db"):
            pass

    asyncio.run(make())
    tables = {
        str(n)
        for (n,) in sql(
            tmp_path / "obhut.db", "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    }
    assert tables - set(TABLES) == set(), "a new table: say in hub/export/erase.py how to erase it"


def test_a_table_it_does_not_know_stops_the_erasure_before_anything_goes(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = a_life(config_path)
    sql(db, "CREATE TABLE diary (text TEXT)")
    code, _, err = run(capsys, "privacy", "delete", "-c", str(config_path), "--yes")
    assert code == 1 and "cannot erase (diary)" in err and "nothing was deleted" in err
    assert count(db, "observations") == 247
