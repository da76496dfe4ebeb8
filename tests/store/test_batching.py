"""Writes are buffered, committed in one transaction per flush, and never dropped."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.model import Deadline
from hub.store import Store, StoreError
from hub.store import db as store_db

from .conftest import NEVER, T0, count_rows, obs


async def test_a_flush_is_one_commit_and_nothing_shows_before_it(db_path: Path) -> None:
    async with Store.open(db_path, flush_interval=NEVER) as store:
        for i in range(500):
            store.add_observation(obs("motion.hall", i % 2 == 0, i))
        store.put_deadline(Deadline("rule:inactivity", T0 + timedelta(hours=8), "rule"))
        store.audit("installer", "rule.edit", "inactivity")
        assert store.stats["pending"] == 502
        assert count_rows(db_path) == 0
        assert count_rows(db_path, "deadlines") == 0
        await store.flush()
        assert count_rows(db_path) == 500
        assert count_rows(db_path, "deadlines") == 1
        assert count_rows(db_path, "audit") == 1
        await store.flush()  # nothing pending: no empty transaction
        assert store.stats == {
            "observations_written": 500,
            "flushes": 1,
            "failed_flushes": 0,
            "pending": 0,
        }


async def test_a_full_batch_is_flushed_without_being_asked(
    db_path: Path, on_commit: Callable[[], asyncio.Event]
) -> None:
    committed = on_commit()
    async with Store.open(db_path, batch_size=10, flush_interval=NEVER) as store:
        for i in range(9):
            store.add_observation(obs("motion.hall", True, i))
        await asyncio.sleep(0)
        assert not committed.is_set()
        store.add_observation(obs("motion.hall", True, 9))
        await asyncio.wait_for(committed.wait(), 10)
        assert count_rows(db_path) == 10


async def test_a_lone_write_is_flushed_after_the_interval(
    db_path: Path, on_commit: Callable[[], asyncio.Event]
) -> None:
    committed = on_commit()
    async with Store.open(db_path, flush_interval=0.05) as store:
        store.put_deadline(Deadline("check_in", T0, "rule"))
        await asyncio.wait_for(committed.wait(), 10)
        assert count_rows(db_path, "deadlines") == 1


async def test_closing_flushes_what_is_pending(db_path: Path) -> None:
    async with Store.open(db_path, flush_interval=NEVER) as store:
        store.add_observation(obs("motion.hall", True))
        store.audit("carer", "alert.ack", "alert:7")
    assert count_rows(db_path) == 1
    assert count_rows(db_path, "audit") == 1
    with pytest.raises(StoreError, match="closed"):
        store.add_observation(obs("motion.hall", False))


class FailingConnection:
    """The real connection, but the next `failures` commits fail like a full disk."""

    def __init__(self, conn: sqlite3.Connection, failures: int) -> None:
        self._conn = conn
        self.failures = failures
        self.attempts: list[float] = []  # time.monotonic() of each commit tried

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql == "COMMIT":
            self.attempts.append(time.monotonic())
            if self.failures > 0:
                self.failures -= 1
                raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


async def test_a_failed_flush_keeps_every_write_for_the_next(db_path: Path) -> None:
    async with Store.open(db_path, flush_interval=NEVER) as store:
        failing = FailingConnection(store._db.conn, failures=1)
        store._db.conn = failing  # type: ignore[assignment]
        for i in range(100):
            store.add_observation(obs("motion.hall", i % 3 == 0, i))
        store.put_deadline(Deadline("a", T0, "rule"))
        store.audit("hub", "start")
        with pytest.raises(StoreError, match="disk is full"):
            await store.flush()
        assert store.stats["failed_flushes"] == 1
        assert store.stats["pending"] == 102
        assert count_rows(db_path) == 0
        # Written while the disk was full, after the failed batch: must land after it.
        store.add_observation(obs("motion.kitchen", True, 100))
        store.delete_deadline("a")
        assert len(await store.observations(T0, T0 + timedelta(hours=1))) == 101
        await store.flush()
        assert store.stats["pending"] == 0
        stored = await store.observations(T0, T0 + timedelta(hours=1))
        assert [o.ts for o in stored] == [T0 + timedelta(seconds=i) for i in range(101)]
        assert stored[-1].entity == "motion.kitchen"
        assert await store.load_deadlines() == []
        assert [e.action for e in await store.audit_entries()] == ["start"]
    assert count_rows(db_path) == 101


async def test_the_background_flush_backs_off_and_retries(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    on_commit: Callable[[], asyncio.Event],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(store_db, "_BACKOFF_MIN", 0.01)
    committed = on_commit()
    async with Store.open(db_path, flush_interval=0.01) as store:
        failing = FailingConnection(store._db.conn, failures=3)
        store._db.conn = failing  # type: ignore[assignment]
        store.add_observation(obs("motion.hall", True))
        await asyncio.wait_for(committed.wait(), 10)
        assert store.stats["failed_flushes"] == 3
        assert len(failing.attempts) == 4
        # No spinning: each retry waits twice as long as the one before.
        gaps = [b - a for a, b in itertools.pairwise(failing.attempts)]
        assert [round(g, 3) >= 0.009 * 2**i for i, g in enumerate(gaps)] == [True] * 3
    assert count_rows(db_path) == 1
    assert caplog.text.count("could not save 1 writes") == 3


async def test_closing_on_a_broken_disk_says_so(db_path: Path) -> None:
    with pytest.raises(StoreError, match="disk is full"):
        async with Store.open(db_path, flush_interval=NEVER) as store:
            store._db.conn = FailingConnection(store._db.conn, failures=99)  # type: ignore[assignment]
            store.add_observation(obs("motion.hall", True))


class GatedConnection(FailingConnection):
    """Holds each COMMIT until released, so a test can act while a flush is in flight."""

    def __init__(self, conn: sqlite3.Connection, failures: int) -> None:
        super().__init__(conn, failures)
        self.entered = threading.Event()
        self.release = threading.Event()

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql == "COMMIT":
            self.entered.set()
            self.release.wait(10)
        return super().execute(sql, *args)


async def test_a_flush_cancelled_in_flight_loses_nothing(db_path: Path) -> None:
    async with Store.open(db_path, flush_interval=NEVER) as store:
        gated = GatedConnection(store._db.conn, failures=1)
        store._db.conn = gated  # type: ignore[assignment]
        for i in range(50):
            store.add_observation(obs("motion.hall", True, i))
        task = asyncio.create_task(store.flush())
        assert await asyncio.to_thread(gated.entered.wait, 10)
        task.cancel()  # the caller gives up while the disk is failing the commit
        gated.release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        await store.flush()
        assert await store.observations(T0, T0 + timedelta(hours=1)) == [
            obs("motion.hall", True, i) for i in range(50)
        ]
    assert count_rows(db_path) == 50


async def test_two_writers_on_one_file_do_not_collide(db_path: Path) -> None:
    # Say the hub runs while the installer imports a recorded history into the same file.
    async with (
        Store.open(db_path, flush_interval=NEVER) as hub,
        Store.open(db_path, flush_interval=NEVER) as importer,
    ):
        for i in range(10):
            hub.add_observation(obs("motion.hall", True, i))
        await hub.flush()
        for i in range(10):
            importer.add_observation(obs("motion.hall", False, i, source="import"))
            importer.add_observation(obs("motion.kitchen", True, i, source="import"))
        await importer.flush()
        hub.add_observation(obs("motion.kitchen", False, 5))
        await hub.flush()
        seen_by_hub = await hub.observations(T0, T0 + timedelta(hours=1))
    assert len(seen_by_hub) == 31
    at_5 = [(o.entity, o.value, o.source) for o in seen_by_hub if o.ts == T0 + timedelta(seconds=5)]
    assert at_5 == [
        ("motion.hall", True, "zigbee"),
        ("motion.hall", False, "import"),
        ("motion.kitchen", True, "import"),
        ("motion.kitchen", False, "zigbee"),
    ]
