"""Findings in the home's language: times, durations and rooms as a daughter reads them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

Texts = Mapping[str, str]  # language → template with {named} fields


def duration(span: timedelta, lang: str) -> str:
    """`3 Std 05 Min` / `3 h 05 min`; under an hour `45 Min`; under a minute `30 Sek`."""
    seconds = max(0, int(span.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    h, m, s = ("Std", "Min", "Sek") if lang == "de" else ("h", "min", "s")
    if hours >= 48:
        days = hours // 24
        return f"{days} Tage" if lang == "de" else f"{days} days"
    if hours:
        return f"{hours} {h} {minutes:02d} {m}"
    if minutes:
        return f"{minutes} {m}"
    return f"{seconds} {s}"


def number(value: float, lang: str) -> str:
    """15.8 → `15,8` in German; whole numbers without a decimal: 17.0 → `17`."""
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "de" else text


def clock(ts: datetime, tz: ZoneInfo) -> str:
    return ts.astimezone(tz).strftime("%H:%M")


def say(texts: Texts, lang: str, **fields: object) -> str:
    """The template in `lang` (German if there is none), filled in."""
    template = texts.get(lang) or texts.get("de") or next(iter(texts.values()))
    return template.format(**fields)
