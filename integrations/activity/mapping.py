"""The mapping file: which Obhut entity each sensor of a recorded home stands for.

    timezone: Europe/Madrid        # the log's wall times are local times there
    source: ordonez-a              # the events' source column
    sensors:
      Bed/Pressure: bed_occupancy.schlafzimmer
      Microwave/Electric: {entity: power.kueche, on: 900, off: 0}
      Cabinet/Magnetic: null       # known, deliberately left out

A sensor is `Location/Type`. Its interval becomes `on` at the start and `off` at the end,
or the given values (a number for a power reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from hub.model import EntityId, Value, parse_value


@dataclass(frozen=True, slots=True)
class Target:
    entity: str
    on: Value
    off: Value


@dataclass(frozen=True)
class Mapping:
    tz: ZoneInfo
    source: str
    sensors: dict[str, Target | None]  # None: ignored on purpose


class MappingError(Exception):
    """Problems of a mapping file, each with its line."""


def load_mapping(path: Path) -> Mapping:
    try:
        data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise MappingError(f"{path}: error: cannot read: {e.strerror}") from None
    except YAMLError as e:
        raise MappingError(f"{path}: error: not YAML: {e}") from None
    problems: list[str] = []

    def problem(line: int, message: str) -> None:
        problems.append(f"{path}:{line}: error: {message}")

    if not isinstance(data, dict):
        raise MappingError(f"{path}:1: error: expected keys timezone, source and sensors")
    for key in data:
        if key not in ("timezone", "source", "sensors"):
            problem(_line(data, key), f"unknown key '{key}'; expected timezone, source, sensors")
    tz = ZoneInfo("UTC")
    if "timezone" not in data:
        problem(1, "the log's time zone is missing: add e.g. `timezone: Europe/Madrid`")
    else:
        try:
            tz = ZoneInfo(str(data["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            problem(_line(data, "timezone"), f"unknown time zone '{data['timezone']}'")
    source = str(data.get("source") or "activity")
    sensors: dict[str, Target | None] = {}
    table = data.get("sensors")
    if not isinstance(table, dict) or not table:
        problem(_line(data, "sensors"), "expected `sensors:` with lines `Location/Type: entity`")
        table = {}
    for name, spec in table.items():
        line = _line(table, name)
        if str(name).count("/") != 1:
            problem(line, f"'{name}' is not Location/Type, e.g. Bed/Pressure")
            continue
        try:
            sensors[str(name)] = _target(spec)
        except ValueError as e:
            problem(line, f"{name}: {e}")
    if problems:
        raise MappingError("\n".join(problems))
    return Mapping(tz, source, sensors)


def _target(spec: Any) -> Target | None:
    if spec is None:
        return None
    if isinstance(spec, str):
        spec = {"entity": spec}
    if not isinstance(spec, dict) or "entity" not in spec:
        raise ValueError("expected an entity id, or {entity: …, on: …, off: …}")
    unknown = set(spec) - {"entity", "on", "off"}
    if unknown:
        raise ValueError(f"unknown key '{sorted(unknown)[0]}'; expected entity, on, off")
    entity = EntityId.parse(str(spec["entity"]))
    on = parse_value(entity.capability, _text(spec.get("on", "on")))
    off = parse_value(entity.capability, _text(spec.get("off", "off")))
    return Target(str(entity), on, off)


def _text(value: Any) -> str:
    # YAML 1.2 reads on/off as strings and true/false as booleans; both mean the same here.
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _line(node: Any, key: Any) -> int:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return 1
