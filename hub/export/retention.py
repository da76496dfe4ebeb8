"""How long alerts and the audit log are kept: `storage.retention.alerts` and `.audit`.

Run by the hub's nightly clean-up after the observations are folded. An alert goes when it
has been over (resolved) for longer than its retention, with its messages; one that is not
over stays, however old. The carers' visit log is a record of care like the alerts and is
kept as long: a visit goes when it ended longer ago (one never checked out stays). Audit
entries go by their age.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.store import Store
from hub.store.alerts import transact
from hub.store.codec import to_ms


@dataclass(frozen=True)
class Expired:
    alerts: int
    deliveries: int
    audit: int
    visits: int = 0


def expire(conn: sqlite3.Connection, now: datetime, alerts: timedelta, audit: timedelta) -> Expired:
    """Delete what is past its retention; inside the caller's transaction."""
    over = to_ms(now - alerts)
    old = "SELECT id FROM alerts WHERE resolved_ts IS NOT NULL AND resolved_ts < ?"
    deliveries = conn.execute(
        f"DELETE FROM deliveries WHERE alert_id IN ({old})",  # noqa: S608 - a fixed query
        (over,),
    ).rowcount
    gone = conn.execute(
        "DELETE FROM alerts WHERE resolved_ts IS NOT NULL AND resolved_ts < ?", (over,)
    ).rowcount
    entries = conn.execute("DELETE FROM audit WHERE ts < ?", (to_ms(now - audit),)).rowcount
    visits = conn.execute(
        "DELETE FROM visits WHERE left_ts IS NOT NULL AND left_ts < ?", (over,)
    ).rowcount
    return Expired(gone, deliveries, entries, visits)


async def apply(store: Store, now: datetime, alerts: timedelta, audit: timedelta) -> Expired:
    """`expire` on the store's own thread, in one transaction."""
    return await transact(store, lambda tx: expire(tx.conn, now, alerts, audit))
