"""Words the alerting adds itself: when an alert was opened, and why a channel failed."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

_YESTERDAY = {"de": "gestern", "en": "yesterday"}
_CHANNEL = {
    "de": {"sms": "SMS", "email": "E-Mail", "console": "Konsole"},
    "en": {"sms": "SMS", "email": "e-mail", "console": "console"},
}
# Why a contact or a channel cannot be used; {name}, {channel}, {code}, {detail} fill in.
_REASONS: dict[str, dict[str, str]] = {
    "21211": {
        "de": "Die Telefonnummer von {name} ist ungültig (Twilio 21211). Bitte korrigieren.",
        "en": "{name}'s phone number is invalid (Twilio 21211). Please correct it.",
    },
    "21608": {
        "de": "Die Nummer von {name} ist im Twilio-Testkonto nicht bestätigt (21608).",
        "en": "{name}'s number is not verified on the Twilio trial account (21608).",
    },
    "21610": {
        "de": "{name} hat SMS von Obhut abbestellt (Twilio 21610).",
        "en": "{name} has opted out of SMS from Obhut (Twilio 21610).",
    },
    "20003": {
        "de": "Twilio lehnt die Zugangsdaten ab (20003): Konto-SID und Token prüfen.",
        "en": "Twilio refuses the credentials (20003): check the account SID and token.",
    },
    "stop": {
        "de": "{name} hat mit STOP geantwortet und ist per SMS nicht mehr erreichbar.",
        "en": "{name} replied STOP and cannot be reached by SMS any more.",
    },
    "other": {
        "de": "Eine {channel} an {name} ging nicht durch ({detail}).",
        "en": "A message by {channel} to {name} failed ({detail}).",
    },
}
_FALLBACK = {
    "de": " Meldungen gehen stattdessen per {channel}.",
    "en": " Alerts go by {channel} instead.",
}
_NO_FALLBACK = {
    "de": " Es gibt keinen anderen Weg zu {name}.",
    "en": " There is no other way to reach {name}.",
}


def when(ts: datetime, now: datetime, tz: ZoneInfo, lang: str) -> str:
    """`07:12` today, `gestern 22:10`, else `03.05. 07:12` (de) or `03/05 07:12` (en)."""
    lang = lang if lang in _YESTERDAY else "de"
    local, today = ts.astimezone(tz), now.astimezone(tz).date()
    clock = f"{local:%H:%M}"
    days = (today - local.date()).days
    if days <= 0:
        return clock
    if days == 1:
        return f"{_YESTERDAY[lang]} {clock}"
    day = f"{local:%d.%m.}" if lang == "de" else f"{local:%d/%m}"
    return f"{day} {clock}"


def reason(lang: str, why: dict[str, Any]) -> str:
    """The explanation of a delivery system alert, from what the outbox recorded."""
    lang = lang if lang in _YESTERDAY else "de"
    code = str(why.get("code") or "other")
    template = _REASONS.get(code, _REASONS["other"])[lang]
    channels = _CHANNEL[lang]
    name = str(why.get("name") or "?")
    text = template.format(
        name=name,
        channel=channels.get(str(why.get("channel")), str(why.get("channel"))),
        detail=why.get("detail") or code,
    )
    if code == "20003":
        return text
    fallback = why.get("fallback")
    if fallback:
        return text + _FALLBACK[lang].format(channel=channels.get(fallback, fallback))
    return text + _NO_FALLBACK[lang].format(name=name)
