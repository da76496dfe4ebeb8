"""The schema moves forward with the code, and never backwards."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hub.model import Deadline
from hub.store import SchemaTooNew, Store, StoreError
from hub.store import migrations as m
from hub.store.codec import SEQ_BITS, to_ms, to_us

from .conftest import T0, obs


def test_steps_are_numbered_one_by_one() -> None:
    assert [version for version, _ in m.MIGRATIONS] == list(range(1, m.LATEST + 1))


async def test_a_new_file_gets_the_latest_schema_in_wal_mode(db_path: Path) -> None:
    async with Store.open(db_path) as store:
        sync = await store._run(lambda: store._db.conn.execute("PRAGMA synchronous").fetchone())
        fks = await store._run(lambda: store._db.conn.execute("PRAGMA foreign_keys").fetchone())
    assert sync == (2,)  # FULL
    assert fks == (1,)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA user_version").fetchone() == (m.LATEST,)
    assert conn.execute("PRAGMA page_size").fetchone() == (1024,)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    conn.close()
    assert {
        "entities",
        "sources",
        "observations",
        "current_state",
        "deadlines",
        "audit",
        "daily_aggregates",
        "alerts",
        "deliveries",
        "accounts",
        "tablets",
    } <= tables


def make_version_1(path: Path) -> None:
    """A database as the first version of the store left it, with some rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    assert m.migrate(conn, target=1) == 1
    conn.execute("INSERT INTO entities VALUES (1, 'motion.hall', 'binary')")
    conn.execute("INSERT INTO entities VALUES (2, 'temperature.hall', 'number')")
    conn.execute("INSERT INTO sources VALUES (1, 'zigbee')")
    for i in range(10):
        ms = to_ms(T0 + timedelta(seconds=i))
        conn.execute("INSERT INTO observations VALUES (?, 1, ?, 1)", (ms << SEQ_BITS, i % 2))
        conn.execute("INSERT INTO observations VALUES (?, 2, ?, 1)", ((ms << SEQ_BITS) + 1, 20 + i))
    conn.execute("INSERT INTO current_state VALUES (1, ?, 1, 1)", (to_ms(T0),))
    conn.execute("INSERT INTO deadlines VALUES ('a', ?, 'rule', '{}', NULL)", (to_us(T0),))
    conn.close()


async def test_an_old_database_is_upgraded_without_losing_rows(db_path: Path) -> None:
    db_path.parent.mkdir()
    make_version_1(db_path)
    async with Store.open(db_path, flush_interval=3600) as store:
        stored = await store.observations(T0, T0 + timedelta(minutes=1))
        assert len(stored) == 20
        assert stored[:2] == [obs("motion.hall", False, 0), obs("temperature.hall", 20.0, 0)]
        assert await store.load_deadlines() == [Deadline("a", T0, "rule")]
        assert (await store.current_state())["motion.hall"] == obs("motion.hall", True, 0)
        # What the later steps added works on the upgraded file.
        store.audit("installer", "upgrade")
        store.add_observation(obs("motion.hall", True, 10))
        tz = ZoneInfo("Europe/Berlin")
        assert await store.apply_retention(T0 + timedelta(days=3), 1, tz) == 21
        [day] = await store.daily_aggregates("motion.hall", date(2024, 5, 1), date(2024, 5, 1))
        assert (day.count, day.n_on) == (11, 6)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone() == (m.LATEST,)
    conn.close()


async def test_a_newer_database_is_refused_and_left_alone(db_path: Path) -> None:
    db_path.parent.mkdir()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {m.LATEST + 2}")
    conn.close()
    message = (
        f"this database was written by a newer Obhut (schema {m.LATEST + 2}, "
        f"this version knows {m.LATEST})"
    )
    with pytest.raises(SchemaTooNew, match=message.replace("(", r"\(").replace(")", r"\)")):
        async with Store.open(db_path):
            pass
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone() == (m.LATEST + 2,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()


def test_a_failing_step_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.db"
    broken = [*m.MIGRATIONS, (m.LATEST + 1, ["CREATE TABLE extra (a)", "NOT SQL AT ALL"])]
    monkeypatch.setattr(m, "MIGRATIONS", broken)
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        m.migrate(conn)
    assert m.schema_version(conn) == m.LATEST
    assert conn.execute("SELECT name FROM sqlite_schema WHERE name = 'extra'").fetchall() == []
    conn.close()


def write_garbage(path: Path) -> None:
    path.parent.mkdir()
    path.write_bytes(b"this is a shopping list, not a database" * 100)


async def test_a_file_that_is_not_a_database_gets_a_clear_error(db_path: Path) -> None:
    write_garbage(db_path)
    with pytest.raises(StoreError, match="cannot open the database"):
        async with Store.open(db_path):
            pass
