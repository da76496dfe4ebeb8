"""How the night went, from the bed sensor (or from motion where there is none)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hub.config.model import RoomKind
from hub.insights.day import beds, night_before
from hub.model import Observation, Value

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 5, 4)
ROOM_OF = {
    "motion.bad": "bad",
    "motion.kueche": "kueche",
    "bed_occupancy.schlafzimmer": "schlafzimmer",
    "bed_occupancy.bad": "bad",  # a fall radar's: no bed
    "presence.wohnzimmer": "wohnzimmer",
    "contact.front_door": "flur",
}
KINDS = {
    "bad": RoomKind.BATHROOM,
    "kueche": RoomKind.KITCHEN,
    "schlafzimmer": RoomKind.BEDROOM,
    "wohnzimmer": RoomKind.LIVING_ROOM,
    "flur": RoomKind.ENTRANCE,
}


def at(hh: int, mm: int, day: int = 4) -> datetime:
    return datetime(2026, 5, day, hh, mm, tzinfo=BERLIN)


def obs(ts: datetime, entity: str, value: Value) -> Observation:
    return Observation(ts, entity, value, "test")


BED = "bed_occupancy.schlafzimmer"


def night(*ups: tuple[datetime, datetime]) -> list[Observation]:
    """In bed at 22:30 the evening before; up and back for each (left, back)."""
    out = [obs(at(22, 30, day=3), BED, True)]
    for left, back in ups:
        out += [obs(left, BED, False), obs(left + timedelta(minutes=1), "motion.bad", True)]
        out += [obs(back, BED, True)]
    return out


BEDS = beds(ROOM_OF, KINDS)


def test_only_a_bedroom_s_mat_is_a_bed() -> None:
    assert {BED} == BEDS


def test_a_night_with_three_times_up_and_turning_over_not_counted() -> None:
    events = night((at(0, 40), at(0, 52)), (at(3, 0), at(3, 20)), (at(4, 30), at(4, 40)))
    # a minute off the mat: turning over, not getting up
    events += [obs(at(2, 10), BED, False), obs(at(2, 11), BED, True)]
    events += [obs(at(7, 40), BED, False), obs(at(7, 42), "motion.kueche", True)]
    n = night_before(events, BEDS, DAY, BERLIN)
    assert (n.in_bed, n.up, n.up_minutes) == (True, 3, 12 + 20 + 10)
    assert n.in_bed_now is False


def test_getting_up_for_the_day_is_not_being_up_at_night() -> None:
    events = night((at(5, 30), at(5, 40)))  # before 06:00: a time up at night
    events += [obs(at(5, 55), BED, False)]  # and up for the day before 06:00: not counted
    n = night_before(events, BEDS, DAY, BERLIN)
    assert (n.up, n.up_minutes) == (1, 10)


def test_going_to_bed_late_is_not_being_up_at_night() -> None:
    # she sits until 01:30 (the recorded Ordóñez resident does): her night starts then
    events = [obs(at(21, 0, day=3), "presence.wohnzimmer", True)]
    events += [obs(at(23, 30, day=3), "motion.kueche", True)]
    events += [obs(at(1, 30), BED, True)]
    n = night_before(events, BEDS, DAY, BERLIN)
    assert (n.in_bed, n.up, n.in_bed_now) == (True, 0, True)


def test_not_in_bed_at_night_and_no_bed_sensor() -> None:
    events = [obs(at(23, 0, day=3), "motion.kueche", True)]
    assert night_before(events, BEDS, DAY, BERLIN).in_bed is False
    # she went to bed before 22:00 and stayed: in bed all night
    early = [obs(at(21, 30, day=3), BED, True)]
    assert night_before(early, BEDS, DAY, BERLIN).in_bed is True
    visits = [obs(at(h, 5), "motion.bad", True) for h in (1, 3)]
    n = night_before(visits, set(), DAY, BERLIN)
    assert (n.in_bed, n.up, n.up_minutes) == (None, 2, 2)
