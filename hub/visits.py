"""The visit log: carers checking in and out, on the tablet or with a visit button.

Every check-in and check-out is an observation `visit.<where>` (on: arrived, off: left), as
the rules see it; the book turns them into visits in the store, with the carer's name when the
tablet gave one. A visit button has one button for both: its press checks in when no visit is
open and out when one is (`is_open`). A visit older than STALE without a check-out was left
open by a carer who forgot; the next press or tablet check-in starts a new visit.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hub.model import Capability, Observation
from hub.store.codec import from_ms, to_ms
from hub.store.db import Store

log = logging.getLogger(__name__)

STALE = timedelta(hours=12)
TABLET = "visit.tablet"
MAX_NAME = 60


@dataclass(frozen=True)
class Visit:
    id: int
    arrived: datetime
    arrived_via: str  # the entity: visit.tablet or visit.<room>
    carer: str
    left: datetime | None = None
    left_via: str | None = None
    left_carer: str | None = None

    @property
    def duration(self) -> timedelta | None:
        return None if self.left is None else self.left - self.arrived


@dataclass(frozen=True)
class Current:
    """The open visit as the book knows it between a check-in and its check-out."""

    arrived: datetime
    carer: str


_COLUMNS = "id, arrived_ts, arrived_via, carer, left_ts, left_via, left_carer"


def _visit(row: tuple[Any, ...]) -> Visit:
    id_, arrived, via, carer, left, left_via, left_carer = row
    return Visit(
        id_,
        from_ms(arrived),
        via,
        carer,
        None if left is None else from_ms(left),
        left_via,
        left_carer,
    )


def clean_name(text: object) -> str:
    """A carer's name as typed: trimmed, one line, at most MAX_NAME characters; '' if none."""
    if not isinstance(text, str):
        return ""
    name = " ".join("".join(c for c in text if c.isprintable()).split())
    return name[:MAX_NAME]


class VisitBook:
    """Keeps the visits table in step with the visit observations, in their order."""

    def __init__(self, store: Store, now: Callable[[], datetime]) -> None:
        self.store = store
        self._now = now
        self.current: Current | None = None
        self._names: dict[str, str] = {}
        self._last_write: asyncio.Task[None] | None = None

    async def start(self) -> None:
        def read(conn: sqlite3.Connection) -> Visit | None:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM visits WHERE left_ts IS NULL "  # noqa: S608
                "ORDER BY arrived_ts DESC, id DESC LIMIT 1"
            ).fetchone()
            return None if row is None else _visit(row)

        open_visit = await self.store.transaction(read)
        if open_visit is not None:
            self.current = Current(open_visit.arrived, open_visit.carer)

    def is_open(self) -> bool:
        """Whether a carer is here now (a visit checked in and not out, and not forgotten)."""
        return self.current is not None and self._now() - self.current.arrived < STALE

    def name_next(self, entity: str, carer: str) -> None:
        """The tablet says who checks in or out with the observation it sends next."""
        self._names[entity] = carer

    def on_observation(self, obs: Observation) -> None:
        if obs.capability is not Capability.VISIT or not isinstance(obs.value, bool):
            return
        carer = self._names.pop(obs.entity, "")
        ms = to_ms(obs.ts)
        if obs.value:
            self.current = Current(obs.ts, carer)

            def write(conn: sqlite3.Connection) -> None:
                conn.execute(
                    "INSERT INTO visits (arrived_ts, arrived_via, carer) VALUES (?, ?, ?)",
                    (ms, obs.entity, carer),
                )

        else:
            if self.current is None:
                log.info("%s: checked out at %s, but no visit was open", obs.entity, obs.ts)
                return
            self.current = None

            def write(conn: sqlite3.Connection) -> None:
                conn.execute(
                    "UPDATE visits SET left_ts = ?, left_via = ?, left_carer = ? WHERE id = "
                    "(SELECT id FROM visits WHERE left_ts IS NULL "
                    "ORDER BY arrived_ts DESC, id DESC LIMIT 1)",
                    (ms, obs.entity, carer),
                )

        self._last_write = asyncio.ensure_future(self._after(self._last_write, write))

    async def _after(
        self, previous: asyncio.Task[None] | None, write: Callable[[sqlite3.Connection], None]
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # in the order they happened, whatever befell it
        try:
            await self.store.transaction(write)
        except Exception:
            # The observation itself is stored; the log page misses this one line.
            log.exception("a visit could not be written to the store")

    async def settled(self) -> None:
        """Wait until every check-in and check-out so far is in the store."""
        last = self._last_write
        if last is not None:
            await asyncio.wait([last])

    async def between(self, start: datetime, end: datetime) -> list[Visit]:
        """Visits that began in [start, end), newest first."""
        await self.settled()

        def read(conn: sqlite3.Connection) -> list[Visit]:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM visits "  # noqa: S608 - fixed columns
                "WHERE arrived_ts >= ? AND arrived_ts < ? ORDER BY arrived_ts DESC, id DESC",
                (to_ms(start), to_ms(end)),
            )
            return [_visit(r) for r in rows]

        return await self.store.transaction(read)

    async def recent_names(self, limit: int = 6) -> list[str]:
        """The carers who checked in lately, newest first, each once."""
        await self.settled()

        def read(conn: sqlite3.Connection) -> list[str]:
            rows = conn.execute(
                "SELECT carer FROM visits WHERE carer != '' GROUP BY carer "
                "ORDER BY max(arrived_ts) DESC LIMIT ?",
                (limit,),
            )
            return [r[0] for r in rows]

        return await self.store.transaction(read)
