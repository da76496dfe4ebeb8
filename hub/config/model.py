"""obhut.yaml as data: one pydantic model per section, strict about unknown keys."""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hub.config.problems import ConfigValueError, did_you_mean
from hub.config.services import Service, Video, provider_id, web_address
from hub.config.units import Bool, Duration, Phone, SecretRef, Slug, TimeOfDay
from hub.vitals.measures import VITALS, Measurement
from rules.config import RuleConfig


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Language(StrEnum):
    DE = "de"
    EN = "en"


def _timezone(value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigValueError("expected a time zone name", expected="e.g. Europe/Berlin")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigValueError(
            f"unknown time zone '{value}'",
            expected="an IANA time zone such as Europe/Berlin or Europe/Vienna",
            hint=did_you_mean(value, available_timezones()),
        ) from None
    return value


class Home(Strict):
    name: str
    timezone: Annotated[str, BeforeValidator(_timezone)] = "Europe/Berlin"
    language: Language = Language.DE

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class VitalRange(Strict):
    """A normal range: a reading below `min` or above `max` is worth a second look."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> VitalRange:
        if self.min is None and self.max is None:
            raise ConfigValueError(
                "a range needs min:, max:, or both", expected="e.g. {min: 50, max: 100}"
            )
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ConfigValueError(
                f"min ({self.min:g}) must be lower than max ({self.max:g})",
                expected="e.g. {min: 50, max: 100}",
            )
        return self


class Vitals(Strict):
    """A resident's normal ranges, per vital sign; one not given keeps its default."""

    heart_rate: VitalRange | None = None
    respiratory_rate: VitalRange | None = None
    bp_systolic: VitalRange | None = None
    bp_diastolic: VitalRange | None = None
    body_weight: VitalRange | None = None
    spo2: VitalRange | None = None
    body_temperature: VitalRange | None = None
    blood_glucose: VitalRange | None = None

    @field_validator("*")
    @classmethod
    def _possible(cls, value: VitalRange | None, info: ValidationInfo) -> VitalRange | None:
        if value is None or info.field_name is None:
            return value
        vital = VITALS[info.field_name]
        low, high = vital.possible
        unit = vital.unit
        for bound in (value.min, value.max):
            if bound is not None and not low <= bound <= high:
                raise ConfigValueError(
                    f"{bound:g} {unit} is impossible for {info.field_name}",
                    expected=f"min and max between {low:g} and {high:g} {unit}",
                )
        lo, hi = _merged(value, vital.normal)
        if lo is not None and hi is not None and lo >= hi:
            given, other = ("min", "max") if value.min is not None else ("max", "min")
            raise ConfigValueError(
                f"{given} ({lo if given == 'min' else hi:g}) is not inside the default "
                f"range {lo if given == 'max' else vital.normal[0]:g}–"
                f"{hi if given == 'min' else vital.normal[1]:g} {unit}",
                expected=f"{other}: as well, so that min is lower than max",
            )
        return value

    def range(self, capability: str) -> tuple[float | None, float | None]:
        """(min, max) for `capability`: the resident's own where given, else the default."""
        given: VitalRange | None = getattr(self, capability)
        normal = VITALS[capability].normal
        return normal if given is None else _merged(given, normal)


def _merged(
    given: VitalRange, normal: tuple[float | None, float | None]
) -> tuple[float | None, float | None]:
    return (
        given.min if given.min is not None else normal[0],
        given.max if given.max is not None else normal[1],
    )


class Resident(Strict):
    name: str
    language: Language | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    # How service providers know her ("Frau Berger", "Musterstr. 1"); else by `name`.
    formal_name: str | None = None
    address: str | None = None
    vitals: Vitals = Vitals()
    # What the resident measures herself and enters on the tablet; none: no tile.
    measures: tuple[Measurement, ...] = ()

    def range(self, capability: str) -> tuple[float | None, float | None]:
        """Her normal range of `capability` (`heart_rate`, `bp_systolic`, …)."""
        return self.vitals.range(capability)


class RoomKind(StrEnum):
    BEDROOM = "bedroom"
    BATHROOM = "bathroom"
    TOILET = "toilet"
    KITCHEN = "kitchen"
    LIVING_ROOM = "living_room"
    HALL = "hall"
    ENTRANCE = "entrance"
    BALCONY = "balcony"
    OTHER = "other"


class Room(Strict):
    name: str
    kind: RoomKind = RoomKind.OTHER


class DeviceRole(StrEnum):
    """What a device is for in this flat: decides which entities rules listen to."""

    MOTION = "motion"
    PRESENCE = "presence"
    DOOR = "door"
    FRONT_DOOR = "front_door"
    WINDOW = "window"
    FRIDGE_DOOR = "fridge_door"
    BED = "bed"
    CHAIR = "chair"
    LIGHT = "light"
    PLUG = "plug"
    THERMOSTAT = "thermostat"
    CLIMATE_SENSOR = "climate_sensor"
    SOS_BUTTON = "sos_button"
    CHECK_IN_BUTTON = "check_in_button"
    VISIT_BUTTON = "visit_button"  # by the door: a carer presses it coming in and going out
    SMOKE = "smoke"
    WATER_LEAK = "water_leak"
    VITAL_SIGNS = "vital_signs"
    FALL = "fall"
    OTHER = "other"


_IEEE = re.compile(r"^(?:[0-9a-f]{2}:){7}[0-9a-f]{2}$")


def _ieee(value: Any) -> str:
    text = str(value).strip().lower()
    if text.startswith("0x") and len(text) == 18:
        text = ":".join(text[i : i + 2] for i in range(2, 18, 2))
    if not _IEEE.match(text):
        raise ConfigValueError(
            f"'{value}' is not a Zigbee IEEE address",
            expected='eight hex bytes with colons, in quotes: "00:15:8d:00:01:23:45:67"',
        )
    return text


Ieee = Annotated[str, BeforeValidator(_ieee)]


class Device(Strict):
    name: str
    room: Slug
    role: DeviceRole


class ContactRole(StrEnum):
    FAMILY = "family"
    CARER = "carer"
    DOCTOR = "doctor"
    INSTALLER = "installer"
    SERVICE = "service"  # a provider of services the tablet asks for (meals, escorts)


class QuietHours(Strict):
    start: TimeOfDay
    end: TimeOfDay


def _email(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ConfigValueError(f"'{value}' is not an e-mail address", expected="name@example.org")
    return value


class Contact(Strict):
    name: str
    role: ContactRole
    phone: Phone | None = None
    email: Annotated[str, BeforeValidator(_email)] | None = None
    language: Language | None = None
    quiet_hours: QuietHours | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if self.phone is None and self.email is None:
            raise ConfigValueError(
                f"{self.name} cannot be reached", expected="a phone, an email, or both"
            )
        return self


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    CONSOLE = "console"


class Tier(Strict):
    contacts: tuple[Slug, ...] = Field(min_length=1)
    channels: tuple[Channel, ...] = (Channel.SMS,)
    wait: Duration = timedelta(minutes=10)


class EscalationPolicy(Strict):
    tiers: tuple[Tier, ...] = Field(min_length=1)
    repeat_last: int = Field(default=2, ge=0, le=20)
    repeat_every: Duration = timedelta(minutes=10)


class RadioType(StrEnum):
    EZSP = "ezsp"
    ZNP = "znp"
    DECONZ = "deconz"
    ZIGATE = "zigate"
    XBEE = "xbee"
    SIMULATED = "simulated"


class Radio(Strict):
    type: RadioType
    path: str | None = None
    baudrate: int | None = Field(default=None, gt=0)
    flow_control: Literal["hardware", "software"] | None = None


class Zigbee(Strict):
    radio: Radio
    channel: int | None = Field(default=None, ge=11, le=26)


class Sms(Strict):
    provider: Literal["twilio"] = "twilio"
    account_sid: str
    auth_token: SecretRef
    sender: Phone
    # Replies ("OK 42") are fetched from Twilio this often: a hub behind a home router has no
    # public address for Twilio's webhook.
    poll_every: Duration = timedelta(seconds=30)
    # If the hub can be reached from the internet: the URL configured at Twilio for incoming
    # messages, ending in /twilio/sms. Replies then arrive at once (polling continues).
    webhook_url: str | None = None
    # Only for tests and the demo: a local stand-in that answers like Twilio's API.
    api_url: str | None = None


class Email(Strict):
    host: str
    port: int = Field(default=587, gt=0, lt=65536)
    username: str | None = None
    password: SecretRef | None = None
    sender: Annotated[str, BeforeValidator(_email)]
    starttls: Bool = True


class Web(Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, gt=0, lt=65536)
    # Announce the hub as obhut.local on the home network (mDNS), for the tablet and laptops.
    mdns: Bool = False
    # Where the hub is reached from the internet (a reverse proxy): service requests then
    # carry a link the provider can answer with. Without it they answer by SMS only.
    public_url: Annotated[str, BeforeValidator(web_address)] | None = None


class Watchdog(Strict):
    """How the hub's own silence gets noticed."""

    # A dead man's switch: this URL is called every `ping_every`; the service that watches
    # it (e.g. healthchecks.io, Uptime Kuma) tells the installer when the calls stop.
    ping_url: str | None = None
    ping_every: Duration = timedelta(minutes=5)
    # A daily "Obhut läuft" to these contacts at this time.
    daily_ok_at: TimeOfDay | None = None
    daily_ok_to: tuple[Slug, ...] = ()


class DailySummary(Strict):
    """A calm word about the resident's day to the family, every day at `at`.

    Before noon it tells the night just ended and yesterday; from noon on, today.
    """

    at: TimeOfDay
    to: tuple[Slug, ...] = Field(min_length=1)
    # Default: SMS to those with a phone when SMS is set up, else e-mail.
    channel: Literal["sms", "email"] | None = None


class Retention(Strict):
    observations: Duration = timedelta(days=90)
    # Resolved alerts (with their messages) and audit entries older than this are deleted
    # by the nightly clean-up; an alert that is not over is kept however old it is.
    alerts: Duration = timedelta(days=730)
    audit: Duration = timedelta(days=730)


class Storage(Strict):
    data_dir: Path = Path("data")  # relative to the configuration file
    retention: Retention = Retention()
    # Observations are committed at most this often: each commit costs an SD card about
    # 6.5 KB whatever it holds. Deadlines and the audit log ride along with them.
    commit_interval: Duration = timedelta(seconds=10)


class Config(Strict):
    home: Home
    residents: dict[Slug, Resident] = {}
    rooms: dict[Slug, Room] = {}
    devices: dict[Ieee, Device] = {}
    contacts: dict[Slug, Contact] = {}
    escalation: dict[Slug, EscalationPolicy] = {}
    rules: tuple[RuleConfig, ...] = ()
    zigbee: Zigbee | None = None
    sms: Sms | None = None
    email: Email | None = None
    web: Web = Web()
    storage: Storage = Storage()
    watchdog: Watchdog = Watchdog()
    daily_summary: DailySummary | None = None
    services: dict[Slug, Service] = {}
    video: Video = Video()

    @model_validator(mode="after")
    def _providers_are_contacts(self) -> Config:
        """Providers written under a service become contacts (role service) for the outbox."""
        added: dict[str, Contact] = {}
        for sid, service in self.services.items():
            p = service.provider
            if p is None or p.contact is not None:
                continue
            cid = provider_id(sid)
            if cid in self.contacts:
                raise ConfigValueError(
                    f"the contact '{cid}' has the id of service {sid}'s provider",
                    hint=f"rename the contact, or write `contact: {cid}` under the service",
                )
            language = Language(p.language) if p.language else None
            added[cid] = Contact(
                name=p.name or sid,
                role=ContactRole.SERVICE,
                phone=p.phone,
                email=p.email,
                language=language,
            )
        if not added:
            return self
        return self.model_copy(update={"contacts": {**self.contacts, **added}})

    @model_validator(mode="after")
    def _resident_ranges(self) -> Config:
        """Rules about residents' vital signs take the limits they lack from residents:."""
        resolved = tuple(_with_residents(rule, self.residents) for rule in self.rules)
        if all(a is b for a, b in zip(resolved, self.rules, strict=True)):
            return self
        return self.model_copy(update={"rules": resolved})

    def summary(self) -> str:
        return (
            f"{len(self.rooms)} rooms, {len(self.devices)} devices, "
            f"{len(self.rules)} rules, {len(self.contacts)} contacts"
        )


def _with_residents(rule: RuleConfig, residents: dict[str, Resident]) -> RuleConfig:
    # Kinds that can (vital_range, vital_entry) have `with_residents`; an unknown resident
    # is reported by the loader with its position.
    resolve = getattr(rule, "with_residents", None)
    if resolve is None:
        return rule
    resolved: RuleConfig = resolve(residents)
    return resolved
