"""A rule that waits, each day, for one thing by a time: "I'm OK" pressed (check_in), the care
service checked in (carer_visit). A calendar deadline per time of day asks whether it happened
since `since`; it happening later clears the alert. What the rule remembers (when it last
happened, an alert raised, the resident away) travels in the deadlines' memo (rules/daily.py).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, ClassVar

from hub.model import Capability, Deadline, Entity, Observation
from rules.base import BaseRule
from rules.context import RuleContext
from rules.daily import (
    Away,
    Daily,
    DailyConfig,
    SignsOfLife,
    daily_times,
    day_start,
    iso,
    parse,
    when,
)
from rules.explain import Texts

log = logging.getLogger(__name__)


class AwaitedConfig(DailyConfig):
    entities: tuple[str, ...] = ()  # empty: every entity of the awaited capability


class AwaitedRule(BaseRule):
    """The awaited capability turning on, by a time each day; a kind says what and in words."""

    awaited: ClassVar[Capability]
    memo_key: ClassVar[str]  # the memo's name for "last happened" (kept across versions)
    thing: ClassVar[str]  # for the log's summaries: "check-in", "carer visit"
    done: ClassVar[str]  # and when it happened: "check-in pressed", "carer arrived"
    word: ClassVar[str]  # for the evidence: "press", "check-in"
    raised: ClassVar[Texts]  # {by} {last}
    last: ClassVar[Texts]  # {when}
    never: ClassVar[Texts | None] = None  # said when it never happened; None: nothing
    cleared: ClassVar[Texts]  # {time}
    # True: each day it does not happen is told (the alerts keep an open one as one);
    # False: while yesterday's alert is open, today's is not raised.
    every_day: ClassVar[bool] = False
    cleared_with_room: ClassVar[bool] = False
    config: AwaitedConfig

    def __init__(self, config: AwaitedConfig) -> None:
        super().__init__(config)
        self.listens_to = SignsOfLife.capabilities | {Capability.AWAY, self.awaited}
        self._daily = Daily("by", daily_times(config.by, config.weekdays))
        self._signs = SignsOfLife()
        self._away = Away(by_door=False)
        self._happened: datetime | None = None
        self._alerted: datetime | None = None

    def wants(self, entity: Entity) -> bool:
        # Signs of life only end "away"; the awaited thing comes from its own entities.
        return entity.capability in self.listens_to

    def start(self, ctx: RuleContext, now: datetime) -> None:
        memo = self._daily.start(ctx)
        self._signs.load(ctx.state)
        self._happened = parse(memo.get(self.memo_key))
        self._alerted = parse(memo.get("alerted"))
        if self.config.suspend_when_away:
            self._away.load(memo, ctx.state)
        for obs in ctx.state.values():
            if self._is_awaited(obs) and (self._happened is None or obs.ts > self._happened):
                self._happened = obs.ts

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        changed = False
        if self.config.suspend_when_away:
            changed = self._away.observe(obs, self._signs(obs), ctx)
        if self._is_awaited(obs):
            self._happened = obs.ts
            changed = True
            if self._alerted is not None:
                ctx.emit(
                    self.finding(
                        ctx,
                        obs.ts,
                        summary=f"{self.done} at {obs.ts.isoformat()} ({obs.entity})",
                        explanation=ctx.say(self.cleared, time=ctx.clock(obs.ts)),
                        subject=self.config.rule_id,
                        entity=obs.entity,
                        room=ctx.entity_room(obs.entity) if self.cleared_with_room else None,
                        cleared=True,
                    )
                )
                self._alerted = None
        if changed:
            self._save(ctx)

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        name = deadline.data["name"]
        if name not in self._daily.calendars:
            return
        due = deadline.due
        day = day_start(due, self.config.since, ctx.tz)
        happened = self._happened
        if happened is not None and happened >= day:
            return
        if self._away.since is not None:
            log.info("%s: away since %s, not checked", self.config.rule_id, self._away.since)
            return
        if self._alerted is not None and not self.every_day:
            return  # yesterday's alert is still open: the carer knows
        by = f"{self._daily.calendars[name].time:%H:%M}"
        if happened is not None:
            last = ctx.say(self.last, when=when(happened, due, ctx))
        else:
            last = ctx.say(self.never) if self.never else ""
        self._alerted = due
        ctx.emit(
            self.finding(
                ctx,
                due,
                summary=f"no {self.thing} by {by}",
                explanation=ctx.say(self.raised, by=by, last=last),
                subject=self.config.rule_id,
                evidence=(f"no {self.word} since {day.isoformat()}",)
                + ((f"last {self.word} {happened.isoformat()}",) if happened else ()),
            )
        )
        self._save(ctx)

    def _is_awaited(self, obs: Observation) -> bool:
        if obs.capability is not self.awaited or obs.value is not True:
            return False
        return not self.config.entities or obs.entity in self.config.entities

    def _save(self, ctx: RuleContext) -> None:
        memo: dict[str, Any] = {self.memo_key: iso(self._happened), "alerted": iso(self._alerted)}
        self._away.dump(memo)
        self._daily.save(ctx, memo)
