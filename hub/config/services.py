"""The `services:` and `video:` sections: what the tablet offers to ask for, and video calls.

```yaml
services:
  essen:
    kind: meal
    name: Essen auf Rädern
    provider: {name: Menüdienst Schmidt, phone: "+49203555123"}
    menu: ["Menü 1: Gulasch", "Menü 2: Gemüseauflauf"]
  begleitung: {kind: escort, contact: tochter, destinations: [arzt, friseur, apotheke]}
video:
  remind_before: 15m
  calls:
    hausarzt: {name: Dr. Weber, kind: doctor, url: "https://meet.jit.si/praxis-weber"}
```

Providers written here (a name with a phone or e-mail) become contacts of their own,
`provider_<service>`, so the outbox, SMS replies and the installer's test messages reach
them like anyone else (see `Config`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from hub.config.problems import ConfigValueError, Problem, did_you_mean, one_of
from hub.config.units import Duration, Phone, Slug, TimeOfDay
from hub.services import destinations

DEFAULT_TIMES = (time(9, 0), time(11, 0), time(14, 0))
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
MAX_CHOICES = 8  # what fits on one tablet screen as big buttons


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _email(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ConfigValueError(f"'{value}' is not an e-mail address", expected="name@example.org")
    return value


def web_address(value: Any) -> str:
    """An https URL (http only on this machine, which browsers treat as secure: for tests)."""
    if not isinstance(value, str):
        raise ConfigValueError("expected a web address", expected='"https://…" in quotes')
    parts = urlsplit(value.strip())
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)
    if not secure or not parts.hostname:
        raise ConfigValueError(
            f"'{value}' is not an https address",
            expected='a full address starting with https://, e.g. "https://meet.jit.si/…"',
            hint=None if secure else "camera and microphone work only on https pages",
        )
    if parts.username or parts.password:
        raise ConfigValueError(
            "a web address here must not contain a user name or password",
            expected='"https://host/path"',
        )
    return value.strip()


def origin(url: str) -> str:
    """`https://meet.jit.si/room` → `https://meet.jit.si`: what a page may frame."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _place(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigValueError("expected a place", expected=one_of(destinations.KNOWN))
    text = value.strip()
    if destinations.looks_like_id(text) and text not in destinations.KNOWN:
        raise ConfigValueError(
            f"unknown place '{text}'",
            expected=one_of(destinations.KNOWN, limit=12)
            + ", or a name of its own with a capital letter (e.g. Augenarzt Dr. Kim)",
            hint=did_you_mean(text, destinations.KNOWN),
        )
    return text


def _local_time(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            pass
    raise ConfigValueError(
        f"'{value}' is not a date and time",
        expected='"YYYY-MM-DD HH:MM" in quotes, in the home\'s time zone, e.g. "2026-12-02 10:00"',
    )


class ServiceKind(StrEnum):
    MEAL = "meal"
    ESCORT = "escort"
    SHOPPING = "shopping"
    CALL = "call"


class Provider(_Strict):
    """Who answers a request: a contact, or a name with a phone number or e-mail address."""

    contact: Slug | None = None
    name: str | None = None
    phone: Phone | None = None
    email: Annotated[str, BeforeValidator(_email)] | None = None
    language: Literal["de", "en"] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Provider:
        if self.contact is not None:
            if any(v is not None for v in (self.name, self.phone, self.email, self.language)):
                raise ConfigValueError(
                    "a provider is either a contact or a name with a phone or e-mail, not both",
                    expected="`contact: tochter`, or `name:` with `phone:` and/or `email:`",
                )
        elif not self.name:
            raise ConfigValueError(
                "this provider has no name", expected="`contact: <id>`, or `name:` and `phone:`"
            )
        elif self.phone is None and self.email is None:
            raise ConfigValueError(
                f"{self.name} cannot be reached", expected="a phone, an email, or both"
            )
        return self


Place = Annotated[str, BeforeValidator(_place)]


class Service(_Strict):
    kind: ServiceKind
    name: str | None = None  # on the tile; a default by kind
    provider: Provider | None = None
    contact: Slug | None = None  # short for `provider: {contact: …}`
    menu: tuple[str, ...] | None = Field(default=None, min_length=1, max_length=MAX_CHOICES)
    order_text: str | None = None
    destinations: tuple[Place, ...] | None = Field(
        default=None, min_length=1, max_length=MAX_CHOICES
    )
    days_ahead: int | None = Field(default=None, ge=0, le=14)
    times: tuple[TimeOfDay, ...] | None = Field(default=None, min_length=1, max_length=MAX_CHOICES)
    sign_as: str | None = None  # how the message names the resident, e.g. "Mama"

    @model_validator(mode="after")
    def _fits_kind(self) -> Service:
        if (self.provider is None) == (self.contact is None):
            raise ConfigValueError(
                "say who receives this service's requests, once",
                expected="`contact: <id>` or `provider: {name: …, phone: …}`",
            )
        own = {
            ServiceKind.MEAL: {"menu", "order_text"},
            ServiceKind.ESCORT: {"destinations", "days_ahead", "times"},
            ServiceKind.SHOPPING: {"order_text"},
            ServiceKind.CALL: set(),
        }[self.kind]
        for key in ("menu", "order_text", "destinations", "days_ahead", "times"):
            if getattr(self, key) is not None and key not in own:
                raise ConfigValueError(
                    f"'{key}' does not belong to a {self.kind.value} service",
                    expected=f"for {self.kind.value}: " + (", ".join(sorted(own)) or "no choices"),
                )
        if self.kind is ServiceKind.MEAL and not self.menu and not self.order_text:
            raise ConfigValueError(
                "a meal service needs a menu or an order text",
                expected='`menu: ["Menü 1: …", "Menü 2: …"]` or `order_text: "Ein Mittagessen"`',
            )
        if self.kind is ServiceKind.ESCORT and not self.destinations:
            raise ConfigValueError(
                "an escort service needs its destinations",
                expected="e.g. `destinations: [arzt, friseur, apotheke]`",
            )
        return self

    @property
    def provider_contact(self) -> str | None:
        """The configured contact who answers, if the provider is one."""
        return self.contact or (self.provider.contact if self.provider else None)

    @property
    def slots(self) -> tuple[time, ...]:
        return tuple(sorted(set(self.times or DEFAULT_TIMES)))

    @property
    def days(self) -> int:
        return 7 if self.days_ahead is None else self.days_ahead


class Appointment(_Strict):
    at: Annotated[datetime, BeforeValidator(_local_time)]  # wall time in the home's time zone


class VideoCall(_Strict):
    name: str
    url: Annotated[str, BeforeValidator(web_address)]
    kind: Literal["doctor", "family"] = "family"
    appointments: tuple[Appointment, ...] = ()


class Video(_Strict):
    remind_before: Duration = timedelta(minutes=15)
    calls: dict[Slug, VideoCall] = {}

    def origins(self) -> list[str]:
        """Each call's origin, once, in order: the only pages the tablet may frame."""
        return list(dict.fromkeys(origin(call.url) for call in self.calls.values()))


def provider_id(service_id: str) -> str:
    """The contact id of a provider written inline under a service."""
    return f"provider_{service_id}"


def service_problems(doc: Any) -> list[Problem]:
    """What only the whole file can tell: unknown contacts, providers no channel reaches."""
    data = doc.data
    contacts = data.get("contacts") if isinstance(data.get("contacts"), dict) else {}
    out: list[Problem] = []
    channels = {name for name in ("sms", "email") if isinstance(data.get(name), dict)}
    web = data.get("web") if isinstance(data.get("web"), dict) else {}
    for path, who in _provider_refs(data.get("services")):
        if who is None:
            continue
        if isinstance(who, str):
            if who not in contacts:
                out.append(
                    Problem(
                        f"unknown contact '{who}'",
                        doc.mark(path),
                        expected=one_of(contacts) if contacts else "a contact under contacts:",
                        hint=did_you_mean(who, contacts),
                    )
                )
                continue
            who = contacts[who]
        if not isinstance(who, dict):
            continue
        ways = {ch for ch, key in (("sms", "phone"), ("email", "email")) if who.get(key)}
        if ways and not ways & channels:
            wanted = " or ".join(f"an {c}: section" for c in sorted(ways))
            out.append(
                Problem(
                    "no configured channel reaches this provider",
                    doc.mark(path),
                    expected=wanted,
                    hint="requests would wait forever: add the channel, or another way to them",
                )
            )
        elif ways & channels == {"email"} and not web.get("public_url"):
            out.append(
                Problem(
                    "this provider is reached by e-mail only, and replies to e-mails are not read",
                    doc.mark(path),
                    expected="web: {public_url: https://…} so the e-mail carries a link to answer",
                    hint="or give the provider a phone number to answer JA/NEIN by SMS",
                )
            )
    return out


def _provider_refs(services: Any) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path, contact id or inline provider) for each service in the raw file."""
    for sid, service in services.items() if isinstance(services, dict) else ():
        if not isinstance(service, dict):
            continue
        if "contact" in service:
            yield ("services", sid, "contact"), service["contact"]
        provider = service.get("provider")
        if isinstance(provider, dict):
            if "contact" in provider:
                yield ("services", sid, "provider", "contact"), provider["contact"]
            else:
                yield ("services", sid, "provider"), provider
