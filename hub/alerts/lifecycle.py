"""What each event does to an alert and its outbox, inside one transaction.

Everything here runs on the store's database thread and only touches the transaction: what
must happen outside it (a deadline set or cancelled, the outbox woken) is collected in
`Effects` and carried out by the service once the transaction has committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from hub.alerts import wording
from hub.alerts.messages import render_for
from hub.alerts.model import DELIVERY_RULE, Alert, AlertState, DeliveryState
from hub.alerts.routing import (
    Stage,
    Step,
    channels_for,
    held_until,
    installer_stage,
    plan,
    stages_for,
)
from hub.alerts.texts import MessageKind
from hub.config.model import Config
from hub.model import Finding, Severity
from hub.store.alerts import AlertTx
from hub.store.codec import from_ms, to_ms

log = logging.getLogger(__name__)

ESCALATING = (AlertState.PRE_ALERT, AlertState.OPEN)
# Messages that tell someone about the alert itself: cancelled once it is acknowledged.
CALLS = (MessageKind.RAISED.value, MessageKind.REPEAT.value, MessageKind.SYSTEM.value)


@dataclass(slots=True)
class Effects:
    """What the service does once the transaction committed."""

    schedule: dict[int, tuple[int, datetime]] = field(default_factory=dict)  # id → step, due
    cancel: set[int] = field(default_factory=set)
    messages: int = 0


class Lifecycle:
    """One transaction's view of the alerts: findings, steps, acknowledgements, resolutions."""

    def __init__(
        self,
        tx: AlertTx,
        config: Config,
        channels: frozenset[str],
        now: datetime,
        effects: Effects | None = None,
    ) -> None:
        self.tx = tx
        self.config = config
        self.channels = channels  # those with a notifier
        self.now = now
        self.effects = effects or Effects()
        self._blocked: set[str] | None = None

    # Events

    def on_finding(self, finding: Finding) -> Alert | None:
        existing = self.tx.unresolved(finding.rule, finding.subject)
        if finding.cleared:
            why = finding.explanation or finding.summary
            resolved = [self.resolve(alert.id, None, cleared=why) for alert in existing]
            return resolved[0] if resolved else None
        if existing:  # the same thing again while it is open: remembered, nobody told again
            alert = existing[0]
            repeats = int(alert.data.get("repeats", 0)) + 1
            seen = {"repeats": repeats, "last_seen": finding.ts.isoformat()}
            updated = replace(alert, data={**alert.data, **seen})
            self.tx.update(updated)
            return updated
        data: dict[str, Any] = {
            "explanation": finding.explanation,
            "room": finding.room,
            "entity": finding.entity,
            "notify": self._notify_of(finding.rule),
        }
        if finding.system:
            data["system"] = True
        steps, _ = self._plan_for(finding.severity, data)
        pre = finding.pre_alert_s if steps and not finding.system else 0
        if pre > 0:
            data["pre_alert_s"] = pre
        alert = self.tx.insert(
            rule=finding.rule,
            subject=finding.subject,
            kind=finding.kind,
            severity=finding.severity,
            state=AlertState.PRE_ALERT if pre > 0 else AlertState.OPEN,
            opened=self.now,
            summary=finding.summary,
            data=data,
        )
        if pre > 0:
            return self._next(alert, 0, timedelta(seconds=pre))
        return self.run_step(alert, 0) if steps else alert

    def step(self, alert_id: int, step: int) -> Alert | None:
        """An escalation deadline fired; stale ones (acknowledged, already done) do nothing."""
        alert = self.tx.get(alert_id)
        if alert is None or alert.state not in ESCALATING:
            return alert
        pending = alert.data.get("next")
        if not pending or pending.get("step") != step:
            return alert
        return self.run_step(alert, step)

    def acknowledge(self, alert_id: int, by: str, how: str) -> Alert | None:
        """`by` takes care of it: the escalation stops and the others who were told hear so."""
        alert = self.tx.get(alert_id)
        if alert is None or alert.state not in ESCALATING:
            return None
        self.tx.cancel_pending(alert.id, CALLS)
        data = {k: v for k, v in alert.data.items() if k != "next"}
        data["acknowledged_how"] = how
        state = AlertState.ACKNOWLEDGED
        updated = replace(alert, state=state, acknowledged=self.now, acknowledged_by=by, data=data)
        self.tx.update(updated)
        self.effects.cancel.add(alert.id)
        for contact, channels in self.told(alert.id).items():
            if contact != by:
                for channel in channels:
                    self.tell(updated, contact, channel, MessageKind.ACKNOWLEDGED_BY_OTHER)
        return updated

    def resolve(self, alert_id: int, by: str | None, *, cleared: str | None = None) -> Alert | None:
        """Over: everyone who was told hears the all-clear. `by` None: the condition cleared."""
        alert = self.tx.get(alert_id)
        if alert is None or alert.state is AlertState.RESOLVED:
            return None
        self.tx.cancel_pending(alert.id, CALLS)
        data = {k: v for k, v in alert.data.items() if k != "next"}
        data["resolved_by"] = by
        if cleared:
            data["cleared_explanation"] = cleared
        updated = replace(alert, state=AlertState.RESOLVED, resolved=self.now, data=data)
        self.tx.update(updated)
        self.effects.cancel.add(alert.id)
        for contact, channels in self.told(alert.id).items():
            for channel in channels:
                self.tell(updated, contact, channel, MessageKind.ALL_CLEAR)
        return updated

    def cancel_pre_alert(self, alert_id: int, by: str) -> Alert | None:
        """The resident is all right: recorded, and nobody else is told."""
        alert = self.tx.get(alert_id)
        if alert is None or alert.state is not AlertState.PRE_ALERT:
            return None
        data = {k: v for k, v in alert.data.items() if k != "next"}
        data.update(cancelled_by=by, acknowledged_how="tablet", resolved_by=by)
        updated = replace(
            alert,
            state=AlertState.RESOLVED,
            acknowledged=self.now,
            acknowledged_by=by,
            resolved=self.now,
            data=data,
        )
        self.tx.update(updated)
        self.effects.cancel.add(alert.id)
        return updated

    def raise_system(self, subject: str, why: dict[str, Any], severity: Severity) -> Alert:
        """An alert about the alerting itself (a refused number, an opt-out): installers only."""
        existing = self.tx.unresolved(DELIVERY_RULE, subject)
        if existing:
            return existing[0]
        self._blocked = None
        alert = self.tx.insert(
            rule=DELIVERY_RULE,
            subject=subject,
            kind="delivery",
            severity=severity,
            state=AlertState.OPEN,
            opened=self.now,
            summary=wording.reason(self.config.home.language.value, why),
            data={"system": True, "reason": why, "notify": "default"},
        )
        return self.run_step(alert, 0)

    # Escalation

    def run_step(self, alert: Alert, n: int) -> Alert:
        steps, stages = self._plan_for(alert.severity, alert.data)
        data = {k: v for k, v in alert.data.items() if k != "next"}
        updated = replace(alert, state=AlertState.OPEN, data=data)
        self.tx.update(updated)
        if n >= len(steps):
            return updated
        step = steps[n]
        kind = MessageKind.SYSTEM if alert.system else MessageKind(step.kind)
        for index in step.stages:
            for contact, wanted in stages[index].contacts:
                for channel in self.channels_of(contact, wanted):
                    self.tell(updated, contact, channel, kind, step=n)
        if step.then is None:
            return updated
        return self._next(updated, n + 1, step.then)

    def _next(self, alert: Alert, n: int, delay: timedelta) -> Alert:
        due = self.now + delay
        data = {**alert.data, "next": {"step": n, "due": to_ms(due)}}
        updated = replace(alert, data=data)
        self.tx.update(updated)
        self.effects.schedule[alert.id] = (n, due)
        return updated

    def _plan_for(self, severity: Severity, data: dict[str, Any]) -> tuple[list[Step], list[Stage]]:
        notify = data.get("notify", "default")
        if data.get("system"):
            stage = installer_stage(self.config)
            stages = [stage] if stage else stages_for(self.config, notify)[0][:1]
            return plan(stages, severity, 0, timedelta(0))[:1], stages
        stages, repeat_last, every = stages_for(self.config, notify)
        return plan(stages, severity, repeat_last, every), stages

    def _notify_of(self, rule_id: str) -> str | list[str]:
        for rule in self.config.rules:
            if rule.rule_id == rule_id:
                return rule.notify if isinstance(rule.notify, str) else list(rule.notify)
        return "default"

    # Messages

    def blocked(self) -> set[str]:
        """`channel:contact` (or `channel:*`) that an open delivery alert rules out."""
        if self._blocked is None:
            self._blocked = {a.subject for a in self.tx.unresolved(DELIVERY_RULE)}
        return self._blocked

    def channels_of(self, contact_id: str, wanted: tuple[str, ...]) -> list[str]:
        contact = self.config.contacts.get(contact_id)
        if contact is None:
            log.error("contact '%s' is not in the configuration", contact_id)
            return []
        chosen = channels_for(contact_id, contact, wanted, self.channels, self.blocked())
        if not chosen:
            log.error("no channel reaches %s (wanted %s)", contact_id, ", ".join(wanted))
        return chosen

    def told(self, alert_id: int) -> dict[str, list[str]]:
        """Who heard of the alert (maybe, for a message in flight), and on which channels."""
        told: dict[str, list[str]] = {}
        for d in self.tx.deliveries(alert_id):
            if d.kind in CALLS and d.state in (DeliveryState.SENT, DeliveryState.SENDING):
                channels = told.setdefault(d.contact, [])
                if d.channel not in channels:
                    channels.append(d.channel)
        return told

    def tell(
        self,
        alert: Alert,
        contact_id: str,
        channel: str,
        kind: MessageKind,
        *,
        step: int | None = None,
        due: datetime | None = None,
    ) -> int | None:
        contact = self.config.contacts.get(contact_id)
        if contact is None:
            return None
        subject, body = render_for(self.config, alert, contact_id, channel, kind, self.now)
        tz = self.config.home.tz
        when = due or held_until(contact.quiet_hours, alert.severity, self.now, tz)
        self.effects.messages += 1
        return self.tx.add_delivery(
            alert.id,
            contact_id,
            channel,
            kind=kind.value,
            subject=subject,
            text=body,
            now=self.now,
            due=when,
            step=step,
        )


def next_due(alert: Alert) -> tuple[int, datetime] | None:
    """The pending escalation step of `alert` and when it is due, from the store."""
    pending = alert.data.get("next")
    if alert.state not in ESCALATING or not pending:
        return None
    return int(pending["step"]), from_ms(int(pending["due"]))
