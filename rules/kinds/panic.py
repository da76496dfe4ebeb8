"""panic: the SOS button or the tablet's Help button was pressed: an emergency, no pre-alert."""

from __future__ import annotations

from typing import Literal

from hub.model import Capability, Severity
from rules.config import RuleConfig
from rules.kinds.immediate import ImmediateRule


class Config(RuleConfig):
    kind: Literal["panic"] = "panic"
    entities: tuple[str, ...] = ()  # empty: every sos_button.* and help.* entity
    severity: Severity = Severity.EMERGENCY


class Rule(ImmediateRule):
    capabilities = frozenset({Capability.SOS_BUTTON, Capability.HELP})
    what = "call for help"
    raised = {
        "de": "Notruf ausgelöst in {room} um {time}",
        "en": "Call for help from {room} at {time}",
    }
    clears = False

    def __init__(self, config: Config) -> None:
        super().__init__(config)
