"""Charts as data for SVG templates: coordinates computed here, drawn by the templates."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hub.model import Observation
from hub.vitals.measures import PLAUSIBLE

WIDTH, HEIGHT = 720.0, 220.0
LEFT, RIGHT, TOP, BOTTOM = 48.0, 12.0, 12.0, 30.0
# Plausible readings (vital_range's); anything else (a 0 when nobody is in bed) is a gap.
VALID = PLAUSIBLE
# The y axis shows at least this range, so a calm night does not look like a storm.
SPAN = {"heart_rate": (40.0, 120.0), "respiratory_rate": (5.0, 30.0)}


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


def valid(capability: str, value: object) -> float | None:
    """The reading as a number, or None if it is no plausible vital sign."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    lo, hi = VALID.get(capability, (0.0, math.inf))
    if not math.isfinite(number) or number <= 0 or not lo <= number <= hi:
        return None
    return number


def series(observations: Iterable[Observation]) -> list[tuple[datetime, float | None]]:
    """Each observation as (time, value or None for a gap)."""
    return [(o.ts, valid(o.capability.value, o.value)) for o in observations]


@dataclass
class Lane:
    """One room's row in the day's timeline."""

    room: str
    y: float
    marks: list[tuple[float, float, str]] = field(default_factory=list)  # x, width, kind
    counts: dict[str, int] = field(default_factory=dict)
    first: str = ""
    last: str = ""


@dataclass
class Timeline:
    width: float
    height: float
    lanes: list[Lane]
    x_ticks: list[Tick]
    lane_height: float
    left: float
    right: float
    now_x: float | None


LANE_H = 34.0
TIMELINE_LEFT = 130.0


def timeline(
    observations: Iterable[Observation],
    rooms: dict[str, str],
    room_of: dict[str, str],
    start: datetime,
    now: datetime,
    tz: ZoneInfo,
) -> Timeline:
    """Marks per room over one local day: a tick for motion or a door, a bar for presence."""
    end = start + timedelta(days=1)
    left, right = TIMELINE_LEFT, WIDTH - RIGHT - 18  # room for the "24:00" label
    span_s = (end - start).total_seconds()

    def x(ts: datetime) -> float:
        return round(left + (ts - start).total_seconds() / span_s * (right - left), 1)

    lanes: dict[str, Lane] = {}
    since: dict[str, datetime] = {}  # presence that began and has not ended yet
    times: dict[str, list[datetime]] = {}

    def lane(room: str) -> Lane:
        if room not in lanes:
            lanes[room] = Lane(rooms.get(room, room), 0.0)
        return lanes[room]

    for obs in observations:
        kind = obs.capability.value
        room = room_of.get(obs.entity)
        if room is None or kind not in ("motion", "presence", "contact", "bed_occupancy"):
            continue
        current = lane(room)
        if kind in ("presence", "bed_occupancy"):
            if obs.value is True and obs.entity not in since:
                since[obs.entity] = obs.ts
            elif obs.value is False and obs.entity in since:
                began = since.pop(obs.entity)
                current.marks.append((x(began), max(2.0, x(obs.ts) - x(began)), kind))
            else:
                continue
        elif obs.value is True:
            current.marks.append((x(obs.ts), 2.0, kind))
        else:
            continue
        if obs.value is True:
            current.counts[kind] = current.counts.get(kind, 0) + 1
            times.setdefault(room, []).append(obs.ts)
    for entity, began in since.items():
        room = room_of[entity]
        kind = entity.partition(".")[0]
        lane(room).marks.append((x(began), max(2.0, x(min(now, end)) - x(began)), kind))
    ordered = [lanes[r] for r in rooms if r in lanes] + [lanes[r] for r in lanes if r not in rooms]
    for i, current in enumerate(ordered):
        current.y = TOP + i * LANE_H
        seen = sorted(times.get(next(r for r, v in lanes.items() if v is current), []))
        if seen:
            current.first = seen[0].astimezone(tz).strftime("%H:%M")
            current.last = seen[-1].astimezone(tz).strftime("%H:%M")
    hours = [start + timedelta(hours=h) for h in range(0, 25, 3)]
    return Timeline(
        WIDTH,
        TOP + max(1, len(ordered)) * LANE_H + BOTTOM,
        ordered,
        [Tick(x(h), h.astimezone(tz).strftime("%H:%M") if h < end else "24:00") for h in hours],
        LANE_H,
        left,
        right,
        x(now) if start <= now <= end else None,
    )


# Vital signs with their normal range shaded, several series, and blood pressure as bars.

Point = tuple[datetime, float | None]
# Where the y axis starts and ends at least, for charts of values entered by hand.
ENTRY_SPAN = {
    "blood_pressure": (50.0, 180.0),
    "spo2": (85.0, 100.0),
    "body_temperature": (35.0, 39.0),
    "blood_glucose": (60.0, 200.0),
}


@dataclass
class Series:
    """One line of a chart; `name` is its CSS class beside "line" ("" for the main one)."""

    name: str
    lines: list[str] = field(default_factory=list)
    dots: list[tuple[float, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Band:
    """The normal range, shaded: `top` and `bottom` are y coordinates."""

    top: float
    bottom: float


@dataclass(frozen=True)
class Bar:
    """One blood pressure reading: a bar from the lower to the upper value."""

    x: float
    top: float
    bottom: float


@dataclass
class VitalChart:
    width: float = WIDTH
    height: float = HEIGHT
    series: list[Series] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    points: int = 0
    low: float | None = None
    high: float | None = None
    latest: float | None = None

    @property
    def empty(self) -> bool:
        return self.points == 0

    @property
    def plot(self) -> tuple[float, float, float, float]:
        return LEFT, TOP, self.width - RIGHT, self.height - BOTTOM


def vital_chart(
    series: Sequence[tuple[str, Sequence[Point]]],
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    *,
    span: tuple[float, float] | None,
    max_gap: timedelta,
    x_ticks: Sequence[datetime],
    x_format: str,
    bands: Sequence[tuple[float | None, float | None]] = (),
    bars: Sequence[tuple[datetime, float, float]] = (),
) -> VitalChart:
    """Series of points in time order (None breaks a line), normal ranges, reading bars.

    The first series is the one the summary (low, high, latest) is about.
    """
    chart = VitalChart()
    left, top, right, bottom = chart.plot
    inside = [(ts, v) for _, points in series for ts, v in points if start <= ts <= end]
    values = [v for _, v in inside if v is not None]
    values += [v for ts, lo, hi in bars if start <= ts <= end for v in (lo, hi)]
    lo, hi = _y_span(values, span, bands)
    main = [v for ts, v in (series[0][1] if series else []) if v is not None and start <= ts <= end]
    main = main or [v for ts, _, v in bars if start <= ts <= end]
    if main:
        chart.low, chart.high, chart.latest = min(main), max(main), main[-1]
    span_s = (end - start).total_seconds() or 1.0

    def x(ts: datetime) -> float:
        return round(left + (ts - start).total_seconds() / span_s * (right - left), 1)

    def y(value: float) -> float:
        return round(bottom - (value - lo) / (hi - lo) * (bottom - top), 1)

    for name, points in series:
        drawn = _series(name, points, start, end, max_gap, x, y)
        chart.series.append(drawn)
        chart.points += sum(len(line.split()) for line in drawn.lines) + len(drawn.dots)
    for ts, low, high in bars:
        if start <= ts <= end:
            chart.bars.append(Bar(x(ts), y(high), y(low)))
    chart.points += len(chart.bars)
    for band_low, band_high in bands:
        if band_low is None and band_high is None:
            continue  # no range (a weight nobody has set one for)
        upper = top if band_high is None else max(top, y(band_high))
        lower = bottom if band_low is None else min(bottom, y(band_low))
        if lower > upper:
            chart.bands.append(Band(upper, lower))
    step = _nice_step(hi - lo)
    value = math.ceil(lo / step) * step
    while value <= hi + 1e-9:
        chart.y_ticks.append(Tick(y(value), f"{round(value, 1):g}"))
        value += step
    chart.x_ticks = [Tick(x(ts), ts.astimezone(tz).strftime(x_format)) for ts in x_ticks]
    return chart


def _y_span(
    values: list[float],
    span: tuple[float, float] | None,
    bands: Sequence[tuple[float | None, float | None]],
) -> tuple[float, float]:
    edges = [b for band in bands for b in band if b is not None]
    seen = values + edges
    if span is None:
        if not seen:
            return 0.0, 1.0
        lo, hi = math.floor(min(seen)) - 1.0, math.ceil(max(seen)) + 1.0
    else:
        lo, hi = span
        if seen:
            lo, hi = min(lo, math.floor(min(seen))), max(hi, math.ceil(max(seen)))
    step = _nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def _nice_step(span: float) -> float:
    for step in (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0):
        if span / step <= 7:
            return step
    return 100.0


def _series(
    name: str,
    points: Sequence[Point],
    start: datetime,
    end: datetime,
    max_gap: timedelta,
    x: Callable[[datetime], float],
    y: Callable[[float], float],
) -> Series:
    drawn = Series(name)
    run: list[tuple[float, float]] = []
    last: datetime | None = None

    def close() -> None:
        if len(run) == 1:
            drawn.dots.append(run[0])
        elif run:
            drawn.lines.append(" ".join(f"{px},{py}" for px, py in run))

    for ts, value in points:
        if not start <= ts <= end:
            continue
        if value is None or (last is not None and ts - last > max_gap):
            close()
            run = []
        if value is not None:
            run.append((x(ts), y(value)))
            last = ts
    close()
    return drawn
