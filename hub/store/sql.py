"""The SQLite side of the store; every method runs on the store's one database thread."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from hub.model import Observation
from hub.store.bins import Raw, stored_bins
from hub.store.codec import (
    SEQ_BITS,
    DeadlineRow,
    ObservationRow,
    Stored,
    decode_observation,
    kind_of,
)
from hub.store.errors import StoreError
from hub.store.migrations import check_version, migrate
from hub.store.queue import Batch
from hub.store.retention import DailyAggregate, daily_aggregates

log = logging.getLogger(__name__)

MEMORY = ":memory:"
# Small pages: a flush of a few observations rewrites whole pages into the WAL, so the page size
# is what the SD card sees per commit. 1 KiB halves it against the default 4 KiB (see
# bench/store_bench.py). Only takes effect when the file is created.
PAGE_SIZE = 1024
_BUSY_MS = 5000
_WAL_LIMIT = 4 << 20

_INSERT_OBSERVATION = "INSERT INTO observations (id, entity_id, value, source_id) VALUES (?,?,?,?)"
# A late observation (older than the stored state) does not overwrite the current state.
_UPSERT_CURRENT = """
    INSERT INTO current_state (entity_id, ts, value, source_id) VALUES (?,?,?,?)
    ON CONFLICT (entity_id) DO UPDATE
    SET ts = excluded.ts, value = excluded.value, source_id = excluded.source_id
    WHERE excluded.ts >= current_state.ts"""
_UPSERT_DEADLINE = """
    INSERT INTO deadlines (key, due, kind, data, trigger) VALUES (?,?,?,?,?)
    ON CONFLICT (key) DO UPDATE
    SET due = excluded.due, kind = excluded.kind, data = excluded.data,
        trigger = excluded.trigger"""
_INSERT_AUDIT = "INSERT INTO audit (ts, actor, action, target, detail) VALUES (?,?,?,?,?)"


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (or create) the database file with the settings the hub relies on."""
    if str(path) != MEMORY:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS:d}")
        check_version(conn)
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE:d}")
        conn.execute("PRAGMA journal_mode = WAL")
        # A WAL grown by one huge flush (after an outage) is cut back when it is next reset.
        conn.execute(f"PRAGMA journal_size_limit = {_WAL_LIMIT:d}")
        # FULL: a commit is on the card before flush() returns, even across a power cut.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"cannot open the database {path}: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn


class Database:
    """One connection, with the interned entity and source ids cached."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.entity_ids: dict[str, int] = {}
        self.entity_names: dict[int, str] = {}
        self.source_ids: dict[str, int] = {}
        self.source_names: dict[int, str] = {}
        self.load_names()

    @classmethod
    def open(cls, path: str | Path) -> Database:
        return cls(connect(path))

    def close(self) -> None:
        self.conn.close()

    def load_names(self) -> None:
        """(Re)load the interned names, e.g. after another process added some."""
        for id_, name in self.conn.execute("SELECT id, name FROM entities"):
            self.entity_ids[name] = id_
            self.entity_names[id_] = name
        for id_, name in self.conn.execute("SELECT id, name FROM sources"):
            self.source_ids[name] = id_
            self.source_names[id_] = name

    def write(self, batch: Batch) -> int:
        """Commit `batch` in one transaction; returns the observations written."""
        conn = self.conn
        new_entities: dict[str, int] = {}
        new_sources: dict[str, int] = {}
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows, latest = self._observation_rows(batch.observations, new_entities, new_sources)
            conn.executemany(_INSERT_OBSERVATION, rows)
            conn.executemany(_UPSERT_CURRENT, latest)
            puts = [row for row in batch.deadlines.values() if row is not None]
            gone = [(key,) for key, row in batch.deadlines.items() if row is None]
            conn.executemany("DELETE FROM deadlines WHERE key = ?", gone)
            conn.executemany(_UPSERT_DEADLINE, puts)
            conn.executemany(_INSERT_AUDIT, batch.audits)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        # Only now that the ids are committed may the caches remember them.
        for name, id_ in new_entities.items():
            self.entity_ids[name] = id_
            self.entity_names[id_] = name
        for name, id_ in new_sources.items():
            self.source_ids[name] = id_
            self.source_names[id_] = name
        return len(rows)

    def _observation_rows(
        self,
        pending: list[ObservationRow],
        new_entities: dict[str, int],
        new_sources: dict[str, int],
    ) -> tuple[list[tuple[int, int, Stored, int]], list[tuple[int, int, Stored, int]]]:
        rows: list[tuple[int, int, Stored, int]] = []
        latest: dict[int, tuple[int, int, Stored, int]] = {}
        # Read inside the write transaction: right even if another process wrote meanwhile.
        top = self.conn.execute("SELECT ifnull(max(id), -1) FROM observations").fetchone()[0]
        last: dict[int, int] = {}  # ms → last id given in this batch
        for ms, entity, value, source in pending:
            entity_id = self.entity_ids.get(entity) or new_entities.get(entity)
            if entity_id is None:
                entity_id = new_entities[entity] = self._intern("entities", entity)
            source_id = self.source_ids.get(source) or new_sources.get(source)
            if source_id is None:
                source_id = new_sources[source] = self._intern("sources", source)
            base = ms << SEQ_BITS
            prev = last.get(ms)
            if prev is not None:
                key = prev + 1
            elif base > top:
                key = base  # the usual case: newer than everything stored
            elif top >> SEQ_BITS == ms:
                key = top + 1
            else:
                key = self._next_in_ms(ms)  # a late observation, older than the newest row
            if key >> SEQ_BITS != ms:
                # A million observations within one millisecond: the id space of that
                # millisecond is full. Only a runaway source can do this.
                log.error("dropped an observation of %s: too many at %d ms", entity, ms)
                continue
            last[ms] = key
            top = max(top, key)
            rows.append((key, entity_id, value, source_id))
            seen = latest.get(entity_id)
            if seen is None or seen[1] <= ms:
                latest[entity_id] = (entity_id, ms, value, source_id)
        return rows, list(latest.values())

    def _next_in_ms(self, ms: int) -> int:
        base = ms << SEQ_BITS
        last = self.conn.execute(
            "SELECT max(id) FROM observations WHERE id >= ? AND id < ?",
            (base, base + (1 << SEQ_BITS)),
        ).fetchone()[0]
        return base if last is None else int(last) + 1

    def _intern(self, table: str, name: str) -> int:
        # OR IGNORE and a lookup: another process may have interned the name already.
        if table == "entities":
            self.conn.execute(
                "INSERT OR IGNORE INTO entities (name, kind) VALUES (?, ?)",
                (name, kind_of(name).value),
            )
        else:
            self.conn.execute("INSERT OR IGNORE INTO sources (name) VALUES (?)", (name,))
        id_: int = self.conn.execute(
            f"SELECT id FROM {table} WHERE name = ?",  # noqa: S608 - table is one of two names
            (name,),
        ).fetchone()[0]
        return id_

    # Reads

    def current_state(self) -> dict[str, Observation]:
        rows = self.conn.execute(
            """SELECT e.name, c.ts, c.value, s.name FROM current_state c
               JOIN entities e ON e.id = c.entity_id JOIN sources s ON s.id = c.source_id"""
        )
        return {name: decode_observation(ms, name, value, src) for name, ms, value, src in rows}

    def observations(
        self, lo_ms: int, hi_ms: int, entities: Collection[str] | None
    ) -> list[Observation]:
        """Rows with lo_ms <= ts < hi_ms, in time then insertion order."""
        sql = "SELECT id, entity_id, value, source_id FROM observations WHERE id >= ? AND id < ?"
        params: list[int] = [lo_ms << SEQ_BITS, hi_ms << SEQ_BITS]
        if entities is not None:
            if not all(e in self.entity_ids for e in entities):
                self.load_names()
            ids = [self.entity_ids[e] for e in entities if e in self.entity_ids]
            if not ids:
                return []
            sql += f" AND entity_id IN ({','.join('?' * len(ids))})"
            params.extend(ids)
        rows = self.conn.execute(sql + " ORDER BY id", params).fetchall()
        names, sources = self.entity_names, self.source_names
        if any(eid not in names or sid not in sources for _, eid, _, sid in rows):
            self.load_names()
        return [
            decode_observation(key >> SEQ_BITS, names[eid], value, sources[sid])
            for key, eid, value, sid in rows
        ]

    def deadlines(self) -> list[DeadlineRow]:
        return self.conn.execute("SELECT key, due, kind, data, trigger FROM deadlines").fetchall()

    def audit_rows(self, limit: int) -> list[tuple[int, str, str, str, str]]:
        return self.conn.execute(
            "SELECT ts, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()

    def bins(
        self, entity: str, lo_ms: int, hi_ms: int, bin_ms: int, low: float, high: float
    ) -> list[Raw]:
        if entity not in self.entity_ids:
            self.load_names()
        entity_id = self.entity_ids.get(entity)
        if entity_id is None:
            return []
        return stored_bins(self.conn, entity_id, lo_ms, hi_ms, bin_ms, low, high)

    def daily_aggregates(
        self, entity: str, first: date, last: date, tz: ZoneInfo | None
    ) -> list[DailyAggregate]:
        if entity not in self.entity_ids:
            self.load_names()
        entity_id = self.entity_ids.get(entity)
        if entity_id is None:
            return []
        return daily_aggregates(self.conn, entity_id, entity, first, last, tz)
