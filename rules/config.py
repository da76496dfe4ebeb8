"""What every care rule has in obhut.yaml, whatever its kind."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from hub.config.units import Bool, Duration, Slug, TimeOfDay
from hub.model import Severity

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimeWindow(Strict):
    """From `start` to `end` local time; may run over midnight ("22:00" to "06:00")."""

    start: TimeOfDay
    end: TimeOfDay


class Active(Strict):
    """When a rule may raise findings: a daily window and/or some weekdays."""

    start: TimeOfDay | None = None
    end: TimeOfDay | None = None
    weekdays: tuple[Weekday, ...] = ()


class RuleConfig(Strict):
    """What every kind has; a kind adds its own keys and may change the defaults."""

    kind: str
    id: Slug | None = None
    name: str | None = None
    description: str | None = None
    enabled: Bool = True
    severity: Severity = Severity.URGENT
    # An escalation policy by name, or contacts by id.
    notify: Slug | tuple[Slug, ...] = "default"
    # Ask the resident on the tablet for this long before calling anyone.
    pre_alert: Duration | None = None
    active: Active | None = None
    # After a finding, the same rule stays quiet about the same subject for this long.
    cooldown: Duration | None = None

    @property
    def rule_id(self) -> str:
        """Filled in by the loader when the installer gave no id."""
        return self.id or self.kind
