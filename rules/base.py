"""What most rule kinds share: which entities they watch, and quiet defaults."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hub.model import Capability, Deadline, Entity, Finding, Observation, Severity
from rules.config import RuleConfig

if TYPE_CHECKING:
    from rules.context import RuleContext


class BaseRule:
    """Watches entities of `listens_to`, in the config's `rooms` (or `room`) if it has any."""

    listens_to: frozenset[Capability] = frozenset()

    def __init__(self, config: RuleConfig) -> None:
        self.config = config

    @property
    def rooms(self) -> tuple[str, ...]:
        rooms = getattr(self.config, "rooms", None) or ()
        room = getattr(self.config, "room", None)
        return (*rooms, room) if room else tuple(rooms)

    @property
    def entity_ids(self) -> tuple[str, ...]:
        return tuple(getattr(self.config, "entities", None) or ())

    def wants(self, entity: Entity) -> bool:
        """Whether observations of `entity` can matter to this rule (the engine's index)."""
        if self.entity_ids:
            return entity.id in self.entity_ids
        if entity.capability not in self.listens_to:
            return False
        return not self.rooms or entity.room in self.rooms

    def start(self, ctx: RuleContext, now: datetime) -> None:
        return None

    def on_observation(self, obs: Observation, ctx: RuleContext) -> None:
        return None

    def on_deadline(self, deadline: Deadline, ctx: RuleContext) -> None:
        return None

    def finding(
        self,
        ctx: RuleContext,
        ts: datetime,
        *,
        summary: str,
        explanation: str,
        subject: str | None = None,
        entity: str | None = None,
        room: str | None = None,
        cleared: bool = False,
        evidence: tuple[str, ...] = (),
        severity: Severity | None = None,
        system: bool = False,
        data: dict[str, Any] | None = None,
    ) -> Finding:
        """A finding of this rule, with its pre-alert and severity from the config."""
        pre = self.config.pre_alert
        return Finding(
            ts=ts,
            rule=self.config.rule_id,
            kind=self.config.kind,
            severity=severity or self.config.severity,
            subject=subject or entity or room or self.config.rule_id,
            summary=summary,
            explanation=explanation,
            entity=entity,
            room=room,
            evidence=evidence,
            cleared=cleared,
            pre_alert_s=pre.total_seconds() if pre and not cleared else 0,
            system=system,
            data=data or {},
        )
