"""A flat with a resident, a bedroom vital-sign sensor and a store filled with her data."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.alerts.model import AlertState
from hub.model import Observation, Severity
from hub.store import Store
from hub.store.alerts import AlertTx, transact
from hub.vitals.entries import SOURCE as TYPED

from ..conftest import BASE_CONFIG

RESIDENT = """\
residents:
  erna: {name: Erna Beispiel, birth_year: 1941}
"""
BEDROOM = "  schlafzimmer: {name: Schlafzimmer, kind: bedroom}\n"
VITALS = '  "00:15:8d:00:01:00:00:05": {name: Vitalsensor, room: schlafzimmer, role: vital_signs}\n'
# Sunday 1 November 2026 in Berlin (CET): the day the tests' history starts
DAY = datetime(2026, 11, 1, 0, 0, tzinfo=UTC) - timedelta(hours=1)


def config_text(data_dir: Path, extra: str = "", residents: str = RESIDENT) -> str:
    text = BASE_CONFIG.replace("devices:\n", BEDROOM + "devices:\n" + VITALS, 1)
    text = text.replace("rooms:\n", residents + "rooms:\n", 1)
    return text + f"storage:\n  data_dir: {data_dir}\n" + extra


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "obhut.yaml"
    path.write_text(config_text(tmp_path / "data"), encoding="utf-8")
    return path


@dataclass
class AlertRow:
    rule: str
    subject: str
    opened: datetime
    summary: str
    explanation: str = ""
    acknowledged_by: str | None = None
    resolved: datetime | None = None


def night(start: datetime, minutes: int, every_tenth_zero: bool = True) -> list[Observation]:
    """Heart and breathing rate from the bedroom sensor every minute; a dropout now and then."""
    out = []
    for i in range(minutes):
        ts = start + timedelta(minutes=i)
        dropout = every_tenth_zero and i % 10 == 0
        out.append(Observation(ts, "heart_rate.schlafzimmer", 0.0 if dropout else 60.0 + i % 5))
        out.append(Observation(ts, "respiratory_rate.schlafzimmer", 0.0 if dropout else 14.0))
    return out


def manual(ts: datetime, who: str = "erna") -> list[Observation]:
    """One of each measurement entered by hand at `ts`."""
    return [
        Observation(ts, f"bp_systolic.{who}", 142.0, TYPED),
        Observation(ts, f"bp_diastolic.{who}", 86.0, TYPED),
        Observation(ts + timedelta(minutes=1), f"spo2.{who}", 95.0, TYPED),
        Observation(ts + timedelta(minutes=2), f"body_temperature.{who}", 36.9, TYPED),
        Observation(ts + timedelta(minutes=3), f"body_weight.{who}", 61.4, TYPED),
        Observation(ts + timedelta(minutes=4), f"blood_glucose.{who}", 118.0, TYPED),
    ]


async def _fill(
    db: Path, observations: Iterable[Observation], alerts: Iterable[AlertRow], now: datetime
) -> None:
    async with Store.open(db, clock=lambda: now) as store:
        for obs in sorted(observations, key=lambda o: o.ts):
            store.add_observation(obs)
        await store.flush()
        for row in alerts:

            def insert(tx: AlertTx, row: AlertRow = row) -> None:
                alert = tx.insert(
                    rule=row.rule,
                    subject=row.subject,
                    kind=row.rule,
                    severity=Severity.URGENT,
                    state=AlertState.RESOLVED if row.resolved else AlertState.OPEN,
                    opened=row.opened,
                    summary=row.summary,
                    data={"explanation": row.explanation} if row.explanation else {},
                    resolved=row.resolved,
                )
                tx.add_delivery(
                    alert.id,
                    "anna",
                    "sms",
                    kind="raised",
                    subject=row.subject,
                    text=row.explanation or row.summary,
                    now=row.opened,
                    due=row.opened,
                )
                if row.acknowledged_by:
                    tx.conn.execute(
                        "UPDATE alerts SET acknowledged_by = ?, acknowledged_ts = ? WHERE id = ?",
                        (
                            row.acknowledged_by,
                            int(row.opened.timestamp() * 1000) + 60_000,
                            alert.id,
                        ),
                    )

            await transact(store, insert)


def fill(
    db: Path,
    observations: Iterable[Observation] = (),
    alerts: Iterable[AlertRow] = (),
    now: datetime = DAY,
) -> Path:
    asyncio.run(_fill(db, observations, alerts, now))
    return db
