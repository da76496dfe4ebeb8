"""Who is told, on which channel, and when: tiers, severity, quiet hours, fallbacks."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hub.config.model import Config, Contact, ContactRole, QuietHours
from hub.model import Severity

log = logging.getLogger(__name__)

# The order in which a contact's channels are tried when one cannot be used.
FALLBACK_ORDER = ("sms", "email")
DEFAULT_POLICY = "default"


@dataclass(frozen=True, slots=True)
class Stage:
    """One tier: each contact with the channels to use for them."""

    contacts: tuple[tuple[str, tuple[str, ...]], ...]
    wait: timedelta


@dataclass(frozen=True, slots=True)
class Step:
    """One moment of an escalation: these stages are told; the next step follows `then`."""

    stages: tuple[int, ...]
    kind: str  # "raised" or "repeat"
    then: timedelta | None  # None: the last step


def preferred(contact: Contact) -> tuple[str, ...]:
    return ("sms",) if contact.phone else ("email",)


def stages_for(config: Config, notify: str | Collection[str]) -> tuple[list[Stage], int, timedelta]:
    """The tiers of `notify` (a policy name or contact ids), repeat_last, repeat_every."""
    if isinstance(notify, str):
        policy = config.escalation.get(notify) or config.escalation.get(DEFAULT_POLICY)
        if policy is None:
            if notify in config.contacts:
                return stages_for(config, [notify])
            log.error("no escalation policy '%s' and no '%s': nobody to tell", notify, "default")
            return [], 0, timedelta(0)
        stages = [
            Stage(
                tuple((c, tuple(ch.value for ch in tier.channels)) for c in tier.contacts),
                tier.wait,
            )
            for tier in policy.tiers
        ]
        return stages, policy.repeat_last, policy.repeat_every
    contacts = tuple((c, preferred(config.contacts[c])) for c in notify if c in config.contacts)
    return ([Stage(contacts, timedelta(0))] if contacts else []), 0, timedelta(0)


def installer_stage(config: Config) -> Stage | None:
    """Everyone with the installer role, each on their preferred channel."""
    contacts = tuple(
        (cid, preferred(c)) for cid, c in config.contacts.items() if c.role is ContactRole.INSTALLER
    )
    return Stage(contacts, timedelta(0)) if contacts else None


def plan(stages: list[Stage], severity: Severity, repeat_last: int, every: timedelta) -> list[Step]:
    """The steps of an escalation by severity.

    info: nobody; warning: the first tier; urgent: tier after tier, each tier's wait apart;
    emergency: all tiers at once. Urgent and emergency then repeat the last tier.
    """
    if not stages or severity is Severity.INFO:
        return []
    if severity is Severity.WARNING:
        return [Step((0,), "raised", None)]
    last = len(stages) - 1
    if severity is Severity.EMERGENCY:
        steps = [Step(tuple(range(len(stages))), "raised", every)]
    else:
        steps = [Step((i,), "raised", stages[i].wait) for i in range(len(stages))]
    steps[-1] = Step(steps[-1].stages, "raised", every)
    steps.extend(Step((last,), "repeat", every) for _ in range(repeat_last))
    steps[-1] = Step(steps[-1].stages, steps[-1].kind, None)
    return steps


def address(contact: Contact, channel: str) -> str | None:
    if channel == "sms":
        return contact.phone
    if channel == "email":
        return contact.email
    if channel == "console":
        return contact.name
    return None


def channels_for(
    contact_id: str,
    contact: Contact,
    wanted: tuple[str, ...],
    available: Collection[str],
    blocked: Collection[str],
) -> list[str]:
    """The channels to use: each wanted one if it can be used, else the contact's next one."""

    def usable(channel: str) -> bool:
        return (
            channel in available
            and address(contact, channel) is not None
            and f"{channel}:{contact_id}" not in blocked
            and f"{channel}:*" not in blocked
        )

    chosen: list[str] = []
    for channel in wanted:
        if usable(channel):
            pick: str | None = channel
        else:
            pick = next((c for c in FALLBACK_ORDER if c not in chosen and usable(c)), None)
        if pick is not None and pick not in chosen:
            chosen.append(pick)
    return chosen


def next_channel(
    contact_id: str,
    contact: Contact,
    failed: Collection[str],
    available: Collection[str],
    blocked: Collection[str],
) -> str | None:
    """After `failed` channels did not work, the contact's next one, if any."""
    for channel in FALLBACK_ORDER:
        if channel in failed:
            continue
        if channels_for(contact_id, contact, (channel,), available, blocked) == [channel]:
            return channel
    return None


def held_until(
    quiet: QuietHours | None, severity: Severity, now: datetime, tz: ZoneInfo
) -> datetime:
    """When a message may go out: at the end of the contact's quiet hours for info and warning."""
    if quiet is None or severity in (Severity.URGENT, Severity.EMERGENCY):
        return now
    local = now.astimezone(tz)
    if not _within(local.time(), quiet.start, quiet.end):
        return now
    end = datetime.combine(local.date(), quiet.end, tzinfo=tz)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), quiet.end, tzinfo=tz)
    return max(now, end.astimezone(now.tzinfo))


def _within(t: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= t < end
    return t >= start or t < end  # over midnight
