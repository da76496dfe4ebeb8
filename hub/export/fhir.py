"""Vital signs as an HL7 FHIR R4 Bundle of Observations, for the resident's doctor.

The bundle is a `collection`: a set of resources handed over for reading or importing. A
`transaction` or `batch` would tell the receiving server to write them, with request lines
per entry; that is the receiver's decision, not ours, and a doctor who opens the file in a
viewer has no server at all. A `document` would need a Composition signed off by an author.

What a doctor gets:
- every measurement entered by hand (or sent by a measuring device such as a Zigbee scale),
  one Observation each; blood pressure as the panel 85354-9 with the systolic (8480-6) and
  diastolic (8462-4) components that share one timestamp;
- for the bed or room sensors' minute-by-minute heart and breathing rates, each night's
  resting rate (hub.vitals.resting: the median of the calmest half hour, whose time is the
  Observation's `effectivePeriod`), the figure compared from night to night; a resting heart
  rate also carries LOINC 40443-4. A night is counted for the morning it ends on; one with
  too few valid readings gives no value. The raw minutes stay in the CSV export;
- nothing that is a dropout (0, impossible values, see hub.export.measures).

Device-measured and typed-in values are told apart by `device` (the sensor, by room) and by
`method.text`. Resource ids are UUIDs derived from the home, the entity and the time, so an
export made twice names the same measurement the same way and a receiver can de-duplicate.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub.export.measures import (
    BP_PANEL,
    DEVICE_SOURCES,
    MEASURES,
    STREAMS,
    Measure,
    capability_of,
)
from hub.model import Capability, Observation
from hub.vitals.resting import WINDOW_MINUTES, night_of, resting_rate

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORIES = "http://terminology.hl7.org/CodeSystem/observation-category"
CATEGORY_NAMES = {"vital-signs": "Vital Signs", "laboratory": "Laboratory"}
URI = "urn:ietf:rfc:3986"
# Fixed, so that ids derived from it are the same in every export of the same data.
NAMESPACE = uuid.UUID("6f0b7c52-5a8e-4d37-9d4e-0b8a1c2f3e41")
# A resting heart rate has a code of its own, beside the vital-signs profile's 8867-4.
RESTING = {Capability.HEART_RATE: (("40443-4", "Heart rate --resting"),)}
SYS, DIA = Capability.BLOOD_PRESSURE_SYSTOLIC, Capability.BLOOD_PRESSURE_DIASTOLIC
TEXTS = {
    "de": {
        "manual": "von Hand eingetragen",
        "device": "vom Messgerät übertragen",
        "resting": "Ruhewert der Nacht: Median der ruhigsten halben Stunde "
        "({n} Minuten mit gültigen Sensorwerten in der Nacht)",
        "sensor": "Obhut-Vitalsensor {where}",
    },
    "en": {
        "manual": "entered by hand",
        "device": "sent by the measuring device",
        "resting": "the night's resting rate: median of its calmest half hour "
        "({n} minutes of valid sensor readings that night)",
        "sensor": "Obhut vital-sign sensor {where}",
    },
}


@dataclass(frozen=True)
class Patient:
    """Who the bundle is about: the configuration's resident."""

    key: str  # home and resident id: the Patient's UUID is derived from it
    name: str | None = None
    birth_year: int | None = None
    language: str | None = None

    @property
    def url(self) -> str:
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, 'patient/' + self.key)}"

    def resource(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "resourceType": "Patient",
            "identifier": [{"system": URI, "value": self.url}],
        }
        if self.name:
            out["name"] = [{"text": self.name}]
        if self.birth_year:
            out["birthDate"] = f"{self.birth_year:04d}"
        if self.language:
            coding = {"system": "urn:ietf:bcp:47", "code": self.language}
            out["communication"] = [{"language": {"coding": [coding]}}]
        return out


@dataclass
class Vitals:
    """Turns observations (in time order) into Observation resources about `patient`."""

    patient: Patient
    tz: ZoneInfo
    lang: str = "de"
    rooms: Mapping[str, str] = field(default_factory=dict)  # room id → name
    streams: bool = True  # the flat's sensors are about this patient (one resident)
    nights: tuple[date, date] | None = None  # the evenings whose nights count (None: all)
    since: datetime | None = None  # readings by hand before this are not asked for
    exported: dict[str, int] = field(default_factory=dict)  # capability → resources
    dropped: int = 0  # dropouts left out
    restless: int = 0  # nights without enough valid readings for a resting rate

    def resources(self, observations: Iterable[Observation]) -> Iterator[dict[str, Any]]:
        """The Observation resources, each as soon as it is complete."""
        nights: dict[str, _Night] = {}
        measures: dict[str, Measure | None] = {}  # by entity: looked up once
        pressure: dict[tuple[str, datetime], dict[Capability, tuple[Observation, float]]] = {}
        for obs in observations:
            if obs.entity in measures:
                measure = measures[obs.entity]
            else:
                capability = capability_of(obs.entity)
                measure = measures[obs.entity] = MEASURES.get(capability) if capability else None
            if measure is None:
                continue
            capability = measure.capability
            if pressure:
                yield from self._pressures(pressure, before=obs.ts)
            value = measure.reading(obs.value)
            if value is None:
                self.dropped += 1
                continue
            if capability in STREAMS and obs.source in DEVICE_SOURCES:
                night = night_of(obs.ts, self.tz) if self.streams else None
                if night is None or not self._counts(night):
                    continue  # daytime, or a night outside the range
                current = nights.get(obs.entity)
                if current is not None and current.night != night:
                    yield from self._resting(obs.entity, current)
                    current = None
                if current is None:
                    current = nights[obs.entity] = _Night(night, measure)
                current.readings.append((obs.ts, value))
            elif self.since is not None and obs.ts < self.since:
                continue
            elif capability in (SYS, DIA):
                who = obs.entity.partition(".")[2]
                pressure.setdefault((who, obs.ts), {})[measure.capability] = (obs, value)
            else:
                yield self._single(obs, measure, value)
        yield from self._pressures(pressure, before=None)
        for entity, current in nights.items():
            yield from self._resting(entity, current)

    def _counts(self, night: date) -> bool:
        return self.nights is None or self.nights[0] <= night <= self.nights[1]

    def _pressures(
        self,
        pending: dict[tuple[str, datetime], dict[Capability, tuple[Observation, float]]],
        before: datetime | None,
    ) -> Iterator[dict[str, Any]]:
        """Pair systolic and diastolic readings of one moment into a panel, once it is past."""
        for key in [k for k in pending if before is None or k[1] < before]:
            pair = pending.pop(key)
            sys, dia = pair.get(SYS), pair.get(DIA)
            if sys is not None and dia is not None:
                if sys[1] <= dia[1]:
                    self.dropped += 2  # swapped or mistyped: no blood pressure at all
                    continue
                yield self._panel(sys, dia)
            else:
                lone = sys if sys is not None else dia
                assert lone is not None
                yield self._single(lone[0], MEASURES[lone[0].capability], lone[1])

    def _base(
        self, key: str, measure_codes: tuple[tuple[str, str], ...], category: str, text: str
    ) -> tuple[str, dict[str, Any]]:
        url = f"urn:uuid:{uuid.uuid5(NAMESPACE, self.patient.key + '/' + key)}"
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "identifier": [{"system": URI, "value": url}],
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": CATEGORIES,
                            "code": category,
                            "display": CATEGORY_NAMES[category],
                        }
                    ]
                }
            ],
            "code": {
                "coding": [{"system": LOINC, "code": c, "display": d} for c, d in measure_codes],
                "text": text,
            },
            "subject": {"reference": self.patient.url},
        }
        return url, resource

    def _how(self, resource: dict[str, Any], obs: Observation) -> None:
        words = TEXTS.get(self.lang, TEXTS["en"])
        by_device = obs.source in DEVICE_SOURCES
        resource["method"] = {"text": words["device" if by_device else "manual"]}
        if by_device:
            resource["device"] = {"display": words["sensor"].format(where=self._where(obs.entity))}

    def _single(self, obs: Observation, measure: Measure, value: float) -> dict[str, Any]:
        key = f"{obs.entity}/{obs.ts.isoformat()}"
        url, resource = self._base(key, measure.codes, measure.category, self._name(measure))
        resource["effectiveDateTime"] = self._time(obs.ts)
        resource["valueQuantity"] = _quantity(value, measure)
        self._how(resource, obs)
        return self._counted(measure.capability.value, url, resource)

    def _panel(
        self, sys: tuple[Observation, float], dia: tuple[Observation, float]
    ) -> dict[str, Any]:
        first = sys[0]
        key = f"bp.{first.entity.partition('.')[2]}/{first.ts.isoformat()}"
        text = "Blutdruck" if self.lang == "de" else "Blood pressure"
        url, resource = self._base(key, (BP_PANEL,), "vital-signs", text)
        resource["effectiveDateTime"] = self._time(first.ts)
        resource["component"] = [
            {
                "code": {
                    "coding": [{"system": LOINC, "code": c, "display": d} for c, d in m.codes]
                },
                "valueQuantity": _quantity(value, m),
            }
            for value, m in ((sys[1], MEASURES[SYS]), (dia[1], MEASURES[DIA]))
        ]
        self._how(resource, first)
        return self._counted("blood_pressure", url, resource)

    def _resting(self, entity: str, night: _Night) -> Iterator[dict[str, Any]]:
        """The night's resting rate, the median of its calmest half hour (hub.vitals.resting)."""
        measure = night.measure
        rest = resting_rate(night.readings, measure.capability.value, night.night, self.tz)
        if rest.rate is None or rest.calmest is None:
            self.restless += 1  # not enough readings: no value rather than a wrong one
            return
        key = f"{entity}/resting/{night.night.isoformat()}"
        codes = measure.codes + RESTING.get(measure.capability, ())
        url, resource = self._base(key, codes, measure.category, self._name(measure))
        resource["effectivePeriod"] = {
            "start": self._time(rest.calmest),
            "end": self._time(rest.calmest + timedelta(minutes=WINDOW_MINUTES)),
        }
        resource["valueQuantity"] = _quantity(rest.rate, measure)
        words = TEXTS.get(self.lang, TEXTS["en"])
        resource["method"] = {"text": words["resting"].format(n=rest.minutes)}
        resource["device"] = {"display": words["sensor"].format(where=self._where(entity))}
        yield self._counted(measure.capability.value, url, resource)

    def _counted(self, kind: str, url: str, resource: dict[str, Any]) -> dict[str, Any]:
        self.exported[kind] = self.exported.get(kind, 0) + 1
        return {"fullUrl": url, "resource": resource}

    def _name(self, measure: Measure) -> str:
        return measure.name(self.lang)

    def _where(self, entity: str) -> str:
        place = entity.partition(".")[2]
        return self.rooms.get(place, place)

    def _time(self, ts: datetime) -> str:
        return ts.astimezone(self.tz).isoformat(timespec="seconds")


@dataclass
class _Night:
    night: date  # the evening it begins
    measure: Measure
    readings: list[tuple[datetime, object]] = field(default_factory=list)


def _quantity(value: float, measure: Measure) -> dict[str, Any]:
    shown: float | int = round(value, measure.decimals) if measure.decimals else round(value)
    return {"value": shown, "unit": measure.unit_text, "system": UCUM, "code": measure.unit}


def bundle(
    patient: Patient, entries: Iterable[dict[str, Any]], now: datetime, tz: ZoneInfo
) -> Iterator[str]:
    """The Bundle as JSON text, a piece at a time: a year of data never sits in memory whole."""
    head = {
        "resourceType": "Bundle",
        "identifier": {"system": URI, "value": f"urn:uuid:{uuid.uuid4()}"},
        "type": "collection",
        "timestamp": now.astimezone(tz).isoformat(timespec="seconds"),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ',\n "entry": [\n'
    yield _entry({"fullUrl": patient.url, "resource": patient.resource()})
    for entry in entries:
        yield ",\n" + _entry(entry)
    yield "\n]}\n"


def _entry(entry: dict[str, Any]) -> str:
    return "  " + json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
