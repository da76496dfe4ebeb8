"""Load and check obhut.yaml: every problem at once, in the installer's words."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hub.config.model import Config, Resident
from hub.config.problems import (
    ConfigError,
    ConfigValueError,
    Problem,
    did_you_mean,
    one_of,
)
from hub.config.services import service_problems
from hub.config.source import DataPath, Document, read_document
from rules.config import RuleConfig
from rules.registry import rule_kinds


def load_config(path: str | Path) -> Config:
    """The validated configuration, or ConfigError listing everything that is wrong."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError([Problem(f"cannot read {path}: no such file")])
    doc = read_document(path)
    problems = list(doc.problems)
    if problems and doc.data is None:
        raise ConfigError(problems)
    if not isinstance(doc.data, dict):
        problems.append(
            Problem(
                f"{path} must hold the sections of the configuration",
                doc.mark(()),
                expected="home:, rooms:, devices:, contacts:, rules: … as `key: value` lines",
            )
        )
        raise ConfigError(problems)

    data = dict(doc.data)
    if isinstance(data.get("rules"), list):
        data["rules"] = list(_validate_rules(data["rules"], doc, problems))
    config: Config | None = None
    try:
        config = Config.model_validate(data)
    except ValidationError as e:
        problems.extend(_translate(e, (), Config, doc))
    problems.extend(_cross_references(doc))
    problems.extend(service_problems(doc))  # services: and video: (hub/config/services.py)
    if problems:
        raise ConfigError(problems)
    assert config is not None
    data_dir = config.storage.data_dir
    if not data_dir.is_absolute():
        storage = config.storage.model_copy(update={"data_dir": path.parent / data_dir})
        config = config.model_copy(update={"storage": storage})
    return config


def _validate_rules(items: list[Any], doc: Document, problems: list[Problem]) -> Iterable[Any]:
    kinds = rule_kinds()
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        path: DataPath = ("rules", i)
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    "a rule must be a mapping",
                    doc.mark(path),
                    expected="`- kind: …` followed by the rule's settings",
                )
            )
            continue
        kind = item.get("kind")
        if kind is None:
            problems.append(
                Problem("this rule has no kind", doc.mark(path), expected=one_of(kinds))
            )
            continue
        if kind not in kinds:
            problems.append(
                Problem(
                    f"unknown rule kind '{kind}'",
                    doc.mark((*path, "kind")),
                    expected=one_of(kinds),
                    hint=did_you_mean(str(kind), kinds),
                )
            )
            continue
        model = kinds[kind]
        try:
            rule = model.model_validate(item)
        except ValidationError as e:
            problems.extend(_translate(e, path, model, doc))
            continue
        rid = rule.id or (kind if kind not in seen else f"{kind}_{i + 1}")
        if rid in seen:
            problems.append(
                Problem(
                    f"two rules have the id '{rid}'",
                    doc.mark((*path, "id")),
                    hint=f"the other one is rule {seen[rid] + 1}; give each rule its own id",
                )
            )
        seen[rid] = i
        yield rule.model_copy(update={"id": rid})


def _translate(
    error: ValidationError, prefix: DataPath, model: type[BaseModel], doc: Document
) -> list[Problem]:
    errors = error.errors()
    locs = [tuple(e["loc"]) for e in errors]
    # A misspelt key shows up twice, as unknown and as missing: say it once, with the hint.
    misspelt = {
        (e["loc"][:-1], hint)
        for e in errors
        if e["type"] == "extra_forbidden"
        and (hint := _close(str(e["loc"][-1]), _fields_at(model, e["loc"][:-1])))
    }
    out = []
    for err, loc in zip(errors, locs, strict=True):
        # An error inside a list or mapping also fails its container; report the inner one only.
        if any(other[: len(loc)] == loc and len(other) > len(loc) for other in locs):
            continue
        if err["type"] == "missing" and (loc[:-1], loc[-1]) in misspelt:
            continue
        full = (*prefix, *loc)
        path, on_key = _walk(doc.data, full)
        out.append(_problem(err, full, path, on_key, model, prefix, doc))
    return out


def _close(word: str, choices: list[str]) -> str | None:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return match[0] if match else None


def _walk(data: Any, loc: tuple[Any, ...]) -> tuple[DataPath, bool]:
    """The written path an error location points to; union tags pydantic adds are skipped."""
    path: list[str | int] = []
    cur = data
    on_key = False
    for part in loc:
        if part == "[key]":
            on_key = True
            break
        in_dict = isinstance(cur, dict) and part in cur
        in_list = isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        if in_dict or in_list:
            path.append(part)
            cur = cur[part]
    return tuple(path), on_key


def _problem(
    err: Any,
    loc: tuple[Any, ...],
    path: DataPath,
    on_key: bool,
    model: type[BaseModel],
    prefix: DataPath,
    doc: Document,
) -> Problem:
    kind = err["type"]
    value = err.get("input")
    where = _label(path)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(model, loc[len(prefix) : -1])
        return Problem(
            f"unknown key '{key}'" + (f" in {_label(path[:-1])}" if path[:-1] else ""),
            doc.mark(path, key=True),
            expected=one_of(allowed) if allowed else None,
            hint=did_you_mean(key, allowed or ()),
        )
    if kind == "missing":
        name = str(loc[-1])
        return Problem(
            f"missing required key '{name}'" + (f" in {where}" if path else ""),
            doc.mark(path, key=True),
        )
    mark = doc.mark(path, key=on_key)
    if kind == "value_error" and isinstance(err.get("ctx", {}).get("error"), ConfigValueError):
        e: ConfigValueError = err["ctx"]["error"]
        return Problem(e.message, mark, expected=e.expected, hint=e.hint)
    if kind in ("enum", "literal_error"):
        choices = _choices(err.get("ctx", {}).get("expected", ""))
        return Problem(
            f"'{value}' is not a valid {_leaf(loc)}",
            mark,
            expected=one_of(choices),
            hint=did_you_mean(str(value), choices),
        )
    message, expected, hint = _plain(kind, err, value)
    return Problem(f"{message}" + (f" for {_leaf(loc)}" if loc else ""), mark, expected, hint)


def _plain(kind: str, err: Any, value: Any) -> tuple[str, str | None, str | None]:
    ctx = err.get("ctx", {})
    if value is None and kind in ("dict_type", "model_type", "list_type", "tuple_type"):
        return "nothing is written", "a value", "fill it in or remove the key"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "expected a mapping", "`key: value` lines indented below", None
    if kind in ("list_type", "tuple_type"):
        return "expected a list", "one item per line, each starting with '- '", None
    if kind in ("string_type",):
        hint = "put it in quotes" if isinstance(value, (int, float)) else None
        return "expected text", None, hint
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"'{value}' is not a whole number", "a whole number", None
    if kind in ("float_type", "float_parsing"):
        return f"'{value}' is not a number", "a number", None
    if kind in ("bool_type", "bool_parsing"):
        return f"'{value}' is not true or false", "true or false", None
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "more than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }
        limit = next(iter(ctx.values()), "")
        return f"{value} is out of range", f"{words[kind]} {limit}", None
    if kind == "too_short":
        return "this list is empty", f"at least {ctx.get('min_length', 1)} item", None
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])), None, None
    return err["msg"], None, None


def _leaf(loc: tuple[Any, ...]) -> str:
    named = [p for p in loc if isinstance(p, str) and p != "[key]"]
    return named[-1] if named else "value"


def _label(path: DataPath) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")


def _choices(expected: str) -> list[str]:
    return [part.strip().strip("'") for part in expected.replace(" or ", ",").split(",") if part]


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys the model accepts at `loc`, for 'expected' and 'did you mean'."""
    current: Any = model
    for part in loc:
        current = _descend(current, part)
        if current is None:
            return []
    models = [m for m in _members(current) if isinstance(m, type) and issubclass(m, BaseModel)]
    return [f.alias or n for n, f in models[0].model_fields.items()] if models else []


def _descend(annotation: Any, part: Any) -> Any:
    members = _members(annotation)
    for member in members:  # a union tag pydantic put into the location: the member's name
        if isinstance(member, type) and issubclass(member, BaseModel) and member.__name__ == part:
            return member
    for member in members:
        if isinstance(member, type) and issubclass(member, BaseModel):
            if isinstance(part, str):
                for name, field in member.model_fields.items():
                    if part in (name, field.alias):
                        return field.annotation
            if isinstance(part, str) and issubclass(member, RuleConfig):
                return member  # a discriminator tag pydantic adds
        origin = typing.get_origin(member)
        if origin is dict:
            return typing.get_args(member)[1]
        if origin in (tuple, list):
            return typing.get_args(member)[0]
    return None


def _members(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(annotation) for m in _members(a)]
    return [annotation]


def _cross_references(doc: Document) -> list[Problem]:
    """Names that point at other sections must exist there."""
    data = doc.data
    out: list[Problem] = []

    def keys(section: str) -> set[str]:
        value = data.get(section)
        return set(value) if isinstance(value, dict) else set()

    rooms, contacts, policies = keys("rooms"), keys("contacts"), keys("escalation")

    def check(path: DataPath, name: Any, known: set[str], what: str, section: str) -> None:
        if isinstance(name, str) and name not in known:
            out.append(
                Problem(
                    f"unknown {what} '{name}'",
                    doc.mark(path),
                    expected=one_of(known)
                    if known
                    else f"{'an' if what[0] in 'aeiou' else 'a'} {what} defined under {section}:",
                    hint=did_you_mean(name, known),
                )
            )

    for ieee, device in _items(data.get("devices")):
        if isinstance(device, dict):
            check(("devices", ieee, "room"), device.get("room"), rooms, "room", "rooms")
    for pname, policy in _items(data.get("escalation")):
        tiers = policy.get("tiers") if isinstance(policy, dict) else None
        for t, tier in enumerate(tiers if isinstance(tiers, list) else []):
            people = tier.get("contacts") if isinstance(tier, dict) else None
            for c, who in enumerate(people if isinstance(people, list) else []):
                path = ("escalation", pname, "tiers", t, "contacts", c)
                check(path, who, contacts, "contact", "contacts")
    watchdog = data.get("watchdog")
    daily = watchdog.get("daily_ok_to") if isinstance(watchdog, dict) else None
    for c, who in enumerate(daily if isinstance(daily, list) else []):
        check(("watchdog", "daily_ok_to", c), who, contacts, "contact", "contacts")
    out.extend(_daily_summary(doc, check, contacts))
    rules = data.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            continue
        notify = rule.get("notify", "default")
        if isinstance(notify, str):
            what = "escalation policy or contact"
            check(("rules", i, "notify"), notify, policies | contacts, what, "escalation")
        elif isinstance(notify, list):
            for c, who in enumerate(notify):
                check(("rules", i, "notify", c), who, contacts, "contact", "contacts")
        for key in ("rooms", "room"):
            named = rule.get(key)
            for r, room in enumerate(named if isinstance(named, list) else []):
                check(("rules", i, key, r), room, rooms, "room", "rooms")
            if isinstance(named, str):
                check(("rules", i, key), named, rooms, "room", "rooms")
        if "resident" in rule:
            who = rule["resident"]
            check(("rules", i, "resident"), who, keys("residents"), "resident", "residents")
            out.extend(_resident_limits(doc, i, rule))
    return out


def _resident_limits(doc: Document, i: int, rule: dict[str, Any]) -> list[Problem]:
    """A vital_range rule's own min (or max) must fit the max (or min) it takes from her."""
    residents = doc.data.get("residents")
    given = [k for k in ("min", "max") if isinstance(rule.get(k), int | float)]
    if rule.get("kind") != "vital_range" or len(given) != 1 or not isinstance(residents, dict):
        return []
    try:
        resident = Resident.model_validate(residents.get(rule.get("resident")))
        low, high = resident.range(str(rule.get("measure")))
    except (ValidationError, KeyError):
        return []  # reported where it is written
    own = float(rule[given[0]])
    other = high if given[0] == "min" else low
    if other is None or (own < other if given[0] == "min" else own > other):
        return []
    return [
        Problem(
            f"{given[0]} ({own:g}) does not fit the {'max' if given[0] == 'min' else 'min'} "
            f"({other:g}) this rule takes from {resident.name}",
            doc.mark(("rules", i, given[0])),
            expected="min lower than max",
            hint="give both min and max in the rule, or change the resident's vitals",
        )
    ]


def _daily_summary(
    doc: Document, check: Callable[[DataPath, Any, set[str], str, str], None], known: set[str]
) -> list[Problem]:
    """Its contacts must exist, and its channel must be set up and reach each of them."""
    section = doc.data.get("daily_summary")
    if not isinstance(section, dict):
        return []
    to = section.get("to")
    people = to if isinstance(to, list) else []
    for c, who in enumerate(people):
        check(("daily_summary", "to", c), who, known, "contact", "contacts")
    channel = section.get("channel")
    if channel not in ("sms", "email"):
        return []  # unset, or reported by the model
    word = "SMS" if channel == "sms" else "e-mail"
    if not isinstance(doc.data.get(channel), dict):
        return [
            Problem(
                f"the daily summary goes by {word}, but {word} is not set up",
                doc.mark(("daily_summary", "channel")),
                expected=f"an `{channel}:` section, or another channel",
                hint="leave channel out to use what each contact has",
            )
        ]
    field = "phone" if channel == "sms" else "email"
    contacts = doc.data.get("contacts")
    out = []
    for c, who in enumerate(people):
        contact = contacts.get(who) if isinstance(contacts, dict) and who in known else None
        if isinstance(contact, dict) and not contact.get(field):
            out.append(
                Problem(
                    f"{contact.get('name', who)} has no {field} for the daily summary by {word}",
                    doc.mark(("daily_summary", "to", c)),
                    expected=f"`{field}:` under contacts.{who}",
                    hint="leave channel out to use what each contact has",
                )
            )
    return out


def _items(section: Any) -> list[tuple[str, Any]]:
    return list(section.items()) if isinstance(section, dict) else []
