"""check_in: the resident presses "I'm OK" by a set time each day (the "Tagestaste").

    - kind: check_in
      id: tagestaste
      by: "10:00"                  # or per weekday: {mon: "09:00", sun: "11:00"}
      weekdays: [mon, tue, wed, thu, fri]   # default: every day (not with a per-weekday `by`)
      since: "04:00"               # default; a press before it belongs to the night before
      entities: [check_in.flur]    # default: every check-in button and "I'm OK" on the tablet
      severity: urgent             # default
      pre_alert: 10m               # default: the tablet asks for 10 minutes before anyone is called
      suspend_when_away: true      # default

A press is "I'm OK" on the tablet (check_in.tablet) or a check-in button (check_in.<room>)
turning on; the release is no press. A press after the deadline clears the alert.

Why a pre-alert by default: a missed Tagestaste is nearly always a forgotten one. A home-
emergency service (Hausnotruf) first calls the resident before it sends anyone; the tablet
asking "Is everything all right?" does the same without waking the daughter, and answering it
is the press she forgot. Ten minutes rather than five, because she may have to walk to it.
Urgent rather than emergency: nothing says she is hurt, only that nobody knows.

Suspended while she has said she is away ("Away" on the tablet, as a Hausnotruf client reports
an absence), until "Back" or a sign of life at home a while after leaving. Going out without
saying so does not suspend it: the Tagestaste is a promise to press before leaving.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from hub.config.units import Duration
from hub.model import Capability, Severity
from rules.awaited import AwaitedConfig, AwaitedRule

RAISED = {
    "de": "Die OK-Taste wurde heute bis {by} nicht gedrückt{last}",
    "en": '"I\'m OK" was not pressed today by {by}{last}',
}
LAST = {"de": " (zuletzt {when})", "en": " (last {when})"}
CLEARED = {"de": "OK-Taste um {time} gedrückt", "en": '"I\'m OK" pressed at {time}'}


class Config(AwaitedConfig):
    kind: Literal["check_in"] = "check_in"
    pre_alert: Duration | None = timedelta(minutes=10)
    severity: Severity = Severity.URGENT


class Rule(AwaitedRule):
    """A calendar deadline per time of day; when it comes, was there a press since `since`?"""

    awaited = Capability.CHECK_IN
    memo_key = "pressed"
    thing, done, word = "check-in", "check-in pressed", "press"
    raised, last, cleared = RAISED, LAST, CLEARED
    cleared_with_room = True
    config: Config
