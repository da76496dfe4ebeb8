"""One alert's message for one contact: the texts filled in with the alert's facts."""

from __future__ import annotations

from datetime import datetime

from hub.alerts import wording
from hub.alerts.model import Alert
from hub.alerts.texts import MessageKind, render, render_summary
from hub.config.model import Config
from hub.insights.facts import DayFacts
from hub.insights.summary import day_label, variants


def render_for(
    config: Config,
    alert: Alert,
    contact_id: str,
    channel: str,
    kind: MessageKind,
    now: datetime,
) -> tuple[str, str]:
    """(subject, body) in the contact's language (or the home's)."""
    contact = config.contacts[contact_id]
    lang = (contact.language or config.home.language).value
    data = alert.data
    if kind is MessageKind.DAILY_SUMMARY and "day_summary" in data:
        facts = DayFacts.from_json(data["day_summary"])
        home, label = config.home.name, day_label(facts, lang)
        return render_summary(lang, channel, home=home, day=label, variants=variants(facts, lang))
    request = data.get("request")
    if isinstance(request, dict):  # a service request: its facts in the contact's words
        from hub.services.messages import explain

        explanation = explain(request, lang)
    elif "reason" in data:
        explanation = wording.reason(lang, data["reason"])
    elif kind is MessageKind.ALL_CLEAR and data.get("cleared_explanation"):
        explanation = str(data["cleared_explanation"])
    else:
        explanation = str(data.get("explanation") or alert.summary)
    room_id = data.get("room")
    room = config.rooms[room_id].name if room_id in config.rooms else room_id
    return render(
        kind,
        lang,
        channel,
        alert_id=alert.id,
        home=config.home.name,
        severity=alert.severity.value,
        explanation=explanation,
        room=room,
        opened=wording.when(alert.opened, now, config.home.tz, lang),
        acknowledged_by=name_of(config, alert.acknowledged_by),
        resolved_by=name_of(config, data.get("resolved_by")),
        recipient=contact.name if kind is MessageKind.TEST else None,
        link=request.get("link") if isinstance(request, dict) else None,
    )


def name_of(config: Config, by: str | None) -> str | None:
    """A readable name for who acknowledged or resolved: a contact, a web user, the tablet."""
    if by is None:
        return None
    if by in config.contacts:
        return config.contacts[by].name
    if by in ("tablet", "resident"):
        residents = list(config.residents.values())
        return residents[0].name if len(residents) == 1 else by
    return by.removeprefix("web:")
