"""How the night went, from the bed sensor: what the routine's days (rules/routine.py) do not
count. The rest of a day's numbers (getting up, the kitchen, time out, bathroom visits at
night) are the routine's.

Being up at night is leaving the bed for a few minutes after having gone to bed, and coming
back before 06:00; without a bed sensor, moving about (motion anywhere) between 22:00 and
06:00. Times are the home's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hub.config.model import RoomKind
from hub.model import Observation

NIGHT_FROM = time(22, 0)
NIGHT_UNTIL = time(6, 0)
VISIT_GAP = timedelta(minutes=10)  # motion this far apart starts a new visit
UP_AT_NIGHT = timedelta(minutes=3)  # out of bed this long is being up, not turning over
# Read this far before the night: she may have gone to bed before 22:00.
LOOK_BACK = timedelta(hours=8)


@dataclass(frozen=True)
class Night:
    """The night before a morning."""

    in_bed: bool | None = None  # seen in bed; None: the flat has no bed sensor
    up: int = 0  # times up
    up_minutes: int = 0
    in_bed_now: bool = False  # in bed when the observations end


def visits(times: Iterable[datetime], gap: timedelta = VISIT_GAP) -> int:
    """Motion times counted as visits: a new visit after `gap` without motion."""
    return len(visit_spans(times, gap))


def visit_spans(
    times: Iterable[datetime], gap: timedelta = VISIT_GAP
) -> list[tuple[datetime, datetime]]:
    """Motion times grouped into visits (first, last motion)."""
    spans: list[tuple[datetime, datetime]] = []
    for ts in sorted(times):
        if spans and ts - spans[-1][1] < gap:
            spans[-1] = (spans[-1][0], ts)
        else:
            spans.append((ts, ts))
    return spans


def night_of(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The night before `day`: 22:00 the evening before until 06:00."""
    return (
        datetime.combine(day - timedelta(days=1), NIGHT_FROM, tzinfo=tz),
        datetime.combine(day, NIGHT_UNTIL, tzinfo=tz),
    )


def reads_from(day: date, tz: ZoneInfo) -> datetime:
    """Where the observations for `night_before(day)` must start."""
    return night_of(day, tz)[0] - LOOK_BACK


def beds(room_of: Mapping[str, str], kinds: Mapping[str, RoomKind]) -> set[str]:
    """The bed sensors of bedrooms (a fall radar's "bed" in the bathroom is none)."""
    return {
        e
        for e, room in room_of.items()
        if e.startswith("bed_occupancy.") and kinds.get(room) is RoomKind.BEDROOM
    }


def night_before(
    observations: Iterable[Observation], bed: set[str], day: date, tz: ZoneInfo
) -> Night:
    """The night before `day` from observations from `reads_from(day)` on, in time order."""
    window = night_of(day, tz)
    ordered = sorted(observations, key=lambda o: o.ts)
    if not bed:
        moving = [
            o.ts
            for o in ordered
            if o.entity.startswith("motion.") and o.value is True and window[0] <= o.ts < window[1]
        ]
        spans = visit_spans(moving)
        minutes = sum(max((b - a).total_seconds(), 60) for a, b in spans) / 60
        return Night(None, len(spans), round(minutes))
    in_bed = seen = False  # seen: in bed at some time of the night
    up = up_minutes = 0
    left: datetime | None = None
    for obs in ordered:
        if obs.entity not in bed:
            continue
        if obs.ts < window[0]:
            in_bed = seen = obs.value is True  # already in bed when the night began
            continue
        if obs.ts < window[1]:
            if obs.value is True:
                seen = True
                if left is not None and obs.ts - left >= UP_AT_NIGHT:
                    up += 1
                    up_minutes += round((obs.ts - left).total_seconds() / 60)
                left = None
            elif in_bed:
                left = obs.ts
        in_bed = obs.value is True
    return Night(seen, up, up_minutes, in_bed)
