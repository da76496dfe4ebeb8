"""inactivity: no sign of life in the flat (or given rooms) for a while, within a time window."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from hub.config.units import Duration, Slug, format_duration
from hub.model import Capability, Deadline, Finding, Observation, Severity
from rules.config import RuleConfig, TimeWindow
from rules.engine import RuleContext
from rules.windows import due_within


class Config(RuleConfig):
    kind: Literal["inactivity"] = "inactivity"
    rooms: tuple[Slug, ...] = ()  # empty: the whole flat
    duration: Duration
    window: TimeWindow | None = None  # only watched within this window
    pre_alert: Duration | None = timedelta(minutes=5)  # ask the resident first, for this long
    severity: Severity = Severity.URGENT


TICK = "due"
_ACTIVITY_ON = frozenset({Capability.MOTION, Capability.PRESENCE, Capability.CHECK_IN})
_ENDS_MOVEMENT = frozenset({Capability.MOTION, Capability.PRESENCE})
_ANY_CHANGE = frozenset({Capability.CONTACT, Capability.LIGHT})


class Rule:
    """Arms a deadline at each sign of life; when it fires, the flat was still too long."""

    listens_to = _ACTIVITY_ON | _ANY_CHANGE

    def __init__(self, config: Config) -> None:
        self.config = config
        self._alerted_since: datetime | None = None

    def start(self, ctx: RuleContext, now: datetime) -> None:
        if ctx.pending(TICK) is None:
            self._arm(ctx, now)

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        if obs.source == "rule":  # a light switched by a rule is not the resident
            return
        if self.config.rooms and ctx.entities.room_of(obs.entity) not in self.config.rooms:
            return
        if obs.capability in _ACTIVITY_ON and not obs.value:
            # A motion sensor going quiet marks the last moment someone moved: count from
            # there, but it is no sign of life that could end an alert.
            if obs.capability in _ENDS_MOVEMENT and self._alerted_since is None:
                self._arm(ctx, obs.ts)
            return
        if self._alerted_since is not None:
            ctx.emit(self._finding(obs.ts, self._alerted_since, cleared=True, by=obs.entity))
            self._alerted_since = None
        self._arm(ctx, obs.ts)

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        since = datetime.fromisoformat(deadline.data["since"])
        self._alerted_since = since
        ctx.emit(self._finding(deadline.due, since, cleared=False))

    def _arm(self, ctx: RuleContext, since: datetime) -> None:
        due = due_within(since, self.config.duration, self.config.window, ctx.tz)
        ctx.at(TICK, due, {"since": since.isoformat()})

    def _finding(
        self, ts: datetime, since: datetime, *, cleared: bool, by: str | None = None
    ) -> Finding:
        where = ", ".join(self.config.rooms) if self.config.rooms else "flat"
        hours = format_duration(ts - since) if ts > since else "0s"
        if cleared:
            summary = f"activity again in {where} ({by})"
        else:
            summary = f"no activity in {where} for {hours}"
        pre = self.config.pre_alert
        return Finding(
            ts=ts,
            rule=self.config.rule_id,
            kind=self.config.kind,
            severity=self.config.severity,
            subject=where,
            summary=summary,
            evidence=(f"last activity {since.isoformat()}",),
            cleared=cleared,
            data={"since": since.isoformat(), "pre_alert_s": pre.total_seconds() if pre else 0},
        )
