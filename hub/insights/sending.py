"""Sending the daily summary at its time: to every contact listed, and never silently not.

If the day's facts cannot be gathered (a store that fails, a bug), the family gets nothing
that day rather than a wrong "alles wie gewohnt", and the installer gets a system alert
saying so; one contact's failure does not keep the others from theirs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from hub.model import Finding, Severity
from rules.explain import say

if TYPE_CHECKING:
    from hub.app import Hub

log = logging.getLogger(__name__)

FAILED_RULE = "system.daily_summary"
FAILED = {
    "de": "Die Tageszusammenfassung für {who} konnte heute nicht erstellt werden. "
    "Bitte Technik prüfen.",
    "en": "Today's daily summary for {who} could not be put together. Please check the hub.",
}


async def send_daily_summaries(hub: Hub) -> int:
    """Gather today's facts and hand one summary per listed contact to the outbox."""
    from hub.insights.daily import facts_at

    summary = hub.config.daily_summary
    if summary is None:
        return 0
    now = hub.clock.now()
    try:
        facts = (await facts_at(hub, now)).to_json()
    except Exception as e:
        log.exception("the daily summary could not be gathered")
        names = ", ".join(c.name for k, c in hub.config.contacts.items() if k in summary.to)
        hub.bus.publish(
            Finding(
                ts=now,
                rule=FAILED_RULE,
                kind="daily_summary",
                severity=Severity.WARNING,
                subject="daily_summary",
                summary=f"daily summary not sent: {e}",
                explanation=say(FAILED, hub.config.home.language.value, who=names),
                system=True,
            )
        )
        return 0
    sent = 0
    for contact in summary.to:
        try:
            await hub.alerts.send_daily_summary(contact, facts, summary.channel)
            sent += 1
        except Exception:
            log.exception("the daily summary to %s could not be handed to the outbox", contact)
    return sent
