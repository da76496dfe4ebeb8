"""Resting heart and breathing rate per night, from a bed or radar sensor's readings.

A night runs from 22:00 to 08:00 home time and is named by the evening it begins. Its resting
rate is the lowest median of a half hour: windows of 30 minutes, one starting every 5
minutes, each with valid readings in at least 24 of its minutes; the night needs valid
readings in at least 180 minutes (3 hours), else it has "not enough readings".

Why this definition: asleep, the rate sinks to its lowest sustained level, and that level is
what is compared from night to night (a resting pulse rising over days is an early sign of
an infection or a failing heart). The median passes over the spike or dip a sensor reports
when someone turns over; half an hour asks for a stretch of calm, and with 24 minutes of
readings in it a dip or an artefact must last 12 minutes to move the median, so a short one
never becomes the night's value; and the lowest such stretch finds the deep sleep
however the night went (a late bedtime, a trip to the bathroom, an hour awake). Readings the
sensor could not have taken from a person (0 when nobody is in bed, impossible values) are
left out, with vital_range's limits. Several readings in one minute count as their median.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hub.vitals.measures import PLAUSIBLE

NIGHT_FROM = time(22, 0)
NIGHT_UNTIL = time(8, 0)
MINUTE = timedelta(minutes=1)
WINDOW_MINUTES = 30
WINDOW_STEP = 5
WINDOW_NEEDS = 24  # minutes with a valid reading in a window
NIGHT_NEEDS = 180  # minutes with a valid reading in a night

Reading = tuple[datetime, object]


@dataclass(frozen=True, slots=True)
class Resting:
    """One night's resting rate, or None with the minutes that were there."""

    night: date  # the evening the night begins
    rate: float | None
    minutes: int  # minutes with a valid reading
    calmest: datetime | None = None  # where the calmest half hour began (UTC)

    @property
    def enough(self) -> bool:
        return self.rate is not None


def night_of(ts: datetime, tz: ZoneInfo) -> date | None:
    """The night `ts` belongs to (the evening's date), or None in the daytime."""
    local = ts.astimezone(tz)
    if local.time() >= NIGHT_FROM:
        return local.date()
    if local.time() < NIGHT_UNTIL:
        return local.date() - timedelta(days=1)
    return None


def bounds(night: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The night's start and end in UTC (9 or 11 hours long when the clocks change)."""
    start = datetime.combine(night, NIGHT_FROM, tzinfo=tz).astimezone(UTC)
    morning = night + timedelta(days=1)
    return start, datetime.combine(morning, NIGHT_UNTIL, tzinfo=tz).astimezone(UTC)


def valid(capability: str, value: object) -> float | None:
    """The reading as a rate, or None for a dropout (0, negative, NaN, impossible)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    low, high = PLAUSIBLE[capability]
    number = float(value)
    return number if math.isfinite(number) and low <= number <= high else None


def resting_rate(
    readings: Iterable[Reading], capability: str, night: date, tz: ZoneInfo
) -> Resting:
    """The resting rate of one night from readings (time, value); others are passed over."""
    start, end = bounds(night, tz)
    low, high = PLAUSIBLE[capability]
    by_minute: dict[int, list[float]] = defaultdict(list)
    for ts, value in readings:  # valid() inlined: a month's page runs this 36,000 times
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if low <= value <= high and start <= ts < end:  # NaN is never between
            by_minute[(ts - start) // MINUTE].append(float(value))
    minutes = {m: vs[0] if len(vs) == 1 else statistics.median(vs) for m, vs in by_minute.items()}
    if len(minutes) < NIGHT_NEEDS:
        return Resting(night, None, len(minutes))
    length = (end - start) // MINUTE
    best: tuple[float, int] | None = None
    for first in range(0, length - WINDOW_MINUTES + 1, WINDOW_STEP):
        window = [minutes[m] for m in range(first, first + WINDOW_MINUTES) if m in minutes]
        if len(window) < WINDOW_NEEDS:
            continue
        middle = _median(window)
        if best is None or middle < best[0]:
            best = (middle, first)
    if best is None:
        return Resting(night, None, len(minutes))
    rate, first = best
    return Resting(night, round(rate, 1), len(minutes), start + timedelta(minutes=first))


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def nightly(
    readings: Iterable[Reading], capability: str, nights: Sequence[date], tz: ZoneInfo
) -> list[Resting]:
    """The resting rate of each of `nights`, from readings spanning them (in any order)."""
    wanted = set(nights)
    by_night: dict[date, list[Reading]] = defaultdict(list)
    for reading in readings:
        night = night_of(reading[0], tz)
        if night in wanted:
            by_night[night].append(reading)
    return [resting_rate(by_night.get(n, []), capability, n, tz) for n in nights]
