"""Service requests in SQLite (migration 6): each change is one transaction on the store's thread.

A request is written in the same transaction as the note (an alert already resolved) whose
deliveries carry its message through the outbox, and takes the note's id as its number.
Whether the message went out is the outbox's knowledge: `refresh` reads it from the
deliveries and moves `requested` on to `sent` or `failed`. A request is kept as long as its
note: the alerts' retention (`storage.retention.alerts`) decides for both.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from hub.store.codec import from_ms, to_ms
from hub.store.db import Store


class RequestState(StrEnum):
    REQUESTED = "requested"  # written; the message waits in the outbox
    SENT = "sent"  # the provider's channel took the message
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    FAILED = "failed"  # no channel took it, for good
    CANCELLED = "cancelled"  # withdrawn on the carer page


# A provider may change their mind ("JA 17", later "NEIN 17"); a withdrawn request is over.
ANSWERABLE = (
    RequestState.REQUESTED,
    RequestState.SENT,
    RequestState.CONFIRMED,
    RequestState.DECLINED,
)


@dataclass(frozen=True, slots=True)
class Request:
    id: int
    service: str
    kind: str
    provider: str  # contact id
    state: RequestState
    created: datetime
    details: dict[str, Any] = field(default_factory=dict)
    sent: datetime | None = None
    answered: datetime | None = None
    answer: str = ""
    answered_by: str | None = None
    asked_by: str = ""
    expires: datetime | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_COLUMNS = (
    "id, service, kind, provider, state, created_ts, details, sent_ts, answered_ts, answer, "
    "answered_by, asked_by, expires_ts"
)


def _dt(ms: int | None) -> datetime | None:
    return None if ms is None else from_ms(ms)


def _request(row: tuple[Any, ...]) -> Request:
    id_, service, kind, provider, state, created, details, sent, answered, *rest = row
    answer, answered_by, asked_by, expires = rest
    return Request(
        id=id_,
        service=service,
        kind=kind,
        provider=provider,
        state=RequestState(state),
        created=from_ms(created),
        details=json.loads(details),
        sent=_dt(sent),
        answered=_dt(answered),
        answer=answer,
        answered_by=answered_by,
        asked_by=asked_by,
        expires=_dt(expires),
    )


class RequestTx:
    """The requests table inside one open transaction (database thread only)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _one(self, where: str, *params: Any) -> Request | None:
        sql = f"SELECT {_COLUMNS} FROM service_requests WHERE {where}"  # noqa: S608 - fixed
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else _request(row)

    def insert(
        self,
        *,
        number: int,
        service: str,
        kind: str,
        provider: str,
        details: dict[str, Any],
        created: datetime,
        asked_by: str,
        client_key: str | None,
        token: str | None,
        expires: datetime | None,
    ) -> Request:
        self.conn.execute(
            """INSERT INTO service_requests (id, service, kind, provider, details, state,
                   created_ts, asked_by, client_key, token_hash, expires_ts)
               VALUES (?,?,?,?,?,'requested',?,?,?,?,?)""",
            (
                number,
                service,
                kind,
                provider,
                json.dumps(details, ensure_ascii=False, separators=(",", ":")),
                to_ms(created),
                asked_by,
                client_key,
                token_hash(token) if token else None,
                None if expires is None else to_ms(expires),
            ),
        )
        request = self.get(number)
        assert request is not None
        return request

    def get(self, number: int) -> Request | None:
        return self._one("id = ?", number)

    def by_client_key(self, key: str) -> Request | None:
        return self._one("client_key = ?", key)

    def by_token(self, token: str) -> Request | None:
        return self._one("token_hash = ?", token_hash(token))

    def recent(self, limit: int) -> list[Request]:
        """The newest `limit` requests, newest first."""
        sql = f"SELECT {_COLUMNS} FROM service_requests ORDER BY id DESC LIMIT ?"  # noqa: S608
        return [_request(r) for r in self.conn.execute(sql, (limit,))]

    def awaiting(self, provider: str) -> list[Request]:
        """The provider's requests an answer may still change, newest first."""
        states = tuple(s.value for s in ANSWERABLE)
        sql = (
            f"SELECT {_COLUMNS} FROM service_requests "  # noqa: S608
            f"WHERE provider = ? AND kind != 'call' AND state IN ({','.join('?' * len(states))}) "
            "ORDER BY id DESC"
        )
        return [_request(r) for r in self.conn.execute(sql, (provider, *states))]

    def set_state(self, number: int, state: RequestState, *, sent: datetime | None = None) -> None:
        self.conn.execute(
            "UPDATE service_requests SET state = ?, sent_ts = coalesce(?, sent_ts) WHERE id = ?",
            (state.value, None if sent is None else to_ms(sent), number),
        )

    def set_answer(
        self, number: int, state: RequestState, *, at: datetime, answer: str, by: str
    ) -> None:
        self.conn.execute(
            """UPDATE service_requests SET state = ?, answered_ts = ?, answer = ?,
                   answered_by = ? WHERE id = ?""",
            (state.value, to_ms(at), answer, by, number),
        )

    def forget_expired(self) -> int:
        """Requests go with their note when the alerts' retention removes it (and its number
        may then be given again)."""
        cur = self.conn.execute(
            "DELETE FROM service_requests WHERE id NOT IN (SELECT id FROM alerts)"
        )
        return cur.rowcount

    def refresh(self) -> int:
        """Requests whose message went out become `sent`; those no channel took, `failed`."""
        self.forget_expired()
        rows = self.conn.execute(
            """SELECT r.id, d.state, d.sent_ts FROM service_requests r
               LEFT JOIN deliveries d ON d.alert_id = r.id
               WHERE r.state = 'requested' ORDER BY r.id"""
        ).fetchall()
        seen: dict[int, list[tuple[str | None, int | None]]] = {}
        for number, state, sent in rows:
            seen.setdefault(number, []).append((state, sent))
        changed = 0
        for number, deliveries in seen.items():
            states = {state for state, _ in deliveries}
            sent_at = [ts for state, ts in deliveries if state == "sent" and ts is not None]
            if sent_at:
                self.set_state(number, RequestState.SENT, sent=from_ms(min(sent_at)))
            elif not states & {"pending", "sending"}:
                self.set_state(number, RequestState.FAILED)  # failed, cancelled, or none at all
            else:
                continue
            changed += 1
        return changed


async def transact[T](store: Store, fn: Callable[[RequestTx], T]) -> T:
    """Run `fn` on the store's database thread inside one transaction; commit if it returns."""
    return await store.transaction(lambda conn: fn(RequestTx(conn)))
