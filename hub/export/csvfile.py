"""CSV files of observations, alerts and the other tables: RFC 4180, UTF-8, a line at a time.

Each function yields the file's text line by line (CRLF endings, fields quoted where they
hold a comma, a quote or a line break), so a year of a busy flat streams to a file or a
browser without being held in memory.

The observations file starts `timestamp,entity,value,source`, the events format of
`obhut replay`: an export can be replayed through other rules as it is. Every stored reading
is in it as it was recorded, sensor dropouts (0) included: it is the record, not a chart.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hub.alerts.model import Alert, Delivery
from hub.export.measures import UNITS, capability_of
from hub.model import Observation, Value
from hub.store.overlay import AuditEntry

OBSERVATIONS = ("timestamp", "entity", "value", "source", "timestamp_utc", "room", "unit")
ALERTS = (
    "id",
    "opened",
    "opened_utc",
    "rule",
    "kind",
    "severity",
    "state",
    "acknowledged_by",
    "acknowledged_at",
    "resolved_at",
    "summary",
    "explanation",
)
DELIVERIES = (
    "alert_id",
    "created",
    "contact",
    "contact_name",
    "channel",
    "kind",
    "state",
    "attempts",
    "sent_at",
    "text",
    "last_error",
)
AUDIT = ("timestamp", "actor", "action", "target", "detail")


class _Line:
    """A file that hands back what is written to it: csv.writer then returns each line."""

    def write(self, text: str) -> str:
        return text


def lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header, then each row, as RFC 4180 lines."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def local(ts: datetime | None, tz: ZoneInfo) -> str:
    """`2026-11-01T08:00:00+01:00`; milliseconds only where there are some."""
    if ts is None:
        return ""
    spec = "seconds" if not ts.microsecond else "milliseconds"
    return ts.astimezone(tz).isoformat(timespec=spec)


def utc(ts: datetime | None) -> str:
    if ts is None:
        return ""
    spec = "seconds" if not ts.microsecond else "milliseconds"
    return ts.astimezone(UTC).isoformat(timespec=spec).replace("+00:00", "Z")


def value_text(value: Value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def observation_lines(
    observations: Iterable[Observation], tz: ZoneInfo, room_of: Callable[[str], str]
) -> Iterator[str]:
    """One line per stored reading, in time order."""
    units: dict[str, str] = {}
    rooms: dict[str, str] = {}

    def rows() -> Iterator[tuple[str, ...]]:
        seen: datetime | None = None
        here = there = ""
        for obs in observations:
            entity = obs.entity
            unit = units.get(entity)
            if unit is None:
                capability = capability_of(entity)
                unit = units[entity] = UNITS.get(capability, "") if capability else ""
                rooms[entity] = room_of(entity)
            if obs.ts != seen:  # sensors of one device report together: format once
                seen, here, there = obs.ts, local(obs.ts, tz), utc(obs.ts)
            yield (here, entity, value_text(obs.value), obs.source, there, rooms[entity], unit)

    return lines(OBSERVATIONS, rows())


def alert_lines(alerts: Iterable[Alert], tz: ZoneInfo, who: Callable[[str], str]) -> Iterator[str]:
    """One line per alert: what happened, who took it on, when it was over."""
    return lines(
        ALERTS,
        (
            (
                a.id,
                local(a.opened, tz),
                utc(a.opened),
                a.rule,
                a.kind,
                a.severity.value,
                a.state.value,
                who(a.acknowledged_by) if a.acknowledged_by else "",
                local(a.acknowledged, tz),
                local(a.resolved, tz),
                a.summary,
                str(a.data.get("explanation", "")),
            )
            for a in alerts
        ),
    )


def delivery_lines(
    deliveries: Iterable[Delivery], tz: ZoneInfo, names: Mapping[str, str]
) -> Iterator[str]:
    """Who was told what, when, and whether it reached them."""
    return lines(
        DELIVERIES,
        (
            (
                d.alert_id,
                local(d.created, tz),
                d.contact,
                names.get(d.contact, ""),
                d.channel,
                d.kind,
                d.state.value,
                d.attempts,
                local(d.sent, tz),
                d.body,
                d.last_error or "",
            )
            for d in deliveries
        ),
    )


def audit_lines(entries: Iterable[AuditEntry], tz: ZoneInfo) -> Iterator[str]:
    return lines(AUDIT, ((local(e.ts, tz), e.actor, e.action, e.target, e.detail) for e in entries))
