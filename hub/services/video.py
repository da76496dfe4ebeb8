"""Video call appointments: a reminder on the tablet `remind_before` the call.

Each appointment is one deadline in the scheduler (so a restart keeps it), keyed by call and
time. It fires at the reminder time and then stays, in its second phase, until the call is
half an hour past: while it does, the tablet shows "Um 10:00 Videosprechstunde mit …".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.clock import Clock
from hub.config.model import Config
from hub.model import Deadline
from hub.scheduler import Scheduler

log = logging.getLogger(__name__)

REMINDER = "video-reminder"  # the scheduler's deadline kind
GRACE = timedelta(minutes=30)  # the reminder stays this long after the call's time
_PREFIX = "video:"


@dataclass(frozen=True, slots=True)
class CallReminder:
    key: str
    call: str
    at: datetime  # aware


def reminder_key(call: str, at: datetime) -> str:
    return f"{_PREFIX}{call}:{at:%Y-%m-%dT%H:%M}"


class VideoReminders:
    """Plans the reminders from the configuration; tells which are showing now."""

    def __init__(self, scheduler: Scheduler, clock: Clock, config: Callable[[], Config]) -> None:
        self._scheduler = scheduler
        self._clock = clock
        self._config = config

    def _wanted(self) -> dict[str, tuple[str, datetime]]:
        config = self._config()
        tz = config.home.tz
        wanted = {}
        for call_id, call in config.video.calls.items():
            for appointment in call.appointments:
                at = appointment.at.replace(tzinfo=tz)
                wanted[reminder_key(call_id, appointment.at)] = (call_id, at)
        return wanted

    def plan(self) -> None:
        """Set a deadline for every coming appointment; drop those no longer configured."""
        now = self._clock.now()
        remind = self._config().video.remind_before
        wanted = self._wanted()
        for deadline in self._scheduler.pending():
            if deadline.kind == REMINDER and deadline.key not in wanted:
                self._scheduler.cancel(deadline.key)
        for key, (call, at) in wanted.items():
            planned = self._scheduler.get(key)
            if planned is not None and (
                planned.data.get("phase") == "showing" or planned.due == at - remind
            ):
                continue  # planned already, or showing
            if at + GRACE <= now:
                continue  # long past
            data = {"call": call, "at": at.isoformat()}
            if now < at - remind:
                self._scheduler.at(key, at - remind, REMINDER, {**data, "phase": "remind"})
            else:  # planned late (a new appointment, a hub that was off): show it now
                self._scheduler.at(key, at + GRACE, REMINDER, {**data, "phase": "showing"})

    def on_deadline(self, deadline: Deadline) -> None:
        if deadline.data.get("phase") != "remind":
            return  # the call is half an hour past: the reminder goes
        at = datetime.fromisoformat(str(deadline.data["at"]))
        data = {**deadline.data, "phase": "showing"}
        self._scheduler.at(deadline.key, at + GRACE, REMINDER, data)
        log.info("video call %s at %s: reminder shown", deadline.data.get("call"), at)

    def showing(self) -> list[CallReminder]:
        """The reminders the tablet shows now, soonest first."""
        calls = self._config().video.calls
        out = []
        for deadline in self._scheduler.pending():
            data = deadline.data
            if deadline.kind != REMINDER or data.get("phase") != "showing":
                continue
            if data.get("call") not in calls:
                continue
            at = datetime.fromisoformat(str(data["at"]))
            out.append(CallReminder(deadline.key, str(data["call"]), at))
        return sorted(out, key=lambda r: r.at)
