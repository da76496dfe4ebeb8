"""Alerts and the audit log are kept as long as configured: the nightly clean-up deletes what
is older, under the simulated clock; an alert that is not over stays however old."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.alerts.model import AlertState
from hub.app import Hub
from hub.clock import SimulatedClock
from hub.config import ConfigError, load_config
from hub.model import Severity
from hub.store.alerts import AlertTx, transact
from hub.store.codec import to_ms

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 11, 2, 31, tzinfo=UTC)  # 03:31 in Berlin: just after the clean-up


def _alert(tx: AlertTx, subject: str, opened: datetime, resolved: datetime | None) -> int:
    alert = tx.insert(
        rule="panic",
        subject=subject,
        kind="panic",
        severity=Severity.EMERGENCY,
        state=AlertState.RESOLVED if resolved else AlertState.OPEN,
        opened=opened,
        summary=f"SOS {subject}",
        data={},
        resolved=resolved,
    )
    tx.add_delivery(
        alert.id, "anna", "sms", kind="raised", subject=subject, text="SOS", now=opened, due=opened
    )
    return alert.id


def _history(tx: AlertTx) -> None:
    day = timedelta(days=1)
    _alert(tx, "over_long_ago", NOW - 50 * day, NOW - 40 * day)
    _alert(tx, "over_lately", NOW - 25 * day, NOW - 20 * day)
    _alert(tx, "still_open", NOW - 100 * day, None)
    for carer, age in (("Schwester Maria", 50), ("Pfleger Tom", 20)):
        arrived = to_ms(NOW - age * day)
        tx.conn.execute(
            "INSERT INTO visits (arrived_ts, arrived_via, carer, left_ts, left_via) "
            "VALUES (?, 'visit.tablet', ?, ?, 'visit.tablet')",
            (arrived, carer, arrived + 30 * 60_000),
        )
    tx.conn.execute(  # checked in long ago and never out: kept, as an open alert is
        "INSERT INTO visits (arrived_ts, arrived_via, carer) VALUES (?, 'visit.tablet', 'Ute')",
        (to_ms(NOW - 100 * day),),
    )
    for age, action in ((70, "view.old"), (10, "view.recent")):
        tx.conn.execute(
            "INSERT INTO audit (ts, actor, action) VALUES (?, 'carer:carla', ?)",
            (to_ms(NOW - age * day), action),
        )


def _carers(conn: sqlite3.Connection) -> list[str]:
    return sorted(r[0] for r in conn.execute("SELECT carer FROM visits"))


async def _after_the_night(hub: Hub, clock: SimulatedClock) -> None:
    await transact(hub.store, _history)
    await clock.advance_to(NIGHT)
    # the clean-up runs as a task of its own: let it finish
    await asyncio.gather(*(t for t in asyncio.all_tasks() if t.get_name() == "retention"))


async def test_the_nightly_clean_up_deletes_old_alerts_and_audit_entries(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config("storage:\n  data_dir: data\n  retention: {alerts: 30d, audit: 60d}\n")
    clock = SimulatedClock(NOW)
    async with Hub.running(load_config(path), path, clock) as hub:
        await _after_the_night(hub, clock)
        alerts = await transact(hub.store, lambda tx: tx.recent(10))
        assert sorted(a.subject for a in alerts) == ["over_lately", "still_open"]
        deliveries = await transact(hub.store, lambda tx: tx.deliveries())
        assert {d.alert_id for d in deliveries} == {a.id for a in alerts}
        actions = [e.action for e in await hub.store.audit_entries(50)]
        assert "view.recent" in actions and "view.old" not in actions
        # the visit log is a record of care, kept as long as the alerts
        assert await hub.store.transaction(_carers) == ["Pfleger Tom", "Ute"]


async def test_by_default_two_years_are_kept(write_config: Callable[[str], Path]) -> None:
    path = write_config("storage:\n  data_dir: data\n")
    config = load_config(path)
    assert config.storage.retention.alerts == timedelta(days=730)
    assert config.storage.retention.audit == timedelta(days=730)
    clock = SimulatedClock(NOW)
    async with Hub.running(config, path, clock) as hub:
        await _after_the_night(hub, clock)
        alerts = await transact(hub.store, lambda tx: tx.recent(10))
        assert len(alerts) == 3
        actions = [e.action for e in await hub.store.audit_entries(50)]
        assert "view.old" in actions
        assert len(await hub.store.transaction(_carers)) == 3


def test_a_retention_without_a_unit_is_a_positioned_error(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config("storage:\n  data_dir: data\n  retention:\n    alerts: 2 years\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = caught.value.format()
    assert "obhut.yaml:" in text and "alerts" in text and "'2 years' is not a duration" in text
