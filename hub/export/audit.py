"""The audit line of a command run on the hub's machine, written beside a hub that may run."""

from __future__ import annotations

import getpass
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from hub.store.codec import to_ms

BUSY_MS = 10_000


class AuditError(Exception):
    """The audit log cannot be written: health data is then not handed out either."""


def cli_actor() -> str:
    """`cli:ina`: the person behind sudo, else the user running the command."""
    try:
        user = os.environ.get("SUDO_USER") or getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return f"cli:{user}"


def record(db: Path, actor: str, action: str, target: str, detail: str, now: datetime) -> None:
    """Append one audit entry; a running hub's writes are waited for, up to BUSY_MS."""
    try:
        conn = sqlite3.connect(db, isolation_level=None, timeout=BUSY_MS / 1000)
    except sqlite3.Error as e:
        raise AuditError(f"{db}: cannot open the store to write the audit log: {e}") from None
    try:
        conn.execute(
            "INSERT INTO audit (ts, actor, action, target, detail) VALUES (?,?,?,?,?)",
            (to_ms(now), actor, action, target, detail),
        )
    except sqlite3.Error as e:
        hint = "; run this as the hub's user: sudo -u obhut obhut …" if "readonly" in str(e) else ""
        raise AuditError(
            f"{db}: cannot write the audit log ({e}), so nothing is exported{hint}"
        ) from None
    finally:
        conn.close()
