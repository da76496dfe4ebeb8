"""The export files of one home: which data is whose, and the CSV and FHIR texts built from it.

A flat's sensors (`motion.bad`, `heart_rate.schlafzimmer`) are about the people who live
there; with one resident they are hers. A value entered for a resident is named after her
(`bp_systolic.erna`). With several residents, a resident's FHIR bundle holds only what is
named after her, since a bedroom sensor cannot tell who lay in the bed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hub.config.model import Config
from hub.entities import EntityRegistry
from hub.export import csvfile
from hub.export.fhir import Patient, Vitals, bundle
from hub.export.measures import MEASURES, capability_of, owner
from hub.export.period import Period
from hub.export.records import Records
from hub.model import Observation
from hub.vitals.resting import bounds

DAY = timedelta(days=1)


class NoSuchResident(ValueError):
    """--resident names nobody, or the home has several and none was named."""


def pick_resident(config: Config, wanted: str | None) -> str | None:
    """The resident meant: the one named, else the only one (None: none is configured)."""
    ids = list(config.residents)
    if wanted:
        if wanted not in config.residents:
            known = ", ".join(ids) or "none"
            raise NoSuchResident(f"there is no resident '{wanted}' (residents: {known})")
        return wanted
    if len(ids) > 1:
        raise NoSuchResident(f"this home has several residents ({', '.join(ids)}); name one")
    return ids[0] if ids else None


@dataclass
class Documents:
    """What can be exported about `resident` (None: the flat, nobody configured)."""

    config: Config
    resident: str | None
    registry: EntityRegistry = field(init=False)
    vitals: Vitals | None = field(default=None, init=False)  # counts of the last FHIR bundle

    def __post_init__(self) -> None:
        self.registry = EntityRegistry.from_config(self.config)

    def mine(self, entity: str) -> bool:
        """Not another resident's own reading."""
        return owner(entity, self.config.residents) in (None, self.resident)

    def room_of(self, entity: str) -> str:
        known = self.registry.get(entity)
        room_id = known.room if known is not None and known.room else entity.partition(".")[2]
        room = self.config.rooms.get(room_id)
        return room.name if room is not None else ""

    def who(self, by: str) -> str:
        """A contact's name, or the account behind `web:carer:carla`."""
        contact = self.config.contacts.get(by)
        if contact is not None:
            return contact.name
        return by.rsplit(":", 1)[-1] if by.startswith("web:") else by

    # The files

    def observations_csv(self, observations: Iterable[Observation]) -> Iterator[str]:
        return csvfile.observation_lines(observations, self.config.home.tz, self.room_of)

    def alerts_csv(self, records: Records, period: Period) -> Iterator[str]:
        alerts = records.alerts(period.start, period.end)
        return csvfile.alert_lines(alerts, self.config.home.tz, self.who)

    def patient(self) -> Patient:
        home = self.config.home
        person = self.config.residents.get(self.resident) if self.resident else None
        language = (person.language if person and person.language else home.language).value
        return Patient(
            key=f"{home.name}/{self.resident or ''}",
            name=person.name if person else None,
            birth_year=person.birth_year if person else None,
            language=language,
        )

    def fhir(self, records: Records, period: Period, now: datetime) -> Iterator[str]:
        """The vital signs of `period` as a FHIR R4 Bundle, in pieces of JSON text."""
        patient = self.patient()
        self.vitals = Vitals(
            patient,
            self.config.home.tz,
            self.config.home.language.value,
            {rid: room.name for rid, room in self.config.rooms.items()},
            streams=len(self.config.residents) <= 1,
            # each day's night is the one that ends that morning: it began the evening before
            nights=(period.first - DAY, period.last - DAY),
            since=period.start,
        )
        evening = bounds(period.first - DAY, self.config.home.tz)[0]
        wanted: dict[str, bool] = {}  # by entity: decided once

        def vital(entity: str) -> bool:
            if entity not in wanted:
                wanted[entity] = capability_of(entity) in MEASURES and self.mine(entity)
            return wanted[entity]

        chosen = (o for o in records.observations(evening, period.end) if vital(o.entity))
        return bundle(patient, self.vitals.resources(chosen), now, self.config.home.tz)
