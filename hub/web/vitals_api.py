"""Entering a measured value: POST /api/vitals/entries (the tablet, scripts) and the carer's
form both go through `record`, which refuses the impossible, asks about a value outside the
resident's range until it is confirmed, then stores it as observations and audits it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import web

from hub.vitals import entries
from hub.vitals.entries import Checked, Outside, Problem
from hub.vitals.measures import PARTS, VITALS, Measurement, shown
from hub.web.auth import require
from hub.web.openapi import document, operation
from rules.explain import number

if TYPE_CHECKING:
    from hub.app import Hub
    from hub.config.model import Resident

ROLES = ("resident", "carer", "installer")
NOTE_MAX = 500
Say = Callable[[str], str]


@dataclass
class Outcome:
    status: Literal["saved", "check", "refused"]
    measurement: Measurement
    resident: str
    checked: Checked
    problems: list[Problem] = field(default_factory=list)
    ts: datetime | None = None


def record(
    hub: Hub,
    actor: str,
    resident: str,
    measurement: Measurement,
    typed: Mapping[str, object],
    *,
    time: object = None,
    note: str = "",
    confirmed: bool = False,
) -> Outcome:
    """Check an entry and, if it is possible and (outside her range) confirmed, keep it."""
    checked = entries.check(measurement, typed, hub.config.residents[resident])
    keep = hub.config.storage.retention.observations
    moment = entries.when(time, hub.clock.now(), hub.config.home.tz, keep)
    problems = list(checked.problems)
    if isinstance(moment, Problem):
        problems.append(moment)
    if problems:
        return Outcome("refused", measurement, resident, checked, problems)
    assert isinstance(moment, datetime)
    if checked.outside and not confirmed:
        return Outcome("check", measurement, resident, checked, ts=moment)
    for obs in entries.observations(checked, resident, moment, actor):
        hub.ingest(obs)
    unit = VITALS[PARTS[measurement][0]].unit
    detail = f"{_value(checked, 'en')} {unit} at {moment.isoformat()}"
    if checked.outside:
        detail += f"; outside the range ({', '.join(o.capability for o in checked.outside)})"
    if note:
        detail += f"; note: {note}"
    hub.store.audit(actor, "vitals.entry", f"{measurement.value}.{resident}", detail)
    return Outcome("saved", measurement, resident, checked, ts=moment)


def clean_note(text: object) -> str:
    """A note as it can be kept: text, at most NOTE_MAX characters, storable as UTF-8."""
    if not isinstance(text, str):
        return ""
    text = " ".join(text.split())[:NOTE_MAX]
    return text.encode("utf-8", "replace").decode("utf-8")


def _value(checked: Checked, lang: str) -> str:
    return "/".join(shown(v, c, lang) for c, v in checked.values.items())


def range_text(
    t: Say, lang: str, capability: str, limits: tuple[float | None, float | None]
) -> str:
    """A range of `capability` in words: `100–150 mmHg`, `bis 150 mmHg`, `ab 92 %`."""
    low, high = limits
    fields = {
        "low": number(low, lang) if low is not None else "",
        "high": number(high, lang) if high is not None else "",
        "unit": VITALS[capability].unit,
    }
    key = "both" if low is not None and high is not None else "max" if high is not None else "min"
    if low is None and high is None:
        return ""
    return _fill(t(f"vitals_range_{key}"), fields)


def carer_problem(t: Say, lang: str, problem: Problem) -> str:
    """A refusal in a carer's words: what is wrong, and what would be right."""
    capability = problem.field
    vital = VITALS.get(capability)
    fields = {
        "field": t(f"vitals_c_{capability}") if vital else "",
        "typed": problem.typed,
        "unit": vital.unit if vital else "",
        "low": _number(problem.low, capability, lang),
        "high": _number(problem.high, capability, lang),
    }
    return _fill(t(f"vitals_err_{problem.code}"), fields)


def carer_check(t: Say, lang: str, outcome: Outcome, resident: Resident) -> str:
    """ "Bitte prüfen" with what is outside her range and what the range is."""
    checked = outcome.checked
    first = PARTS[outcome.measurement][0]
    ranges = [
        range_text(t, lang, o.capability, resident.range(o.capability)) for o in checked.outside
    ]
    fields = {
        "what": t(f"vitals_m_{outcome.measurement.value}"),
        "value": _value(checked, lang),
        "unit": VITALS[first].unit,
        "name": resident.name,
        "range": " / ".join(ranges),
    }
    return _fill(t("vitals_check_detail"), fields)


def carer_saved(t: Say, lang: str, outcome: Outcome) -> str:
    first = PARTS[outcome.measurement][0]
    fields = {
        "what": t(f"vitals_m_{outcome.measurement.value}"),
        "value": _value(outcome.checked, lang),
        "unit": VITALS[first].unit,
    }
    return _fill(t("vitals_saved"), fields)


def _number(value: float | None, capability: str, lang: str) -> str:
    if value is None:
        return ""
    return number(value, lang) if capability in VITALS else f"{value:g}"


def _fill(template: str, fields: Mapping[str, object]) -> str:
    for key, value in fields.items():
        template = template.replace("{" + key + "}", str(value))
    return template


# The API


def _json(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


def _bad(error: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": error}), content_type="application/json")


def pick_resident(hub: Hub, role: str, asked: object) -> str:
    """The resident an entry is for: the one asked for, else the first; a tablet's own only."""
    residents = list(hub.config.residents)
    if not residents:
        raise _bad("no resident is configured (residents: in obhut.yaml)")
    if asked is None or (role == "resident" and asked == residents[0]):
        return residents[0]
    if role == "resident" or asked not in residents:
        raise _bad(f"unknown resident, expected one of {', '.join(residents)}")
    return str(asked)


def _outside(items: list[Outside]) -> list[dict[str, Any]]:
    return [
        {"capability": o.capability, "value": o.value, "side": o.side, "limit": o.limit}
        for o in items
    ]


async def api_entry(request: web.Request) -> web.Response:
    """POST /api/vitals/entries: saved (201), "please check" (200) or refused (422)."""
    session = require(request, *ROLES)
    from hub.web.app import HUB, _lang
    from hub.web.resident.measurements import calm_check, calm_problem, calm_saved

    hub: Hub = request.app[HUB]
    try:
        body = await request.json()
    except ValueError:
        raise _bad("expected JSON") from None
    if not isinstance(body, dict):
        raise _bad("expected an object")
    try:
        measurement = Measurement(str(body.get("measurement")))
    except ValueError:
        raise _bad(f"measurement: one of {', '.join(m.value for m in Measurement)}") from None
    values = body.get("values")
    if not isinstance(values, dict):
        raise _bad(f'values: an object such as {{"{PARTS[measurement][0]}": 120}}')
    resident_id = pick_resident(hub, session.role, body.get("resident"))
    resident = hub.config.residents[resident_id]
    outcome = record(
        hub,
        session.actor,
        resident_id,
        measurement,
        values,
        time=body.get("time"),
        note=clean_note(body.get("note")),
        confirmed=body.get("confirm") is True,
    )
    lang = _lang(request)
    from hub.i18n import translator

    t = translator(lang)
    calm = session.role == "resident"
    if outcome.status == "refused":
        carer = [carer_problem(t, lang, p) for p in outcome.problems]
        message = calm_problem(t, lang, outcome.problems[0]) if calm else " ".join(carer)
        problems = [
            {"field": p.field, "code": p.code, "message": m}
            for p, m in zip(outcome.problems, carer, strict=True)
        ]
        answer = {"status": "refused", "error": " ".join(carer), "message": message}
        return _json({**answer, "problems": problems}, status=422)
    outside = _outside(outcome.checked.outside)
    if outcome.status == "check":
        message = (
            calm_check(t, lang, outcome.checked)
            if calm
            else carer_check(t, lang, outcome, resident)
        )
        return _json({"status": "check", "message": message, "outside": outside})
    assert outcome.ts is not None
    entry = {
        "resident": resident_id,
        "measurement": measurement.value,
        "values": outcome.checked.values,
        "time": outcome.ts.isoformat(),
        "source": f"{entries.SOURCE}:{session.actor}",
    }
    message = calm_saved(t) if calm else carer_saved(t, lang, outcome)
    return _json({"status": "saved", "message": message, "entry": entry, "outside": outside}, 201)


def _schema() -> dict[str, Any]:
    number = {"type": ["number", "string"], "description": "a number; '72,5' is read too"}
    return {
        "type": "object",
        "required": ["measurement", "values"],
        "properties": {
            "measurement": {"type": "string", "enum": [m.value for m in Measurement]},
            "values": {
                "type": "object",
                "description": "blood_pressure: bp_systolic and bp_diastolic (mmHg); "
                "body_weight (kg), spo2 (%), body_temperature (°C), blood_glucose (mg/dL)",
                "properties": {c: number for c in VITALS if c not in ("heart_rate",)},
            },
            "resident": {
                "type": "string",
                "description": "a key under residents:; default: "
                "the first (a tablet may enter for its resident only)",
            },
            "time": {
                "type": "string",
                "description": "ISO 8601; without an offset the home's time; default now",
            },
            "note": {"type": "string", "maxLength": NOTE_MAX},
            "confirm": {
                "type": "boolean",
                "description": "true: keep a value outside the "
                "resident's range (after a 'check' answer)",
            },
        },
    }


def setup(app: web.Application) -> None:
    app.router.add_post("/api/vitals/entries", api_entry)
    op = operation(
        "Enter a measured value (blood pressure, weight, SpO2, temperature, glucose)",
        ROLES,
        {"type": "object", "properties": {"status": {"enum": ["saved", "check"]}}},
    )
    op["description"] += (
        " 201: saved (an entry outside the range raises a finding through a vital_entry rule);"
        " 200 with status 'check': outside the resident's range, nothing saved, send again with"
        " confirm: true; 422: impossible values, nothing saved, `problems` says which."
    )
    op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _schema()}}}
    saved = op["responses"].pop("200")
    op["responses"]["201"] = saved
    op["responses"]["200"] = {"description": "outside the range: please check (nothing saved)"}
    op["responses"]["400"] = {"description": "not JSON, unknown measurement or resident"}
    op["responses"]["422"] = {"description": "impossible values (nothing saved)"}
    document(app, "/api/vitals/entries", "post", op)
