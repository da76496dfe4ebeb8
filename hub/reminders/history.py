"""What became of each reminder: shown when, confirmed when and where, or who was told.

Read from the store alone: a reminder shown on the tablet is an info alert of kind `reminder`
(subject "reminder 08:00"), one not confirmed in time a second alert ("reminder 08:00
unconfirmed") with its deliveries and acknowledgement, and a confirmation an observation
`reminder.<where>` whose value is the rule's id. A confirmation answers the latest reminder of
its rule, so it belongs to the occurrence shown last before it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hub.alerts.model import Alert, DeliveryState
from hub.model import Observation
from hub.store.alerts import AlertTx, transact
from hub.store.db import Store

KIND = "reminder"
SHOWN_PREFIX = "reminder due: "
UNCONFIRMED = " unconfirmed"
TOLD_KINDS = ("raised", "repeat")
# A reminder shown near the end of the range is still answered (or missed) after it.
AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Told:
    contact: str  # a contact id
    channel: str
    when: datetime


@dataclass
class Occurrence:
    rule: str
    text: str
    at: str  # the reminder's time of day, "08:00"
    shown: datetime
    open: bool = False  # still on the tablet
    confirmed: datetime | None = None
    confirmed_on: str | None = None  # the entity: reminder.tablet
    missed: bool = False  # the carer's alert was raised
    told: list[Told] = field(default_factory=list)
    acknowledged_by: str | None = None
    acknowledged: datetime | None = None


def _at(subject: str) -> str:
    # "reminder 08:00", or for a miss "reminder 08:00 2026-05-04 unconfirmed"
    rest = subject.removeprefix("reminder ").removesuffix(UNCONFIRMED).split()
    return rest[0] if rest else ""


def match(
    alerts: Iterable[Alert],
    confirmations: Iterable[Observation],
    told: dict[int, list[Told]],
    start: datetime,
    end: datetime,
) -> list[Occurrence]:
    """Occurrences shown in [start, end), oldest first, each with what became of it."""
    shown: dict[str, list[tuple[Alert, Occurrence]]] = {}
    missed: list[Alert] = []
    for alert in alerts:
        if alert.subject.endswith(UNCONFIRMED):
            missed.append(alert)
            continue
        text = alert.summary.removeprefix(SHOWN_PREFIX)
        occurrence = Occurrence(
            alert.rule, text, _at(alert.subject), alert.opened, open=alert.resolved is None
        )
        shown.setdefault(alert.rule, []).append((alert, occurrence))
    times = {rule: [a.opened for a, _ in items] for rule, items in shown.items()}

    def latest_before(rule: str, ts: datetime) -> Occurrence | None:
        i = bisect_right(times.get(rule, []), ts) - 1
        return shown[rule][i][1] if i >= 0 else None

    for alert in missed:
        answered = latest_before(alert.rule, alert.opened)
        if answered is None or answered.at != _at(alert.subject):
            continue
        answered.missed = True
        answered.told = told.get(alert.id, [])
        answered.acknowledged_by = alert.acknowledged_by
        answered.acknowledged = alert.acknowledged
    for obs in confirmations:
        confirmed = latest_before(str(obs.value), obs.ts)
        if confirmed is not None and confirmed.confirmed is None:
            confirmed.confirmed, confirmed.confirmed_on = obs.ts, obs.entity
    found = [o for items in shown.values() for _, o in items if start <= o.shown < end]
    return sorted(found, key=lambda o: o.shown)


async def occurrences(
    store: Store, start: datetime, end: datetime, confirm_entities: Iterable[str]
) -> list[Occurrence]:
    """The reminders shown in [start, end) and what became of them, from the store."""

    def read(tx: AlertTx) -> tuple[list[Alert], dict[int, list[Told]]]:
        alerts = tx.opened_between(start, end + AFTER, KIND)
        told: dict[int, list[Told]] = {}
        for alert in alerts:
            if not alert.subject.endswith(UNCONFIRMED):
                continue
            told[alert.id] = [
                Told(d.contact, d.channel, d.sent or d.created)
                for d in tx.deliveries(alert.id)
                if d.kind in TOLD_KINDS and d.state is DeliveryState.SENT
            ]
        return alerts, told

    alerts, told = await transact(store, read)
    confirmations = await store.observations(start, end + AFTER, set(confirm_entities))
    return match(alerts, confirmations, told, start, end)
