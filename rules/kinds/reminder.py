"""reminder: shown on the tablet at set times; not confirmed in time, the carer is told.

    - kind: reminder
      id: tabletten
      text: Tabletten nehmen
      at: ["08:00", "20:00"]       # one time may be written alone: at: "08:00"
      weekdays: [mon, wed, fri]    # default: every day
      confirm_within: 30m          # default
      severity: warning            # default, for the "not confirmed" finding
      notify: pflegedienst
      suspend_when_away: true      # default
      medication: true             # the tablet's button says "Genommen" (default: "Erledigt")
      picture: tablettenbox.jpg    # shown beside the text: a file in <data_dir>/pictures

At each time the rule emits an info finding that the tablet shows (data: reminder: true, the
text, the time); the resident confirms it on the tablet, which sends an observation of
`reminder.tablet` whose value is this rule's id. Confirmed: the tablet's finding is cleared.
Not confirmed within `confirm_within`: a finding at `severity` for the carer, "Erinnerung
'Tabletten nehmen' von 08:00 nicht bestätigt"; a late confirmation clears that too.

A confirmation answers the latest reminder of this rule. When the next time comes round, the
one before is taken off the tablet; if it was missed, the carer's alert stays until someone
acknowledges it (so `confirm_within` must be shorter than the time between two reminders).

While the resident has said she is away ("Away" on the tablet) no reminder is shown; if she
leaves after one was shown, nobody is told until she is back and has had `confirm_within`.
A confirmation is also a sign of life for wake_up and inactivity.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from hub.config.problems import ConfigValueError
from hub.config.units import Bool, Duration, TimeOfDay, format_duration
from hub.model import Capability, Deadline, Entity, Observation, Severity
from rules.base import BaseRule
from rules.config import WEEKDAYS, RuleConfig, Weekday
from rules.context import RuleContext
from rules.daily import Away, Daily, SignsOfLife

log = logging.getLogger(__name__)
C = Capability
CONFIRM = "confirm"

DUE = {"de": "Erinnerung: {text} ({at})", "en": "Reminder: {text} ({at})"}
MISSED = {
    "de": "Erinnerung '{text}' von {at} nicht bestätigt",
    "en": "Reminder '{text}' of {at} not confirmed",
}
CONFIRMED = {
    "de": "Erinnerung '{text}' von {at} um {time} bestätigt",
    "en": "Reminder '{text}' of {at} confirmed at {time}",
}
REPLACED = {
    "de": "Erinnerung '{text}' von {at} abgelöst durch die von {next}",
    "en": "Reminder '{text}' of {at} replaced by the one of {next}",
}


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, (str, int, float)) else value


_PICTURE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(?:jpe?g|png|webp)$", re.IGNORECASE)


def _picture(value: Any) -> Any:
    if not isinstance(value, str) or not _PICTURE.match(value) or ".." in value:
        raise ConfigValueError(
            f"'{value}' is not a picture's file name",
            expected="a JPEG, PNG or WebP file in the data folder's pictures/, e.g. box.jpg",
        )
    return value


class Config(RuleConfig):
    kind: Literal["reminder"] = "reminder"
    text: Annotated[str, Field(min_length=1)]
    at: Annotated[tuple[TimeOfDay, ...], BeforeValidator(_one_or_many), Field(min_length=1)]
    weekdays: tuple[Weekday, ...] = ()  # empty: every day
    confirm_within: Duration = timedelta(minutes=30)
    severity: Severity = Severity.WARNING
    suspend_when_away: Bool = True
    medication: Bool = False
    picture: Annotated[str, BeforeValidator(_picture)] | None = None

    @model_validator(mode="after")
    def _times_make_sense(self) -> Config:
        times = sorted(self.at)
        for a, b in pairwise(times):
            if a == b:
                raise ConfigValueError(f"{a:%H:%M} is given twice in `at`")
        minutes = [t.hour * 60 + t.minute for t in times]
        gaps = [b - a for a, b in pairwise(minutes)]
        gaps.append(24 * 60 - minutes[-1] + minutes[0])
        gap = timedelta(minutes=min(gaps))
        if self.confirm_within >= gap:
            raise ConfigValueError(
                f"confirm_within {format_duration(self.confirm_within)} is not shorter than "
                f"the {format_duration(gap)} from one reminder to the next",
                expected=f"less than {format_duration(gap)}",
            )
        return self


class Rule(BaseRule):
    """A calendar deadline per time; then a one-shot deadline for the confirmation."""

    listens_to = SignsOfLife.capabilities | {C.AWAY}
    config: Config

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        days = frozenset(WEEKDAYS.index(d) for d in config.weekdays) if config.weekdays else None
        self._daily = Daily("at", dict.fromkeys(config.at, days))
        self._signs = SignsOfLife()
        self._away = Away(by_door=False)
        # The latest reminder shown and not yet confirmed: its time, when it was due, whether
        # the carer has been told, and whether telling waits for her return.
        self._open: dict[str, Any] | None = None

    def wants(self, entity: Entity) -> bool:
        return entity.capability in self.listens_to  # signs of life end "away"

    def start(self, ctx: RuleContext, now: datetime) -> None:
        memo = self._daily.start(ctx)
        self._signs.load(ctx.state)
        shown = memo.get("open")
        self._open = dict(shown) if isinstance(shown, dict) else None
        if self.config.suspend_when_away:
            self._away.load(memo, ctx.state)

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        sign = self._signs(obs)
        changed = False
        if self.config.suspend_when_away:
            was_away = self._away.since is not None
            changed = self._away.observe(obs, sign, ctx)
            if was_away and self._away.since is None and self._open and self._open["held"]:
                # Back home: she gets her time to confirm now.
                self._open["held"] = False
                ctx.at(CONFIRM, obs.ts + self.config.confirm_within, {"due": self._open["due"]})
        if obs.capability is C.REMINDER and obs.value == self.config.rule_id:
            changed = self._confirm(obs, ctx) or changed
        if changed:
            self._save(ctx)

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        name = deadline.data["name"]
        if name == CONFIRM:
            self._unconfirmed(deadline, ctx)
        elif name in self._daily.calendars:
            self._due(self._daily.calendars[name].time, deadline.due, ctx)

    def _due(self, at: time, due: datetime, ctx: RuleContext) -> None:
        label = f"{at:%H:%M}"
        if self._open is not None:
            self._take_off_tablet(due, ctx, REPLACED, next=label)
            ctx.cancel(CONFIRM)
            self._open = None
        if self._away.since is not None:
            log.info(
                "%s: away since %s, %s not shown", self.config.rule_id, self._away.since, label
            )
            self._save(ctx)
            return
        self._open = {"at": label, "due": due.isoformat(), "missed": False, "held": False}
        ctx.emit(
            self.finding(
                ctx,
                due,
                summary=f"reminder due: {self.config.text}",
                explanation=ctx.say(DUE, text=self.config.text, at=label),
                subject=self._subject(label),
                severity=Severity.INFO,
                data=self._data(label, due, reminder=True),
            )
        )
        ctx.at(CONFIRM, due + self.config.confirm_within, {"due": due.isoformat()})
        self._save(ctx)

    def _unconfirmed(self, deadline: Deadline, ctx: RuleContext) -> None:
        shown = self._open
        if shown is None or shown["due"] != deadline.data.get("due") or shown["missed"]:
            return
        if self._away.since is not None:
            shown["held"] = True
            self._save(ctx)
            return
        shown["missed"] = True
        label, due = shown["at"], datetime.fromisoformat(shown["due"])
        ctx.emit(
            self.finding(
                ctx,
                deadline.due,
                summary=f"reminder of {label} not confirmed: {self.config.text}",
                explanation=ctx.say(MISSED, text=self.config.text, at=label),
                subject=self._missed(label, due, ctx),
                evidence=(
                    f"shown {shown['due']}",
                    f"no confirmation by {deadline.due.isoformat()}",
                ),
                data=self._data(label, due),
            )
        )
        self._save(ctx)

    def _confirm(self, obs: Observation, ctx: RuleContext) -> bool:
        shown = self._open
        if shown is None:
            return False  # nothing open: a second tap, or an old screen
        label, due = shown["at"], datetime.fromisoformat(shown["due"])
        self._take_off_tablet(obs.ts, ctx, CONFIRMED, time=ctx.clock(obs.ts))
        if shown["missed"]:
            ctx.emit(
                self.finding(
                    ctx,
                    obs.ts,
                    summary=f"reminder of {label} confirmed late: {self.config.text}",
                    explanation=ctx.say(
                        CONFIRMED, text=self.config.text, at=label, time=ctx.clock(obs.ts)
                    ),
                    subject=self._missed(label, due, ctx),
                    entity=obs.entity,
                    cleared=True,
                    data=self._data(label, due),
                )
            )
        ctx.cancel(CONFIRM)
        self._open = None
        return True

    def _take_off_tablet(
        self, ts: datetime, ctx: RuleContext, texts: dict[str, str], **fields: str
    ) -> None:
        assert self._open is not None
        label, due = self._open["at"], datetime.fromisoformat(self._open["due"])
        ctx.emit(
            self.finding(
                ctx,
                ts,
                summary=f"reminder of {label} off the tablet: {self.config.text}",
                explanation=ctx.say(texts, text=self.config.text, at=label, **fields),
                subject=self._subject(label),
                severity=Severity.INFO,
                cleared=True,
                data=self._data(label, due, reminder=True),
            )
        )

    def _subject(self, label: str) -> str:
        return f"reminder {label}"

    def _missed(self, label: str, due: datetime, ctx: RuleContext) -> str:
        # One alert per day: a miss today is news even while yesterday's is acknowledged but
        # not yet closed (one unresolved alert per rule and subject would swallow it).
        return f"reminder {label} {due.astimezone(ctx.tz):%Y-%m-%d} unconfirmed"

    def _data(self, label: str, due: datetime, reminder: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.config.text, "at": label, "due": due.isoformat()}
        return {"reminder": True, **data} if reminder else data

    def _save(self, ctx: RuleContext) -> None:
        # A copy: the scheduler compares the new data with what it holds to skip a rewrite.
        memo: dict[str, Any] = {"open": dict(self._open) if self._open else None}
        self._away.dump(memo)
        self._daily.save(ctx, memo)
