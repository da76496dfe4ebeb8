"""Daily time windows in the home's time zone ("07:00"–"22:00", or over midnight)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rules.config import TimeWindow


def _at(day: datetime, t: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day.date(), t, tzinfo=tz).astimezone(UTC)


def occurrence(when: datetime, window: TimeWindow, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The window occurrence that contains `when`, or else the next one to start (UTC)."""
    local = when.astimezone(tz)
    for offset in (-1, 0, 1):
        day = local + timedelta(days=offset)
        start = _at(day, window.start, tz)
        end_day = day + timedelta(days=1) if window.end <= window.start else day
        end = _at(end_day, window.end, tz)
        if when < end:
            return start, end
    raise AssertionError("a daily window always ends within two days")  # pragma: no cover


def contains(when: datetime, window: TimeWindow, tz: ZoneInfo) -> bool:
    start, end = occurrence(when, window, tz)
    return start <= when < end


def due_within(
    since: datetime, span: timedelta, window: TimeWindow | None, tz: ZoneInfo
) -> datetime:
    """When `span` of time inside the window will have passed since `since`."""
    if window is None:
        return since + span
    left, t = span, since
    while True:
        start, end = occurrence(t, window, tz)
        t = max(t, start)
        if t + left <= end:
            return t + left
        left -= end - t
        t = end
