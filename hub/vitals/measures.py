"""The vital signs Obhut knows: unit, what is possible at all, and what is normal by default.

Heart and breathing rate come from a sensor every minute (`heart_rate.<room>`); the others
are measured by hand and entered by a carer or the resident (`bp_systolic.<resident>`). A
value outside `possible` is never a person's: a sensor's dropout, or a typing slip. `normal`
is the default range; each resident's own is set in obhut.yaml (`residents.<id>.vitals`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

Texts = Mapping[str, str]  # language → text


@dataclass(frozen=True, slots=True)
class Vital:
    capability: str
    unit: str
    possible: tuple[float, float]
    normal: tuple[float | None, float | None]
    decimals: int
    stable: float  # a change of the weekly mean smaller than this is no trend
    name: Texts


VITALS: dict[str, Vital] = {
    v.capability: v
    for v in (
        # A monitor writes 0 when a lead comes off; the MIMIC-II record has a lone 11.5 inside
        # such a dropout. Resting rates of 50-100 and 10-24 per minute are common guidance for
        # older adults; beta blockers bring the pulse lower, which the resident's range says.
        Vital(
            "heart_rate",
            "/min",
            (20.0, 250.0),
            (50.0, 100.0),
            0,
            3.0,
            {"de": "Puls", "en": "Heart rate"},
        ),
        Vital(
            "respiratory_rate",
            "/min",
            (3.0, 80.0),
            (10.0, 24.0),
            0,
            1.0,
            {"de": "Atemfrequenz", "en": "Breathing rate"},
        ),
        # A home cuff that fails shows an error, not 300/20; a value outside these was typed
        # wrong. Older adults are usually kept below 150 systolic (German and ESC guidance).
        Vital(
            "bp_systolic",
            "mmHg",
            (50.0, 260.0),
            (100.0, 150.0),
            0,
            5.0,
            {"de": "Blutdruck oben (systolisch)", "en": "Blood pressure, systolic"},
        ),
        Vital(
            "bp_diastolic",
            "mmHg",
            (30.0, 160.0),
            (60.0, 90.0),
            0,
            3.0,
            {"de": "Blutdruck unten (diastolisch)", "en": "Blood pressure, diastolic"},
        ),
        # Bathroom scales weigh up to 150-200 kg, bariatric ones 300; no adult weighs under
        # 20 kg. Weight has no normal range by default: it is the person's own.
        Vital(
            "body_weight",
            "kg",
            (20.0, 300.0),
            (None, None),
            1,
            0.5,
            {"de": "Gewicht", "en": "Weight"},
        ),
        # Clip oximeters are validated from 70 %; under 50 the clip is off the finger. 92 % is
        # the usual lower bound for older adults without lung disease.
        Vital(
            "spo2",
            "%",
            (50.0, 100.0),
            (92.0, None),
            0,
            1.0,
            {"de": "Sauerstoffsättigung", "en": "Oxygen saturation"},
        ),
        # Clinical thermometers show 32-42.9 °C; 30 still lets a severe hypothermia through.
        # Fever in older people starts lower: 37.8 °C.
        Vital(
            "body_temperature",
            "°C",
            (30.0, 43.0),
            (35.5, 37.8),
            1,
            0.3,
            {"de": "Temperatur", "en": "Temperature"},
        ),
        # Meters show "LO" under 20 and "HI" over 600 mg/dL: no meter displays a number beyond.
        # Under 70 is a hypoglycaemia; 180 is the usual upper target for older adults.
        Vital(
            "blood_glucose",
            "mg/dL",
            (20.0, 600.0),
            (70.0, 180.0),
            0,
            10.0,
            {"de": "Blutzucker", "en": "Blood glucose"},
        ),
    )
}
SENSED = ("heart_rate", "respiratory_rate")
PLAUSIBLE: dict[str, tuple[float, float]] = {c: VITALS[c].possible for c in SENSED}


class Measurement(StrEnum):
    """What a person measures by hand and enters; blood pressure is two numbers."""

    BLOOD_PRESSURE = "blood_pressure"
    BODY_WEIGHT = "body_weight"
    SPO2 = "spo2"
    BODY_TEMPERATURE = "body_temperature"
    BLOOD_GLUCOSE = "blood_glucose"


PARTS: dict[Measurement, tuple[str, ...]] = {
    Measurement.BLOOD_PRESSURE: ("bp_systolic", "bp_diastolic"),
    Measurement.BODY_WEIGHT: ("body_weight",),
    Measurement.SPO2: ("spo2",),
    Measurement.BODY_TEMPERATURE: ("body_temperature",),
    Measurement.BLOOD_GLUCOSE: ("blood_glucose",),
}
MANUAL: tuple[str, ...] = tuple(c for parts in PARTS.values() for c in parts)
MEASUREMENT_NAME: dict[Measurement, Texts] = {
    Measurement.BLOOD_PRESSURE: {"de": "Blutdruck", "en": "Blood pressure"},
    Measurement.BODY_WEIGHT: {"de": "Gewicht", "en": "Weight"},
    Measurement.SPO2: {"de": "Sauerstoffsättigung", "en": "Oxygen saturation"},
    Measurement.BODY_TEMPERATURE: {"de": "Temperatur", "en": "Temperature"},
    Measurement.BLOOD_GLUCOSE: {"de": "Blutzucker", "en": "Blood glucose"},
}
# Where the tablet's steppers start when there is no earlier value, and by how much they move.
START: dict[str, float] = {
    "bp_systolic": 130.0,
    "bp_diastolic": 80.0,
    "body_weight": 70.0,
    "spo2": 96.0,
    "body_temperature": 36.8,
    "blood_glucose": 110.0,
}


def measurement_of(capability: str) -> Measurement | None:
    """The kind of entry a manual capability belongs to (`bp_diastolic` → blood pressure)."""
    for measurement, parts in PARTS.items():
        if capability in parts:
            return measurement
    return None


def step(capability: str) -> float:
    """One press of a stepper: a whole unit, or a tenth where the value has a decimal."""
    return 0.1 if VITALS[capability].decimals else 1.0


def shown(value: float, capability: str, lang: str) -> str:
    """The value as a person writes it: `72,5` (de) / `72.5` (en), whole where it is whole."""
    decimals = VITALS[capability].decimals
    text = f"{value:.{decimals}f}" if decimals else f"{round(value):d}"
    return text.replace(".", ",") if lang == "de" else text
