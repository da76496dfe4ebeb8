"""`obhut replay --history`: the store's own observations through the configuration's rules."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.cli import main
from hub.model import Observation
from hub.store import Store

RULES = """\
rules:
  - kind: inactivity
    id: tag
    duration: 3h
  - kind: panic
"""
# Tuesday 2026-05-05, 06:00 Berlin (CEST): the synthetic history's first day
DAY0 = datetime(2026, 5, 5, 4, 0, tzinfo=UTC)


def history(gap_from: datetime, gap_until: datetime, days: int = 3) -> list[Observation]:
    """Motion somewhere every 20 minutes from DAY0 for `days` days, except in the gap."""
    rooms = ("bad", "kueche", "bad", "kueche")
    out = []
    for i in range(days * 72):
        ts = DAY0 + timedelta(minutes=20 * i)
        if gap_from <= ts < gap_until:
            continue
        room = rooms[i % len(rooms)]
        out.append(Observation(ts, f"motion.{room}", True, "zigbee"))
        out.append(Observation(ts + timedelta(minutes=1), f"motion.{room}", False, "zigbee"))
    return out


async def _fill(path: Path, observations: list[Observation]) -> None:
    async with Store.open(path) as store:
        for obs in observations:
            store.add_observation(obs)


def make_store(config: Path, observations: list[Observation]) -> Path:
    path = config.parent / "data" / "obhut.db"
    asyncio.run(_fill(path, observations))
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]], str]:
    code = main(["replay", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def digest(path: Path) -> str:
    return "".join(
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.parent.glob("obhut.db*"))
        # SQLite's shared-memory index is no data; a read-only reader of a WAL database
        # may leave an empty write-ahead log behind, which holds nothing either.
        if p.name != "obhut.db-shm" and p.stat().st_size > 0
    )


GAP_FROM = DAY0 + timedelta(days=1, hours=5)  # Wed 11:00 Berlin
GAP_UNTIL = GAP_FROM + timedelta(hours=5)  # back at 16:00


def test_history_finds_the_gap_and_writes_nothing(
    write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(RULES)
    observations = history(GAP_FROM, GAP_UNTIL)
    store = make_store(config, observations)
    before = digest(store)
    code, findings, err = run(
        capsys,
        "-c",
        str(config),
        "--history",
        "--from",
        "2026-05-05T06:00",  # the home's wall time
        "--until",
        "2026-05-08T06:00",
    )
    assert code == 0, err
    assert [(f["rule"], f["ts"], f["cleared"]) for f in findings] == [
        # last movement 10:40, quiet from 10:41 on: 3 h later, 13:41 Berlin
        ("tag", "2026-05-06T11:41:00+00:00", False),
        ("tag", "2026-05-06T14:00:00+00:00", True),  # motion again at 16:00
    ]
    assert findings[0]["explanation"] == "Keine Bewegung seit 10:41 (3 Std 00 Min), zuletzt in Bad"
    assert f"replayed {len(observations)} observations" in err
    assert digest(store) == before  # not a row, not a pragma
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM deadlines").fetchone() == (0,)


def test_days_counts_back_from_now_and_the_quiet_start_counts(
    write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    # One motion 2 days ago, then nothing. With --days 1 the rules start a day ago and see
    # 3 quiet hours from their start; with --days 3 they see the motion, and 3 hours after it.
    config = write_config(RULES)
    motion = now - timedelta(days=2)
    make_store(config, [Observation(motion, "motion.bad", True)])
    _, last_day, _ = run(capsys, "-c", str(config), "--history", "--days", "1")
    _, three_days, _ = run(capsys, "-c", str(config), "--history", "--days", "3")

    def times(found: list[dict[str, object]]) -> list[tuple[datetime, bool]]:
        return [(datetime.fromisoformat(str(f["ts"])), bool(f["cleared"])) for f in found]

    [(raised, cleared)] = times(last_day)
    late = raised - (now - timedelta(days=1) + timedelta(hours=3))
    assert not cleared and timedelta(0) <= late < timedelta(seconds=10)
    assert [(ts - motion, cleared) for ts, cleared in times(three_days)][1:] == [
        (timedelta(0), True),  # the motion two days ago ends the quiet start
        (timedelta(hours=3), False),
    ]


def test_a_running_hub_may_be_writing_meanwhile(
    write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(RULES)
    path = config.parent / "data" / "obhut.db"

    async def hub_and_replay() -> tuple[int, list[dict[str, object]], str]:
        async with Store.open(path) as store:  # the hub's own connection, open throughout
            for obs in history(GAP_FROM, GAP_UNTIL):
                store.add_observation(obs)
            await store.flush()
            store.add_observation(Observation(DAY0, "sos_button.bad", True))  # not committed
            return await asyncio.to_thread(
                run,
                capsys,
                "-c",
                str(config),
                "--history",
                "--from",
                "2026-05-05T06:00",
                "--until",
                "2026-05-08T06:00",
            )

    code, findings, err = asyncio.run(hub_and_replay())
    assert code == 0, err
    # The committed history, not the hub's uncommitted SOS press
    assert [f["rule"] for f in findings] == ["tag", "tag"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give EVENTS.csv to replay, or --history"),
        (["events.csv", "--history"], "give EVENTS.csv or --history, not both"),
        (["events.csv", "--days", "3"], "--days goes with --history"),
        (["--history", "--days", "3", "--from", "2026-05-01"], "give --days or --from, not both"),
        (["--history", "--from", "gestern"], "--from 'gestern' is not a time"),
        (["--history", "--until", "2026-13-01"], "--until '2026-13-01' is not a time"),
        (
            ["--history", "--from", "2026-05-08", "--until", "2026-05-01"],
            "--from (2026-05-08 00:00) is not before --until (2026-05-01 00:00)",
        ),
    ],
)
def test_garbage_arguments_get_clear_errors(
    write_config: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code, findings, err = run(capsys, "-c", str(write_config(RULES)), *args)
    assert code == 2 and findings == []
    assert f"obhut replay: error: {message}" in err


@pytest.mark.parametrize("days", ["0", "-3", "drei", "1.5"])
def test_days_must_be_a_whole_number(
    write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str], days: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["replay", "-c", str(write_config(RULES)), "--history", "--days", days])
    assert exc.value.code == 2
    assert f"expected a whole number of days, 1 or more; got '{days}'" in capsys.readouterr().err


def test_no_store_yet(
    write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(RULES)
    code, _, err = run(capsys, "-c", str(config), "--history")
    assert code == 1
    assert "obhut.db: error: no store here; has the hub run with this configuration?" in err
    assert not (config.parent / "data").exists()  # and none was created


def test_not_a_store_and_a_store_from_a_newer_obhut(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(RULES)
    text = tmp_path / "notes.db"
    text.write_text("not a database, just notes\n" * 100, encoding="utf-8")
    code, _, err = run(capsys, "-c", str(config), "--history", "--store", str(text))
    assert code == 1 and f"{text}: error: not an Obhut store" in err

    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 999")
    code, _, err = run(capsys, "-c", str(config), "--history", "--store", str(newer))
    assert code == 1 and "written by a newer Obhut (schema 999" in err


def test_until_without_an_offset_is_the_homes_wall_time_for_a_csv_too(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.csv"
    events.write_text("2026-05-04T09:00:00+02:00,motion.bad,on\n", encoding="utf-8")
    config = str(write_config(RULES))
    code, found, err = run(capsys, "-c", config, str(events), "--until", "2026-05-04T12:00")
    assert code == 0, err
    assert [f["ts"] for f in found] == ["2026-05-04T10:00:00+00:00"]  # 12:00 Berlin
    _, found, _ = run(capsys, "-c", config, str(events), "--until", "2026-05-04T11:59")
    assert found == []
