"""Resting heart and breathing rate per night: the real MIMIC-II nights, and synthetic nights
whose answer is known."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hub.vitals.resting import NIGHT_NEEDS, bounds, nightly, resting_rate
from integrations.simulation.vitals import read_numerics

BERLIN = ZoneInfo("Europe/Berlin")
RECORD = (
    Path(__file__).resolve().parents[3] / "shared/data/vitals/mimic2-s00001/s00001_numerics.csv"
)
# The record's time of day is real: it starts at 00:31:25 (its date is shifted).
START = datetime(2026, 5, 4, 0, 31, 25, tzinfo=BERLIN)
NIGHT = date(2026, 5, 4)  # 22:00 on the 4th to 08:00 on the 5th: wholly inside the record


def minutes_from(start: datetime, runs: list[tuple[int, object]]) -> list[tuple[datetime, object]]:
    """One reading a minute from `start`: (minutes, value) runs one after another."""
    out, t = [], start.astimezone(UTC)
    for count, value in runs:
        for _ in range(count):
            out.append((t, value))
            t += timedelta(minutes=1)
    return out


def evening(day: date) -> datetime:
    return bounds(day, BERLIN)[0]


# The real record


def test_the_real_nights_resting_rates_leave_out_dropouts_and_the_lone_artefact() -> None:
    record = read_numerics(RECORD)
    heart = [(START + timedelta(minutes=i), m.heart_rate) for i, m in enumerate(record)]
    breath = [(START + timedelta(minutes=i), m.respiratory_rate) for i, m in enumerate(record)]
    start, end = bounds(NIGHT, BERLIN)
    in_night = [v for t, v in heart if start <= t < end]
    assert len(in_night) == 600
    valid = [v for v in in_night if 20 <= v <= 250]
    assert 0.0 in in_night and 11.5 in in_night  # the dropout at minutes 1382-1401

    first, full, none = nightly(
        heart, "heart_rate", [NIGHT - timedelta(1), NIGHT, NIGHT + timedelta(1)], BERLIN
    )
    assert full.minutes == len(valid) == 579
    assert full.rate is not None
    # Her pulse that night: median 54.7; asleep it sank lower, never to the artefact's 11.5.
    assert 50 < full.rate < statistics.median(valid)
    assert full.calmest is not None and start <= full.calmest < end
    # Without the dropout's minutes the answer is the same: they were never counted.
    cleaned = [(t, v) for t, v in heart if 20 <= v <= 250]
    assert resting_rate(cleaned, "heart_rate", NIGHT, BERLIN) == full
    # The record begins at 00:31: the night before has 7.5 hours of it, enough for a value.
    assert first.minutes >= NIGHT_NEEDS and first.rate is not None
    assert none.rate is None and none.minutes == 0  # the record ends on the 5th at 08:47

    (rest,) = nightly(breath, "respiratory_rate", [NIGHT], BERLIN)
    breaths = [v for t, v in breath if start <= t < end and 3 <= v <= 80]
    assert rest.rate is not None and 8 < rest.rate < statistics.median(breaths)


# Synthetic nights


def test_the_calmest_half_hour_is_the_resting_rate() -> None:
    night = date(2026, 5, 4)
    readings = minutes_from(evening(night), [(150, 68), (45, 52), (405, 68)])
    found = resting_rate(readings, "heart_rate", night, BERLIN)
    assert found.rate == 52
    assert found.calmest is not None
    # most of that half hour lies in the calm 45 minutes (from minute 150 to 195)
    offset = found.calmest - evening(night)
    assert timedelta(minutes=135) <= offset <= timedelta(minutes=180)


def test_a_short_dip_or_spike_does_not_become_the_nights_value() -> None:
    night = date(2026, 5, 4)
    # 11 minutes at 35 (a sensor glitch) next to 20 minutes without readings, then a calm 60
    runs: list[tuple[int, object]] = [(100, 66), (11, 35), (20, 0), (200, 66), (40, 60), (229, 66)]
    found = resting_rate(minutes_from(evening(night), runs), "heart_rate", night, BERLIN)
    assert found.rate == 60


def test_dropouts_of_every_kind_are_passed_over() -> None:
    night = date(2026, 5, 4)
    garbage: list[object] = [0, 0.0, -5, math.nan, math.inf, 300, 12, "64", None, True]
    runs: list[tuple[int, object]] = [(60, 64)] + [(3, g) for g in garbage] + [(510, 64)]
    found = resting_rate(minutes_from(evening(night), runs), "heart_rate", night, BERLIN)
    assert found.rate == 64 and found.minutes == 570


def test_a_night_needs_three_hours_of_readings() -> None:
    night = date(2026, 5, 4)
    short = resting_rate(minutes_from(evening(night), [(179, 70)]), "heart_rate", night, BERLIN)
    assert short.rate is None and short.minutes == 179 and not short.enough
    enough = resting_rate(minutes_from(evening(night), [(180, 70)]), "heart_rate", night, BERLIN)
    assert enough.rate == 70 and enough.enough


def test_readings_of_the_day_are_not_the_nights() -> None:
    night = date(2026, 5, 4)
    afternoon = datetime(2026, 5, 4, 14, 0, tzinfo=BERLIN)
    morning = datetime(2026, 5, 5, 8, 0, tzinfo=BERLIN)  # 08:00 already belongs to the day
    readings = minutes_from(afternoon, [(120, 40)]) + minutes_from(morning, [(60, 40)])
    readings += minutes_from(evening(night), [(600, 72)])
    assert resting_rate(readings, "heart_rate", night, BERLIN).rate == 72


def test_several_readings_a_minute_count_as_their_median() -> None:
    night = date(2026, 5, 4)
    t0 = evening(night)
    readings: list[tuple[datetime, object]] = []
    for minute in range(300):
        for second, value in ((0, 61), (20, 61), (40, 95)):  # a twitch every minute
            readings.append((t0 + timedelta(minutes=minute, seconds=second), value))
    assert resting_rate(readings, "heart_rate", night, BERLIN).rate == 61


def test_breathing_rate_the_same_way() -> None:
    night = date(2026, 5, 4)
    readings = minutes_from(evening(night), [(200, 16), (40, 11), (2, 2), (358, 16)])
    assert resting_rate(readings, "respiratory_rate", night, BERLIN).rate == 11


def test_nights_when_the_clocks_change_are_an_hour_longer_or_shorter() -> None:
    autumn, spring = date(2026, 10, 24), date(2026, 3, 28)
    start, end = bounds(autumn, BERLIN)
    assert end - start == timedelta(hours=11)
    # The calm comes in the hour that exists only that night (the last one, 07:00-08:00 CET).
    readings = minutes_from(start, [(600, 70), (60, 55)])
    assert resting_rate(readings, "heart_rate", autumn, BERLIN).rate == 55
    start, end = bounds(spring, BERLIN)
    assert end - start == timedelta(hours=9)
    readings = minutes_from(start, [(540, 70), (60, 50)])  # the last hour is already day
    assert resting_rate(readings, "heart_rate", spring, BERLIN).rate == 70


def test_nightly_sorts_readings_into_their_nights() -> None:
    first, second = date(2026, 5, 1), date(2026, 5, 2)
    readings = minutes_from(evening(second), [(600, 58)]) + minutes_from(
        evening(first), [(600, 62)]
    )
    found = nightly(readings, "heart_rate", [first, second], BERLIN)
    assert [(n.night, n.rate) for n in found] == [(first, 62), (second, 58)]
