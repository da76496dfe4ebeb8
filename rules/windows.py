"""Daily time windows in the home's time zone ("07:00"–"22:00", or over midnight)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rules.config import WEEKDAYS, Active, TimeWindow


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


def active_at(active: Active | None, when: datetime, tz: ZoneInfo) -> bool:
    """The engine's reading of `active`: the moment's weekday, then the daily window."""
    if active is None:
        return True
    if active.weekdays and WEEKDAYS[when.astimezone(tz).weekday()] not in active.weekdays:
        return False
    if active.start is not None and active.end is not None:
        return contains(when, TimeWindow(start=active.start, end=active.end), tz)
    return True


def next_active(active: Active | None, when: datetime, tz: ZoneInfo) -> datetime | None:
    """None if a finding at `when` would be raised; otherwise when the active time begins."""
    if active is None or active_at(active, when, tz):
        return None
    begin = active.start if active.start is not None and active.end is not None else time(0)
    local = when.astimezone(tz)
    for days in range(9):  # a week, and a day more for a window over midnight
        day = (local + timedelta(days=days)).date()
        candidate = datetime.combine(day, begin, tzinfo=tz).astimezone(UTC)
        if candidate > when and active_at(active, candidate, tz):
            return candidate
    return None  # pragma: no cover - some day of the week is always active
