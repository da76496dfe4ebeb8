"""How timestamps, values and deadlines are written to SQLite and read back."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.model import VALUE_KIND, Capability, Deadline, Observation, Value, ValueKind

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_US = timedelta(microseconds=1)

# observations.id = (ms since epoch << SEQ_BITS) | seq: rows sit in time order and a time range
# is a rowid range. 20 bits of sequence keep ids below 2**63 until the year 2248.
SEQ_BITS = 20
MAX_MS = (1 << (63 - SEQ_BITS)) - 1
# Integral numbers are stored as SQLite integers (1 to 6 bytes, 0 bytes for 0 and 1) instead of
# an 8-byte real; within 2**53 the round trip through int is exact.
_EXACT_INT = float(2**53)

Stored = int | float | str
# An observation waiting to be written: (ms, entity, stored value, source).
ObservationRow = tuple[int, str, Stored, str]
# A deadline as written: (key, due in µs, kind, data as JSON, trigger).
DeadlineRow = tuple[str, int, str, str, str | None]
# An audit entry as written: (ms, actor, action, target, detail).
AuditRow = tuple[int, str, str, str, str]


def to_ms(ts: datetime) -> int:
    """Milliseconds since the epoch, rounded down; `ts` must be timezone-aware."""
    if ts.tzinfo is None:
        raise ValueError(f"timestamp {ts.isoformat()} has no timezone; use an aware UTC datetime")
    return (ts - EPOCH) // _MS


def to_ms_ceil(ts: datetime) -> int:
    """The first whole millisecond at or after `ts` (for range bounds)."""
    ms = to_ms(ts)
    return ms if from_ms(ms) == ts else ms + 1


def from_ms(ms: int) -> datetime:
    return EPOCH + ms * _MS


def to_us(ts: datetime) -> int:
    if ts.tzinfo is None:
        raise ValueError(f"timestamp {ts.isoformat()} has no timezone; use an aware UTC datetime")
    return (ts - EPOCH) // _US


def from_us(us: int) -> datetime:
    return EPOCH + us * _US


def kind_of(entity: str) -> ValueKind:
    """The value kind of an entity id such as `motion.bathroom`, from its capability."""
    prefix, dot, _ = entity.partition(".")
    try:
        capability = Capability(prefix)
    except ValueError:
        raise ValueError(f"unknown capability '{prefix}' in entity id '{entity}'") from None
    if not dot:
        raise ValueError(f"'{entity}' is not an entity id; write capability.name")
    _check_text(entity, "entity id")
    return VALUE_KIND[capability]


def encode_value(kind: ValueKind, value: object, entity: str) -> Stored:
    """The compact stored form of `value`, or ValueError if it is not of the entity's kind."""
    if kind is ValueKind.BINARY:
        if isinstance(value, bool):
            return int(value)
    elif kind is ValueKind.NUMBER:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(f"{entity}: {value!r} is not a finite number")
            if number.is_integer() and -_EXACT_INT < number < _EXACT_INT:
                return int(number)
            return number
    elif isinstance(value, str):
        _check_text(value, f"{entity} value")
        return value
    raise ValueError(f"{entity} takes a {kind.value} value, got {value!r}")


def encode_observation(obs: Observation, kind: ValueKind) -> ObservationRow:
    ms = to_ms(obs.ts)
    if not 0 <= ms <= MAX_MS:
        raise ValueError(f"{obs.entity}: timestamp {obs.ts.isoformat()} is out of range")
    return (ms, obs.entity, encode_value(kind, obs.value, obs.entity), obs.source)


def decode_value(kind: ValueKind | None, raw: Stored) -> Value:
    if kind is ValueKind.BINARY:
        return raw != 0
    if kind is ValueKind.NUMBER:
        return float(raw)
    if kind is ValueKind.TEXT:
        return str(raw)
    # An entity of a capability this version no longer knows: hand back what was stored.
    return raw


def decode_observation(ms: int, entity: str, raw: Stored, source: str) -> Observation:
    try:
        kind: ValueKind | None = kind_of(entity)
    except ValueError:
        kind = None
    return Observation(from_ms(ms), entity, decode_value(kind, raw), source)


def encode_deadline(deadline: Deadline) -> DeadlineRow:
    try:
        data = json.dumps(deadline.data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"deadline {deadline.key!r}: data is not JSON: {exc}") from None
    for text in (deadline.key, deadline.kind, data, deadline.trigger or ""):
        _check_text(text, f"deadline {deadline.key!r}")
    return (deadline.key, to_us(deadline.due), deadline.kind, data, deadline.trigger)


def decode_deadline(row: DeadlineRow) -> Deadline:
    key, due, kind, data, trigger = row
    loaded: dict[str, Any] = json.loads(data)
    return Deadline(key, from_us(due), kind, loaded, trigger)


def check_texts(*texts: str) -> None:
    for text in texts:
        _check_text(text, "text")


def _check_text(text: str, what: str) -> None:
    # SQLite stores UTF-8; a lone surrogate would fail at flush time and block every later write.
    if not isinstance(text, str):
        raise ValueError(f"{what}: expected text, got {text!r}")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{what}: {text!r} cannot be stored as UTF-8") from None
