"""What the carer's vital-sign page shows, read from the store as cheaply as it can be.

Per sensor: the last 24 hours as read, the last 7 days as hourly means and the last 30 days
as daily means (both grouped in SQL, dropouts left out), the nightly resting rates, and the
resident's normal range. Per resident: each value measured by hand, its latest reading, its
trend and 30 days of readings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from hub.model import Observation
from hub.store.retention import local_midnight
from hub.vitals import resting
from hub.vitals.measures import PARTS, PLAUSIBLE, VITALS, Measurement, shown
from hub.web.carer import charts
from rules.explain import number

if TYPE_CHECKING:
    from hub.app import Hub
    from hub.config.model import Resident

DAY, WEEK, MONTH = timedelta(days=1), 7, 30
HOUR, MINUTE = timedelta(hours=1), timedelta(minutes=1)
# A finished night's resting rate does not change; readings that come this late are rare.
SETTLED = timedelta(hours=1)


@dataclass(frozen=True)
class Frame:
    """The page's moment and its time spans, in the home's time zone."""

    now: datetime
    tz: ZoneInfo

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def midnight(self, days_ago: int) -> datetime:
        return local_midnight(self.today - timedelta(days=days_ago), self.tz)

    @property
    def end(self) -> datetime:
        return self.now + timedelta(seconds=1)

    def ticks(self, days: int, every: int) -> list[datetime]:
        return [self.midnight(d) for d in range(days - 1, -1, -every)]


Cache = dict[tuple[str, date], resting.Resting]


async def sensor(
    hub: Hub,
    entity_id: str,
    raw: Sequence[Observation],
    frame: Frame,
    band: tuple[float | None, float | None],
    cache: Cache,
    lang: str,
) -> dict[str, Any]:
    """One sensor's three charts and its resting rates."""
    capability = entity_id.partition(".")[0]
    tz, now, span = frame.tz, frame.now, charts.SPAN.get(capability)
    day_start = now - DAY
    day_ticks = [
        (now - timedelta(hours=h)).replace(minute=0, second=0, microsecond=0)
        for h in range(24, -1, -4)
    ]
    day = charts.vital_chart(
        [("", charts.series(o for o in raw if o.entity == entity_id))],
        day_start,
        now,
        tz,
        span=span,
        max_gap=timedelta(minutes=30),
        x_ticks=[t for t in day_ticks if t >= day_start],
        x_format="%H:%M",
        bands=[band],
    )
    month_start = frame.midnight(MONTH - 1)
    hours = await hub.store.bins(entity_id, month_start, frame.end, HOUR, PLAUSIBLE[capability])
    week_start = frame.midnight(WEEK - 1)
    hourly: list[charts.Point] = [(b.start + HOUR / 2, b.mean) for b in hours]
    days = _daily(hours, tz)
    # Days whose readings retention has folded away: their stored mean, where it is clean.
    for agg in await hub.store.daily_aggregates(
        entity_id, frame.today - timedelta(days=MONTH), frame.today
    ):
        low, high = PLAUSIBLE[capability]
        if agg.day in days or agg.mean is None or agg.min is None or agg.max is None:
            continue
        if low <= agg.min and agg.max <= high:
            days[agg.day] = agg.mean
            if agg.day >= week_start.astimezone(tz).date():
                hourly.append((local_midnight(agg.day, tz) + timedelta(hours=12), agg.mean))
    hourly.sort(key=lambda p: p[0])
    week = charts.vital_chart(
        [("", hourly)],
        week_start,
        now,
        tz,
        span=span,
        max_gap=timedelta(hours=6),
        x_ticks=frame.ticks(WEEK, 1),
        x_format="%d.%m.",
        bands=[band],
    )
    nights = await _nights(hub, entity_id, capability, frame, cache)
    daily = [(local_midnight(d, tz) + timedelta(hours=12), v) for d, v in sorted(days.items())]
    rests = [(_middle(n.night, tz), n.rate) for n in nights if n.rate is not None]
    month = charts.vital_chart(
        [("", daily), ("resting", rests)],
        month_start,
        now,
        tz,
        span=span,
        max_gap=timedelta(hours=36),
        x_ticks=frame.ticks(MONTH, 7),
        x_format="%d.%m.",
        bands=[band],
    )
    return {"day": day, "week": week, "month": month, "nights": _night_rows(nights[-7:], lang)}


def _daily(hours: Sequence[Any], tz: ZoneInfo) -> dict[date, float]:
    """Hourly bins as daily means (weighted by how many readings each hour had)."""
    sums: dict[date, tuple[int, float]] = {}
    for b in hours:
        day = b.start.astimezone(tz).date()
        n, s = sums.get(day, (0, 0.0))
        sums[day] = (n + b.readings, s + b.sum)
    return {day: s / n for day, (n, s) in sums.items()}


async def _nights(
    hub: Hub, entity_id: str, capability: str, frame: Frame, cache: Cache
) -> list[resting.Resting]:
    """The resting rate of each night of the month that has ended, oldest first."""
    out = []
    for days_ago in range(MONTH, 0, -1):
        night = frame.today - timedelta(days=days_ago)
        start, end = resting.bounds(night, frame.tz)
        if end > frame.now:
            continue
        known = cache.get((entity_id, night))
        if known is None:
            minutes = await hub.store.bins(entity_id, start, end, MINUTE, PLAUSIBLE[capability])
            readings = [(b.start, b.sum / b.readings) for b in minutes]
            known = resting.resting_rate(readings, capability, night, frame.tz)
            if frame.now - end >= SETTLED:
                cache[(entity_id, night)] = known
        out.append(known)
    return out


def _middle(night: date, tz: ZoneInfo) -> datetime:
    start, end = resting.bounds(night, tz)
    return start + (end - start) / 2


def _night_rows(nights: Sequence[resting.Resting], lang: str) -> list[dict[str, Any]]:
    rows = []
    for n in reversed(nights):
        morning = n.night + timedelta(days=1)
        rows.append(
            {
                "night": f"{n.night.strftime('%d.%m.')}–{morning.strftime('%d.%m.')}",
                "rate": None if n.rate is None else number(n.rate, lang),
                "minutes": n.minutes,
            }
        )
    return rows


# Values measured by hand


def entities_of(resident: str) -> list[str]:
    return [f"{c}.{resident}" for parts in PARTS.values() for c in parts]


def measure(
    hub: Hub,
    resident_id: str,
    resident: Resident,
    measurement: Measurement,
    observations: Sequence[Observation],
    frame: Frame,
    lang: str,
) -> dict[str, Any]:
    """One measure of one resident: latest value, trend, and a 30-day chart with her range."""
    parts = PARTS[measurement]
    tz, now = frame.tz, frame.now
    by_part = {c: [o for o in observations if o.entity == f"{c}.{resident_id}"] for c in parts}
    latest = [hub.state.get(f"{c}.{resident_id}") for c in parts]
    start = frame.midnight(MONTH - 1)
    bands = [resident.range(c) for c in parts]
    if measurement is Measurement.BLOOD_PRESSURE:
        diastolic = {o.ts: float(o.value) for o in by_part["bp_diastolic"] if _number(o)}
        bars = [
            (o.ts, diastolic[o.ts], float(o.value))
            for o in by_part["bp_systolic"]
            if _number(o) and o.ts in diastolic
        ]
        series: list[tuple[str, list[charts.Point]]] = []
    else:
        bars = []
        series = [("", [(o.ts, float(o.value)) for o in by_part[parts[0]] if _number(o)])]
    chart = charts.vital_chart(
        series,
        start,
        now,
        tz,
        span=charts.ENTRY_SPAN.get(measurement.value),
        max_gap=timedelta(days=7),
        x_ticks=frame.ticks(MONTH, 7),
        x_format="%d.%m.",
        bands=bands,
        bars=bars,
    )
    shown_latest = None
    if all(o is not None and _number(o) for o in latest):
        obs = [o for o in latest if o is not None]
        values = [float(o.value) for o in obs]
        outside = any(
            (lo is not None and v < lo) or (hi is not None and v > hi)
            for v, (lo, hi) in zip(values, bands, strict=True)
        )
        shown_latest = {
            "value": "/".join(shown(v, c, lang) for v, c in zip(values, parts, strict=True)),
            "when": obs[0].ts.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
            "source": obs[0].source,
            "outside": outside,
        }
    return {
        "id": measurement.value,
        "unit": VITALS[parts[0]].unit,
        "latest": shown_latest,
        "trend": _trend(by_part, parts, now, lang),
        "chart": chart,
        "bands": bands,
        "parts": parts,
    }


def _number(obs: Observation) -> bool:
    return isinstance(obs.value, int | float) and not isinstance(obs.value, bool)


def _trend(
    by_part: dict[str, list[Observation]], parts: Sequence[str], now: datetime, lang: str
) -> dict[str, str] | None:
    """This week's mean against the three weeks before, and which way it goes."""
    recent, before, direction = [], [], "flat"
    for capability in parts:
        values = [(o.ts, float(o.value)) for o in by_part[capability] if _number(o)]
        this_week = [v for ts, v in values if ts > now - timedelta(days=WEEK)]
        earlier = [v for ts, v in values if ts <= now - timedelta(days=WEEK)]
        if not this_week or not earlier:
            return None
        a, b = fmean(this_week), fmean(earlier)
        recent.append(shown(a, capability, lang))
        before.append(shown(b, capability, lang))
        if direction == "flat" and abs(a - b) >= VITALS[capability].stable:
            direction = "up" if a > b else "down"
    return {"now": "/".join(recent), "before": "/".join(before), "direction": direction}
