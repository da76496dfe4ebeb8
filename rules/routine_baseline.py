"""The resident's usual day, learned from recent days, and what about a day was unusual.

"Usual" is the range from the 10th to the 90th percentile (nearest rank) of the days learned,
with the median beside it. Percentiles, not mean ± standard deviation: wake-up times are
skewed and one late morning would drag a mean. Not median ± MAD: counts such as bathroom
visits at night are mostly 0 or 1, their MAD is often 0, and a range of "0–0" would call
every single visit unusual. With fewer than 11 days the range is everything seen; from then
on the odd day or two at either end of a month no longer widens it. The range is in the
data's own units ("7:15–8:05", "0–1"), so a finding can name it as it is.

Days without data (sensors silent, the hub off) and days away are left out; so are nights
she spent elsewhere, for the features of the night.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from rules.explain import number
from rules.routine_day import LUNCH_FROM, LUNCH_UNTIL, Day

LOW, HIGH = 0.1, 0.9
MIN_VALUES = 3  # fewer values than this say nothing about a habit
ACTIVE_FROM = 6  # the day's activity is counted from 06:00
# How far outside the usual range a finished day must lie to be called unusual.
WAKE_SLACK = 30  # minutes
BEDTIME_SLACK = 45
LUNCH_SLACK = 45
LOW_ACTIVITY = 0.5  # of the usual
USUALLY_OUT = 0.9  # she goes out on this share of days: a day in is worth a word


@dataclass(frozen=True)
class Usual:
    """A feature's usual range (10th–90th percentile), its median, and the days behind it."""

    low: float
    median: float
    high: float
    days: int


def usual(values: Iterable[float]) -> Usual | None:
    ordered = sorted(values)
    n = len(ordered)
    if n < MIN_VALUES:
        return None
    low = ordered[math.floor(LOW * (n - 1))]
    high = ordered[math.ceil(HIGH * (n - 1))]
    mid = n // 2
    median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return Usual(low, median, high, n)


def clock(minutes: float) -> str:
    """Minutes after midnight as `7:05`; the evening before (negative) as `22:30`."""
    m = round(minutes) % (24 * 60)
    return f"{m // 60}:{m % 60:02d}"


def times(u: Usual) -> str:
    """`7:15–8:05`, or `7:15` when every day was the same."""
    return clock(u.low) if u.low == u.high else f"{clock(u.low)}–{clock(u.high)}"


def counts(u: Usual, lang: str = "de") -> str:
    """`0–1`, or `1` when it is always the same."""
    low, high = number(u.low, lang), number(u.high, lang)
    return low if low == high else f"{low}–{high}"


@dataclass(frozen=True)
class Unusual:
    """One way a finished day differed from the usual: which feature, its value, the usual."""

    feature: str  # wake, bedtime, night_bathroom, activity, stayed_in, lunch
    value: float | None
    usual: Usual | None
    direction: str  # "later", "earlier", "more", "less", "missing"
    of: int = 0  # stayed_in: the days learned (value: the days she went out)

    def describe(self, lang: str = "de") -> str:
        """A short phrase: `spät aufgestanden: 10:40 (üblich 7:15–8:05)`."""
        de = lang == "de"
        u = self.usual
        rng = "" if u is None else (counts(u, lang) if self._count else times(u))
        where = f" ({'üblich' if de else 'usually'} {rng})" if rng else ""
        value = (
            ""
            if self.value is None
            else (number(self.value, lang) if self._count else clock(self.value))
        )
        phrase = _PHRASES[(self.feature, self.direction)][0 if de else 1]
        if self.feature == "stayed_in":
            return phrase.format(value=value, of=self.of)
        return phrase.format(value=value) + where

    @property
    def _count(self) -> bool:
        return self.feature in ("night_bathroom", "activity", "stayed_in")


_PHRASES = {
    ("wake", "later"): ("spät aufgestanden: {value}", "got up late: {value}"),
    ("wake", "earlier"): ("früh aufgestanden: {value}", "got up early: {value}"),
    ("bedtime", "later"): ("spät ins Bett: {value}", "went to bed late: {value}"),
    ("bedtime", "earlier"): ("früh ins Bett: {value}", "went to bed early: {value}"),
    ("night_bathroom", "more"): ("nachts {value}× im Bad", "bathroom at night {value}×"),
    ("activity", "less"): ("wenig Bewegung: {value} Meldungen", "little movement: {value} events"),
    ("stayed_in", "missing"): (
        "nicht aus dem Haus (sonst an {value} von {of} Tagen)",
        "did not go out (usually out on {value} of {of} days)",
    ),
    ("lunch", "later"): ("spät in der Küche: {value}", "late in the kitchen: {value}"),
    ("lunch", "missing"): ("mittags nicht in der Küche", "not in the kitchen at lunchtime"),
}


class Baseline:
    """The usual day from the usable days of the `window` days before `today`."""

    def __init__(self, days: Sequence[Day], today: date | None = None, window: int = 28) -> None:
        if today is not None:
            first = today - timedelta(days=window)
            days = [d for d in days if first <= d.day < today]
        self.usable = sorted((d for d in days if d.usable), key=lambda d: d.day)
        usable = self.usable
        self.days = len(usable)
        nights = [d for d in usable if d.night_watched]
        self.wake = usual(d.wake for d in nights if d.wake is not None)
        self.bedtime = usual(d.bedtime for d in nights if d.bedtime is not None)
        self.night_bathroom = usual(d.night_bathroom for d in nights)
        self.out_minutes = usual(d.out_minutes for d in usable)
        self.days_out = sum(1 for d in usable if d.left)
        self.lunch = usual(d.lunch for d in usable if d.lunch is not None)
        self.days_with_lunch = sum(1 for d in usable if d.lunch is not None)
        self.kitchen_visits = usual(d.kitchen_visits for d in usable)
        self.events = usual(d.events for d in usable)
        self._sums: list[tuple[list[int], list[int]]] | None = None  # signs and minutes out

    @property
    def went_out(self) -> float:
        """The share of days she left the flat."""
        return self.days_out / self.days if self.days else 0.0

    def rooms_by_hour(self) -> dict[str, list[float]]:
        """The average signs per room and hour of the day."""
        if not self.usable:
            return {}
        rooms = sorted({r for d in self.usable for r in d.rooms})
        n = len(self.usable)
        return {
            r: [sum(d.rooms.get(r, [0] * 24)[h] for d in self.usable) / n for h in range(24)]
            for r in rooms
        }

    def activity_until(self, hour: int, home: float) -> Usual | None:
        """Signs from 06:00 to `hour` on a usual day, scaled to `home` minutes at home then.

        Each learned day's count is scaled by today's time at home over that day's, so an
        afternoon at the doctor's today, or a walk on those days, is no lack of movement.
        """
        if self._sums is None:  # asked every hour: each day's running sums, once
            self._sums = [
                (list(accumulate(d.hourly(), initial=0)), list(accumulate(d.out, initial=0)))
                for d in self.usable
            ]
        end = max(ACTIVE_FROM, min(hour, 24))
        hours = end - ACTIVE_FROM
        values = []
        for signs, out in self._sums:
            was_home = 60 * hours - (out[end] - out[ACTIVE_FROM])
            if was_home >= 60:
                values.append((signs[end] - signs[ACTIVE_FROM]) * home / was_home)
        return usual(values)

    def unusual(self, day: Day, min_days: int = 7) -> list[Unusual]:
        """What about a finished `day` lay outside the usual; empty if it is all as usual."""
        if self.days < min_days or not day.usable:
            return []
        found: list[Unusual] = []
        if day.night_watched:
            found += _beyond("wake", day.wake, self.wake, WAKE_SLACK)
            found += _beyond("bedtime", day.bedtime, self.bedtime, BEDTIME_SLACK)
            nb = self.night_bathroom
            if nb is not None and day.night_bathroom > nb.high and day.night_bathroom >= 2:
                found.append(Unusual("night_bathroom", day.night_bathroom, nb, "more"))
        home = 60 * (24 - ACTIVE_FROM) - sum(day.out[ACTIVE_FROM:])
        events = self.activity_until(24, home)
        today = sum(day.hourly()[ACTIVE_FROM:])
        if events is not None and today < LOW_ACTIVITY * events.median:
            whole = Usual(round(events.low), round(events.median), round(events.high), events.days)
            found.append(Unusual("activity", today, whole, "less"))
        if not day.left and self.went_out >= USUALLY_OUT:
            found.append(Unusual("stayed_in", self.days_out, None, "missing", self.days))
        lunch = self.lunch
        out_at_lunch = sum(day.out[LUNCH_FROM // 60 : LUNCH_UNTIL // 60])
        if lunch is not None and self.days_with_lunch * 2 >= self.days and out_at_lunch < 60:
            if day.lunch is None:
                found.append(Unusual("lunch", None, lunch, "missing"))
            else:
                late = _beyond("lunch", day.lunch, lunch, LUNCH_SLACK)
                found += [u for u in late if u.direction == "later"]
        return found


def _beyond(feature: str, value: int | None, u: Usual | None, slack: int) -> list[Unusual]:
    if value is None or u is None:
        return []
    if value > u.high + slack:
        return [Unusual(feature, value, u, "later")]
    if value < u.low - slack:
        return [Unusual(feature, value, u, "earlier")]
    return []
