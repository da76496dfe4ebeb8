"""The parts of an automation as written in obhut.yaml, in Home Assistant's words.

Each list item is chosen by its `trigger:`, `condition:` or `action:` key (a discriminated
union whose tags are the class names, so they never collide with a key of the data); an
unknown or missing key lands on an `Unknown` stand-in whose only job is to say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from hub.config.problems import ConfigValueError
from hub.config.units import TimeOfDay
from hub.model import Capability, Severity
from rules.kinds._automation_values import (
    EntityRef,
    EntityRefs,
    For,
    Times,
    Unknown,
    Weekdays,
    Written,
    capability,
    numeric,
    picker,
    plain_message,
    states,
    tag_check,
)


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Range(Part):
    entity_id: EntityRefs
    above: float | None = None
    below: float | None = None

    check_numeric = field_validator("entity_id")(numeric)

    @model_validator(mode="after")
    def _bounds(self) -> _Range:
        if self.above is None and self.below is None:
            raise ConfigValueError("give `above:`, `below:` or both", expected="e.g. below: 17")
        if self.above is not None and self.below is not None and self.above >= self.below:
            raise ConfigValueError(
                f"nothing is above {self.above:g} and below {self.below:g}",
                hint="for 'outside a range' write two triggers, one `above:`, one `below:`",
            )
        return self

    def holds(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return (self.above is None or value > self.above) and (
            self.below is None or value < self.below
        )


# ------------------------------------------------------------------------------ triggers


class StateTrigger(Part):
    """A change of state (`to`, `from`); with `for`, a state unchanged for so long."""

    trigger: Literal["state"]
    entity_id: EntityRefs
    from_: Written | None = Field(None, alias="from")
    to: Written | None = None
    for_: For | None = Field(None, alias="for")

    read = field_validator("from_", "to")(states)


class NumericStateTrigger(_Range):
    """A reading crossing into `above`/`below` (and staying there `for` so long)."""

    trigger: Literal["numeric_state"]
    for_: For | None = Field(None, alias="for")


class TimeTrigger(Part):
    """A time of day, every day or on some weekdays."""

    trigger: Literal["time"]
    at: Times
    weekday: Weekdays = ()


# ---------------------------------------------------------------------------- conditions


class TimeCondition(Part):
    """Now is after `after` and before `before` (over midnight if after > before)."""

    condition: Literal["time"]
    after: TimeOfDay | None = None
    before: TimeOfDay | None = None
    weekday: Weekdays = ()

    @model_validator(mode="after")
    def _something(self) -> TimeCondition:
        if self.after is None and self.before is None and not self.weekday:
            raise ConfigValueError(
                "a time condition needs `after:`, `before:` or `weekday:`",
                expected='e.g. after: "22:00", before: "06:00"',
            )
        return self


class StateCondition(Part):
    """Every entity is in (one of) `state`."""

    condition: Literal["state"]
    entity_id: EntityRefs
    state: Written | tuple[Written, ...]

    read = field_validator("state")(states)


class NumericStateCondition(_Range):
    condition: Literal["numeric_state"]


# ------------------------------------------------------------------------------- actions


class LightAction(Part):
    """Brightness in %, 0 turns the light off."""

    action: Literal["light"]
    entity_id: EntityRef
    brightness: int = Field(100, ge=0, le=100)

    check_entity = field_validator("entity_id")(capability(Capability.LIGHT))


class SwitchAction(Part):
    action: Literal["switch"]
    entity_id: EntityRef
    state: Literal["on", "off"]

    check_entity = field_validator("entity_id")(capability(Capability.SWITCH))


class ClimateAction(Part):
    """A heating setpoint in °C."""

    action: Literal["climate"]
    entity_id: EntityRef
    temperature: float = Field(ge=5, le=30)

    check_entity = field_validator("entity_id")(capability(Capability.CLIMATE))


class NotifyAction(Part):
    """A finding with this message as its explanation, to the rule's `notify`."""

    action: Literal["notify"]
    message: str
    severity: Severity | None = None  # default: the rule's severity

    check_message = field_validator("message")(plain_message)


_TRIGGERS = (StateTrigger, NumericStateTrigger, TimeTrigger)
_CONDITIONS = (TimeCondition, StateCondition, NumericStateCondition)
_ACTIONS = (LightAction, SwitchAction, ClimateAction, NotifyAction)


class UnknownTrigger(Unknown):
    key = "trigger"
    older = "platform"
    trigger: Annotated[Any, BeforeValidator(tag_check("trigger", _TRIGGERS))] = Field(
        None, validate_default=True
    )


class UnknownCondition(Unknown):
    key = "condition"
    condition: Annotated[Any, BeforeValidator(tag_check("condition", _CONDITIONS))] = Field(
        None, validate_default=True
    )


class UnknownAction(Unknown):
    key = "action"
    older = "service"
    action: Annotated[Any, BeforeValidator(tag_check("action", _ACTIONS))] = Field(
        None, validate_default=True
    )


if TYPE_CHECKING:
    Trigger = StateTrigger | NumericStateTrigger | TimeTrigger
    Condition = TimeCondition | StateCondition | NumericStateCondition
    Action = LightAction | SwitchAction | ClimateAction | NotifyAction
else:
    Trigger = Annotated[
        Annotated[StateTrigger, Tag("StateTrigger")]
        | Annotated[NumericStateTrigger, Tag("NumericStateTrigger")]
        | Annotated[TimeTrigger, Tag("TimeTrigger")]
        | Annotated[UnknownTrigger, Tag("UnknownTrigger")],
        Discriminator(picker("trigger", _TRIGGERS, "UnknownTrigger")),
    ]
    Condition = Annotated[
        Annotated[TimeCondition, Tag("TimeCondition")]
        | Annotated[StateCondition, Tag("StateCondition")]
        | Annotated[NumericStateCondition, Tag("NumericStateCondition")]
        | Annotated[UnknownCondition, Tag("UnknownCondition")],
        Discriminator(picker("condition", _CONDITIONS, "UnknownCondition")),
    ]
    Action = Annotated[
        Annotated[LightAction, Tag("LightAction")]
        | Annotated[SwitchAction, Tag("SwitchAction")]
        | Annotated[ClimateAction, Tag("ClimateAction")]
        | Annotated[NotifyAction, Tag("NotifyAction")]
        | Annotated[UnknownAction, Tag("UnknownAction")],
        Discriminator(picker("action", _ACTIONS, "UnknownAction")),
    ]
