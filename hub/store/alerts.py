"""Alerts and the outbox in SQLite: each change is one transaction on the store's database thread.

A delivery row is written in the same transaction as the alert change that caused it, so an
alert never exists without its messages, nor a message without its alert. The body column
holds the message as JSON (kind, subject, text, escalation step); `Delivery` decodes it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from hub.alerts.model import Alert, AlertState, Delivery, DeliveryState
from hub.model import Severity
from hub.store.codec import from_ms, to_ms
from hub.store.db import Store

_ALERT_COLUMNS = (
    "id, rule, subject, kind, severity, state, opened_ts, summary, acknowledged_ts, "
    "acknowledged_by, resolved_ts, data"
)
_DELIVERY_COLUMNS = (
    "id, alert_id, contact, channel, body, state, attempts, created_ts, next_attempt_ts, "
    "last_error, provider_id, sent_ts"
)


_SET_STATE = """UPDATE deliveries SET state = ?, attempts = attempts + ?,
    next_attempt_ts = coalesce(?, next_attempt_ts), last_error = coalesce(?, last_error),
    provider_id = coalesce(?, provider_id), sent_ts = coalesce(?, sent_ts) WHERE id = ?"""
log = logging.getLogger(__name__)


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _ms(ts: datetime | None) -> int | None:
    return None if ts is None else to_ms(ts)


def _dt(ms: int | None) -> datetime | None:
    return None if ms is None else from_ms(ms)


def _alert(row: tuple[Any, ...]) -> Alert:
    id_, rule, subject, kind, severity, state, opened, summary, ack, ack_by, res, data = row
    return Alert(
        id=id_,
        rule=rule,
        subject=subject,
        kind=kind,
        severity=Severity(severity),
        state=AlertState(state),
        opened=from_ms(opened),
        summary=summary,
        acknowledged=_dt(ack),
        acknowledged_by=ack_by,
        resolved=_dt(res),
        data=json.loads(data),
    )


def _delivery(row: tuple[Any, ...]) -> Delivery:
    id_, alert_id, contact, channel, body, state, attempts, created, next_ts, error, pid, sent = row
    message: dict[str, Any] = json.loads(body)
    return Delivery(
        id=id_,
        alert_id=alert_id,
        contact=contact,
        channel=channel,
        kind=message["kind"],
        subject=message.get("subject", ""),
        body=message["text"],
        step=message.get("step"),
        state=DeliveryState(state),
        attempts=attempts,
        created=from_ms(created),
        next_attempt=_dt(next_ts),
        last_error=error,
        provider_id=pid,
        sent=_dt(sent),
    )


class AlertTx:
    """The alert and delivery tables inside one open transaction (database thread only)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # Alerts

    def get(self, alert_id: int) -> Alert | None:
        row = self.conn.execute(
            f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id = ?",  # noqa: S608 - fixed columns
            (alert_id,),
        ).fetchone()
        return None if row is None else _alert(row)

    def unresolved(self, rule: str | None = None, subject: str | None = None) -> list[Alert]:
        """Alerts not yet resolved, oldest first; optionally of one rule (and subject)."""
        sql = f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE resolved_ts IS NULL"  # noqa: S608
        params: list[str] = []
        if rule is not None:
            sql += " AND rule = ?"
            params.append(rule)
        if subject is not None:
            sql += " AND subject = ?"
            params.append(subject)
        return [_alert(r) for r in self.conn.execute(sql + " ORDER BY id", params)]

    def recent(self, limit: int) -> list[Alert]:
        """The newest `limit` alerts, resolved or not, newest first."""
        sql = f"SELECT {_ALERT_COLUMNS} FROM alerts ORDER BY id DESC LIMIT ?"  # noqa: S608
        return [_alert(r) for r in self.conn.execute(sql, (limit,))]

    def opened_between(self, start: datetime, end: datetime, kind: str) -> list[Alert]:
        """Alerts of one kind (e.g. reminder) opened in [start, end), oldest first."""
        sql = (
            f"SELECT {_ALERT_COLUMNS} FROM alerts "  # noqa: S608 - fixed columns
            "WHERE opened_ts >= ? AND opened_ts < ? AND kind = ? ORDER BY opened_ts, id"
        )
        return [_alert(r) for r in self.conn.execute(sql, (to_ms(start), to_ms(end), kind))]

    def insert(
        self,
        *,
        rule: str,
        subject: str,
        kind: str,
        severity: Severity,
        state: AlertState,
        opened: datetime,
        summary: str,
        data: dict[str, Any],
        resolved: datetime | None = None,
    ) -> Alert:
        cur = self.conn.execute(
            """INSERT INTO alerts (rule, subject, kind, severity, state, opened_ts, summary,
                   data, resolved_ts) VALUES (?,?,?,?,?,?,?,?,?)""",
            (
                rule,
                subject,
                kind,
                severity.value,
                state.value,
                to_ms(opened),
                summary,
                _json(data),
                _ms(resolved),
            ),
        )
        alert = self.get(int(cur.lastrowid or 0))
        assert alert is not None
        return alert

    def update(self, alert: Alert) -> None:
        """Write back everything that can change about `alert`."""
        self.conn.execute(
            """UPDATE alerts SET severity = ?, state = ?, summary = ?, acknowledged_ts = ?,
                   acknowledged_by = ?, resolved_ts = ?, data = ? WHERE id = ?""",
            (
                alert.severity.value,
                alert.state.value,
                alert.summary,
                _ms(alert.acknowledged),
                alert.acknowledged_by,
                _ms(alert.resolved),
                _json(alert.data),
                alert.id,
            ),
        )

    # Deliveries

    def add_delivery(
        self,
        alert_id: int,
        contact: str,
        channel: str,
        *,
        kind: str,
        subject: str,
        text: str,
        now: datetime,
        due: datetime,
        step: int | None = None,
    ) -> int:
        message: dict[str, Any] = {"kind": kind, "subject": subject, "text": text}
        if step is not None:
            message["step"] = step
        cur = self.conn.execute(
            """INSERT INTO deliveries (alert_id, contact, channel, body, state, created_ts,
                   next_attempt_ts) VALUES (?,?,?,?,'pending',?,?)""",
            (alert_id, contact, channel, _json(message), to_ms(now), to_ms(due)),
        )
        return int(cur.lastrowid or 0)

    def delivery(self, delivery_id: int) -> Delivery | None:
        row = self.conn.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE id = ?",  # noqa: S608
            (delivery_id,),
        ).fetchone()
        return None if row is None else _delivery(row)

    def deliveries(self, alert_id: int | None = None) -> list[Delivery]:
        """Deliveries of one alert (or all), in the order they were written."""
        sql = f"SELECT {_DELIVERY_COLUMNS} FROM deliveries"  # noqa: S608
        if alert_id is None:
            return [_delivery(r) for r in self.conn.execute(sql + " ORDER BY id")]
        rows = self.conn.execute(sql + " WHERE alert_id = ? ORDER BY id", (alert_id,))
        return [_delivery(r) for r in rows]

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        """Pending deliveries whose time has come, oldest due first."""
        rows = self.conn.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries "  # noqa: S608
            "WHERE state = 'pending' AND next_attempt_ts <= ? ORDER BY next_attempt_ts, id LIMIT ?",
            (to_ms(now), limit),
        )
        return [_delivery(r) for r in rows]

    def next_due(self) -> datetime | None:
        row = self.conn.execute(
            "SELECT min(next_attempt_ts) FROM deliveries WHERE state = 'pending'"
        ).fetchone()
        return _dt(row[0])

    def set_state(
        self,
        delivery_id: int,
        state: DeliveryState,
        *,
        attempt: bool = False,
        next_attempt: datetime | None = None,
        error: str | None = None,
        provider_id: str | None = None,
        sent: datetime | None = None,
    ) -> None:
        params = [
            state.value,
            int(attempt),
            _ms(next_attempt),
            error,
            provider_id,
            _ms(sent),
            delivery_id,
        ]
        try:
            self.conn.execute(_SET_STATE, params)
        except sqlite3.IntegrityError:
            # A provider id seen before (a provider that reuses ids): keep the state, not the id.
            log.warning("delivery %d: provider id %r is taken; not kept", delivery_id, provider_id)
            params[4] = None
            self.conn.execute(_SET_STATE, params)

    def set_message(self, delivery_id: int, subject: str, text: str) -> None:
        """Replace the text of a delivery that has not gone out (rewritten when held overnight)."""
        row = self.conn.execute(
            "SELECT body FROM deliveries WHERE id = ?", (delivery_id,)
        ).fetchone()
        message: dict[str, Any] = {**json.loads(row[0]), "subject": subject, "text": text}
        self.conn.execute(
            "UPDATE deliveries SET body = ? WHERE id = ?", (_json(message), delivery_id)
        )

    def cancel_pending(self, alert_id: int, kinds: tuple[str, ...]) -> int:
        """Cancel the alert's deliveries of `kinds` that have not gone out."""
        rows = self.conn.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries "  # noqa: S608
            "WHERE alert_id = ? AND state = 'pending'",
            (alert_id,),
        ).fetchall()
        ids = [(d.id,) for d in map(_delivery, rows) if d.kind in kinds]
        self.conn.executemany("UPDATE deliveries SET state = 'cancelled' WHERE id = ?", ids)
        return len(ids)

    def resend_interrupted(self) -> int:
        """Deliveries left `sending` by a crash go out again: maybe twice, never zero times."""
        cur = self.conn.execute("UPDATE deliveries SET state = 'pending' WHERE state = 'sending'")
        return cur.rowcount


async def transact[T](store: Store, fn: Callable[[AlertTx], T]) -> T:
    """Run `fn` on the store's database thread inside one transaction; commit if it returns."""
    return await store.transaction(lambda conn: fn(AlertTx(conn)))
