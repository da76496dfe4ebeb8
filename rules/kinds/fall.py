"""fall: a radar (or wearable) reports a fall: an emergency at once, all clear when it stops.

    - kind: fall
      id: sturz
      # entities: [fall.bad]  # default: every fall.* entity of the flat
      # pre_alert: 1m         # ask "Alles in Ordnung?" on the tablet first (default: off)

No pre-alert by default: someone on the floor may not reach the tablet. An installer who
knows the radar is prone to false falls (a pet, a dropped coat) may set `pre_alert` to let
the resident cancel it first.
"""

from __future__ import annotations

from typing import Literal

from hub.model import Capability, Severity
from rules.config import RuleConfig
from rules.kinds.immediate import ImmediateRule


class Config(RuleConfig):
    kind: Literal["fall"] = "fall"
    entities: tuple[str, ...] = ()  # empty: every fall.* entity
    severity: Severity = Severity.EMERGENCY


class Rule(ImmediateRule):
    capabilities = frozenset({Capability.FALL})
    what = "fall detected"
    raised = {
        "de": "Sturz erkannt in {room} um {time}",
        "en": "Fall detected in {room} at {time}",
    }
    over = {
        "de": "Sturzmeldung in {room} aufgehoben ({time})",
        "en": "Fall alarm in {room} over ({time})",
    }

    def __init__(self, config: Config) -> None:
        super().__init__(config)
