"""Reminders made on the carer page: kept in the store, run as reminder rules beside obhut.yaml's.

Each stored reminder becomes a `rules.kinds.reminder.Config` whose id is
`carer-reminder-<row id>`. The hyphen is the point: obhut.yaml's ids are slugs (letters, digits,
underscores), so no rule written there can ever take one of these ids.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from pydantic import ValidationError

from hub.config.problems import ConfigValueError
from hub.store.codec import from_ms, to_ms
from hub.store.db import Store
from rules.config import RuleConfig

log = logging.getLogger(__name__)

RULE_PREFIX = "carer-reminder-"


@dataclass(frozen=True)
class Draft:
    """What the carer filled in, already checked: a reminder without its bookkeeping."""

    text: str
    times: tuple[time, ...]
    weekdays: tuple[str, ...]  # mon..sun; empty: every day
    confirm_within: timedelta
    notify: str | tuple[str, ...]  # a policy's name, or contact ids
    medication: bool = False
    picture: str | None = None  # a file name in <data_dir>/pictures


@dataclass(frozen=True)
class StoredReminder:
    id: int
    draft: Draft
    created: datetime
    created_by: str
    changed: datetime
    changed_by: str
    deleted: datetime | None = None

    @property
    def rule_id(self) -> str:
        return f"{RULE_PREFIX}{self.id}"

    def rule_config(self) -> RuleConfig:
        """This reminder as the reminder rule that runs it."""
        from rules.kinds import reminder

        d = self.draft
        config = reminder.Config.model_validate(
            {
                "kind": "reminder",
                "text": d.text,
                "at": list(d.times),
                "weekdays": list(d.weekdays),
                "confirm_within": d.confirm_within,
                "notify": d.notify if isinstance(d.notify, str) else list(d.notify),
                "medication": d.medication,
                "picture": d.picture,
            }
        )
        # Set after validation: a slug validator would refuse the hyphen that keeps it unique.
        return config.model_copy(update={"id": self.rule_id})


_COLUMNS = (
    "id, text, times, weekdays, confirm_within_s, notify, medication, picture, "
    "created_ts, created_by, changed_ts, changed_by, deleted_ts"
)


def _reminder(row: tuple[Any, ...]) -> StoredReminder:
    id_, text, times, weekdays, within, notify, medication, picture = row[:8]
    created, created_by, changed, changed_by, deleted = row[8:]
    who = json.loads(notify)
    draft = Draft(
        text=text,
        times=tuple(time.fromisoformat(t) for t in json.loads(times)),
        weekdays=tuple(json.loads(weekdays)),
        confirm_within=timedelta(seconds=within),
        notify=who if isinstance(who, str) else tuple(who),
        medication=bool(medication),
        picture=picture,
    )
    return StoredReminder(
        id_,
        draft,
        from_ms(created),
        created_by,
        from_ms(changed),
        changed_by,
        None if deleted is None else from_ms(deleted),
    )


def _fields(draft: Draft) -> tuple[Any, ...]:
    return (
        draft.text,
        json.dumps([f"{t:%H:%M}" for t in sorted(draft.times)]),
        json.dumps(list(draft.weekdays)),
        int(draft.confirm_within.total_seconds()),
        json.dumps(draft.notify if isinstance(draft.notify, str) else list(draft.notify)),
        int(draft.medication),
        draft.picture,
    )


async def _transact[T](store: Store, fn: Callable[[sqlite3.Connection], T]) -> T:
    return await store.transaction(fn)


class ReminderBook:
    """The stored reminders; `active` (those not deleted) is kept in memory for the rules."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.active: list[StoredReminder] = []

    async def load(self) -> None:
        self.active = [r for r in await self.all() if r.deleted is None]

    async def all(self, include_deleted: bool = False) -> list[StoredReminder]:
        def read(conn: sqlite3.Connection) -> list[StoredReminder]:
            sql = f"SELECT {_COLUMNS} FROM reminders"  # noqa: S608 - fixed columns
            if not include_deleted:
                sql += " WHERE deleted_ts IS NULL"
            return [_reminder(r) for r in conn.execute(sql + " ORDER BY id")]

        return await _transact(self.store, read)

    async def get(self, reminder_id: int) -> StoredReminder | None:
        """A reminder that is not deleted."""
        found = [r for r in await self.all() if r.id == reminder_id]
        return found[0] if found else None

    async def add(self, draft: Draft, by: str, now: datetime) -> StoredReminder:
        def insert(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                f"INSERT INTO reminders ({_COLUMNS.replace('id, ', '', 1)}) "  # noqa: S608
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                (*_fields(draft), to_ms(now), by, to_ms(now), by),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

        new_id = await _transact(self.store, insert)
        await self.load()
        added = await self.get(new_id)
        assert added is not None
        return added

    async def change(self, reminder_id: int, draft: Draft, by: str, now: datetime) -> bool:
        def update(conn: sqlite3.Connection) -> int:
            return conn.execute(
                "UPDATE reminders SET text = ?, times = ?, weekdays = ?, confirm_within_s = ?, "
                "notify = ?, medication = ?, picture = ?, changed_ts = ?, changed_by = ? "
                "WHERE id = ? AND deleted_ts IS NULL",
                (*_fields(draft), to_ms(now), by, reminder_id),
            ).rowcount

        changed = await _transact(self.store, update) == 1
        await self.load()
        return changed

    async def delete(self, reminder_id: int, by: str, now: datetime) -> bool:
        def mark(conn: sqlite3.Connection) -> int:
            return conn.execute(
                "UPDATE reminders SET deleted_ts = ?, changed_ts = ?, changed_by = ?, "
                "picture = NULL WHERE id = ? AND deleted_ts IS NULL",
                (to_ms(now), to_ms(now), by, reminder_id),
            ).rowcount

        deleted = await _transact(self.store, mark) == 1
        await self.load()
        return deleted

    def rule_configs(self) -> list[RuleConfig]:
        """The active reminders as rules; one that no longer validates is left out, loudly."""
        configs = []
        for stored in self.active:
            try:
                configs.append(stored.rule_config())
            except (ValidationError, ConfigValueError) as e:
                log.error("reminder %s (%s) cannot run: %s", stored.id, stored.draft.text, e)
        return configs
