"""Plausibility of values entered by hand: what is impossible is refused, what is outside
the resident's range is marked, what is typed in German is read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.config.model import Resident
from hub.vitals.entries import Problem, check, number, observations, when
from hub.vitals.measures import VITALS, Measurement

M = Measurement
ERNA = Resident.model_validate(
    {"name": "Erna", "vitals": {"bp_systolic": {"max": 140}, "body_weight": {"min": 50}}}
)
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("measurement", "capability", "lowest", "highest"),
    [
        (M.BODY_WEIGHT, "body_weight", 20, 300),
        (M.SPO2, "spo2", 50, 100),
        (M.BODY_TEMPERATURE, "body_temperature", 30, 43),
        (M.BLOOD_GLUCOSE, "blood_glucose", 20, 600),
    ],
)
def test_each_measure_takes_its_possible_values_and_refuses_beyond(
    measurement: Measurement, capability: str, lowest: float, highest: float
) -> None:
    for value in (lowest, highest):
        assert check(measurement, {capability: value}, ERNA).possible, value
    step = 0.1 if VITALS[capability].decimals else 1
    for value in (lowest - step, highest + step):
        checked = check(measurement, {capability: value}, ERNA)
        assert [p.code for p in checked.problems] == ["impossible"], value
        assert (checked.problems[0].low, checked.problems[0].high) == (lowest, highest)


@pytest.mark.parametrize(
    ("systolic", "diastolic", "codes"),
    [
        (50, 50, ["order"]),  # both possible, but the lower is not below the upper
        (260, 160, []),
        (49, 80, ["impossible"]),
        (261, 80, ["impossible"]),
        (120, 29, ["impossible"]),
        (120, 161, ["impossible"]),
        (120, 120, ["order"]),
        (None, 80, ["missing"]),
        ("hoch", 80, ["not_a_number"]),
    ],
)
def test_blood_pressure_needs_two_possible_numbers_the_upper_one_higher(
    systolic: object, diastolic: object, codes: list[str]
) -> None:
    typed = {"bp_systolic": systolic, "bp_diastolic": diastolic}
    assert [p.code for p in check(M.BLOOD_PRESSURE, typed, ERNA).problems] == codes


def test_german_decimals_are_read_and_rounded_to_what_the_device_shows() -> None:
    assert number("72,45") == 72.45
    assert number(" 36.8 ") == 36.8
    for garbage in ("", "72 kg", "1e3", "nan", "inf", True, None, [72]):
        assert number(garbage) is None, garbage
    checked = check(M.BODY_WEIGHT, {"body_weight": "72,46"}, ERNA)
    assert checked.values == {"body_weight": 72.5}
    checked = check(M.SPO2, {"spo2": "96,6"}, ERNA)
    assert checked.values == {"spo2": 97.0}


def test_outside_her_range_is_marked_with_the_side_and_the_limit() -> None:
    checked = check(M.BLOOD_PRESSURE, {"bp_systolic": "145", "bp_diastolic": "55"}, ERNA)
    assert checked.possible
    assert [(o.capability, o.side, o.limit) for o in checked.outside] == [
        ("bp_systolic", "high", 140.0),  # her own limit
        ("bp_diastolic", "low", 60.0),  # the default
    ]
    assert check(M.BODY_WEIGHT, {"body_weight": 140}, ERNA).outside == []  # no max for her


def test_time_is_the_homes_wall_time_not_in_the_future_nor_too_old() -> None:
    keep = timedelta(days=90)
    assert when("", NOW, BERLIN, keep) == NOW
    assert when(None, NOW, BERLIN, keep) == NOW
    assert when("2026-05-04T08:10", NOW, BERLIN, keep) == NOW - timedelta(minutes=50)
    assert when("2026-05-04T09:04", NOW, BERLIN, keep) == NOW + timedelta(
        minutes=4
    )  # clocks differ
    for typed, code in (
        ("2026-05-04T09:06", "future"),
        ("2026-01-30T08:00", "too_old"),
        ("04.05.2026", "bad_time"),
    ):
        found = when(typed, NOW, BERLIN, keep)
        assert isinstance(found, Problem) and found.code == code, typed


def test_an_entry_becomes_observations_with_the_same_time_and_who_entered_it() -> None:
    checked = check(M.BLOOD_PRESSURE, {"bp_systolic": 132, "bp_diastolic": 84}, ERNA)
    made = observations(checked, "erna", NOW, "carer:carla")
    assert [(o.entity, o.value, o.ts, o.source) for o in made] == [
        ("bp_systolic.erna", 132.0, NOW, "manual:carer:carla"),
        ("bp_diastolic.erna", 84.0, NOW, "manual:carer:carla"),
    ]
