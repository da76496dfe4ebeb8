"""What every care rule has in obhut.yaml, whatever its kind."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from hub.config.units import Bool, Slug, TimeOfDay
from hub.model import Severity


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimeWindow(Strict):
    """From `start` to `end` local time; may run over midnight ("22:00" to "06:00")."""

    start: TimeOfDay
    end: TimeOfDay


class RuleConfig(Strict):
    kind: str
    id: Slug | None = None
    name: str | None = None
    enabled: Bool = True
    escalation: Slug = "default"
    severity: Severity = Severity.URGENT

    @property
    def rule_id(self) -> str:
        """Filled in by the loader when the installer gave no id."""
        return self.id or self.kind
