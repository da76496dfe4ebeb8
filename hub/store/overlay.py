"""Reads see writes still waiting in the queue: committed rows with the queue laid over them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from hub.model import Deadline, Observation
from hub.store.codec import (
    AuditRow,
    DeadlineRow,
    ObservationRow,
    decode_deadline,
    decode_observation,
    from_ms,
    to_ms,
)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what to what, and when."""

    ts: datetime
    actor: str
    action: str
    target: str = ""
    detail: str = ""


def current_state(
    stored: dict[str, Observation], pending: list[ObservationRow]
) -> dict[str, Observation]:
    """The last observation per entity by time; on a tie the later write wins."""
    for ms, entity, raw, source in pending:
        seen = stored.get(entity)
        if seen is None or to_ms(seen.ts) <= ms:
            stored[entity] = decode_observation(ms, entity, raw, source)
    return stored


def observations(stored: list[Observation], pending: list[ObservationRow]) -> list[Observation]:
    """Both in time order; at equal times, stored rows first, as they were written first."""
    if pending:
        stored.extend(decode_observation(*row) for row in pending)
        stored.sort(key=attrgetter("ts"))  # stable, and both parts are in write order
    return stored


def deadlines(stored: list[DeadlineRow], pending: dict[str, DeadlineRow | None]) -> list[Deadline]:
    """Stored deadlines with pending replacements and deletions applied, soonest first."""
    rows = {row[0]: row for row in stored}
    for key, row in pending.items():
        if row is None:
            rows.pop(key, None)
        else:
            rows[key] = row
    return sorted(map(decode_deadline, rows.values()), key=attrgetter("due", "key"))


def audit_entries(stored: list[AuditRow], pending: list[AuditRow], limit: int) -> list[AuditEntry]:
    """Newest first: pending entries are newer than every stored one."""
    newest = [*reversed(pending), *stored][:limit]
    return [
        AuditEntry(from_ms(ms), actor, action, target, detail)
        for ms, actor, action, target, detail in newest
    ]
