"""vital_range: heart or breathing rate outside [min, max] for a while, with hysteresis.

    - kind: vital_range
      id: puls_nachts
      measure: heart_rate    # or respiratory_rate
      room: schlafzimmer     # or entity: heart_rate.schlafzimmer; neither: every sensor
      min: 50                # per minute; one of min and max may be left out
      max: 100
      resident: anna         # or: the limits not given here are anna's (residents.anna.vitals)
      duration: 10m          # out of range this long
      hysteresis: 3          # clear only once back inside by this margin (49 → 53 or more)
      stale_after: 10m       # an episode whose last reading is older is held, not raised

A reading of 0, NaN or an impossible one (heart rate outside 20-250, breathing rate
outside 3-80 per minute) is a dropout of the sensor, not a value: it is ignored. Missing
data never clears an episode: only a valid reading back inside the range does. When the
episode has lasted `duration` but its latest valid reading is older than `stale_after`, or
is inside the range but not yet by the margin, nothing is raised yet: the next valid
reading decides (out: raised at once; inside by the margin: over). A sensor that stays
silent is device_health's business, not this rule's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal, Self

from pydantic import ValidationInfo, field_validator, model_validator

from hub.config.problems import ConfigValueError
from hub.config.units import Duration, Slug
from hub.model import Capability, Deadline, Entity, EntityId, Observation, Severity
from hub.vitals.measures import PLAUSIBLE
from rules.base import BaseRule
from rules.config import RuleConfig
from rules.context import RuleContext
from rules.explain import Texts, number

if TYPE_CHECKING:
    from collections.abc import Mapping

    from hub.config.model import Resident

Measure = Literal["heart_rate", "respiratory_rate"]
Side = Literal["low", "high"]
# PLAUSIBLE (hub.vitals.measures): outside it a reading is an artefact of the sensor, not a
# person: a monitor writes 0 when a lead comes off, and the MIMIC-II record has a lone 11.5
# inside such a dropout.
DEFAULT_HYSTERESIS: dict[str, float] = {"heart_rate": 3.0, "respiratory_rate": 2.0}
NAME: dict[str, Texts] = {
    "heart_rate": {"de": "Puls", "en": "Heart rate"},
    "respiratory_rate": {"de": "Atemfrequenz", "en": "Breathing rate"},
}
LOW: Texts = {
    "de": "{what} ({room}) seit {since} ({span}) unter {limit}/min: zuletzt {last}/min, "
    "tiefster Wert {extreme}/min",
    "en": "{what} ({room}) below {limit}/min since {since} ({span}): last {last}/min, "
    "lowest {extreme}/min",
}
HIGH: Texts = {
    "de": "{what} ({room}) seit {since} ({span}) über {limit}/min: zuletzt {last}/min, "
    "höchster Wert {extreme}/min",
    "en": "{what} ({room}) above {limit}/min since {since} ({span}): last {last}/min, "
    "highest {extreme}/min",
}
GAP: Texts = {
    "de": " (Messung zwischendurch {gap} ausgefallen)",
    "en": " (no reading for {gap} in between)",
}
CLEARED: Texts = {
    "de": "{what} ({room}) wieder im Bereich: {value}/min um {time}",
    "en": "{what} ({room}) back in range: {value}/min at {time}",
}


class Config(RuleConfig):
    kind: Literal["vital_range"] = "vital_range"
    measure: Measure
    room: Slug | None = None
    entity: str | None = None
    min: float | None = None
    max: float | None = None
    resident: Slug | None = None  # limits not given here come from her vitals
    duration: Duration = timedelta(minutes=10)
    hysteresis: float | None = None  # default: 3 for heart rate, 2 for breathing rate
    stale_after: Duration = timedelta(minutes=10)
    severity: Severity = Severity.URGENT

    @field_validator("entity")
    @classmethod
    def _entity(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        try:
            parsed = EntityId.parse(value)
        except ValueError as e:
            raise ConfigValueError(str(e)) from None
        measure = info.data.get("measure")
        if measure is not None and parsed.capability.value != measure:
            raise ConfigValueError(
                f"{value} does not measure {measure}",
                expected=f"an entity {measure}.<name>",
                hint=f"write entity: {measure}.{parsed.name}",
            )
        return value

    @model_validator(mode="after")
    def _limits(self) -> Self:
        if self.min is None and self.max is None and self.resident is None:
            raise ConfigValueError(
                "a vital_range rule needs a range",
                expected="min:, max:, or both, per minute (e.g. min: 50, max: 100); "
                "or resident: to take the resident's range",
            )
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ConfigValueError(
                f"min ({self.min}) must be lower than max ({self.max})",
                expected="e.g. min: 50 and max: 100",
            )
        if self.hysteresis is not None and self.hysteresis < 0:
            raise ConfigValueError("hysteresis cannot be negative", expected="e.g. 3")
        return self

    def with_residents(self, residents: Mapping[str, Resident]) -> Config:
        """The limits this rule does not give itself taken from its resident's range."""
        resident = residents.get(self.resident) if self.resident else None
        if resident is None:  # none named, or unknown: the loader says so where it is written
            return self
        # A min of the rule above her max is reported by the loader, at the rule's min.
        low, high = resident.range(self.measure)
        low = self.min if self.min is not None else low
        high = self.max if self.max is not None else high
        return self.model_copy(update={"min": low, "max": high})

    @property
    def margin(self) -> float:
        if self.hysteresis is not None:
            return self.hysteresis
        return DEFAULT_HYSTERESIS[self.measure]


@dataclass
class Episode:
    """One sensor's run of readings outside the range, from its first one on."""

    side: Side
    since: datetime
    last: float
    last_ts: datetime
    extreme: float
    readings: int = 1
    longest_gap: timedelta = timedelta(0)
    raised: bool = False

    def to_data(self, entity: str) -> dict[str, object]:
        return {
            "entity": entity,
            "side": self.side,
            "since": self.since.isoformat(),
            "last": self.last,
            "last_ts": self.last_ts.isoformat(),
            "extreme": self.extreme,
        }

    @classmethod
    def from_data(cls, data: dict[str, object]) -> Episode:
        side: Side = "low" if data["side"] == "low" else "high"
        return cls(
            side=side,
            since=datetime.fromisoformat(str(data["since"])),
            last=float(str(data["last"])),
            last_ts=datetime.fromisoformat(str(data["last_ts"])),
            extreme=float(str(data["extreme"])),
        )


class Rule(BaseRule):
    """One episode per sensor; a deadline when it has lasted `duration`."""

    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.listens_to = frozenset({Capability(config.measure)})
        self._episodes: dict[str, Episode] = {}

    def wants(self, entity: Entity) -> bool:
        if self.config.entity is not None:
            return entity.id == self.config.entity
        return super().wants(entity)

    def valid(self, value: object) -> float | None:
        """The reading as a rate, or None for a dropout (0, negative, NaN, impossible)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        low, high = PLAUSIBLE[self.config.measure]
        if not math.isfinite(value) or not low <= value <= high:
            return None
        return float(value)

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        value = self.valid(obs.value)
        if value is None:
            return  # a dropout says nothing about the person: the episode, if any, goes on
        cfg, entity = self.config, obs.entity
        episode = self._episodes.get(entity)
        pending = ctx.pending(self._tick(entity)) if episode is None else None
        if pending is not None:  # the rules were reloaded (or the hub restarted) mid-episode
            episode = self._episodes[entity] = Episode.from_data(dict(pending.data))
        if episode is None:
            side = self._outside(value)
            if side is None:
                return
            episode = Episode(side, obs.ts, value, obs.ts, value)
            self._episodes[entity] = episode
            ctx.at(self._tick(entity), obs.ts + cfg.duration, episode.to_data(entity))
            return
        if self._back_inside(episode, value):
            self._end(entity, episode, obs, value, ctx)
            return
        episode.longest_gap = max(episode.longest_gap, obs.ts - episode.last_ts)
        episode.last, episode.last_ts = value, obs.ts
        episode.readings += 1
        low = episode.side == "low"
        episode.extreme = min(episode.extreme, value) if low else max(episode.extreme, value)
        if not episode.raised and obs.ts >= episode.since + cfg.duration:
            # The deadline passed with a stale or in-between reading; now it is out again.
            if self._outside(value) == episode.side:
                self._raise(entity, episode, obs.ts, ctx)
        elif not episode.raised:
            ctx.at(self._tick(entity), episode.since + cfg.duration, episode.to_data(entity))

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        entity = str(deadline.data["entity"])
        episode = self._episodes.get(entity)
        if episode is None:  # a restart forgot it; the deadline remembers
            episode = Episode.from_data(dict(deadline.data))
            self._episodes[entity] = episode
        if episode.raised:
            return
        if deadline.due - episode.last_ts >= self.config.stale_after:
            return  # held: the next valid reading decides
        if self._outside(episode.last) != episode.side:
            return  # inside again, not yet by the margin: the next reading decides
        self._raise(entity, episode, deadline.due, ctx)

    def _outside(self, value: float) -> Side | None:
        cfg = self.config
        if cfg.min is not None and value < cfg.min:
            return "low"
        if cfg.max is not None and value > cfg.max:
            return "high"
        return None

    def _back_inside(self, episode: Episode, value: float) -> bool:
        cfg, margin = self.config, self.config.margin
        low_ok = cfg.min is None or value >= cfg.min + (margin if episode.side == "low" else 0)
        high_ok = cfg.max is None or value <= cfg.max - (margin if episode.side == "high" else 0)
        if low_ok and high_ok:
            return True
        # Swung over to the other side: that ends this episode and starts another.
        return self._outside(value) not in (None, episode.side)

    def _raise(self, entity: str, episode: Episode, now: datetime, ctx: RuleContext) -> None:
        cfg = self.config
        episode.raised = True
        room = ctx.entity_room(entity)
        limit = cfg.min if episode.side == "low" else cfg.max
        assert limit is not None
        lang = ctx.lang
        text = ctx.say(
            LOW if episode.side == "low" else HIGH,
            what=ctx.say(NAME[cfg.measure]),
            room=ctx.room_name(room) if room else entity,
            since=ctx.clock(episode.since),
            span=ctx.duration(now - episode.since),
            limit=number(limit, lang),
            last=number(episode.last, lang),
            extreme=number(episode.extreme, lang),
        )
        if episode.longest_gap >= cfg.stale_after:
            text += ctx.say(GAP, gap=ctx.duration(episode.longest_gap))
        word = "below" if episode.side == "low" else "above"
        ctx.emit(
            self.finding(
                ctx,
                now,
                summary=f"{cfg.measure} {word} {limit:g}/min since {episode.since.isoformat()} "
                f"({entity}: last {episode.last:g}, extreme {episode.extreme:g})",
                explanation=text,
                entity=entity,
                room=room,
                evidence=(
                    f"{episode.readings} valid reading(s) out of range",
                    f"last {episode.last:g} at {episode.last_ts.isoformat()}",
                ),
                data={
                    "since": episode.since.isoformat(),
                    "last": episode.last,
                    "extreme": episode.extreme,
                },
            )
        )

    def _end(
        self, entity: str, episode: Episode, obs: Observation, value: float, ctx: RuleContext
    ) -> None:
        del self._episodes[entity]
        ctx.cancel(self._tick(entity))
        if episode.raised:
            room = ctx.entity_room(entity)
            ctx.emit(
                self.finding(
                    ctx,
                    obs.ts,
                    summary=f"{self.config.measure} back in range ({entity}: {value:g})",
                    explanation=ctx.say(
                        CLEARED,
                        what=ctx.say(NAME[self.config.measure]),
                        room=ctx.room_name(room) if room else entity,
                        value=number(value, ctx.lang),
                        time=ctx.clock(obs.ts),
                    ),
                    entity=entity,
                    room=room,
                    cleared=True,
                )
            )
        if self._outside(value) is not None:  # straight over to the other side
            self.on_observation(obs, ctx)

    @staticmethod
    def _tick(entity: str) -> str:
        return f"due:{entity}"
