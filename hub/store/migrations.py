"""The schema, as numbered steps; `PRAGMA user_version` records the last step applied."""

from __future__ import annotations

import sqlite3

from hub.store.errors import StoreError

# Append new steps at the end; never edit a step that has shipped.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (
        1,
        [
            """CREATE TABLE entities (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL  -- binary, number or text: how values are aggregated
            )""",
            """CREATE TABLE sources (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE
            )""",
            # id = (ms since epoch << 20) | seq (see codec.SEQ_BITS): rows are stored in time
            # order and appended at the end, a time range is a rowid range, and there is no
            # index to write; that halves what an SD card sees. `value` has no type, so 0/1,
            # integers, reals and text are stored natively and compactly. `ts` costs nothing:
            # it is computed on read.
            """CREATE TABLE observations (
                id INTEGER PRIMARY KEY,
                entity_id INTEGER NOT NULL REFERENCES entities (id),
                value,
                source_id INTEGER NOT NULL REFERENCES sources (id),
                ts INTEGER GENERATED ALWAYS AS (id >> 20) VIRTUAL
            )""",
            """CREATE TABLE current_state (
                entity_id INTEGER PRIMARY KEY REFERENCES entities (id),
                ts INTEGER NOT NULL,  -- ms since epoch, UTC
                value,
                source_id INTEGER NOT NULL REFERENCES sources (id)
            )""",
            # `due` in µs, so that a deadline loads back exactly equal to the one stored.
            """CREATE TABLE deadlines (
                key TEXT PRIMARY KEY,
                due INTEGER NOT NULL,
                kind TEXT NOT NULL,
                data TEXT NOT NULL DEFAULT '{}',
                trigger TEXT
            ) WITHOUT ROWID""",
        ],
    ),
    (
        2,
        [
            """CREATE TABLE audit (
                id INTEGER PRIMARY KEY,
                ts INTEGER NOT NULL,  -- ms since epoch, UTC
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL DEFAULT '',
                detail TEXT NOT NULL DEFAULT ''
            )""",
        ],
    ),
    (
        3,
        [
            # One row per entity and local day (in the home's timezone), kept after the raw
            # observations of that day are deleted. n_on only for binary entities; min, max
            # and sum not for text.
            """CREATE TABLE daily_aggregates (
                entity_id INTEGER NOT NULL REFERENCES entities (id),
                day TEXT NOT NULL,  -- YYYY-MM-DD
                "count" INTEGER NOT NULL,
                n_on INTEGER,
                "min" REAL,
                "max" REAL,
                "sum" REAL,
                PRIMARY KEY (entity_id, day)
            ) WITHOUT ROWID""",
        ],
    ),
    (
        4,
        [
            # state: pre_alert, open, acknowledged, resolved. Timestamps in ms since epoch.
            """CREATE TABLE alerts (
                id INTEGER PRIMARY KEY,
                rule TEXT NOT NULL,
                subject TEXT NOT NULL,
                kind TEXT NOT NULL,
                severity TEXT NOT NULL,
                state TEXT NOT NULL,
                opened_ts INTEGER NOT NULL,
                acknowledged_ts INTEGER,
                acknowledged_by TEXT,
                resolved_ts INTEGER,
                summary TEXT NOT NULL DEFAULT '',
                data TEXT NOT NULL DEFAULT '{}'
            )""",
            # At most one unresolved alert per rule and subject: a repeat finding updates it.
            """CREATE UNIQUE INDEX alerts_unresolved
                ON alerts (rule, subject) WHERE resolved_ts IS NULL""",
            "CREATE INDEX alerts_opened ON alerts (opened_ts)",
            # The outbox: a delivery row is written in the same transaction as the alert
            # change that caused it, and stays until it is sent or given up (at least once).
            # state: pending, sending, sent, failed, cancelled. A row found in `sending` after
            # a restart was maybe sent: it is retried (at least once, never zero times).
            """CREATE TABLE deliveries (
                id INTEGER PRIMARY KEY,
                alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
                contact TEXT NOT NULL,
                channel TEXT NOT NULL,
                body TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending',
                attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_ts INTEGER,
                last_error TEXT,
                provider_id TEXT,
                created_ts INTEGER NOT NULL,
                sent_ts INTEGER
            )""",
            # What the outbox worker asks: which deliveries are due?
            "CREATE INDEX deliveries_due ON deliveries (state, next_attempt_ts)",
            "CREATE INDEX deliveries_alert ON deliveries (alert_id)",
            # Status callbacks and SMS replies find their delivery by the provider's id.
            """CREATE UNIQUE INDEX deliveries_provider
                ON deliveries (channel, provider_id) WHERE provider_id IS NOT NULL""",
        ],
    ),
    (
        5,
        [
            # People who sign in with a password. role: resident, carer or installer. The hash
            # is argon2id in its PHC string form (parameters and salt included).
            """CREATE TABLE accounts (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                role TEXT NOT NULL CHECK (role IN ('resident', 'carer', 'installer')),
                password_hash TEXT NOT NULL,
                created_ts INTEGER NOT NULL,  -- ms since epoch, UTC
                created_by TEXT NOT NULL DEFAULT ''
            )""",
            # Paired tablets: only the SHA-256 of the device token is kept (the token is 256
            # random bits, so a plain hash suffices); a revoked tablet keeps its row for the
            # record.
            """CREATE TABLE tablets (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL DEFAULT 'resident',
                token_hash TEXT NOT NULL UNIQUE,
                created_ts INTEGER NOT NULL,
                created_by TEXT NOT NULL DEFAULT '',
                revoked_ts INTEGER
            )""",
        ],
    ),
    (
        6,
        [
            # What the resident asked for on the tablet (a meal, an escort, shopping, a call).
            # id is the number of the alert note that carries its messages through the outbox,
            # so "OK 17" and "JA 17" never name two different things. state: requested, sent,
            # confirmed, declined, failed, cancelled. Only the SHA-256 of the answer link's
            # token is kept; the link itself travels in the note's data.
            """CREATE TABLE service_requests (
                id INTEGER PRIMARY KEY,
                service TEXT NOT NULL,
                kind TEXT NOT NULL,
                provider TEXT NOT NULL,  -- a contact id
                details TEXT NOT NULL DEFAULT '{}',  -- JSON: menu item, destination, day, time
                state TEXT NOT NULL CHECK (state IN ('requested', 'sent', 'confirmed',
                    'declined', 'failed', 'cancelled')),
                created_ts INTEGER NOT NULL,  -- ms since epoch, UTC
                sent_ts INTEGER,
                answered_ts INTEGER,
                answer TEXT NOT NULL DEFAULT '',  -- what the provider added: "Di 10 Uhr"
                answered_by TEXT,
                asked_by TEXT NOT NULL DEFAULT '',
                client_key TEXT UNIQUE,  -- the tablet's own key: a retried POST asks once
                token_hash TEXT UNIQUE,
                expires_ts INTEGER
            )""",
            "CREATE INDEX service_requests_created ON service_requests (created_ts)",
        ],
    ),
    (
        7,
        [
            # Reminders made on the carer page; the hub runs each as a reminder rule with the
            # id `carer-reminder-<id>` (a hyphen: no id in obhut.yaml can take it). A deleted
            # one keeps its row (deleted_ts) so that its history can still be named.
            """CREATE TABLE reminders (
                id INTEGER PRIMARY KEY,
                text TEXT NOT NULL,
                times TEXT NOT NULL,  -- JSON list of "HH:MM"
                weekdays TEXT NOT NULL DEFAULT '[]',  -- JSON list of mon..sun; [] every day
                confirm_within_s INTEGER NOT NULL,
                notify TEXT NOT NULL,  -- JSON: a policy's name, or a list of contact ids
                medication INTEGER NOT NULL DEFAULT 0,
                picture TEXT,  -- a file name in <data_dir>/pictures
                created_ts INTEGER NOT NULL,  -- ms since epoch, UTC
                created_by TEXT NOT NULL,
                changed_ts INTEGER NOT NULL,
                changed_by TEXT NOT NULL,
                deleted_ts INTEGER
            )""",
            # Carers' visits: checked in and out on the tablet or with a visit button (`via`
            # is the entity, visit.tablet or visit.<room>). A visit never checked out keeps
            # left_ts NULL.
            """CREATE TABLE visits (
                id INTEGER PRIMARY KEY,
                arrived_ts INTEGER NOT NULL,
                arrived_via TEXT NOT NULL,
                carer TEXT NOT NULL DEFAULT '',
                left_ts INTEGER,
                left_via TEXT,
                left_carer TEXT
            )""",
            "CREATE INDEX visits_arrived ON visits (arrived_ts)",
        ],
    ),
]

LATEST = MIGRATIONS[-1][0]


class SchemaTooNew(StoreError):
    """The database was written by a newer Obhut than this one."""


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def check_version(conn: sqlite3.Connection) -> None:
    """Refuse a database from a newer Obhut before anything in it is touched."""
    version = schema_version(conn)
    known = MIGRATIONS[-1][0]
    if version > known:
        raise SchemaTooNew(
            f"this database was written by a newer Obhut (schema {version}, this version knows "
            f"{known}); update Obhut or restore a backup made by this version"
        )


def migrate(conn: sqlite3.Connection, target: int | None = None) -> int:
    """Apply every step above the database's version up to `target`, each in one transaction."""
    check_version(conn)
    for version, statements in MIGRATIONS:
        if target is not None and version > target:
            break
        if version <= schema_version(conn):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while this one waited for the lock.
            if schema_version(conn) < version:
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return schema_version(conn)
