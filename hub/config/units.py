"""The installer's units: durations like `2h30m`, times of day like `"07:30"`, E.164 phones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, PlainValidator

from hub.config.problems import ConfigValueError

_DURATION = re.compile(r"^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m(?!s))?\s*(?:(\d+)s)?$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def parse_duration(value: Any) -> timedelta:
    """`45m`, `2h30m`, `90s`, `1d` → timedelta; a bare number is refused, its unit is unclear."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ConfigValueError("expected a duration", expected="a duration such as 45m or 2h30m")
    if isinstance(value, (int, float)):
        raise ConfigValueError(
            f"a duration needs a unit: {value} what?",
            expected="a duration such as 45m, 2h30m or 90s",
            hint=f"write {value}m for minutes or {value}s for seconds",
        )
    text = value.strip().lower()
    m = _DURATION.match(text)
    if not text or not m or not any(m.groups()):
        raise ConfigValueError(
            f"'{value}' is not a duration",
            expected="a number with a unit d, h, m or s, e.g. 45m, 2h30m, 90s",
            hint=_duration_hint(text),
        )
    days, hours, minutes, seconds = (int(g) if g else 0 for g in m.groups())
    result = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    if result <= timedelta(0):
        raise ConfigValueError("a duration must be longer than zero", expected="e.g. 45m")
    return result


_UNIT_WORDS = {
    "min": "m", "mins": "m", "minute": "m", "minutes": "m", "minuten": "m",
    "std": "h", "stunde": "h", "stunden": "h", "hour": "h", "hours": "h", "hr": "h", "hrs": "h",
    "sec": "s", "sek": "s", "second": "s", "seconds": "s", "sekunde": "s", "sekunden": "s",
    "day": "d", "days": "d", "tag": "d", "tage": "d",
}  # fmt: skip


def _duration_hint(text: str) -> str | None:
    m = re.fullmatch(r"(\d+)\s*([a-z]+)", text)
    if m and m.group(2) in _UNIT_WORDS:
        return f"write {m.group(1)}{_UNIT_WORDS[m.group(2)]}"
    if re.fullmatch(r"\d+:\d\d", text):
        h, mins = text.split(":")
        return f"write {int(h)}h{int(mins)}m for a duration; a clock time belongs in a time field"
    return None


def format_duration(value: timedelta) -> str:
    total = int(value.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if total >= size:
            parts.append(f"{total // size}{unit}")
            total %= size
    return "".join(parts) or "0s"


def parse_time(value: Any) -> time:
    """`"07:30"` → time(7, 30); numbers get the YAML hint to quote the time."""
    if isinstance(value, time):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        hint = 'write times in quotes, e.g. "07:30"'
        if isinstance(value, float):
            hours, _, minutes = f"{value:.2f}".partition(".")
            hint = f'write "{int(hours):02d}:{minutes}" in quotes'
        elif isinstance(value, int) and value >= 60 and value < 24 * 60:
            # YAML 1.1 reads 7:30 unquoted as 450 (base 60): show what was meant.
            hint = f'write "{value // 60:02d}:{value % 60:02d}" in quotes'
        raise ConfigValueError(f"{value} is not a time of day", expected='"HH:MM"', hint=hint)
    if not isinstance(value, str):
        raise ConfigValueError("expected a time of day", expected='"HH:MM", e.g. "07:30"')
    m = _TIME.match(value.strip())
    if not m:
        raise ConfigValueError(
            f"'{value}' is not a time of day", expected='"HH:MM" from "00:00" to "23:59"'
        )
    return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def parse_phone(value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigValueError(
            "a phone number must be written in quotes",
            expected='international form, e.g. "+4917612345678"',
            hint="put the number in quotes so YAML keeps the leading +",
        )
    compact = re.sub(r"[\s/()-]", "", value)
    if _E164.match(compact):
        return compact
    hint = None
    if compact.startswith("00"):
        hint = f'write "+{compact[2:]}"'
    elif compact.startswith("0"):
        hint = f'write it with the country code, e.g. "+49{compact[1:]}" for Germany'
    raise ConfigValueError(
        f"'{value}' is not a phone number in international form",
        expected='E.164: +, country code, number, e.g. "+4917612345678"',
        hint=hint,
    )


Duration = Annotated[
    timedelta, BeforeValidator(parse_duration), PlainSerializer(format_duration, return_type=str)
]
TimeOfDay = Annotated[
    time,
    BeforeValidator(parse_time),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
]
Phone = Annotated[str, BeforeValidator(parse_phone)]


@dataclass(frozen=True, slots=True)
class Secret:
    """A value that came from secrets.yaml: printed as its name, never as its value."""

    name: str
    value: str

    def __repr__(self) -> str:
        return f"Secret({self.name!r})"

    def __str__(self) -> str:
        return f"!secret {self.name}"


def _require_secret(value: Any) -> Secret:
    if isinstance(value, Secret):
        return value
    raise ConfigValueError(
        "a password or token must not be written into obhut.yaml",
        expected="!secret NAME, with NAME: value in secrets.yaml beside obhut.yaml",
        hint="write e.g. `auth_token: !secret twilio_auth_token`, the value into secrets.yaml",
    )


SecretRef = Annotated[
    Secret, PlainValidator(_require_secret), PlainSerializer(str, return_type=str)
]


_SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_slug(value: Any) -> str:
    if not isinstance(value, str) or not _SLUG_RE.match(value):
        from hub.model import slugify

        suggestion = slugify(str(value)) if value is not None else ""
        raise ConfigValueError(
            f"'{value}' cannot be used as an id",
            expected="lower-case letters, digits and _, starting with a letter",
            hint=f"write '{suggestion}'" if suggestion and _SLUG_RE.match(suggestion) else None,
        )
    return value


Slug = Annotated[str, BeforeValidator(parse_slug)]


def _strict_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"yes", "no", "on", "off", "y", "n"}:
        raise ConfigValueError(
            f"'{value}' is not true or false here",
            expected="true or false",
            hint="YAML 1.1 read on/off/yes/no as booleans; obhut.yaml is YAML 1.2: "
            "write true or false",
        )
    raise ConfigValueError(f"'{value}' is not true or false", expected="true or false")


Bool = Annotated[bool, BeforeValidator(_strict_bool)]
