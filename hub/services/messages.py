"""A request in words: what the provider reads, and the short line the tablet shows.

The facts of a request travel in its note's data (`alert.data["request"]`): kind, who asks,
the choice (menu item, place, day, time, order text) and the answer link. They are put into
words only when a message is written, in the recipient's language; hub/alerts/texts.py
adds the head, the reply instruction and the link, and keeps it within two SMS.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hub.services import destinations

WEEKDAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TODAY = {"de": ("Heute", "Morgen"), "en": ("Today", "Tomorrow")}

# What the provider reads after "Obhut – <home>: Anfrage 17." {who} is the resident.
SENTENCES = {
    "meal": {"de": "{who} bestellt: {item}.", "en": "{who} orders: {item}."},
    "escort": {
        "de": "{who} bittet um Begleitung {place} am {day}, {time}.",
        "en": "{who} asks to be accompanied {place} on {day} at {time}.",
    },
    "shopping": {
        "de": "{who} bittet um einen Einkauf: {item}.",
        "en": "{who} asks for some shopping: {item}.",
    },
    "call": {"de": "{who} bittet um einen Anruf.", "en": "{who} asks you to call."},
}
DEFAULT_ITEM = {
    "meal": {"de": "ein Mittagessen", "en": "a lunch"},
    "shopping": {"de": "bitte melden Sie sich wegen der Liste", "en": "please call about the list"},
}


def lang_of(lang: str) -> str:
    return "en" if lang == "en" else "de"


def day_text(day: date, lang: str) -> str:
    """`Dienstag, 2.12.` or `Tuesday 2 Dec`: a day someone will not misread."""
    lang = lang_of(lang)
    weekday = WEEKDAYS[lang][day.weekday()]
    if lang == "de":
        return f"{weekday}, {day.day}.{day.month}."
    return f"{weekday} {day.day} {MONTHS_EN[day.month - 1]}"


def day_label(day: date, today: date, lang: str) -> str:
    """On a button: `Heute`, `Morgen`, then `Donnerstag, 3.12.`."""
    offset = (day - today).days
    if 0 <= offset <= 1:
        return TODAY[lang_of(lang)][offset]
    return day_text(day, lang)


def when_short(day: date, time: str, today: date, lang: str) -> str:
    """`Heute 10:00`, `Morgen 10:00`, `Dienstag 10:00` (the next week's days by name)."""
    offset = (day - today).days
    if 0 <= offset <= 1:
        return f"{TODAY[lang_of(lang)][offset]} {time}"
    if 1 < offset < 7:
        return f"{WEEKDAYS[lang_of(lang)][day.weekday()]} {time}"
    return f"{day_text(day, lang)} {time}"


def item(facts: dict[str, Any], lang: str) -> str:
    """The menu item or order text, or the kind's default."""
    given = facts.get("item")
    if given:
        return str(given)
    return DEFAULT_ITEM.get(str(facts.get("kind")), {}).get(lang_of(lang), "")


def explain(facts: dict[str, Any], lang: str) -> str:
    """The provider's sentence: "Frau Berger (Musterstr. 1) bittet um Begleitung zum Arzt …"."""
    lang = lang_of(lang)
    kind = str(facts.get("kind", "meal"))
    fields = {"who": str(facts.get("who", "")), "item": item(facts, lang)}
    if kind == "escort":
        fields["place"] = destinations.phrase(str(facts.get("place", "")), lang)
        fields["day"] = day_text(date.fromisoformat(str(facts["date"])), lang)
        fields["time"] = str(facts.get("time", ""))
    return SENTENCES.get(kind, SENTENCES["meal"])[lang].format(**fields)


def what(facts: dict[str, Any], lang: str) -> str:
    """The choice in a line for the tablet and carers: "Zum Arzt, Dienstag, 2.12., 10:00"."""
    kind = facts.get("kind")
    if kind == "escort":
        place = destinations.phrase(str(facts.get("place", "")), lang)
        day = day_text(date.fromisoformat(str(facts["date"])), lang)
        return f"{place[:1].upper()}{place[1:]}, {day}, {facts.get('time', '')}"
    if kind in ("meal", "shopping"):
        return item(facts, lang)
    return ""


def signature(name: str, formal_name: str | None, address: str | None, sign_as: str | None) -> str:
    """Who asks, as the provider knows her: "Frau Berger (Musterstr. 1)", or "Mama"."""
    if sign_as:
        return sign_as
    who = formal_name or name
    return f"{who} ({address})" if address else who
