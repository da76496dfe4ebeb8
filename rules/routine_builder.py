"""`DayBuilder`: observations in time order in, the resident's finished days out.

What each feature means is in rules/routine_day.py. The builder also carries what spans
midnight (last night's bathroom visits, bedtime, an outing still going on) into the next
day, and writes itself to JSON for a restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.model import Observation
from rules.routine_day import (
    BED_BY,
    BED_QUIET,
    EVENING_FROM,
    LUNCH_FROM,
    LUNCH_UNTIL,
    NIGHT_AWAY,
    NIGHT_FROM,
    NIGHT_UNTIL,
    PAUSE,
    POWER_ON,
    UP_FOR,
    VISIT_GAP,
    WAKE_FROM,
    C,
    Day,
    Hours,
    Layout,
    int_or_none,
    local,
)
from rules.routine_out import Outings, Span

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stamp(ts: datetime | None) -> int | None:
    """A moment as milliseconds since 1970: an integer, quick to write a few times an hour."""
    return None if ts is None else round(ts.timestamp() * 1000)


def _ts(value: object) -> datetime | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return EPOCH + timedelta(milliseconds=value)
    return datetime.fromisoformat(value) if isinstance(value, str) else None


class DayBuilder:
    """Observations in time order in, finished days out (`observe` and `advance` return them)."""

    def __init__(self, layout: Layout, tz: ZoneInfo, start: datetime) -> None:
        self.layout = layout
        self.tz = tz
        self.now = start
        self._open(start.astimezone(tz).date())
        self._gaps: list[tuple[datetime, datetime]] = []
        if start > self._start:
            self._gaps.append((self._start, start))  # the day before the builder began
        self._on: dict[str, bool] = {}  # presence and power: only switching on is news
        self._candidate: datetime | None = None  # a first sign of getting up
        self._first_up: datetime | None = None  # the day's first such sign
        self._last_up: datetime | None = None
        self._woke: datetime | None = None
        self._out = Outings()
        self._bath_last: datetime | None = None
        self._kitchen_last: datetime | None = None
        self._living_last: datetime | None = None
        self._sitting: set[str] = set()  # presence in the living rooms, on
        self._next_night = 0  # bathroom visits since 22:00, for tomorrow's morning
        self._next_bedtime: int | None = None
        self._night_out = 0  # minutes out from 22:00, for tomorrow's night
        self._night_gap = 0  # minutes not watched from 22:00, likewise

    # -- the current day -------------------------------------------------------------------

    def _open(self, day: date) -> None:
        self.day = Day(day)
        self.hours = Hours(day, self.tz)
        self._start, self._end = self.hours.start, self.hours.end

    def minute(self, ts: datetime) -> int:
        """`ts` (within the current day) as wall-clock minutes after its local midnight."""
        return self.hours.minute(ts)

    def at(self, minutes: int) -> datetime:
        """The current day's wall-clock time `minutes` after midnight, as UTC."""
        return self.hours.at(minutes)

    # -- feeding -----------------------------------------------------------------------------

    def advance(self, now: datetime) -> list[Day]:
        """Move on to `now`: the days that ended by then, finished."""
        closed = []
        while now >= self._end:
            closed.append(self._close())
        if now > self.now:
            self.now = now
        self._bedtime_by(now)
        return closed

    def pause(self, since: datetime, until: datetime) -> list[Day]:
        """The hub was not watching from `since` to `until` (a restart, a power cut)."""
        if until > since:
            self._gaps.append((max(since, self._start), until))
        return self.advance(until)

    def observe(self, obs: Observation) -> list[Day]:
        ts = obs.ts
        closed = self.advance(ts) if ts >= self._end or self._living_last else []
        self.now = max(self.now, ts)
        place = self.layout.place(obs.entity)
        if place is None or ts < self._start:  # nothing to do with her, or a finished day's
            return closed
        cap, value = place.capability, obs.value
        if cap is C.AWAY:
            if value is True:
                self._out.away(ts, True)
            else:
                self._record_out(self._out.away(ts, False))
            return closed
        if place.living:
            self._living_at(ts)
            if cap is C.PRESENCE:  # in her armchair: the room is not quiet while she sits
                if value is True:
                    self._sitting.add(obs.entity)
                else:
                    self._sitting.discard(obs.entity)
        if cap is C.MOTION or cap is C.CHECK_IN:
            sign = value is True
        elif cap is C.PRESENCE or cap is C.POWER:
            on = value is True if cap is C.PRESENCE else _watts(value) >= POWER_ON
            sign = on and not self._on.get(obs.entity, False)
            self._on[obs.entity] = on
        else:
            sign = True  # a door, the bed, a reminder: any change is someone
        if place.front_door:
            self._record_out(self._out.door(ts))
        elif sign:
            self._record_out(self._out.inside(ts))
        if cap is C.BED_OCCUPANCY and place.bedroom:
            self._bed(ts, value is True)
        if not sign:
            return closed
        if place.room is not None:
            counts = self.day.rooms.get(place.room)
            if counts is None:
                counts = self.day.rooms[place.room] = [0] * 24
            counts[self.hours.hour(ts)] += 1
            self.day.events += 1
        if place.kitchen:
            self._kitchen(ts)
        if place.bath and cap in (C.MOTION, C.PRESENCE):
            self._bathroom(ts)
        if self._woke is None and not place.turning_over and cap is not C.BED_OCCUPANCY:
            self._up(ts, place.living)
        return closed

    # -- the features --------------------------------------------------------------------------

    def _up(self, ts: datetime, living: bool) -> None:
        if self.minute(ts) < WAKE_FROM:
            return
        last = self._last_up
        if self._candidate is None or last is None or ts - last >= PAUSE:
            self._candidate = ts
        self._first_up = self._first_up or ts
        self._last_up = ts
        if living or ts - self._candidate >= UP_FOR:
            self._woke = self._candidate
            self.day.wake = self.minute(self._candidate)

    def _bed(self, ts: datetime, in_bed: bool) -> None:
        if self._woke is not None:
            return
        if in_bed:
            self._candidate = self._last_up = None  # back to bed: that was a trip
        else:
            self._up(ts, False)

    def _bathroom(self, ts: datetime) -> None:
        new = self._bath_last is None or ts - self._bath_last >= VISIT_GAP
        self._bath_last = ts
        if not new:
            return
        m = self.minute(ts)
        if m >= NIGHT_FROM:
            self._next_night += 1
        elif m < NIGHT_UNTIL:
            self.day.night_bathroom += 1

    def _kitchen(self, ts: datetime) -> None:
        if self._kitchen_last is None or ts - self._kitchen_last >= VISIT_GAP:
            self.day.kitchen_visits += 1
        self._kitchen_last = ts
        if self.day.lunch is None:
            m = self.minute(ts)
            if LUNCH_FROM <= m < LUNCH_UNTIL:
                self.day.lunch = m

    def _living_at(self, ts: datetime) -> None:
        self._bedtime_by(ts)
        self._living_last = ts

    def _bedtime_by(self, now: datetime) -> None:
        """The living rooms' last event, once four quiet hours have followed it, is bedtime."""
        last = self._living_last
        if last is None or now - last < BED_QUIET or self._sitting:
            return
        self._living_last = None
        local = last.astimezone(self.tz)
        m = local.hour * 60 + local.minute
        if m >= EVENING_FROM:
            morning, minutes = local.date() + timedelta(days=1), m - 24 * 60
        elif m < BED_BY:
            morning, minutes = local.date(), m
        else:
            return
        if morning == self.day.day and self.day.bedtime is None:
            self.day.bedtime = minutes
        elif morning == self.day.day + timedelta(days=1):
            self._next_bedtime = minutes

    def out_since(self, now: datetime) -> datetime | None:
        """When she went out, if she is out at `now`."""
        return self._out.since(now)

    def _record_out(self, span: Span | None) -> None:
        if span is None:
            return
        start, end = max(span[0], self._start), span[1]
        if end <= start:
            return
        for h, m in self.hours.minutes_by_hour(start, end).items():
            self.day.out[h] = min(60, self.day.out[h] + m)
        a, b = self.minute(start), self.minute(end) if end < self._end else 24 * 60
        outings = self.day.outings
        if outings and a - outings[-1][1] <= 1:
            outings[-1] = (outings[-1][0], b)
        else:
            outings.append((a, b))

    # -- closing a day -----------------------------------------------------------------------

    def _close(self) -> Day:
        end = self._end
        self._record_out(self._out.midnight(end))  # out over midnight: on from there
        day = self.day
        if day.wake is None and self._first_up is not None:
            # Never seen up for long (a flat with few sensors): her first sign from 05:00
            day.wake = self.minute(self._first_up)
        gaps = self.unobserved_by_hour(self._start, end)
        day.unobserved = min(24 * 60, sum(gaps.values()))
        day.night_away = self._night_out + sum(day.out[:6]) >= NIGHT_AWAY
        night_gap = self._night_gap + sum(gaps.get(h, 0) for h in range(6))
        day.night_unobserved = night_gap >= 60
        self._gaps = [(max(a, end), b) for a, b in self._gaps if b > end]
        next_night, next_bedtime = self._next_night, self._next_bedtime
        self._night_out = day.out[22] + day.out[23]
        self._night_gap = gaps.get(22, 0) + gaps.get(23, 0)
        self._open(day.day + timedelta(days=1))
        self.day.night_bathroom, self.day.bedtime = next_night, next_bedtime
        self._next_night, self._next_bedtime = 0, None
        self._candidate = self._last_up = self._woke = self._first_up = None
        return day

    def unobserved_by_hour(self, start: datetime, end: datetime) -> dict[int, int]:
        """Minutes not watched between `start` and `end` (within the current day), per hour."""
        result: dict[int, int] = {}
        for a, b in self._gaps:
            a, b = max(a, start), min(b, end)
            if b > a:
                for h, m in self.hours.minutes_by_hour(a, b).items():
                    result[h] = min(60, result.get(h, 0) + m)
        return result

    def unobserved(self, start: datetime, end: datetime) -> int:
        return sum(self.unobserved_by_hour(max(start, self._start), min(end, self._end)).values())

    def awake_since(self) -> datetime | None:
        """When she got up today, as far as can be told yet (a first sign not yet confirmed)."""
        return self._woke or self._candidate

    def out_by_hour(self, now: datetime) -> list[int]:
        """Today's minutes out per hour, with an outing still going on counted up to `now`."""
        out = list(self.day.out)
        since = self.out_since(now)
        if since is not None:
            for h, m in self.hours.minutes_by_hour(
                max(since, self._start), min(now, self._end)
            ).items():
                out[h] = min(60, out[h] + m)
        return out

    def night_watched(self, now: datetime) -> bool:
        """Whether last night (22:00–06:00) was spent at home and watched, as seen by `now`."""
        out = self.out_by_hour(now)
        gaps = self.unobserved_by_hour(self._start, min(now, self._end))
        away = self._night_out + sum(out[:6]) >= NIGHT_AWAY
        return not away and self._night_gap + sum(gaps.get(h, 0) for h in range(6)) < 60

    # -- persistence ---------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "day": self.day.to_json(),
            "now": _stamp(self.now),
            "gaps": [[_stamp(a), _stamp(b)] for a, b in self._gaps],
            "on": sorted(e for e, on in self._on.items() if on),
            "candidate": _stamp(self._candidate),
            "first_up": _stamp(self._first_up),
            "last_up": _stamp(self._last_up),
            "woke": _stamp(self._woke),
            **self._out.to_json(_stamp),
            "bath_last": _stamp(self._bath_last),
            "kitchen_last": _stamp(self._kitchen_last),
            "living_last": _stamp(self._living_last),
            "sitting": sorted(self._sitting),
            "next_night": self._next_night,
            "next_bedtime": self._next_bedtime,
            "night_out": self._night_out,
            "night_gap": self._night_gap,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], layout: Layout, tz: ZoneInfo) -> DayBuilder:
        day = Day.from_json(data["day"])
        now = _ts(data.get("now")) or local(day.day, time(0), tz)
        builder = cls(layout, tz, local(day.day, time(0), tz))
        builder.day, builder.now = day, now
        builder._gaps = [(a, b) for a, b in (_span(g) for g in data.get("gaps") or ()) if a and b]
        builder._on = {str(e): True for e in data.get("on") or ()}
        builder._candidate = _ts(data.get("candidate"))
        builder._first_up = _ts(data.get("first_up"))
        builder._last_up = _ts(data.get("last_up"))
        builder._woke = _ts(data.get("woke"))
        builder._out.load(data, _ts)
        builder._bath_last = _ts(data.get("bath_last"))
        builder._kitchen_last = _ts(data.get("kitchen_last"))
        builder._living_last = _ts(data.get("living_last"))
        builder._sitting = {str(e) for e in data.get("sitting") or ()}
        builder._next_night = int(data.get("next_night") or 0)
        builder._next_bedtime = int_or_none(data.get("next_bedtime"))
        builder._night_out = int(data.get("night_out") or 0)
        builder._night_gap = int(data.get("night_gap") or 0)
        return builder


def _span(pair: object) -> tuple[datetime | None, datetime | None]:
    if isinstance(pair, (list, tuple)) and len(pair) == 2:
        return _ts(pair[0]), _ts(pair[1])
    return None, None


def _watts(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def build_days(
    observations: Iterable[Observation], layout: Layout, tz: ZoneInfo, start: datetime
) -> list[Day]:
    """Every day that `observations` (from `start`, in time order) finish."""
    builder = DayBuilder(layout, tz, start)
    days: list[Day] = []
    for obs in observations:
        days.extend(builder.observe(obs))
    return days
