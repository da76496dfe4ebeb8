"""Vital signs as a doctor's system reads them: LOINC codes and UCUM units.

What is possible at all, the names and the decimals are hub.vitals.measures'; a reading
outside what is possible (a sensor's 0 when nobody is in bed, a typing slip of 1200 kg) is
a dropout, not a value, and is never exported as a measurement.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from hub.model import Capability, Value
from hub.vitals.measures import VITALS

C = Capability


@dataclass(frozen=True, slots=True)
class Measure:
    """One vital sign: its LOINC codes (the main one first), its UCUM unit, its range."""

    capability: Capability
    codes: tuple[tuple[str, str], ...]  # (LOINC code, LOINC display)
    unit: str  # UCUM code
    category: str = "vital-signs"  # http://terminology.hl7.org/CodeSystem/observation-category

    @property
    def unit_text(self) -> str:
        return VITALS[self.capability.value].unit

    @property
    def decimals(self) -> int:
        return VITALS[self.capability.value].decimals

    def name(self, lang: str) -> str:
        names = VITALS[self.capability.value].name
        return names.get(lang) or names["en"]

    def reading(self, value: Value) -> float | None:
        """The value as a number, or None for a dropout (0, NaN, impossible, not a number)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        number = float(value)
        low, high = VITALS[self.capability.value].possible
        if not math.isfinite(number) or number <= 0 or not low <= number <= high:
            return None
        return number


MEASURES: dict[Capability, Measure] = {
    m.capability: m
    for m in (
        Measure(C.HEART_RATE, (("8867-4", "Heart rate"),), "/min"),
        Measure(C.RESPIRATORY_RATE, (("9279-1", "Respiratory rate"),), "/min"),
        # The vital-signs profile asks for 2708-6; 59408-5 says it was a pulse oximeter.
        Measure(
            C.SPO2,
            (
                ("2708-6", "Oxygen saturation in Arterial blood"),
                ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
            ),
            "%",
        ),
        Measure(C.BODY_TEMPERATURE, (("8310-5", "Body temperature"),), "Cel"),
        Measure(C.BODY_WEIGHT, (("29463-7", "Body weight"),), "kg"),
        Measure(C.BLOOD_PRESSURE_SYSTOLIC, (("8480-6", "Systolic blood pressure"),), "mm[Hg]"),
        Measure(C.BLOOD_PRESSURE_DIASTOLIC, (("8462-4", "Diastolic blood pressure"),), "mm[Hg]"),
        # Not a vital sign but what a home glucose meter gives: a blood test, hence laboratory.
        Measure(
            C.BLOOD_GLUCOSE, (("2339-0", "Glucose [Mass/volume] in Blood"),), "mg/dL", "laboratory"
        ),
    )
}
BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
# Sensors report these every minute; a doctor gets them reduced (see hub.export.fhir).
STREAMS = frozenset({C.HEART_RATE, C.RESPIRATORY_RATE})
# The sources that are a measuring device; anything else (a page, the tablet) was typed in.
DEVICE_SOURCES = frozenset({"zigbee"})

# Units of every numeric capability, for the CSV files.
UNITS: dict[Capability, str] = {
    C.LIGHT: "%",
    C.CLIMATE: "°C",
    C.TEMPERATURE: "°C",
    C.HUMIDITY: "%",
    C.ILLUMINANCE: "lx",
    C.BATTERY: "%",
    C.POWER: "W",
    **{capability: m.unit_text for capability, m in MEASURES.items()},
}


def capability_of(entity: str) -> Capability | None:
    try:
        return Capability(entity.partition(".")[0])
    except ValueError:
        return None


def owner(entity: str, residents: Collection[str]) -> str | None:
    """The resident an entity is about (`bp_systolic.erna` → erna), or None: the flat's."""
    name = entity.partition(".")[2]
    return name if name in residents else None
