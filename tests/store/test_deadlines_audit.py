"""Deadlines and the audit log outlive the process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.model import Deadline
from hub.store import AuditEntry, Store

from .conftest import NEVER, T0


async def test_deadlines_put_replace_delete_survive_a_restart(db_path: Path) -> None:
    exact = T0 + timedelta(hours=8, microseconds=123_457)
    async with Store.open(db_path, flush_interval=NEVER) as store:
        store.put_deadline(Deadline("inactivity", exact, "rule", {"rule": "day", "n": [1, 2]}))
        store.put_deadline(Deadline("pills", T0 + timedelta(hours=1), "rule", trigger="at 08:00"))
        store.put_deadline(Deadline("escalate:7", T0, "escalation", {"tier": 1}))
        await store.flush()
        store.put_deadline(Deadline("escalate:7", T0 + timedelta(minutes=5), "escalation"))
        store.delete_deadline("pills")
        store.delete_deadline("never-existed")
        pending = await store.load_deadlines()
    async with Store.open(db_path) as store:
        loaded = await store.load_deadlines()
    assert loaded == pending
    assert loaded == [
        Deadline("escalate:7", T0 + timedelta(minutes=5), "escalation"),
        Deadline("inactivity", exact, "rule", {"rule": "day", "n": [1, 2]}),
    ]


async def test_put_then_delete_in_one_batch_leaves_nothing(db_path: Path) -> None:
    async with Store.open(db_path, flush_interval=NEVER) as store:
        store.put_deadline(Deadline("a", T0, "rule"))
        store.delete_deadline("a")
        store.delete_deadline("b")
        store.put_deadline(Deadline("b", T0, "rule"))
    async with Store.open(db_path) as store:
        assert [d.key for d in await store.load_deadlines()] == ["b"]


@pytest.mark.parametrize(
    "bad",
    [
        Deadline("a", datetime(2024, 5, 1), "rule"),  # naive
        Deadline("a", T0, "rule", {"when": T0}),  # not JSON
        Deadline("a", T0, "rule", {"x": float("nan")}),
    ],
)
async def test_a_deadline_that_cannot_be_stored_is_refused_at_once(
    store: Store, bad: Deadline
) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        store.put_deadline(bad)
    assert store.stats["pending"] == 0


async def test_audit_entries_are_newest_first_with_the_store_clock(db_path: Path) -> None:
    now = [datetime(2024, 5, 1, 9, 0, tzinfo=UTC)]
    async with Store.open(db_path, flush_interval=NEVER, clock=lambda: now[0]) as store:
        store.audit("installer", "config.apply", "obhut.yaml", "3 rules")
        now[0] += timedelta(minutes=1)
        store.audit("carer:anna", "alert.ack", "alert:12")
        await store.flush()
        now[0] += timedelta(minutes=1)
        store.audit("resident", "check_in")
        entries = await store.audit_entries()
        assert await store.audit_entries(limit=1) == entries[:1]
        assert await store.audit_entries(limit=0) == []
    async with Store.open(db_path) as store:
        assert await store.audit_entries() == entries
    assert entries == [
        AuditEntry(datetime(2024, 5, 1, 9, 2, tzinfo=UTC), "resident", "check_in"),
        AuditEntry(datetime(2024, 5, 1, 9, 1, tzinfo=UTC), "carer:anna", "alert.ack", "alert:12"),
        AuditEntry(
            datetime(2024, 5, 1, 9, 0, tzinfo=UTC),
            "installer",
            "config.apply",
            "obhut.yaml",
            "3 rules",
        ),
    ]
