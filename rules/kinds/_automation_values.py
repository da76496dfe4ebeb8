"""Reading an automation's values: entity ids, states, durations, messages, in HA's spellings.

Values are checked against the entity's capability here, so `to: "on"` on a thermometer is
an error in `obhut check`, not a rule that never fires. The `Unknown` stand-in takes an item
whose `trigger:`, `condition:` or `action:` is missing or unknown, and only says so.
"""

from __future__ import annotations

import re
import string
import typing
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    model_validator,
)

from hub.config.problems import ConfigValueError, did_you_mean, one_of
from hub.config.units import TimeOfDay, format_duration, parse_duration
from hub.model import VALUE_KIND, Capability, EntityId, Value, ValueKind, parse_value
from rules.config import Weekday

MESSAGE_FIELDS = ("time", "name", "room", "value", "entity")
_HA_TIME = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")


def _listed(value: Any) -> Any:
    """Home Assistant takes one item or a list wherever a list makes sense."""
    return value if isinstance(value, (list, tuple)) else [value]


def parse_entity_id(value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigValueError(
            "expected an entity id", expected="capability.name, e.g. motion.flur"
        )
    try:
        return str(EntityId.parse(value.strip()))
    except ValueError as e:
        cap = value.partition(".")[0]
        hint = did_you_mean(cap, [c.value for c in Capability])
        if cap in ("binary_sensor", "sensor", "input_boolean"):
            hint = "Obhut names entities by what they sense: motion.flur, contact.front_door, …"
        raise ConfigValueError(
            str(e), expected="capability.name, e.g. motion.flur or temperature.bad", hint=hint
        ) from None


def parse_for(value: Any) -> timedelta:
    """45m or 2h30m like any duration; also Home Assistant's "00:10:00" and {minutes: 10}."""
    if isinstance(value, dict):
        units = {"days", "hours", "minutes", "seconds"}
        numbers = all(isinstance(v, int) and not isinstance(v, bool) for v in value.values())
        if not value or not set(value) <= units or not numbers:
            raise ConfigValueError(
                "not a duration", expected="e.g. 10m, or {minutes: 10} with days, hours, minutes"
            )
        span = timedelta(**value)
        if span <= timedelta(0):
            raise ConfigValueError("a duration must be longer than zero", expected="e.g. 10m")
        return span
    if isinstance(value, str) and (m := _HA_TIME.match(value.strip())):
        hours, minutes, seconds = (int(g) if g else 0 for g in m.groups())
        span = timedelta(hours=hours, minutes=minutes, seconds=seconds)
        if span > timedelta(0):
            return span
    return parse_duration(value)


EntityRef = Annotated[str, BeforeValidator(parse_entity_id)]
EntityRefs = Annotated[tuple[EntityRef, ...], BeforeValidator(_listed), Field(min_length=1)]
For = Annotated[
    timedelta, BeforeValidator(parse_for), PlainSerializer(format_duration, return_type=str)
]
Weekdays = Annotated[tuple[Weekday, ...], BeforeValidator(_listed)]
Times = Annotated[tuple[TimeOfDay, ...], BeforeValidator(_listed), Field(min_length=1)]
Written = bool | float | str  # a state as written; turned into the entity's kind of value


def _kind_of(entities: tuple[str, ...]) -> Capability:
    caps = {EntityId.parse(e).capability for e in entities}
    if len({VALUE_KIND[c] for c in caps}) > 1:
        raise ConfigValueError(
            "these entities have different kinds of value",
            hint="write one trigger or condition per kind (on/off, numbers, text)",
        )
    return min(caps)


def read_state(written: Written, entities: tuple[str, ...]) -> Value:
    """`"on"` for a motion sensor → True; `21` for a thermostat → 21.0."""
    cap = _kind_of(entities)
    text = ("true" if written else "false") if isinstance(written, bool) else str(written)
    try:
        return parse_value(cap, text)
    except ValueError:
        binary = VALUE_KIND[cap] is ValueKind.BINARY
        raise ConfigValueError(
            f"'{written}' is not a state of {cap.value}",
            expected='"on" or "off"' if binary else "a number",
            hint=did_you_mean(text, ("on", "off")) if binary else None,
        ) from None


def states(value: Any, info: ValidationInfo) -> Any:
    """A field validator: `to`, `from` or `state` in the kind of value of `entity_id`."""
    entities = info.data.get("entity_id")
    if value is None or not entities:
        return value  # entity_id is wrong itself: that error is enough
    if isinstance(value, tuple):
        return tuple(read_state(v, entities) for v in value)
    return read_state(value, entities)


def numeric(entities: tuple[str, ...]) -> tuple[str, ...]:
    """A field validator: numeric_state compares numbers only."""
    for e in entities:
        kind = VALUE_KIND[EntityId.parse(e).capability]
        if kind is not ValueKind.NUMBER:
            raise ConfigValueError(
                f"{e} is {'on or off' if kind is ValueKind.BINARY else 'text'}, not a number",
                hint="compare it with `trigger: state` (or `condition: state`)",
            )
    return entities


def capability(cap: Capability) -> Callable[[str], str]:
    """A field validator: a light action needs a light.* entity, and so on."""

    def check(entity: str) -> str:
        if EntityId.parse(entity).capability is not cap:
            raise ConfigValueError(
                f"a {cap.value} action needs a {cap.value}.* entity, not {entity}",
                expected=f"e.g. {cap.value}.flur",
            )
        return entity

    return check


def plain_message(text: str) -> str:
    """A field validator: plain text with the fields a notify message knows."""
    if "{{" in text or "{%" in text:
        raise ConfigValueError(
            "templates are not supported in messages",
            expected="plain text with " + ", ".join(f"{{{f}}}" for f in MESSAGE_FIELDS),
        )
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as e:
        raise ConfigValueError(f"{e} in the message", hint="write {{ for a brace") from None
    for name in names:
        if name not in MESSAGE_FIELDS:
            raise ConfigValueError(
                f"unknown field {{{name}}} in the message",
                expected=one_of(f"{{{f}}}" for f in MESSAGE_FIELDS),
                hint=did_you_mean(name, MESSAGE_FIELDS),
            )
    return text


# ---------------------------------------------------------------- choosing by the tag key


def tag_of(model: type[BaseModel], key: str) -> str:
    """`state` for a model with `trigger: Literal["state"]`."""
    return str(typing.get_args(model.model_fields[key].annotation)[0])


def picker(key: str, models: tuple[type[BaseModel], ...], unknown: str) -> Callable[[Any], str]:
    """The discriminator: an item's tag is its model's class name, never a key in the data."""
    by_value = {tag_of(m, key): m.__name__ for m in models}

    def pick(item: Any) -> str:
        value = item.get(key) if isinstance(item, dict) else getattr(item, key, None)
        return by_value.get(value, unknown) if isinstance(value, str) else unknown

    return pick


def tag_check(key: str, models: tuple[type[BaseModel], ...]) -> Callable[[Any], Any]:
    """The validator of an Unknown stand-in's tag: it always fails, with the right words."""
    known = tuple(sorted(tag_of(m, key) for m in models))

    def check(value: Any) -> Any:
        if value is None:
            raise ConfigValueError(
                f"this {key} has no `{key}:`", expected=f"`{key}:` {one_of(known)}"
            )
        text = str(value)
        hint = did_you_mean(text, known)
        if "." in text and text.partition(".")[0] in known:  # light.turn_on, climate.set_…
            hint = f"write `{key}: {text.partition('.')[0]}`; Obhut names no services"
        raise ConfigValueError(f"unknown {key} '{text}'", expected=one_of(known), hint=hint)

    return check


class Unknown(BaseModel):
    """Stands for an item with no or an unknown tag; validating it always fails."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    key: ClassVar[str]
    older: ClassVar[str | None] = None  # Home Assistant's older name for `key`

    @model_validator(mode="before")
    @classmethod
    def _older_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls.key not in data and cls.older in data:
            raise ConfigValueError(
                f"write `{cls.key}: {data[cls.older]}`",
                hint=f"`{cls.older}:` is Home Assistant's older name for `{cls.key}:`",
            )
        return data
