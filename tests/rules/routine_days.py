"""A synthetic resident for the routine rules' tests: days with known habits, as events.

    events = weeks(date(2026, 4, 6), 21)                  # three ordinary weeks
    events += day(date(2026, 4, 27), wake="10:30")        # then a late morning

The flat is tests/rules/scenario.py's FLAT (bed sensor in the bedroom, motion in every room,
front door, fridge). An ordinary day: up between 7:00 and 8:00 (bed, bathroom, breakfast in
the kitchen), the living room through the morning, out 10:00–11:00 on most days, lunch in the
kitchen at 12:00–12:40, supper at 18:00, to bed at 21:45; at night 0 or 1 bathroom visits.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from hub.model import EntityId, Observation, parse_value
from tests.rules.scenario import BERLIN, at

Event = tuple[str, str, Any]


def _at(d: date, hhmm: str, plus: float = 0) -> datetime:
    h, m = (int(p) for p in hhmm.split(":"))
    return datetime.combine(d, time(h, m), tzinfo=BERLIN) + timedelta(minutes=plus)


def _text(ts: datetime) -> str:
    return ts.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M:%S")


class _Day:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def put(self, ts: datetime, entity: str, value: Any) -> None:
        self.events.append((_text(ts), entity, value))

    def motion(self, ts: datetime, room: str) -> None:
        self.put(ts, f"motion.{room}", True)
        self.put(ts + timedelta(seconds=50), f"motion.{room}", False)

    def busy(self, start: datetime, end: datetime, room: str, every: float) -> None:
        t = start
        while t < end:
            self.motion(t, room)
            t += timedelta(minutes=every)


def night_visit(ev: _Day, ts: datetime) -> None:
    """Out of bed, to the bathroom and back: one visit."""
    ev.put(ts, "bed_occupancy.schlafzimmer", False)
    ev.motion(ts + timedelta(minutes=1), "flur")
    ev.motion(ts + timedelta(minutes=2), "bad")
    ev.motion(ts + timedelta(minutes=5), "bad")
    ev.motion(ts + timedelta(minutes=7), "flur")
    ev.put(ts + timedelta(minutes=8), "bed_occupancy.schlafzimmer", True)


def day(
    d: date,
    *,
    wake: str | None = "07:30",
    night: tuple[str, ...] = (),
    lunch: str | None = "12:15",
    outing: tuple[str, str] | None = ("10:00", "11:00"),
    bedtime: str = "21:45",
    every: float = 10,
) -> list[Event]:
    """One day of the resident: `night` are the bathroom visits (00:00–05:00) before `wake`.

    `wake=None`: she does not get up (nothing from the morning on); `every`: minutes between
    her movements in the living room (a quieter day has a larger value).
    """
    ev = _Day()
    for t in night:
        night_visit(ev, _at(d, t))
    if wake is None:
        return ev.events
    w = _at(d, wake)
    ev.put(w, "bed_occupancy.schlafzimmer", False)
    ev.motion(w, "schlafzimmer")
    ev.motion(w + timedelta(minutes=3), "bad")
    ev.motion(w + timedelta(minutes=12), "bad")
    ev.motion(w + timedelta(minutes=25), "kueche")
    ev.put(w + timedelta(minutes=27), "contact.fridge", True)
    ev.put(w + timedelta(minutes=28), "contact.fridge", False)
    ev.motion(w + timedelta(minutes=35), "kueche")
    noon = _at(d, lunch) if lunch else _at(d, "12:15")
    if outing is not None:
        leave, back = _at(d, outing[0]), _at(d, outing[1])
        ev.busy(w + timedelta(minutes=50), leave - timedelta(minutes=5), "wohnzimmer", every)
        ev.motion(leave - timedelta(minutes=2), "flur")
        ev.put(leave, "contact.front_door", True)
        ev.put(leave + timedelta(seconds=30), "contact.front_door", False)
        ev.put(back, "contact.front_door", True)
        ev.put(back + timedelta(seconds=30), "contact.front_door", False)
        ev.motion(back + timedelta(minutes=1), "flur")
        ev.busy(back + timedelta(minutes=5), noon - timedelta(minutes=5), "wohnzimmer", every)
    else:
        ev.busy(w + timedelta(minutes=50), noon - timedelta(minutes=5), "wohnzimmer", every)
    if lunch:
        ev.motion(noon, "kueche")
        ev.put(noon + timedelta(minutes=5), "contact.fridge", True)
        ev.put(noon + timedelta(minutes=6), "contact.fridge", False)
        ev.motion(noon + timedelta(minutes=15), "kueche")
        ev.motion(noon + timedelta(minutes=30), "kueche")
    ev.busy(noon + timedelta(minutes=45), _at(d, "18:00"), "wohnzimmer", every)
    ev.motion(_at(d, "18:00"), "kueche")
    ev.motion(_at(d, "18:15"), "kueche")
    bed = _at(d, bedtime)
    ev.busy(_at(d, "18:40"), bed - timedelta(minutes=15), "wohnzimmer", every)
    ev.motion(bed - timedelta(minutes=10), "bad")
    ev.motion(bed - timedelta(minutes=4), "schlafzimmer")
    ev.put(bed, "bed_occupancy.schlafzimmer", True)
    return ev.events


def usual_wake(i: int) -> str:
    """Ordinary mornings: 7:00 to 8:00, a different minute each day."""
    m = (i * 23) % 61
    return f"{7 + m // 60:02d}:{m % 60:02d}"


def usual_lunch(i: int) -> str:
    m = (i * 17) % 41
    return f"12:{m:02d}"


def usual_night(i: int) -> tuple[str, ...]:
    """0 or 1 bathroom visits at night."""
    return ("03:10",) if i % 3 == 0 else ()


def weeks(first: date, days: int, skip: frozenset[int] = frozenset()) -> list[Event]:
    """`days` ordinary days from `first`; the day numbers in `skip` have no events at all."""
    events: list[Event] = [(_text(_at(first, "00:00")), "motion.schlafzimmer", False)]
    for i in range(days):
        if i in skip:
            continue
        events += day(
            first + timedelta(days=i),
            wake=usual_wake(i),
            lunch=usual_lunch(i),
            night=usual_night(i),
            outing=("10:00", "11:00") if i % 7 != 3 else None,
        )
    return events


def observations(events: list[Event]) -> list[Observation]:
    """The events as observations, in time order."""
    found = [
        Observation(at(t), e, parse_value(EntityId.parse(e).capability, str(v).lower()), "test")
        for t, e, v in events
    ]
    return sorted(found, key=lambda o: o.ts)
