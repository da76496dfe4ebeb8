"""Erasure of a resident's data (GDPR Art. 17) from the store of a stopped hub.

What goes: her observations, the latest state of each sensor, the daily aggregates, every
alert with its messages, what she asked for on the tablet, the carers' visits, the
reminders made for her (with their pictures), the rules' running timers and what they
remember (an inactivity timer keeps the time of her last movement), and the nightly
backups, which hold all of it. With one resident (or none configured) the flat's sensors
are hers and all of it goes; with several, only what is named after her (`bp_systolic.erna`)
and the alerts about it: the rest concerns the others too.

What the audit log keeps: the record of who had access and who administered the hub (page
views, sign-ins, exports, account, pairing, configuration and Zigbee changes, and this
erasure, with counts only). Entries that are themselves about her life go with her data:
anything she did herself (actor `resident:…`), the handling of her alerts, SMS replies,
and any entry this version does not know. The rule is a list of what is kept, so an entry
added in a later version is erased until someone decides otherwise.

Every table of the store is named in TABLES; one that is not (added by a later version)
stops the erasure before anything is deleted, rather than leaving data behind unseen.

SQLite leaves deleted rows in free pages; `secure_delete` overwrites them as they are freed
and VACUUM rewrites the file, then the write-ahead log is truncated: the bytes are gone from
the files. (An SD card may keep old blocks of its own; only disk encryption covers that.)
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hub.control import socket_path
from hub.export.measures import owner
from hub.store.codec import to_ms
from hub.store.sql import connect

# What happens to each table: "hers" (every row goes), "entities" (her entities' rows go),
# "alerts", "timers", "audit" (see above), "names" (unused ones go), "access" (stays: sign-in
# accounts and tablets are managed on the installer page, and hold no health data).
TABLES: dict[str, str] = {
    "observations": "entities",
    "current_state": "entities",
    "daily_aggregates": "entities",
    "deliveries": "alerts",
    "alerts": "alerts",
    "service_requests": "hers",
    "visits": "hers",
    "reminders": "hers",
    "deadlines": "timers",
    "audit": "audit",
    "entities": "names",
    "sources": "names",
    "accounts": "access",
    "tablets": "access",
}
KEPT_ACTIONS = frozenset(
    {
        "view",
        "login",
        "logout",
        "login.failed",
        "setup.failed",
        "pair.failed",
        "refused",
        "refused.csrf",
        "tablet.revoke",
        "send test",
        "alert.test",
    }
)
KEPT_PREFIXES = ("account.", "pairing.", "config.", "zigbee.", "export.", "privacy.")
_UNUSED = {
    "entities": """DELETE FROM entities WHERE id NOT IN (
        SELECT entity_id FROM observations UNION SELECT entity_id FROM current_state
        UNION SELECT entity_id FROM daily_aggregates)""",
    "sources": """DELETE FROM sources WHERE id NOT IN (
        SELECT source_id FROM observations UNION SELECT source_id FROM current_state)""",
}


class UnknownTable(Exception):
    """The store has a table this version does not know how to erase."""


def kept(actor: str, action: str) -> bool:
    """Whether an audit entry stays after an erasure (see the module's text)."""
    if actor.startswith("resident:"):
        return False  # what she did herself, even opening a page, is about her day
    return action in KEPT_ACTIONS or action.startswith(KEPT_PREFIXES)


@dataclass
class Erasure:
    """What an erasure takes away (or would): rows per table, and files."""

    rows: dict[str, int] = field(default_factory=dict)
    backups: list[Path] = field(default_factory=list)
    pictures: list[Path] = field(default_factory=list)

    def counts(self) -> str:
        """`observations 120, alerts 3, …`: no health data, fit for the audit log."""
        parts = [f"{table} {n}" for table, n in self.rows.items()]
        return ", ".join([*parts, f"backups {len(self.backups)}", f"pictures {len(self.pictures)}"])


@dataclass(frozen=True)
class Scope:
    """Whose data: `resident` (None: nobody configured), `flat`: the flat's sensors too."""

    resident: str | None
    flat: bool


def scope_of(resident: str | None, residents: Collection[str]) -> Scope:
    return Scope(resident, flat=len(residents) <= 1)


def hub_running(data_dir: Path) -> bool | None:
    """True if a hub answers on its control socket; None if that cannot be told."""
    path = socket_path(data_dir)
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            return False  # left behind by a hub that was killed
        except OSError:
            return None  # e.g. not allowed: run as the hub's user
    return True


def _where(conn: sqlite3.Connection, scope: Scope) -> dict[str, str]:
    """The rows of `scope`, table by table, as WHERE clauses (table names and ints only)."""
    present = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    unknown = sorted(t for t in present if t not in TABLES and not t.startswith("sqlite_"))
    if unknown:
        raise UnknownTable(
            f"the store has tables this version cannot erase ({', '.join(unknown)}); "
            "nothing was deleted: update Obhut"
        )
    conn.create_function("obhut_kept", 2, kept, deterministic=True)
    her = {scope.resident} if scope.resident else set()
    entities = [
        str(int(i)) for i, n in conn.execute("SELECT id, name FROM entities") if owner(n, her)
    ]
    alerts = [
        str(int(i))
        for i, subject in conn.execute("SELECT id, subject FROM alerts")
        if subject in her or owner(subject, her)
    ]
    in_alerts = ",".join(alerts) or "NULL"
    where = {}
    for table in present:
        treat = TABLES.get(table)
        if treat == "entities":
            where[table] = "1" if scope.flat else f"entity_id IN ({','.join(entities) or 'NULL'})"
        elif treat == "hers":
            where[table] = "1" if scope.flat else "0"
        elif treat == "alerts":
            column = "alert_id" if table == "deliveries" else "id"
            where[table] = "1" if scope.flat else f"{column} IN ({in_alerts})"
        elif treat == "timers":
            own = "key NOT LIKE 'hub:%'"  # the hub's own nightly jobs stay
            mine = ",".join(f"'alert:{a}'" for a in alerts) or "NULL"
            where[table] = own if scope.flat else f"key IN ({mine})"
        elif treat == "audit":
            where[table] = "NOT obhut_kept(actor, action)" if scope.flat else "0"
    # in TABLES' order: children before parents (deliveries before alerts)
    return {table: where[table] for table in TABLES if table in where}


def _pictures(conn: sqlite3.Connection, where: dict[str, str], data_dir: Path) -> list[Path]:
    if "reminders" not in where:
        return []
    rows = conn.execute(
        f"SELECT picture FROM reminders WHERE picture IS NOT NULL AND {where['reminders']}"  # noqa: S608
    )
    folder = data_dir / "pictures"
    return sorted(
        {
            folder / Path(str(name)).name
            for (name,) in rows
            if (folder / Path(str(name)).name).is_file()
        }
    )


def backups(data_dir: Path) -> list[Path]:
    """The nightly backups: each holds a copy of the whole store."""
    return sorted((data_dir / "backups").glob("obhut-*.tar.gz"))


def plan(db: Path, scope: Scope, data_dir: Path) -> Erasure:
    """What `erase` would take away; reads only."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        where = _where(conn, scope)
        rows = {
            t: conn.execute(f"SELECT count(*) FROM {t} WHERE {w}").fetchone()[0]  # noqa: S608
            for t, w in where.items()
        }
        return Erasure(rows, backups(data_dir), _pictures(conn, where, data_dir))
    finally:
        conn.close()


def erase(db: Path, scope: Scope, data_dir: Path, actor: str, now: datetime) -> Erasure:
    """Delete, record the erasure (counts only), VACUUM, and remove backups and pictures."""
    conn = connect(db)
    try:
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("BEGIN IMMEDIATE")
        try:
            where = _where(conn, scope)
            erasure = Erasure(backups=backups(data_dir), pictures=_pictures(conn, where, data_dir))
            for table, clause in where.items():
                deleted = conn.execute(f"DELETE FROM {table} WHERE {clause}")  # noqa: S608
                erasure.rows[table] = deleted.rowcount
            for statement in _UNUSED.values():
                conn.execute(statement)
            conn.execute(
                "INSERT INTO audit (ts, actor, action, target, detail) VALUES (?,?,?,?,?)",
                (to_ms(now), actor, "privacy.delete", scope.resident or "", erasure.counts()),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for path in [*erasure.backups, *erasure.pictures]:
        path.unlink(missing_ok=True)
    return erasure
