"""carer_visit: the care service has checked in by a set time ("Pflegedienst bis 09:30").

    - kind: carer_visit
      id: pflegedienst_morgens
      by: "09:30"                  # or per weekday: {mon: "09:30", sat: "11:00"}
      weekdays: [mon, tue, wed, thu, fri]   # default: every day (not with a per-weekday `by`)
      since: "04:00"               # default; a check-in before it belongs to the day before
      entities: [visit.tablet]     # default: every visit.* (the tablet and visit buttons)
      notify: pflegedienst         # the care service's office
      severity: warning            # default
      suspend_when_away: true      # default

A visit begins when the carer checks in: "Ich bin da" on the tablet (visit.tablet on) or a
visit button pressed (visit.<room> on). Not checked in by `by`: a finding for the care
service, "Pflegedienst bis 09:30 nicht eingetroffen (letzter Besuch gestern 08:50)"; a later
check-in clears it. A second visit a day (the evening round) is a second rule whose `since`
lies after the morning's visit, e.g. since: "14:00", by: "19:00".

No pre-alert: the resident did nothing wrong and is not asked. Suspended while she has said
she is away ("Away" on the tablet): nobody comes to an empty flat.
"""

from __future__ import annotations

from typing import Literal

from hub.config.units import Duration
from hub.model import Capability, Severity
from rules.awaited import AwaitedConfig, AwaitedRule

RAISED = {
    "de": "Pflegedienst bis {by} nicht eingetroffen{last}",
    "en": "The care service had not arrived by {by}{last}",
}
LAST = {"de": " (letzter Besuch {when})", "en": " (last visit {when})"}
NEVER = {"de": " (noch kein Besuch erfasst)", "en": " (no visit recorded yet)"}
CLEARED = {"de": "Pflegedienst um {time} eingetroffen", "en": "The care service arrived at {time}"}


class Config(AwaitedConfig):
    kind: Literal["carer_visit"] = "carer_visit"
    severity: Severity = Severity.WARNING
    pre_alert: Duration | None = None


class Rule(AwaitedRule):
    """A calendar deadline per time of day; when it comes, has a visit begun since `since`?"""

    awaited = Capability.VISIT
    memo_key = "arrived"
    thing, done, word = "carer visit", "carer arrived", "check-in"
    raised, last, never, cleared = RAISED, LAST, NEVER, CLEARED
    # Each day that nobody came is told; while yesterday's alert is still open the alerts
    # keep it as one (a repeat tells nobody again).
    every_day = True
    config: Config
