"""The domain's vocabulary: capabilities, entities, observations, findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Capability(StrEnum):
    """What an entity can sense or do; the first part of every entity id."""

    MOTION = "motion"
    PRESENCE = "presence"
    CONTACT = "contact"
    LIGHT = "light"
    SWITCH = "switch"
    CLIMATE = "climate"
    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"
    ILLUMINANCE = "illuminance"
    HEART_RATE = "heart_rate"
    RESPIRATORY_RATE = "respiratory_rate"
    BED_OCCUPANCY = "bed_occupancy"
    FALL = "fall"
    SOS_BUTTON = "sos_button"
    WATER_LEAK = "water_leak"
    SMOKE = "smoke"
    BATTERY = "battery"
    POWER = "power"
    # The resident's own actions, from the tablet or a button.
    CHECK_IN = "check_in"
    HELP = "help"
    AWAY = "away"
    REMINDER = "reminder"  # a reminder confirmed: the value is the reminder rule's id
    VISIT = "visit"  # a carer's visit: on = checked in, off = checked out
    # Measured by hand (carer or resident) and entered on a page: entity `<capability>.<resident>`.
    BLOOD_PRESSURE_SYSTOLIC = "bp_systolic"  # mmHg
    BLOOD_PRESSURE_DIASTOLIC = "bp_diastolic"  # mmHg
    BODY_WEIGHT = "body_weight"  # kg
    SPO2 = "spo2"  # percent
    BODY_TEMPERATURE = "body_temperature"  # °C
    BLOOD_GLUCOSE = "blood_glucose"  # mg/dL
    # The hub's own health: a device reachable or not, the radio connected or not.
    AVAILABLE = "available"
    RADIO = "radio"


class ValueKind(StrEnum):
    BINARY = "binary"
    NUMBER = "number"
    TEXT = "text"


VALUE_KIND: dict[Capability, ValueKind] = {
    Capability.MOTION: ValueKind.BINARY,
    Capability.PRESENCE: ValueKind.BINARY,
    Capability.CONTACT: ValueKind.BINARY,  # True = open
    Capability.LIGHT: ValueKind.NUMBER,  # brightness 0..100 %, 0 = off
    Capability.SWITCH: ValueKind.BINARY,
    Capability.CLIMATE: ValueKind.NUMBER,  # target setpoint, °C
    Capability.TEMPERATURE: ValueKind.NUMBER,
    Capability.HUMIDITY: ValueKind.NUMBER,
    Capability.ILLUMINANCE: ValueKind.NUMBER,
    Capability.HEART_RATE: ValueKind.NUMBER,
    Capability.RESPIRATORY_RATE: ValueKind.NUMBER,
    Capability.BED_OCCUPANCY: ValueKind.BINARY,
    Capability.FALL: ValueKind.BINARY,
    Capability.SOS_BUTTON: ValueKind.BINARY,
    Capability.WATER_LEAK: ValueKind.BINARY,
    Capability.SMOKE: ValueKind.BINARY,
    Capability.BATTERY: ValueKind.NUMBER,  # percent
    Capability.POWER: ValueKind.NUMBER,  # watts
    Capability.CHECK_IN: ValueKind.BINARY,
    Capability.HELP: ValueKind.BINARY,
    Capability.AWAY: ValueKind.BINARY,
    Capability.REMINDER: ValueKind.TEXT,
    Capability.VISIT: ValueKind.BINARY,
    Capability.BLOOD_PRESSURE_SYSTOLIC: ValueKind.NUMBER,
    Capability.BLOOD_PRESSURE_DIASTOLIC: ValueKind.NUMBER,
    Capability.BODY_WEIGHT: ValueKind.NUMBER,
    Capability.SPO2: ValueKind.NUMBER,
    Capability.BODY_TEMPERATURE: ValueKind.NUMBER,
    Capability.BLOOD_GLUCOSE: ValueKind.NUMBER,
    Capability.AVAILABLE: ValueKind.BINARY,
    Capability.RADIO: ValueKind.BINARY,
}

# Capabilities whose "on" means the resident is up and about.
ACTIVITY: frozenset[Capability] = frozenset(
    {
        Capability.MOTION,
        Capability.PRESENCE,
        Capability.CONTACT,
        Capability.CHECK_IN,
        Capability.POWER,
        Capability.LIGHT,
    }
)

Value = bool | float | str

_SLUG = re.compile(r"[^a-z0-9]+")
_ENTITY_ID = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z0-9_]+)$")
_TRUE = frozenset({"on", "true", "1", "open", "detected", "yes"})
_FALSE = frozenset({"off", "false", "0", "closed", "clear", "no"})


def slugify(text: str) -> str:
    """`Bad oben` → `bad_oben`; German umlauts spelt out so ids stay ASCII."""
    text = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return _SLUG.sub("_", text).strip("_")


@dataclass(frozen=True, slots=True)
class EntityId:
    """A stable id such as `motion.bathroom`: capability, then a slug."""

    capability: Capability
    name: str

    @classmethod
    def parse(cls, text: str) -> EntityId:
        m = _ENTITY_ID.match(text)
        if not m:
            raise ValueError(
                f"'{text}' is not an entity id; write capability.name, e.g. motion.bathroom"
            )
        try:
            cap = Capability(m.group(1))
        except ValueError:
            raise ValueError(f"unknown capability '{m.group(1)}' in '{text}'") from None
        return cls(cap, m.group(2))

    def __str__(self) -> str:
        return f"{self.capability.value}.{self.name}"


@dataclass(frozen=True, slots=True)
class Entity:
    """One thing the hub knows about: a sensor reading, a light, a tablet button."""

    id: str
    capability: Capability
    name: str
    room: str | None = None
    device: str | None = None


def parse_value(capability: Capability, text: str) -> Value:
    """Turn a value as written in a CSV or a form into the capability's type."""
    kind = VALUE_KIND[capability]
    raw = text.strip()
    if kind is ValueKind.BINARY:
        low = raw.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"expected on or off for {capability.value}, got '{text}'")
    if kind is ValueKind.NUMBER:
        try:
            number = float(raw)
        except ValueError:
            raise ValueError(f"expected a number for {capability.value}, got '{text}'") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"expected a finite number for {capability.value}, got '{text}'")
        return number
    return raw


@dataclass(frozen=True, slots=True)
class Observation:
    """Something the hub saw: at `ts` (aware, UTC), `entity` had `value`."""

    ts: datetime
    entity: str
    value: Value
    source: str = "zigbee"

    @property
    def capability(self) -> Capability:
        return Capability(self.entity.partition(".")[0])


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    URGENT = "urgent"
    EMERGENCY = "emergency"


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule concluded, and why: the input to alerting."""

    ts: datetime
    rule: str
    kind: str
    severity: Severity
    subject: str
    summary: str
    evidence: tuple[str, ...] = ()
    cleared: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""  # in the home's language, for the SMS and the pages
    entity: str | None = None
    room: str | None = None
    pre_alert_s: float = 0  # ask the resident on the tablet this long before calling others
    system: bool = False  # about the hub itself: for the installer, never the family

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "finding",
            "ts": self.ts.isoformat(),
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity.value,
            "subject": self.subject,
            "entity": self.entity,
            "room": self.room,
            "summary": self.summary,
            "explanation": self.explanation,
            "evidence": list(self.evidence),
            "cleared": self.cleared,
            **({"pre_alert_s": self.pre_alert_s} if self.pre_alert_s else {}),
            **({"system": True} if self.system else {}),
            **({"data": self.data} if self.data else {}),
        }


@dataclass(frozen=True, slots=True)
class Action:
    """Something a rule wants done in the flat (a light, the heating); never a message."""

    ts: datetime
    rule: str
    kind: str  # "light" | "switch" | "climate"
    entity: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "action",
            "ts": self.ts.isoformat(),
            "rule": self.rule,
            "kind": self.kind,
            "entity": self.entity,
            "params": self.params,
        }


@dataclass(frozen=True, slots=True)
class Deadline:
    """A pending moment the hub must act at; persisted, so it survives a restart."""

    key: str  # unique: scheduling the same key again replaces the deadline
    due: datetime  # aware, UTC
    kind: str  # which handler runs it, e.g. "rule" or "escalation"
    data: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable
    trigger: str | None = None  # for a calendar deadline: its spec, to compute the next one
