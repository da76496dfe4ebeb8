"""Shared helpers for the store tests."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.model import Observation, Value
from hub.store import Store

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
# Long enough that no background flush happens during a test unless the test asks for one.
NEVER = 3600.0


def obs(entity: str, value: Value, seconds: float = 0, source: str = "zigbee") -> Observation:
    return Observation(T0 + timedelta(seconds=seconds), entity, value, source)


def count_rows(path: Path, table: str = "observations") -> int:
    """Rows in `table` as another process would see them: through its own connection."""
    conn = sqlite3.connect(path)
    try:
        n: int = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        return n
    finally:
        conn.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "obhut.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    async with Store.open(db_path, flush_interval=NEVER) as s:
        yield s


@pytest.fixture
def on_commit(monkeypatch: pytest.MonkeyPatch) -> Callable[[], asyncio.Event]:
    """An event set after each successful flush: waits for the background task, no sleeping."""
    events: list[asyncio.Event] = []
    original = Store._commit

    async def commit(self: Store) -> None:
        before = self.stats["flushes"]
        await original(self)
        if self.stats["flushes"] > before:
            for event in events:
                event.set()

    monkeypatch.setattr(Store, "_commit", commit)

    def make() -> asyncio.Event:
        events.append(asyncio.Event())
        return events[-1]

    return make
