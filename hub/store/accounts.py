"""Accounts and paired tablets in SQLite: each change is one transaction on the store's thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hub.store.codec import from_ms, to_ms
from hub.store.db import Store


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    password_hash: str
    created: datetime
    created_by: str


@dataclass(frozen=True)
class Tablet:
    id: int
    name: str
    role: str
    token_hash: str
    created: datetime
    created_by: str
    revoked: datetime | None


class AccountExists(Exception):
    """The username is taken (usernames compare without regard to case)."""


class InstallerExists(Exception):
    """The first installer was created already; the setup code buys nothing more."""


_ACCOUNT = "id, username, role, password_hash, created_ts, created_by"
_TABLET = "id, name, role, token_hash, created_ts, created_by, revoked_ts"


def _account(row: tuple[int, str, str, str, int, str]) -> Account:
    id_, username, role, password_hash, created, created_by = row
    return Account(id_, username, role, password_hash, from_ms(created), created_by)


def _tablet(row: tuple[int, str, str, str, int, str, int | None]) -> Tablet:
    id_, name, role, token_hash, created, created_by, revoked = row
    return Tablet(
        id_,
        name,
        role,
        token_hash,
        from_ms(created),
        created_by,
        None if revoked is None else from_ms(revoked),
    )


async def _transact[T](store: Store, fn: Callable[[sqlite3.Connection], T]) -> T:
    return await store.transaction(fn)


async def has_installer(store: Store) -> bool:
    def run(conn: sqlite3.Connection) -> bool:
        sql = "SELECT 1 FROM accounts WHERE role = 'installer' LIMIT 1"
        return conn.execute(sql).fetchone() is not None

    return await _transact(store, run)


async def create_account(
    store: Store,
    username: str,
    role: str,
    password_hash: str,
    now: datetime,
    created_by: str,
    *,
    first_installer: bool = False,
) -> Account:
    """A new account; with `first_installer`, only while no installer exists (one transaction)."""

    def run(conn: sqlite3.Connection) -> Account:
        if first_installer:
            sql = "SELECT 1 FROM accounts WHERE role = 'installer' LIMIT 1"
            if conn.execute(sql).fetchone() is not None:
                raise InstallerExists
        try:
            cur = conn.execute(
                "INSERT INTO accounts (username, role, password_hash, created_ts, created_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (username, role, password_hash, to_ms(now), created_by),
            )
        except sqlite3.IntegrityError:
            raise AccountExists(username) from None
        assert cur.lastrowid is not None
        return Account(cur.lastrowid, username, role, password_hash, now, created_by)

    return await _transact(store, run)


async def find_account(store: Store, username: str) -> Account | None:
    def run(conn: sqlite3.Connection) -> Account | None:
        row = conn.execute(
            f"SELECT {_ACCOUNT} FROM accounts WHERE username = ?",  # noqa: S608 - fixed columns
            (username,),
        ).fetchone()
        return None if row is None else _account(row)

    return await _transact(store, run)


async def list_accounts(store: Store) -> list[Account]:
    def run(conn: sqlite3.Connection) -> list[Account]:
        sql = f"SELECT {_ACCOUNT} FROM accounts ORDER BY id"  # noqa: S608 - fixed columns
        return [_account(r) for r in conn.execute(sql)]

    return await _transact(store, run)


async def set_password_hash(store: Store, account_id: int, password_hash: str) -> None:
    def run(conn: sqlite3.Connection) -> None:
        sql = "UPDATE accounts SET password_hash = ? WHERE id = ?"
        conn.execute(sql, (password_hash, account_id))

    await _transact(store, run)


class LastInstaller(Exception):
    """The last installer account cannot be deleted: nobody could administer the hub."""


async def delete_account(store: Store, account_id: int) -> Account | None:
    """Delete an account; None if there is none; LastInstaller for the last installer."""

    def run(conn: sqlite3.Connection) -> Account | None:
        row = conn.execute(
            f"SELECT {_ACCOUNT} FROM accounts WHERE id = ?",  # noqa: S608 - fixed columns
            (account_id,),
        ).fetchone()
        if row is None:
            return None
        account = _account(row)
        if account.role == "installer":
            sql = "SELECT count(*) FROM accounts WHERE role = 'installer'"
            if conn.execute(sql).fetchone()[0] <= 1:
                raise LastInstaller
        conn.execute("DELETE FROM accounts WHERE id = ?", (account_id,))
        return account

    return await _transact(store, run)


async def add_tablet(
    store: Store, name: str, token_hash: str, now: datetime, created_by: str
) -> Tablet:
    def run(conn: sqlite3.Connection) -> Tablet:
        cur = conn.execute(
            "INSERT INTO tablets (name, role, token_hash, created_ts, created_by)"
            " VALUES (?, 'resident', ?, ?, ?)",
            (name, token_hash, to_ms(now), created_by),
        )
        assert cur.lastrowid is not None
        return Tablet(cur.lastrowid, name, "resident", token_hash, now, created_by, None)

    return await _transact(store, run)


async def list_tablets(store: Store, *, revoked: bool = False) -> list[Tablet]:
    def run(conn: sqlite3.Connection) -> list[Tablet]:
        sql = f"SELECT {_TABLET} FROM tablets"  # noqa: S608 - fixed columns
        if not revoked:
            sql += " WHERE revoked_ts IS NULL"
        return [_tablet(r) for r in conn.execute(sql + " ORDER BY id")]

    return await _transact(store, run)


async def revoke_tablet(store: Store, tablet_id: int, now: datetime) -> Tablet | None:
    """Mark a tablet revoked; None if there is no such tablet or it was revoked already."""

    def run(conn: sqlite3.Connection) -> Tablet | None:
        row = conn.execute(
            f"SELECT {_TABLET} FROM tablets WHERE id = ? AND revoked_ts IS NULL",  # noqa: S608
            (tablet_id,),
        ).fetchone()
        if row is None:
            return None
        conn.execute("UPDATE tablets SET revoked_ts = ? WHERE id = ?", (to_ms(now), tablet_id))
        return _tablet(row)

    return await _transact(store, run)
