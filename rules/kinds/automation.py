"""automation: trigger, condition, action, in Home Assistant's words, for what no kind covers.

    - kind: automation
      id: flur_licht_nachts
      triggers:
        - {trigger: state, entity_id: motion.flur, to: "on"}
        - {trigger: numeric_state, entity_id: temperature.wohnzimmer, below: 17, for: 30m}
        - {trigger: time, at: "07:00", weekday: [mon, tue, wed, thu, fri]}
        - {trigger: state, entity_id: contact.front_door, to: "on", for: 10m}  # open 10 min
        - {trigger: state, entity_id: motion.kueche, for: 4h}   # no change for 4 hours
      conditions:            # all must hold when a trigger fires
        - {condition: time, after: "22:00", before: "06:00", weekday: [mon, tue]}
        - {condition: state, entity_id: away.tablet, state: "off"}
        - {condition: numeric_state, entity_id: temperature.wohnzimmer, above: 15}
      actions:               # in order
        - {action: light, entity_id: light.flur, brightness: 30}   # 0 turns it off
        - {action: switch, entity_id: switch.herd, state: "off"}
        - {action: climate, entity_id: climate.wohnzimmer, temperature: 21}
        - {action: notify, message: "Flur-Licht nachts um {time}"}  # a finding, to `notify`
      # severity: warning     # of the notify findings (an action may give its own)

Like Home Assistant: a state trigger fires on a change (a repeated report is none), `to`
and `from` name the new and the old state ("on"/"off" for on/off entities), `for` asks
that the state (or the reading, for numeric_state) stays so long; a change before then
cancels it. Unlike Home Assistant, `for` is a persisted deadline: a restart of the hub in
the middle neither loses it nor starts it again. Conditions read the latest state of any
entity; an on/off entity that never reported counts as "off", a missing number as unknown
(the condition fails). A notify message may use {time}, {name}, {room}, {value}, {entity}.
The common `active:` works as one more condition; `cooldown:` quiets repeated notifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import Field

from hub.model import (
    VALUE_KIND,
    Capability,
    Deadline,
    Entity,
    EntityId,
    Observation,
    Severity,
    Value,
    ValueKind,
)
from hub.model import Action as DeviceAction
from hub.scheduler import Calendar
from rules.base import BaseRule
from rules.config import WEEKDAYS, RuleConfig, TimeWindow
from rules.context import RuleContext
from rules.kinds._automation_parts import (
    Action,
    ClimateAction,
    Condition,
    LightAction,
    NotifyAction,
    NumericStateCondition,
    NumericStateTrigger,
    StateCondition,
    StateTrigger,
    SwitchAction,
    TimeCondition,
    TimeTrigger,
    Trigger,
)
from rules.windows import contains


class Config(RuleConfig):
    kind: Literal["automation"] = "automation"
    triggers: tuple[Trigger, ...] = Field(min_length=1)
    conditions: tuple[Condition, ...] = ()
    actions: tuple[Action, ...] = Field(min_length=1)
    severity: Severity = Severity.WARNING


@dataclass(frozen=True)
class Fired:
    """Why the actions run: which trigger, at what moment, and the entity behind it."""

    trigger: int
    ts: datetime
    entity: str | None = None
    value: Value | None = None


_UNSEEN = object()


class Rule(BaseRule):
    """Remembers each watched entity's last state to see changes; `for` waits in deadlines."""

    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._watched = frozenset(
            e
            for t in config.triggers
            if isinstance(t, StateTrigger | NumericStateTrigger)
            for e in t.entity_id
        )
        self._last: dict[str, Value] = {}

    def wants(self, entity: Entity) -> bool:
        return entity.id in self._watched

    def start(self, ctx: RuleContext, now: datetime) -> None:
        # What the hub knew before this rule (re)started: a report of the same state is then
        # no change, and a pending `for` keeps running.
        for entity in self._watched:
            if entity in ctx.state:
                self._last[entity] = ctx.state[entity].value
        for i, trigger in enumerate(self.config.triggers):
            if isinstance(trigger, TimeTrigger):
                days = frozenset(WEEKDAYS.index(d) for d in trigger.weekday) or None
                for j, at in enumerate(trigger.at):
                    ctx.every(f"time{i}.{j}", Calendar(at, days), {"trigger": i})

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        entity, value = obs.entity, obs.value
        old: object = self._last.get(entity, _UNSEEN)
        self._last[entity] = value
        for i, trigger in enumerate(self.config.triggers):
            if isinstance(trigger, TimeTrigger) or entity not in trigger.entity_id:
                continue
            name = f"for{i}:{entity}"
            if isinstance(trigger, StateTrigger):
                if old is not _UNSEEN and old == value:
                    continue  # the same state reported again: no change
                matches = (trigger.to is None or value == trigger.to) and (
                    trigger.from_ is None or old == trigger.from_
                )
            else:
                matches = trigger.holds(value)
                if matches and old is not _UNSEEN and trigger.holds(old):
                    continue  # still inside: the timer (if any) keeps running
            if not matches:
                ctx.cancel(name)  # changed before `for` was over
            elif trigger.for_ is None:
                self._run(Fired(i, obs.ts, entity, value), ctx)
            elif old is _UNSEEN and ctx.pending(name) is not None:
                continue  # the hub restarted while it waited: keep the original deadline
            else:
                ctx.at(name, obs.ts + trigger.for_, {"trigger": i, "entity": entity})

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        name, i = str(deadline.data["name"]), int(deadline.data["trigger"])
        trigger = self.config.triggers[i] if i < len(self.config.triggers) else None
        entity = deadline.data.get("entity")
        if (
            isinstance(trigger, TimeTrigger)
            and name.startswith("time")
            and int(name.partition(".")[2]) < len(trigger.at)
        ):
            self._run(Fired(i, deadline.due), ctx)
            return
        if trigger is None or isinstance(trigger, TimeTrigger) or not isinstance(entity, str):
            ctx.cancel(name)  # left over from an older version of this rule
            return
        if entity not in trigger.entity_id:
            return
        current = ctx.state.get(entity)
        value = current.value if current is not None else self._last.get(entity)
        if isinstance(trigger, StateTrigger):
            still = trigger.to is None or value == trigger.to
        else:
            still = trigger.holds(value)
        if still:  # the rule may have changed since the deadline was set: check once more
            self._run(Fired(i, deadline.due, entity, value), ctx)

    # ------------------------------------------------------------------------ conditions

    def _run(self, fired: Fired, ctx: RuleContext) -> None:
        if not self._active(fired.ts, ctx):
            return
        if all(self._holds(c, fired.ts, ctx) for c in self.config.conditions):
            for action in self.config.actions:
                self._act(action, fired, ctx)

    def _active(self, ts: datetime, ctx: RuleContext) -> bool:
        """`active:` gates the lights and the heating too, not only the findings (the engine)."""
        active = self.config.active
        if active is None:
            return True
        if active.weekdays and WEEKDAYS[ts.astimezone(ctx.tz).weekday()] not in active.weekdays:
            return False
        if active.start is None or active.end is None:
            return True
        return contains(ts, TimeWindow(start=active.start, end=active.end), ctx.tz)

    def _holds(self, condition: Condition, ts: datetime, ctx: RuleContext) -> bool:
        if isinstance(condition, TimeCondition):
            local = ts.astimezone(ctx.tz)
            if condition.weekday and WEEKDAYS[local.weekday()] not in condition.weekday:
                return False
            now, after, before = (
                local.time().replace(tzinfo=None),
                condition.after,
                condition.before,
            )
            if after is not None and before is not None and before <= after:
                return now >= after or now < before  # over midnight
            return (after is None or now >= after) and (before is None or now < before)
        return all(self._state_holds(condition, e, ctx) for e in condition.entity_id)

    def _state_holds(
        self, condition: StateCondition | NumericStateCondition, entity: str, ctx: RuleContext
    ) -> bool:
        current = ctx.state.get(entity)
        value: Value | None = current.value if current is not None else None
        if isinstance(condition, NumericStateCondition):
            return condition.holds(value)
        if value is None and VALUE_KIND[EntityId.parse(entity).capability] is ValueKind.BINARY:
            value = False  # an on/off entity that never reported is off (away, a button)
        wanted = condition.state if isinstance(condition.state, tuple) else (condition.state,)
        return value in wanted

    # --------------------------------------------------------------------------- actions

    def _act(self, action: Action, fired: Fired, ctx: RuleContext) -> None:
        rule = self.config.rule_id
        if isinstance(action, NotifyAction):
            self._notify(action, fired, ctx)
            return
        if isinstance(action, LightAction):
            on = action.brightness > 0
            params: dict[str, object] = {"on": on, "brightness": action.brightness if on else None}
            ctx.act(DeviceAction(fired.ts, rule, "light", action.entity_id, params))
        elif isinstance(action, SwitchAction):
            params = {"on": action.state == "on"}
            ctx.act(DeviceAction(fired.ts, rule, "switch", action.entity_id, params))
        elif isinstance(action, ClimateAction):
            params = {"setpoint": action.temperature}
            ctx.act(DeviceAction(fired.ts, rule, "climate", action.entity_id, params))

    def _notify(self, action: NotifyAction, fired: Fired, ctx: RuleContext) -> None:
        entity = fired.entity
        known = ctx.entities.get(entity) if entity else None
        room = ctx.entity_room(entity) if entity else None
        value = fired.value
        shown = "" if value is None else _shown(value, entity, ctx.lang)
        explanation = action.message.format(
            time=ctx.clock(fired.ts),
            name=known.name if known else (entity or ""),
            room=ctx.room_name(room) if room else "",
            value=shown,
            entity=entity or "",
        )
        evidence = (f"{entity} = {value}",) if entity else (f"time trigger {fired.trigger}",)
        ctx.emit(
            self.finding(
                ctx,
                fired.ts,
                summary=f"automation {self.config.rule_id}: trigger {fired.trigger} fired",
                explanation=explanation,
                subject=self.config.rule_id,
                entity=entity,
                room=room,
                evidence=evidence,
                severity=action.severity,
                data={"trigger": fired.trigger},
            )
        )


def _shown(value: Value, entity: str | None, lang: str) -> str:
    if isinstance(value, bool):
        return ("an" if value else "aus") if lang == "de" else ("on" if value else "off")
    if isinstance(value, float):
        unit = (
            " °C" if entity and EntityId.parse(entity).capability is Capability.TEMPERATURE else ""
        )
        return f"{value:g}{unit}"
    return value
