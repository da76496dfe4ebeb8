"""water_leak: a water leak detector went off: alert at once, no pre-alert."""

from __future__ import annotations

from typing import Literal

from hub.model import Capability, Severity
from rules.config import RuleConfig
from rules.kinds.immediate import ImmediateRule


class Config(RuleConfig):
    kind: Literal["water_leak"] = "water_leak"
    entities: tuple[str, ...] = ()  # empty: every water_leak.* entity
    severity: Severity = Severity.EMERGENCY


class Rule(ImmediateRule):
    capabilities = frozenset({Capability.WATER_LEAK})
    what = "water detected"
    raised = {
        "de": "Wassermelder in {room} meldet Wasser ({time})",
        "en": "Water detected in {room} ({time})",
    }
    over = {"de": "Wassermelder in {room} wieder trocken", "en": "Leak sensor in {room} dry again"}

    def __init__(self, config: Config) -> None:
        super().__init__(config)
