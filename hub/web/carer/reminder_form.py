"""The reminder form: read with its picture (streamed, capped) and checked in the carer's words.

The page's script sends the form with the CSRF header, so the hub's 64 KB limit on form bodies
does not apply and the picture is read here in chunks, up to pictures.MAX_BYTES. Without the
script the browser posts the form itself and only a small picture fits that limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from hub.reminders import Draft
from hub.reminders.pictures import MAX_BYTES
from hub.web.auth import CSRF_HEADER
from rules.config import WEEKDAYS

if TYPE_CHECKING:
    from hub.config.model import Config

TEXT_MAX = 120
TIME_SLOTS = 4
WITHIN_MINUTES = (10, 15, 20, 30, 45, 60, 90, 120)
DEFAULT_WITHIN = 30
FIELD_MAX = 4096  # bytes of one text field
PARTS_MAX = 40
DRAIN_MAX = 16 * 1024 * 1024  # a too-large picture is read to its end up to here, then dropped
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})(?::\d{2})?\s*$")


@dataclass
class Posted:
    """The form as sent: its fields, the picture's bytes (None: none chosen) and what broke."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    picture: bytes | None = None
    too_big: bool = False
    broken: bool = False

    def one(self, name: str) -> str:
        values = self.fields.get(name)
        return values[0] if values else ""


@dataclass(frozen=True)
class Problem:
    field: str
    message: str  # in the carer's words


def say(t: Callable[[str], str], key: str, **fields: str) -> str:
    """A word of daily_words with its {fields} filled in."""
    text = t(key)
    for name, value in fields.items():
        text = text.replace("{" + name + "}", value)
    return text


async def _capped(part: BodyPartReader, cap: int) -> tuple[bytes, bool]:
    """A part's bytes up to `cap`; True if it was longer (the rest read and dropped)."""
    data = bytearray()
    total = 0
    while chunk := await part.read_chunk(64 * 1024):
        total += len(chunk)
        if total <= cap:
            data += chunk
        elif total > DRAIN_MAX:
            raise web.HTTPRequestEntityTooLarge(max_size=cap, actual_size=total)
    return bytes(data), total > cap


async def read_posted(request: web.Request) -> Posted:
    """Read the form, streamed when the script sent it, else from the form the hub parsed."""
    posted = Posted()
    if request.content_type != "multipart/form-data" or not request.headers.get(CSRF_HEADER):
        form = await request.post()  # parsed already for its CSRF field, within 64 KB
        for name, value in form.items():
            if isinstance(value, str):
                posted.fields.setdefault(name, []).append(value)
            elif name == "picture" and isinstance(value, web.FileField) and value.filename:
                data = value.file.read(MAX_BYTES + 1)
                posted.picture, posted.too_big = data, len(data) > MAX_BYTES
        return posted
    reader = await request.multipart()
    count = 0
    while (part := await reader.next()) is not None:
        count += 1
        if count > PARTS_MAX or not isinstance(part, BodyPartReader) or not part.name:
            posted.broken = True
            break
        if part.name == "picture":
            data, too_big = await _capped(part, MAX_BYTES)
            if part.filename and (data or too_big):
                posted.picture, posted.too_big = data, too_big
            continue
        raw, too_long = await _capped(part, FIELD_MAX)
        if too_long:
            posted.broken = True
            continue
        posted.fields.setdefault(part.name, []).append(raw.decode("utf-8", "replace"))
    return posted


def notify_choices(config: Config) -> dict[str, str | tuple[str, ...]]:
    """The form's "who is told" options: each alert chain, then each contact."""
    choices: dict[str, str | tuple[str, ...]] = {f"policy:{p}": p for p in config.escalation}
    choices.update({f"contact:{c}": (c,) for c in config.contacts})
    return choices


def notify_value(notify: str | tuple[str, ...]) -> str:
    """The option that stands for a reminder's `notify`."""
    if isinstance(notify, str):
        return f"policy:{notify}"
    return f"contact:{notify[0]}" if notify else ""


def _clock(text: str) -> time | None:
    m = _TIME.match(text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return time(int(m.group(1)), int(m.group(2)))


def span(t: Callable[[str], str], minutes: int) -> str:
    """A length of time in words: "90 Minuten", "2 Stunden"."""
    if minutes >= 120 and minutes % 60 == 0:
        return say(t, "rem_hours", n=str(minutes // 60))
    return say(t, "rem_minutes", n=str(minutes))


def check(
    posted: Posted, config: Config, t: Callable[[str], str]
) -> tuple[Draft | None, list[Problem]]:
    """The form as a Draft (without its picture), or every problem at once."""
    problems: list[Problem] = []

    def problem(name: str, key: str, **fields: str) -> None:
        problems.append(Problem(name, say(t, key, **fields)))

    text = " ".join(posted.one("text").split())
    if not text:
        problem("text", "rem_need_text")
    elif len(text) > TEXT_MAX:
        problem("text", "rem_text_long", n=str(TEXT_MAX))
    times: list[time] = []
    for raw in posted.fields.get("at", [])[:TIME_SLOTS]:
        if not raw.strip():
            continue
        parsed = _clock(raw)
        if parsed is None:
            problem("at", "rem_bad_time", value=raw.strip()[:20])
        elif parsed in times:
            problem("at", "rem_time_twice", time=f"{parsed:%H:%M}")
        else:
            times.append(parsed)
    if not times and not any(p.field == "at" for p in problems):
        problem("at", "rem_need_time")
    weekdays = posted.fields.get("weekdays", [])
    if any(d not in WEEKDAYS for d in weekdays):
        problem("weekdays", "rem_bad_weekday")
    chosen_days = tuple(d for d in WEEKDAYS if d in weekdays)
    within_text = posted.one("confirm_within")
    minutes = int(within_text) if within_text.isdigit() else 0
    if minutes not in WITHIN_MINUTES:
        problem("confirm_within", "rem_bad_within")
    elif times:
        gap = _shortest_gap(times)
        if timedelta(minutes=minutes) >= gap:
            gap_text = span(t, int(gap.total_seconds() // 60))
            problem("confirm_within", "rem_within_too_long", gap=gap_text, within=span(t, minutes))
    notify = notify_choices(config).get(posted.one("notify"))
    if notify is None:
        problem("notify", "rem_bad_notify")
    if problems or notify is None:
        return None, problems
    return (
        Draft(
            text=text,
            times=tuple(sorted(times)),
            weekdays=chosen_days,
            confirm_within=timedelta(minutes=minutes),
            notify=notify,
            medication=posted.one("medication") == "on",
        ),
        [],
    )


def _shortest_gap(times: list[time]) -> timedelta:
    minutes = sorted(t.hour * 60 + t.minute for t in times)
    gaps = [b - a for a, b in pairwise(minutes)]
    gaps.append(24 * 60 - minutes[-1] + minutes[0])
    return timedelta(minutes=min(gaps))


def values_of(posted: Posted | None, draft: Draft | None) -> dict[str, Any]:
    """What the form shows: what was sent (to correct it), else the reminder, else defaults."""
    if posted is not None:
        times = [t.strip() for t in posted.fields.get("at", [])][:TIME_SLOTS]
        return {
            "text": posted.one("text"),
            "times": times + [""] * (TIME_SLOTS - len(times)),
            "weekdays": set(posted.fields.get("weekdays", [])),
            "within": posted.one("confirm_within"),
            "notify": posted.one("notify"),
            "medication": posted.one("medication") == "on",
        }
    if draft is None:
        return {
            "text": "",
            "times": [""] * TIME_SLOTS,
            "weekdays": set(),
            "within": str(DEFAULT_WITHIN),
            "notify": "policy:default",
            "medication": False,
        }
    times = [f"{t:%H:%M}" for t in draft.times][:TIME_SLOTS]
    return {
        "text": draft.text,
        "times": times + [""] * (TIME_SLOTS - len(times)),
        "weekdays": set(draft.weekdays),
        "within": str(int(draft.confirm_within.total_seconds() // 60)),
        "notify": notify_value(draft.notify),
        "medication": draft.medication,
    }
