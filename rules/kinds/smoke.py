"""smoke: a smoke detector went off: alert at once, no pre-alert."""

from __future__ import annotations

from typing import Literal

from hub.model import Capability, Severity
from rules.config import RuleConfig
from rules.kinds.immediate import ImmediateRule


class Config(RuleConfig):
    kind: Literal["smoke"] = "smoke"
    entities: tuple[str, ...] = ()  # empty: every smoke.* entity
    severity: Severity = Severity.EMERGENCY


class Rule(ImmediateRule):
    capabilities = frozenset({Capability.SMOKE})
    what = "smoke detected"
    raised = {
        "de": "Rauchmelder in {room} meldet Rauch ({time})",
        "en": "Smoke detected in {room} ({time})",
    }
    over = {"de": "Rauchmelder in {room} wieder ruhig", "en": "Smoke alarm in {room} over"}

    def __init__(self, config: Config) -> None:
        super().__init__(config)
