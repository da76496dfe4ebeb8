"""The small protocols every integration implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from hub.model import Observation

Publish = Callable[[Observation], None]


class ObservationSource(Protocol):
    """Something that sees the flat (a radio, a simulation) and publishes what it sees."""

    name: str

    async def run(self, publish: Publish) -> None:
        """Publish observations until cancelled; never raise for bad input from outside."""
        ...


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One message to one person on one channel; the outbox's delivery row says which."""

    delivery_id: int
    channel: str  # "sms" | "email" | "console"
    to: str  # E.164 phone number or e-mail address
    subject: str  # e-mail only
    body: str


class DeliveryStatus(StrEnum):
    SENT = "sent"  # the provider took it
    RETRY = "retry"  # 429, 5xx, timeout, connection: try again later
    PERMANENT = "permanent"  # will never work (bad number, opted out, bad credentials)


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    status: DeliveryStatus
    provider_id: str | None = None  # e.g. Twilio's message SID
    code: int | None = None  # the provider's error code, e.g. 21610
    detail: str = ""  # for the installer: what went wrong, in plain words


class Notifier(Protocol):
    """Sends one message and says what happened; knows nothing of alerts or escalation."""

    channel: str

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        """Never raises for the provider's or the network's failures: they are results."""
        ...


@dataclass(frozen=True, slots=True)
class InboundReply:
    """A message someone sent back, e.g. an SMS "OK 42"."""

    sender: str  # E.164
    body: str
    received: datetime  # aware
    provider_id: str


class ReplySource(Protocol):
    async def poll(self) -> list[InboundReply]:
        """Replies not returned before (the source remembers where it stopped)."""
        ...
