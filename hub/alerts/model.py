"""Alerts and deliveries as data: what the store holds and the pages show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from hub.model import Severity


class AlertState(StrEnum):
    PRE_ALERT = "pre_alert"  # the tablet asks the resident first; nobody else knows yet
    OPEN = "open"  # escalating
    ACKNOWLEDGED = "acknowledged"  # someone is on it; the escalation stopped
    RESOLVED = "resolved"  # over: cleared, resolved by a carer, or cancelled by the resident


UNRESOLVED = (AlertState.PRE_ALERT, AlertState.OPEN, AlertState.ACKNOWLEDGED)


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # handed to the notifier; after a crash it is sent again
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"  # not needed any more (acknowledged or resolved before it went out)


# Rules of the hub itself, for alerts about the alerting.
DELIVERY_RULE = "system.delivery"  # subject "<channel>:<contact>" or "<channel>:*"
TEST_RULE = "system.test"


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    rule: str
    subject: str
    kind: str
    severity: Severity
    state: AlertState
    opened: datetime
    summary: str = ""
    acknowledged: datetime | None = None
    acknowledged_by: str | None = None
    resolved: datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def system(self) -> bool:
        return bool(self.data.get("system"))

    @property
    def pre_alert_until(self) -> datetime | None:
        """When the tablet's countdown ends, while the resident is asked."""
        if self.state is not AlertState.PRE_ALERT:
            return None
        return self.opened + timedelta(seconds=float(self.data.get("pre_alert_s", 0)))


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message to one contact on one channel: a row of the outbox."""

    id: int
    alert_id: int
    contact: str
    channel: str
    kind: str  # a texts.MessageKind value
    subject: str
    body: str
    state: DeliveryState
    attempts: int
    created: datetime
    step: int | None = None  # the escalation step that sent it (raised/repeat)
    next_attempt: datetime | None = None
    last_error: str | None = None
    provider_id: str | None = None
    sent: datetime | None = None
