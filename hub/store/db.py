"""The store: writes buffered in order and committed in batches on one database thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.model import Deadline, Observation, ValueKind
from hub.store import overlay
from hub.store.bins import Bin, with_pending
from hub.store.codec import (
    check_texts,
    encode_deadline,
    encode_observation,
    kind_of,
    to_ms,
    to_ms_ceil,
)
from hub.store.errors import StoreError
from hub.store.overlay import AuditEntry
from hub.store.queue import WriteQueue
from hub.store.retention import DailyAggregate, cutoff, fold_oldest_day
from hub.store.sql import Database

log = logging.getLogger(__name__)

# After a failed flush the background task waits this long, doubling up to the maximum: a full
# disk is not fixed by hammering it.
_BACKOFF_MIN = 0.5
_BACKOFF_MAX = 30.0


class Store:
    """History, current state, deadlines and audit log of the hub, in one SQLite file."""

    def __init__(
        self,
        db: Database,
        executor: ThreadPoolExecutor,
        *,
        batch_size: int,
        flush_interval: float,
        clock: Callable[[], datetime],
    ) -> None:
        self._db = db
        self._executor = executor
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._clock = clock
        self._queue = WriteQueue()
        # Held by each flush and each read: a read sees the database and the queue as one.
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._closing = asyncio.Event()
        self._closed = False
        self._kinds: dict[str, ValueKind] = {}
        self._sources: set[str] = set()
        self._written = 0
        self._flushes = 0
        self._failures = 0
        self._flusher: asyncio.Task[None] | None = None

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls,
        path: str | Path,
        *,
        batch_size: int = 1000,
        flush_interval: float = 1.0,
        clock: Callable[[], datetime] | None = None,
    ) -> AsyncIterator[Store]:
        """Open the store at `path` (":memory:" for none); flush and close it on exit."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if not flush_interval > 0:
            raise ValueError(f"flush_interval must be positive, got {flush_interval}")
        # One thread owns the connection: writes and reads run there in submission order.
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="obhut-store")
        try:
            db = await asyncio.get_running_loop().run_in_executor(executor, Database.open, path)
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        store = cls(
            db,
            executor,
            batch_size=batch_size,
            flush_interval=flush_interval,
            clock=clock or partial(datetime.now, UTC),
        )
        store._flusher = asyncio.create_task(store._flush_loop(), name="obhut-store-flush")
        failed = True
        try:
            yield store
            failed = False
        finally:
            await store._close(raise_errors=not failed)

    # Writes: synchronous, validated at once, committed by the next flush.

    def add_observation(self, obs: Observation) -> None:
        """Buffer `obs`; ValueError if it could never be stored (naive time, wrong kind)."""
        entity = obs.entity
        kind = self._kinds.get(entity)
        if kind is None:
            kind = self._kinds[entity] = kind_of(entity)
        source = obs.source
        if source not in self._sources:
            check_texts(source)
            self._sources.add(source)
        row = encode_observation(obs, kind)
        self._before_write()
        self._queue.batch.observations.append(row)
        self._after_write()

    def put_deadline(self, deadline: Deadline) -> None:
        """Store `deadline`, replacing any with the same key."""
        row = encode_deadline(deadline)
        self._before_write()
        self._queue.batch.deadlines[deadline.key] = row
        self._after_write()

    def delete_deadline(self, key: str) -> None:
        check_texts(key)
        self._before_write()
        self._queue.batch.deadlines[key] = None
        self._after_write()

    def audit(self, actor: str, action: str, target: str = "", detail: str = "") -> None:
        """Record that `actor` did `action` to `target`, now by the store's clock."""
        check_texts(actor, action, target, detail)
        row = (to_ms(self._clock()), actor, action, target, detail)
        self._before_write()
        self._queue.batch.audits.append(row)
        self._after_write()

    def _before_write(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")
        if not self._queue.batch:
            self._queue.since = time.monotonic()
            self._wake.set()

    def _after_write(self) -> None:
        if len(self._queue) >= self._batch_size:
            self._wake.set()

    async def flush(self) -> None:
        """Commit everything written so far in one transaction; StoreError if that failed."""
        # Shielded: a caller cancelled mid-flush must not leave a batch half accounted for.
        await asyncio.shield(self._commit())

    async def _commit(self) -> None:
        async with self._lock:
            batch = self._queue.take()
            if not batch:
                return
            try:
                written = await self._run(self._db.write, batch)
            except Exception as exc:
                self._queue.put_back(batch)
                self._failures += 1
                log.error("could not save %d writes, keeping them to retry: %s", len(batch), exc)
                raise StoreError(
                    f"could not save {len(batch)} writes ({exc}); they are kept and retried"
                ) from exc
            self._written += written
            self._flushes += 1

    async def _flush_loop(self) -> None:
        backoff = 0.0
        while not self._closing.is_set():
            self._wake.clear()
            if not self._queue.batch:
                await self._wake.wait()
                continue
            left = self._queue.since + self._flush_interval - time.monotonic()
            if len(self._queue) < self._batch_size and left > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), left)
                continue
            try:
                await self.flush()
            except Exception as exc:
                if not isinstance(exc, StoreError):
                    log.exception("the background flush failed")
                backoff = min(max(2 * backoff, _BACKOFF_MIN), _BACKOFF_MAX)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), backoff)
            else:
                backoff = 0.0

    async def _close(self, *, raise_errors: bool) -> None:
        self._closing.set()
        self._wake.set()
        if self._flusher is not None:
            await asyncio.wait([self._flusher])
        try:
            await self.flush()
        except StoreError:
            log.error("closing the store with %d writes unsaved", len(self._queue))
            if raise_errors:
                raise
        finally:
            self._closed = True
            await self._run(self._db.close)
            self._executor.shutdown(wait=True)

    async def transaction[T](self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` on the database thread inside one transaction; commit if it returns.

        For the tables beside the history (alerts, accounts, requests, reminders): the
        store's one thread runs it between its own batches, in submission order.
        """

        def run() -> T:
            conn = self._db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result

        return await self._run(run)

    async def _run[T](self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    # Reads: what is committed, with what is still waiting in the queue laid over it.

    async def current_state(self) -> dict[str, Observation]:
        """The last observation of each entity (by time)."""
        async with self._lock:
            pending = list(self._queue.batch.observations)
            stored = await self._run(self._db.current_state)
        return overlay.current_state(stored, pending)

    async def observations(
        self, start: datetime, end: datetime, entities: Collection[str] | None = None
    ) -> list[Observation]:
        """Observations with start <= ts < end, in time then insertion order."""
        lo, hi = to_ms_ceil(start), to_ms_ceil(end)
        names = None if entities is None else _names(entities)
        async with self._lock:
            pending = [
                row
                for row in self._queue.batch.observations
                if lo <= row[0] < hi and (names is None or row[1] in names)
            ]
            stored = await self._run(self._db.observations, lo, hi, names)
        return overlay.observations(stored, pending)

    async def bins(
        self,
        entity: str,
        start: datetime,
        end: datetime,
        length: timedelta,
        within: tuple[float, float],
    ) -> list[Bin]:
        """Numeric readings of `entity` in [start, end) and within `within`, per `length`."""
        lo, hi = to_ms_ceil(start), to_ms_ceil(end)
        bin_ms = int(length.total_seconds() * 1000)
        low, high = within
        async with self._lock:
            pending = list(self._queue.batch.observations)
            stored = await self._run(self._db.bins, entity, lo, hi, bin_ms, low, high)
        return with_pending(stored, pending, entity, lo, hi, bin_ms, low, high)

    async def load_deadlines(self) -> list[Deadline]:
        """Every pending deadline, soonest first."""
        async with self._lock:
            pending = dict(self._queue.batch.deadlines)
            stored = await self._run(self._db.deadlines)
        return overlay.deadlines(stored, pending)

    async def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """The newest `limit` audit entries, newest first."""
        if limit <= 0:
            return []
        async with self._lock:
            pending = list(self._queue.batch.audits)
            stored = await self._run(self._db.audit_rows, limit)
        return overlay.audit_entries(stored, pending, limit)

    async def apply_retention(self, now: datetime, keep_days: int, tz: ZoneInfo) -> int:
        """Fold raw observations of local days older than `keep_days` into daily aggregates.

        Returns the raw rows deleted. Each day is one transaction; running it again is harmless.
        """
        before = to_ms(cutoff(now, keep_days, tz))
        await self.flush()
        deleted = 0
        while True:
            async with self._lock:
                folded = await self._run(fold_oldest_day, self._db.conn, before, tz)
            if not folded:
                # None: done. 0 would mean a day that does not hold its first row; stop
                # rather than loop forever.
                return deleted
            deleted += folded

    async def daily_aggregates(
        self, entity: str, first: date, last: date, *, tz: ZoneInfo | None = None
    ) -> list[DailyAggregate]:
        """Aggregates of `entity` per local day, first..last; with `tz`, raw days too."""
        async with self._lock:
            return await self._run(self._db.daily_aggregates, entity, first, last, tz)

    @property
    def stats(self) -> dict[str, int]:
        """Counters for the status page and the benchmark."""
        return {
            "observations_written": self._written,
            "flushes": self._flushes,
            "failed_flushes": self._failures,
            "pending": len(self._queue),
        }


def _names(entities: Collection[str]) -> frozenset[str]:
    # A single id passed by mistake would otherwise be taken as a set of characters.
    return frozenset([entities] if isinstance(entities, str) else entities)
