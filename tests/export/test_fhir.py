"""Vital signs as a FHIR R4 Bundle: valid against HL7's R4 schema, the right LOINC codes and
UCUM units per measure, blood pressure as one panel, no dropouts, the sensors' nightly resting
rates."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.export.fhir import Patient, Vitals, bundle
from hub.model import Observation

from .conftest import TYPED, manual, night
from .fhir_r4 import problems

TZ = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 02:00 in Berlin
ERNA = Patient("Wohnung Test/erna", "Erna Beispiel", 1941, "de")
ROOMS = {"schlafzimmer": "Schlafzimmer"}
# LOINC code → the UCUM unit its value must carry
UNITS = {
    "8867-4": "/min",
    "9279-1": "/min",
    "2708-6": "%",
    "8310-5": "Cel",
    "29463-7": "kg",
    "8480-6": "mm[Hg]",
    "8462-4": "mm[Hg]",
    "2339-0": "mg/dL",
}


def export(observations: list[Observation], **options: Any) -> tuple[dict[str, Any], Vitals]:
    vitals = Vitals(ERNA, TZ, "de", ROOMS, **options)
    text = "".join(bundle(ERNA, vitals.resources(sorted(observations, key=lambda o: o.ts)), T0, TZ))
    return json.loads(text), vitals


def observations(b: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Observation"]


def codes(resource: dict[str, Any]) -> list[str]:
    return [c["code"] for c in resource["code"]["coding"]]


def test_a_bundle_of_every_measure_validates_against_the_fhir_r4_schema() -> None:
    b, _ = export(night(T0, 240) + manual(T0 + timedelta(hours=5)))
    assert problems(b) == []
    assert b["resourceType"] == "Bundle" and b["type"] == "collection"
    assert b["timestamp"] == "2026-11-02T02:00:00+01:00"
    patient = b["entry"][0]
    assert patient["resource"]["resourceType"] == "Patient"
    assert patient["resource"]["name"] == [{"text": "Erna Beispiel"}]
    assert patient["resource"]["birthDate"] == "1941"
    assert patient["fullUrl"].startswith("urn:uuid:")
    found = observations(b)
    # a night's resting heart and breathing rate, and the manual ones: bp (one panel), spo2,
    # temperature, weight, glucose
    assert len(found) == 2 + 5
    urls = [e["fullUrl"] for e in b["entry"]]
    assert len(set(urls)) == len(urls)
    for resource in found:
        assert resource["status"] == "final"
        assert resource["subject"] == {"reference": patient["fullUrl"]}
        assert resource["code"]["coding"][0]["system"] == "http://loinc.org"
        category = resource["category"][0]["coding"][0]
        assert category["system"] == "http://terminology.hl7.org/CodeSystem/observation-category"
        time = resource.get("effectiveDateTime") or resource["effectivePeriod"]["start"]
        assert time.endswith("+01:00")


def test_each_measure_has_its_loinc_code_and_ucum_unit() -> None:
    b, _ = export(night(T0, 240) + manual(T0 + timedelta(hours=5)))
    assert problems(b) == []
    seen = set()
    for resource in observations(b):
        parts = resource.get("component") or [resource]
        for part in parts:
            code = part["code"]["coding"][0]["code"]
            quantity = part["valueQuantity"]
            assert quantity["system"] == "http://unitsofmeasure.org"
            assert quantity["code"] == UNITS[code], code
            seen.add(code)
    assert seen == set(UNITS)
    by_code = {codes(r)[0]: r for r in observations(b)}
    assert by_code["8310-5"]["valueQuantity"]["value"] == 36.9
    assert by_code["29463-7"]["valueQuantity"]["value"] == 61.4
    assert by_code["2339-0"]["category"][0]["coding"][0]["code"] == "laboratory"
    assert by_code["8867-4"]["category"][0]["coding"][0]["code"] == "vital-signs"


def test_blood_pressure_is_one_panel_pairing_systolic_and_diastolic_by_time() -> None:
    at = T0 + timedelta(hours=1)
    b, vitals = export(
        [
            Observation(at, "bp_systolic.erna", 142.0, TYPED),
            Observation(at, "bp_diastolic.erna", 86.0, TYPED),
            # a second measurement a minute later
            Observation(at + timedelta(minutes=1), "bp_diastolic.erna", 84.0, TYPED),
            Observation(at + timedelta(minutes=1), "bp_systolic.erna", 139.0, TYPED),
            # only the upper value was entered
            Observation(at + timedelta(hours=2), "bp_systolic.erna", 150.0, TYPED),
            # swapped: no blood pressure at all
            Observation(at + timedelta(hours=3), "bp_systolic.erna", 80.0, TYPED),
            Observation(at + timedelta(hours=3), "bp_diastolic.erna", 120.0, TYPED),
        ]
    )
    assert problems(b) == []
    found = observations(b)
    panels = [r for r in found if codes(r) == ["85354-9"]]
    assert [
        [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"]) for c in p["component"]]
        for p in panels
    ] == [[("8480-6", 142), ("8462-4", 86)], [("8480-6", 139), ("8462-4", 84)]]
    assert [p["effectiveDateTime"] for p in panels] == [
        "2026-11-02T03:00:00+01:00",
        "2026-11-02T03:01:00+01:00",
    ]
    assert all("valueQuantity" not in p for p in panels)
    lone = [r for r in found if codes(r) == ["8480-6"]]
    assert [r["valueQuantity"]["value"] for r in lone] == [150]
    assert len(found) == 3
    assert vitals.dropped == 2


def test_spo2_carries_both_loinc_codes() -> None:
    b, _ = export([Observation(T0, "spo2.erna", 95.0, TYPED)])
    assert problems(b) == []
    (spo2,) = observations(b)
    assert codes(spo2) == ["2708-6", "59408-5"]
    assert spo2["valueQuantity"] == {
        "value": 95,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }


def test_dropouts_are_never_exported_and_the_resting_rate_is_of_valid_readings_only() -> None:
    # five hours of 58/min with a glitch every fifth minute (0, 300, -1, NaN)
    glitches = [0.0, 300.0, -1.0, math.nan]
    readings = [
        Observation(
            T0 + timedelta(minutes=i),
            "heart_rate.schlafzimmer",
            glitches[(i // 5) % 4] if i % 5 == 0 else 58.0,
        )
        for i in range(300)
    ]
    # the next night has 100 minutes of readings, too few for a resting rate: no value at all
    nxt = T0 + timedelta(days=1)
    readings += [
        Observation(nxt + timedelta(minutes=i), "heart_rate.schlafzimmer", 60.0) for i in range(100)
    ]
    readings += [
        Observation(T0, "spo2.erna", 0.0, TYPED),
        Observation(T0, "body_weight.erna", 1200.0, TYPED),
        Observation(T0, "body_temperature.erna", 3.69, TYPED),
    ]
    b, vitals = export(readings)
    assert problems(b) == []
    (rest,) = observations(b)
    assert rest["valueQuantity"]["value"] == 58
    assert "240 Minuten" in rest["method"]["text"]  # 300 minutes less every fifth
    assert vitals.dropped == 60 + 3  # the glitches and the three impossible typed values
    assert vitals.restless == 1
    values = [
        p["valueQuantity"]["value"] for r in observations(b) for p in r.get("component") or [r]
    ]
    assert all(v > 0 for v in values)


def test_a_nights_resting_rate_comes_from_the_sensor_and_typed_values_say_so() -> None:
    # 23:00 to 05:00: 64/min, but 52-53/min from 02:00 to 02:40
    start = T0 - timedelta(hours=3)
    readings = []
    for i in range(360):
        ts = start + timedelta(minutes=i)
        calm = 180 <= i < 220
        readings.append(Observation(ts, "heart_rate.schlafzimmer", 52.0 + i % 2 if calm else 64.0))
        readings.append(Observation(ts, "respiratory_rate.schlafzimmer", 12.0 if calm else 15.0))
    b, _ = export(readings + manual(T0 + timedelta(hours=6)))
    assert problems(b) == []
    sensed = [r for r in observations(b) if "effectivePeriod" in r]
    assert [codes(r) for r in sensed] == [["8867-4", "40443-4"], ["9279-1"]]
    heart, breathing = sensed
    assert heart["valueQuantity"]["value"] == 52  # the median of the calmest half hour, whole
    assert breathing["valueQuantity"]["value"] == 12
    assert heart["effectivePeriod"] == {
        "start": "2026-11-02T02:00:00+01:00",
        "end": "2026-11-02T02:30:00+01:00",
    }
    assert heart["device"] == {"display": "Obhut-Vitalsensor Schlafzimmer"}
    assert "Ruhewert der Nacht" in heart["method"]["text"]
    typed = [r for r in observations(b) if "effectiveDateTime" in r]
    assert typed and all("device" not in r for r in typed)
    assert {r["method"]["text"] for r in typed} == {"von Hand eingetragen"}
    # a value a Zigbee scale sent is from a device, one reading each
    b, _ = export([Observation(T0, "body_weight.erna", 61.0, "zigbee")])
    (scale,) = observations(b)
    assert "effectiveDateTime" in scale and scale["method"]["text"] == "vom Messgerät übertragen"


def test_the_night_the_clocks_go_back_finds_its_calmest_half_hour_across_the_switch() -> None:
    start = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)  # 23:00 CEST on Saturday 24 October
    second_two = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 02:00 CET, the second time
    readings = [
        Observation(
            start + timedelta(minutes=i),
            "heart_rate.schlafzimmer",
            50.0
            if second_two <= start + timedelta(minutes=i) < second_two + timedelta(minutes=30)
            else 60.0,
        )
        for i in range(8 * 60)
    ]
    b, _ = export(readings)
    assert problems(b) == []
    (rest,) = observations(b)
    assert rest["valueQuantity"]["value"] == 50
    # the first half hour whose median is 50 starts before the clocks go back: 30 minutes
    # from 02:50 summer time to 02:20 winter time
    assert rest["effectivePeriod"] == {
        "start": "2026-10-25T02:50:00+02:00",
        "end": "2026-10-25T02:20:00+01:00",
    }


def test_only_the_nights_and_days_asked_for_are_in_it() -> None:
    # the night into 2 November is asked for (it ends that morning); the next one is not
    readings = night(T0, 240) + night(T0 + timedelta(days=1), 240)
    readings += manual(T0 - timedelta(hours=4))  # 1 November, 22:00: before the range
    readings += manual(T0 + timedelta(hours=8))  # 2 November, 10:00
    since = datetime(2026, 11, 1, 23, 0, tzinfo=UTC)  # the range starts at midnight
    b, _ = export(readings, nights=(date(2026, 11, 1), date(2026, 11, 1)), since=since)
    assert problems(b) == []
    found = observations(b)
    periods = {r["effectivePeriod"]["start"][:10] for r in found if "effectivePeriod" in r}
    assert periods == {"2026-11-02"}
    times = {r["effectiveDateTime"][:13] for r in found if "effectiveDateTime" in r}
    assert times == {"2026-11-02T10"}


def test_with_several_residents_the_flats_sensors_are_left_out() -> None:
    b, _ = export(night(T0, 240) + manual(T0), streams=False)
    assert problems(b) == []
    assert not [r for r in observations(b) if "effectivePeriod" in r]


def test_the_same_data_exported_twice_names_each_measurement_the_same() -> None:
    data = night(T0, 240) + manual(T0)
    first, _ = export(data)
    second, _ = export(data)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first["identifier"] != second["identifier"]  # each bundle is its own


def test_the_schema_check_catches_what_is_wrong() -> None:
    b, _ = export(manual(T0))
    resource = observations(b)[1]
    resource["effectiveDateTime"] = "2026-11-02T03:00:00"  # no offset
    resource["valueQuantity"]["value"] = "95"  # a string
    resource["stauts"] = "final"
    found = "\n".join(problems(b))
    assert "effectiveDateTime" in found
    assert "valueQuantity/value" in found
    assert "stauts" in found
