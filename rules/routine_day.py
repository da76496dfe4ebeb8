"""One local day of the resident's routine, as features a carer recognises, built online.

`DayBuilder` is fed observations in time order and closes a `Day` at each local midnight in
the home's time zone. Definitions (the constants below):

- a sign of life is a motion or presence sensor turning on, a door or a bed changing, an
  appliance switched on (5 W or more), "I'm OK" or a confirmed reminder; `events` counts the
  signs in the rooms, per room and hour;
- getting up (`wake`) is the first sign from 05:00 on that starts a stretch of being up: she
  reaches the kitchen or living room, or is still about 20 minutes later without a pause of
  45 minutes. A trip to the bathroom and back to bed is not getting up. Where the bed has a
  sensor, the bedroom's motion sensor does not count (it sees her turning over). In a flat
  whose sensors never show her up that long, it is her first sign from 05:00;
- bedtime is when she left the living rooms (kitchen, living room, …) for the night: their
  last event between 18:00 and 04:00 that is followed by four quiet hours there (sitting in
  a chair with a presence sensor is not quiet; standing up from it is an event). It belongs to
  the day whose morning follows, like the night's bathroom visits (22:00–06:00, a new visit
  after ten minutes without motion in the bathroom or toilet);
- out of the flat: the front door, then nobody inside for ten minutes, until the door or
  someone inside again; or "Away" on the tablet;
- lunch: the first sign in the kitchen between 11:00 and 15:00.

A restart leaves a gap: `pause()` marks it unobserved, and a day with more than two hours
unobserved is not used to learn the routine.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.config.model import RoomKind
from hub.entities import EntityRegistry
from hub.model import Capability, EntityId
from rules.routine_out import OUT_MIN

C = Capability
FRONT_DOOR = "contact.front_door"
WAKE_FROM = 5 * 60  # minutes after midnight; signs before this are the night
UP_FOR = timedelta(minutes=20)  # still about this long after the first sign: she is up
PAUSE = timedelta(minutes=45)  # quiet this long before that: it was a trip in the night
NIGHT_FROM, NIGHT_UNTIL = 22 * 60, 6 * 60
VISIT_GAP = timedelta(minutes=10)  # motion this far apart starts a new visit
LUNCH_FROM, LUNCH_UNTIL = 11 * 60, 15 * 60
EVENING_FROM, BED_BY = 18 * 60, 4 * 60  # bedtime candidates lie between these
BED_QUIET = timedelta(hours=4)  # the living rooms stay quiet this long after bedtime
NIGHT_AWAY = 4 * 60  # out this many minutes of the night: she slept elsewhere
DAY_AWAY = 12 * 60  # out this many minutes of the day: an away day
MAX_UNOBSERVED = 2 * 60  # a day with more minutes unobserved does not teach the routine
POWER_ON = 5.0

ACTIVITY = frozenset(
    {C.MOTION, C.PRESENCE, C.CONTACT, C.BED_OCCUPANCY, C.POWER, C.CHECK_IN, C.REMINDER, C.AWAY}
)
LIVING = frozenset({RoomKind.KITCHEN, RoomKind.LIVING_ROOM, RoomKind.BALCONY, RoomKind.OTHER})
BATH = frozenset({RoomKind.BATHROOM, RoomKind.TOILET})


@dataclass
class Day:
    """The features of one local day; times are minutes after its local midnight."""

    day: date
    events: int = 0
    rooms: dict[str, list[int]] = field(default_factory=dict)  # room → signs per hour
    wake: int | None = None
    bedtime: int | None = None  # the evening before this morning: negative before midnight
    night_bathroom: int = 0  # visits in the night before this morning, 22:00–06:00
    night_away: bool = False  # she spent that night (mostly) out of the flat
    night_unobserved: bool = False  # the hub did not watch much of that night
    out: list[int] = field(default_factory=lambda: [0] * 24)  # minutes out, per hour
    outings: list[tuple[int, int]] = field(default_factory=list)  # (left, back)
    lunch: int | None = None
    kitchen_visits: int = 0
    unobserved: int = 0  # minutes the hub was not watching

    @property
    def out_minutes(self) -> int:
        return sum(self.out)

    @property
    def left(self) -> bool:
        """She was out of the flat at some time of the day."""
        return self.out_minutes * 60 >= OUT_MIN.total_seconds()

    @property
    def has_data(self) -> bool:
        return self.events > 0 or self.out_minutes > 0

    @property
    def away(self) -> bool:
        """Out of the flat most of the day (visiting family, in hospital)."""
        return self.out_minutes >= DAY_AWAY

    @property
    def usable(self) -> bool:
        """Whether the day can teach the routine: watched, at home, with something seen."""
        return self.has_data and not self.away and self.unobserved <= MAX_UNOBSERVED

    @property
    def night_watched(self) -> bool:
        return not self.night_away and not self.night_unobserved

    def hourly(self) -> list[int]:
        """Signs per hour of the day, all rooms together."""
        if not self.rooms:
            return [0] * 24
        return [sum(hour) for hour in zip(*self.rooms.values(), strict=True)]

    def to_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "events": self.events,
            "rooms": self.rooms,
            "wake": self.wake,
            "bedtime": self.bedtime,
            "night_bathroom": self.night_bathroom,
            "night_away": self.night_away,
            "night_unobserved": self.night_unobserved,
            "out": self.out,
            "outings": [list(o) for o in self.outings],
            "lunch": self.lunch,
            "kitchen_visits": self.kitchen_visits,
            "unobserved": self.unobserved,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Day:
        out = [int(m) for m in data.get("out") or ()]
        rooms = {str(r): [int(n) for n in c] for r, c in (data.get("rooms") or {}).items()}
        if any(len(counts) != 24 for counts in rooms.values()):
            raise ValueError(f"a room's signs are not 24 hours: {data.get('rooms')!r}")
        return cls(
            day=date.fromisoformat(data["day"]),
            events=int(data.get("events", 0)),
            rooms=rooms,
            wake=int_or_none(data.get("wake")),
            bedtime=int_or_none(data.get("bedtime")),
            night_bathroom=int(data.get("night_bathroom", 0)),
            night_away=bool(data.get("night_away", False)),
            night_unobserved=bool(data.get("night_unobserved", False)),
            out=out if len(out) == 24 else [0] * 24,
            outings=[(int(a), int(b)) for a, b in data.get("outings") or ()],
            lunch=int_or_none(data.get("lunch")),
            kitchen_visits=int(data.get("kitchen_visits", 0)),
            unobserved=int(data.get("unobserved", 0)),
        )


def int_or_none(value: object) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class Place:
    """What an entity's observations mean for the routine."""

    capability: Capability
    room: str | None
    bedroom: bool = False
    bath: bool = False
    kitchen: bool = False
    living: bool = False  # kitchen, living room and the like: being up and about
    front_door: bool = False
    turning_over: bool = False  # a bedroom motion sensor that also sees the bed


class Layout:
    """The flat as the routine sees it: each room's kind, and whether the bed has a sensor."""

    def __init__(self, kinds: Mapping[str, RoomKind], room_of: Mapping[str, str]) -> None:
        self.kinds = dict(kinds)
        self.room_of = dict(room_of)
        self.bed_sensor = any(
            eid.startswith("bed_occupancy.") and self.kinds.get(room) is RoomKind.BEDROOM
            for eid, room in self.room_of.items()
        )
        self.living = {r for r, k in self.kinds.items() if k in LIVING} or {
            r for r, k in self.kinds.items() if k is not RoomKind.BEDROOM
        }
        self._places: dict[str, Place | None] = {}
        places = [p for p in map(self.place, self.room_of) if p is not None]
        # What the flat's sensors can see at all: "kitchen", "bath", "living", "front_door"
        self.sees = frozenset(
            name
            for name, seen in (
                ("kitchen", any(p.kitchen for p in places)),
                ("bath", any(p.bath and p.capability in (C.MOTION, C.PRESENCE) for p in places)),
                ("living", any(p.living for p in places)),
                ("front_door", any(p.front_door for p in places)),
            )
            if seen
        )

    @classmethod
    def from_registry(cls, entities: EntityRegistry) -> Layout:
        kinds = {}
        if entities.config is not None:
            kinds = {rid: room.kind for rid, room in entities.config.rooms.items()}
        return cls(kinds, {e.id: e.room for e in entities if e.room})

    def place(self, entity_id: str) -> Place | None:
        """The entity's meaning; None for what says nothing about the resident's day."""
        if entity_id in self._places:
            return self._places[entity_id]
        place = self._place(entity_id)
        self._places[entity_id] = place
        return place

    def _place(self, entity_id: str) -> Place | None:
        try:
            parsed = EntityId.parse(entity_id)
        except ValueError:
            return None
        cap = parsed.capability
        if cap not in ACTIVITY:
            return None
        room = self.room_of.get(entity_id)
        if room is None and parsed.name in self.kinds:
            room = parsed.name  # a replayed log's `motion.kueche` in a flat with that room
        kind = self.kinds.get(room) if room else None
        bedroom = kind is RoomKind.BEDROOM
        return Place(
            capability=cap,
            room=room,
            bedroom=bedroom,
            bath=kind in BATH,
            kitchen=kind is RoomKind.KITCHEN,
            living=room in self.living,
            front_door=entity_id == FRONT_DOOR,
            turning_over=bedroom and self.bed_sensor and cap in (C.MOTION, C.PRESENCE),
        )


def local(day: date, t: time, tz: ZoneInfo) -> datetime:
    """The wall time `t` on `day` in `tz`, as UTC."""
    return datetime.combine(day, t, tzinfo=tz).astimezone(UTC)


class Hours:
    """A local day's hours as UTC instants: 23 on the spring-forward day, 25 in autumn."""

    def __init__(self, day: date, tz: ZoneInfo) -> None:
        self.day = day
        self.tz = tz
        self.start = local(day, time(0), tz)
        self.end = local(day + timedelta(days=1), time(0), tz)
        self.starts: list[datetime] = []
        self.labels: list[int] = []  # each hour's wall-clock hour
        t = self.start
        while t < self.end:
            self.starts.append(t)
            self.labels.append(t.astimezone(tz).hour)
            t += timedelta(hours=1)
        self._i = 0  # where the last lookup was: observations come in time order
        self._at: dict[int, datetime] = {}  # the rules plan their looks at the same times

    def index(self, ts: datetime) -> int:
        i, starts = self._i, self.starts
        if ts < starts[i]:
            i = max(0, bisect.bisect_right(starts, ts) - 1)
        while i + 1 < len(starts) and ts >= starts[i + 1]:
            i += 1
        self._i = i
        return i

    def hour(self, ts: datetime) -> int:
        """The wall-clock hour of `ts` (within the day)."""
        return self.labels[self.index(ts)]

    def minute(self, ts: datetime) -> int:
        """`ts` (within the day) as wall-clock minutes after its local midnight."""
        i = self.index(ts)
        return self.labels[i] * 60 + int((ts - self.starts[i]).total_seconds() // 60)

    def at(self, minutes: int) -> datetime:
        """The day's wall-clock time `minutes` after midnight, as UTC."""
        found = self._at.get(minutes)
        if found is None:
            wall = time(minutes // 60 % 24, minutes % 60)
            found = self._at[minutes] = local(self.day, wall, self.tz)
        return found

    def minutes_by_hour(self, start: datetime, end: datetime) -> dict[int, int]:
        """Whole minutes from `start` to `end` (within the day), per wall-clock hour."""
        result: dict[int, int] = {}
        starts = self.starts
        i = max(0, bisect.bisect_right(starts, start) - 1)
        while i < len(starts) and starts[i] < end:
            hour_end = starts[i + 1] if i + 1 < len(starts) else self.end
            a, b = max(start, starts[i]), min(end, hour_end)
            if b > a:
                label = self.labels[i]
                result[label] = result.get(label, 0) + round((b - a).total_seconds() / 60)
            i += 1
        return result
