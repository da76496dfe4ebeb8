"""Everything the store holds, read through a read-only connection while the hub may run.

Observations come from `hub.replay.History` (a chunk per query, so no read transaction is
held open while the hub writes); alerts, deliveries, the audit log, daily aggregates, the
current state and pending timers are read here the same way.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from hub.alerts.model import Alert, Delivery
from hub.model import Observation, ValueKind
from hub.replay import HISTORY_CHUNK, History, HistoryError
from hub.store.alerts import AlertTx
from hub.store.codec import (
    SEQ_BITS,
    decode_observation,
    decode_value,
    from_ms,
    from_us,
    kind_of,
    to_ms_ceil,
)
from hub.store.overlay import AuditEntry

__all__ = ["Aggregate", "HistoryError", "Records"]

CHUNK = 5_000
_CHUNK_SQL = (
    "SELECT id, entity_id, value, source_id FROM observations"
    " WHERE id > ? AND id < ? ORDER BY id LIMIT ?"
)
# (entity, day, count, n_on, min, max, sum)
Aggregate = tuple[str, str, int, int | None, float | None, float | None, float | None]


class Records(History):
    """The store's tables, read-only; `Records.open(path)` as for History."""

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path) -> Iterator[Records]:
        with super().open(path) as history:
            assert isinstance(history, Records)
            yield history

    @property
    def conn(self) -> sqlite3.Connection:
        return self._conn

    def observations(self, start: datetime, end: datetime) -> Iterator[Observation]:
        """As History's, with each entity's value kind looked up once, not once a row."""
        last = (to_ms_ceil(start) << SEQ_BITS) - 1
        hi = to_ms_ceil(end) << SEQ_BITS
        kinds: dict[int, tuple[str, ValueKind | None]] = {}
        while True:
            rows = self._conn.execute(_CHUNK_SQL, (last, hi, HISTORY_CHUNK)).fetchall()
            if not rows:
                return
            for key, entity_id, raw, source_id in rows:
                known = kinds.get(entity_id)
                if known is None:
                    if entity_id not in self._entities or source_id not in self._sources:
                        self._load_names()  # the running hub interned a new name meanwhile
                    name = self._entities[entity_id]
                    known = kinds[entity_id] = (name, _kind(name))
                if source_id not in self._sources:
                    self._load_names()
                name, kind = known
                yield Observation(
                    from_ms(key >> SEQ_BITS),
                    name,
                    decode_value(kind, raw),
                    self._sources[source_id],
                )
            last = rows[-1][0]

    def alerts(self, start: datetime | None = None, end: datetime | None = None) -> list[Alert]:
        """Alerts opened in [start, end) (all without bounds), oldest first."""
        lo = -1 if start is None else to_ms_ceil(start)
        hi = 1 << 62 if end is None else to_ms_ceil(end)
        ids = [
            row[0]
            for row in self._conn.execute(
                "SELECT id FROM alerts WHERE opened_ts >= ? AND opened_ts < ?"
                " ORDER BY opened_ts, id",
                (lo, hi),
            )
        ]
        tx = AlertTx(self._conn)
        return [alert for alert in map(tx.get, ids) if alert is not None]

    def deliveries(self, alert_id: int) -> list[Delivery]:
        return AlertTx(self._conn).deliveries(alert_id)

    def audit(self) -> Iterator[AuditEntry]:
        """The whole audit log, oldest first, a chunk per query."""
        last = -1
        while True:
            rows = self._conn.execute(
                "SELECT id, ts, actor, action, target, detail FROM audit WHERE id > ?"
                " ORDER BY id LIMIT ?",
                (last, CHUNK),
            ).fetchall()
            if not rows:
                return
            for _, ms, actor, action, target, detail in rows:
                yield AuditEntry(from_ms(ms), actor, action, target, detail)
            last = rows[-1][0]

    def daily_aggregates(self) -> list[Aggregate]:
        """Every day of every entity that retention has folded, by day."""
        rows: list[Aggregate] = self._conn.execute(
            """SELECT e.name, a.day, a."count", a.n_on, a."min", a."max", a."sum"
               FROM daily_aggregates a JOIN entities e ON e.id = a.entity_id
               ORDER BY a.day, e.name"""
        ).fetchall()
        return rows

    def current_state(self) -> list[Observation]:
        """Each entity's latest reading (kept after retention folds the raw ones)."""
        rows = self._conn.execute(
            """SELECT e.name, c.ts, c.value, s.name FROM current_state c
               JOIN entities e ON e.id = c.entity_id JOIN sources s ON s.id = c.source_id
               ORDER BY e.name"""
        ).fetchall()
        return [decode_observation(ms, name, raw, source) for name, ms, raw, source in rows]

    def timers(self) -> list[tuple[str, datetime, str, str]]:
        """(key, due, kind, data as JSON): the pending deadlines, rule memory included."""
        rows = self._conn.execute(
            "SELECT key, due, kind, data FROM deadlines ORDER BY due"
        ).fetchall()
        return [(key, from_us(due), kind, data) for key, due, kind, data in rows]

    def accounts(self) -> list[tuple[str, str, datetime, str]]:
        """(username, role, created, created by) of resident accounts; no password hashes."""
        rows = self._conn.execute(
            "SELECT username, role, created_ts, created_by FROM accounts"
            " WHERE role = 'resident' ORDER BY id"
        ).fetchall()
        return [(u, r, from_ms(ms), by) for u, r, ms, by in rows]

    def tablets(self) -> list[tuple[str, datetime, str, datetime | None]]:
        """(name, paired, paired by, revoked) of every tablet; no device tokens."""
        rows = self._conn.execute(
            "SELECT name, created_ts, created_by, revoked_ts FROM tablets ORDER BY id"
        ).fetchall()
        return [(n, from_ms(c), by, None if r is None else from_ms(r)) for n, c, by, r in rows]

    def table_names(self) -> list[str]:
        return [
            row[0]
            for row in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]

    def table(self, name: str) -> tuple[list[str], list[tuple[object, ...]]]:
        """Any table's columns and rows, without hashed secrets (`*_hash` columns)."""
        if name not in self.table_names():
            raise ValueError(f"no table {name!r}")
        columns = [row[1] for row in self._conn.execute(f'PRAGMA table_info("{name}")')]
        shown = [c for c in columns if not c.endswith("_hash")]
        listed = ", ".join(f'"{c}"' for c in shown)
        rows = self._conn.execute(f'SELECT {listed} FROM "{name}"').fetchall()  # noqa: S608
        return shown, rows


def _kind(entity: str) -> ValueKind | None:
    try:
        return kind_of(entity)
    except ValueError:
        return None  # a capability this version no longer knows: the value as stored
