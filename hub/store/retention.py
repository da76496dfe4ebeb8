"""Retention: fold each old local day into daily aggregates, then delete its raw observations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hub.model import ValueKind
from hub.store.codec import SEQ_BITS, Stored, from_ms, kind_of, to_ms

# Merged into an existing row: observations that arrive late for a day already folded add to
# its aggregate instead of replacing it.
_FOLD = """
    INSERT INTO daily_aggregates (entity_id, day, "count", n_on, "min", "max", "sum")
    SELECT o.entity_id, ?, count(*),
        CASE WHEN e.kind = 'binary' THEN sum(o.value != 0) END,
        CASE WHEN e.kind != 'text' THEN min(o.value) END,
        CASE WHEN e.kind != 'text' THEN max(o.value) END,
        CASE WHEN e.kind != 'text' THEN total(o.value) END
    FROM observations o JOIN entities e ON e.id = o.entity_id
    WHERE o.id >= ? AND o.id < ?
    GROUP BY o.entity_id
    ON CONFLICT (entity_id, day) DO UPDATE SET
        "count" = "count" + excluded."count",
        n_on = n_on + excluded.n_on,
        "min" = min("min", excluded."min"),
        "max" = max("max", excluded."max"),
        "sum" = "sum" + excluded."sum"
"""


@dataclass(frozen=True, slots=True)
class DailyAggregate:
    """One entity's observations of one local day, summed up."""

    entity: str
    day: date
    count: int
    n_on: int | None  # binary entities: how many observations were on
    min: float | None  # not for text entities
    max: float | None
    sum: float | None

    @property
    def mean(self) -> float | None:
        """The average value; for a binary entity, the share of observations that were on."""
        if self.sum is None or not self.count:
            return None
        return self.sum / self.count


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `tz`."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def cutoff(now: datetime, keep_days: int, tz: ZoneInfo) -> datetime:
    """The start of the local day `keep_days` before the day of `now`."""
    if keep_days < 0:
        raise ValueError(f"keep_days must be 0 or more, got {keep_days}")
    today = now.astimezone(tz).date()
    return local_midnight(today - timedelta(days=keep_days), tz)


def fold_oldest_day(conn: sqlite3.Connection, before_ms: int, tz: ZoneInfo) -> int | None:
    """Aggregate and delete the oldest local day with raw rows before `before_ms`.

    Returns the raw rows deleted, or None when there is no such day. One transaction, so a
    crash leaves the day either untouched or folded and gone, never counted twice.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        first = conn.execute(
            "SELECT min(id) FROM observations WHERE id < ?", (before_ms << SEQ_BITS,)
        ).fetchone()[0]
        if first is None:
            conn.execute("COMMIT")
            return None
        day = from_ms(first >> SEQ_BITS).astimezone(tz).date()
        lo = to_ms(local_midnight(day, tz)) << SEQ_BITS
        hi = min(to_ms(local_midnight(day + timedelta(days=1), tz)), before_ms) << SEQ_BITS
        conn.execute(_FOLD, (day.isoformat(), lo, hi))
        deleted = conn.execute("DELETE FROM observations WHERE id >= ? AND id < ?", (lo, hi))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return deleted.rowcount


def daily_aggregates(
    conn: sqlite3.Connection,
    entity_id: int,
    entity: str,
    first: date,
    last: date,
    tz: ZoneInfo | None,
) -> list[DailyAggregate]:
    """Stored aggregates of `entity` for first..last; with `tz`, days still raw are added."""
    days: dict[date, DailyAggregate] = {}
    for day, count, n_on, lo, hi, total in conn.execute(
        """SELECT day, "count", n_on, "min", "max", "sum" FROM daily_aggregates
           WHERE entity_id = ? AND day >= ? AND day <= ?""",
        (entity_id, first.isoformat(), last.isoformat()),
    ):
        when = date.fromisoformat(day)
        days[when] = DailyAggregate(entity, when, count, n_on, lo, hi, total)
    if tz is not None:
        lo_key = to_ms(local_midnight(first, tz)) << SEQ_BITS
        hi_key = to_ms(local_midnight(last + timedelta(days=1), tz)) << SEQ_BITS
        rows = conn.execute(
            "SELECT id, value FROM observations WHERE id >= ? AND id < ? AND entity_id = ?",
            (lo_key, hi_key, entity_id),
        )
        for day, agg in _aggregate(entity, rows, tz).items():
            days[day] = merge(days[day], agg) if day in days else agg
    return [days[day] for day in sorted(days)]


def merge(a: DailyAggregate, b: DailyAggregate) -> DailyAggregate:
    """Two aggregates of the same entity and day as one."""

    def add(x: float | None, y: float | None) -> float | None:
        return None if x is None or y is None else x + y

    return DailyAggregate(
        a.entity,
        a.day,
        a.count + b.count,
        None if a.n_on is None or b.n_on is None else a.n_on + b.n_on,
        None if a.min is None or b.min is None else min(a.min, b.min),
        None if a.max is None or b.max is None else max(a.max, b.max),
        add(a.sum, b.sum),
    )


def _aggregate(
    entity: str, rows: Iterable[tuple[int, Stored]], tz: ZoneInfo
) -> dict[date, DailyAggregate]:
    kind = kind_of(entity)
    out: dict[date, DailyAggregate] = {}
    for key, raw in rows:
        day = from_ms(key >> SEQ_BITS).astimezone(tz).date()
        if kind is ValueKind.TEXT:
            agg = DailyAggregate(entity, day, 1, None, None, None, None)
        else:
            number = float(raw)
            n_on = int(number != 0) if kind is ValueKind.BINARY else None
            agg = DailyAggregate(entity, day, 1, n_on, number, number, number)
        out[day] = merge(out[day], agg) if day in out else agg
    return out
