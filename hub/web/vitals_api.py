"""Entering a measured value: POST /api/vitals/entries (the tablet, scripts) and the carer's
form both go through `record`, which refuses the impossible, asks about a value outside the
resident's range until it is confirmed, then stores it as observations and audits it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import web

from hub.vitals import entries
from hub.vitals.entries import Checked, Outside, Problem
from hub.vitals.measures import PARTS, VITALS, Measurement
from hub.web.auth import require
from hub.web.carer.entry_texts import carer_check, carer_problem, carer_saved, value_text
from hub.web.openapi import document, operation

if TYPE_CHECKING:
    from hub.app import Hub

ROLES = ("resident", "carer", "installer")
NOTE_MAX = 500


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
    detail = f"{value_text(checked, 'en')} {unit} at {moment.isoformat()}"
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


_ANSWER = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["saved", "check", "refused"]},
        "message": {
            "type": "string",
            "description": "in the words of who asked (calm for the tablet)",
        },
        "entry": {
            "type": "object",
            "description": "saved: resident, measurement, values, time, source",
        },
        "outside": {"type": "array", "items": {"type": "object"}},
        "problems": {
            "type": "array",
            "items": {"type": "object", "description": "refused: field, code, message"},
        },
        "error": {"type": "string"},
    },
}


def _described(schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": schema}}}


def setup(app: web.Application) -> None:
    app.router.add_post("/api/vitals/entries", api_entry)
    op = operation(
        "Enter a measured value (blood pressure, weight, SpO2, temperature, glucose)",
        ROLES,
        _ANSWER,
    )
    op["description"] += (
        " 201: saved (an entry outside the range raises a finding through a vital_entry rule);"
        " 200 with status 'check': outside the resident's range, nothing saved, send again with"
        " confirm: true; 422: impossible values, nothing saved, `problems` says which."
    )
    op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _schema()}}}
    answer = {"$ref": "#/components/schemas/Error"}
    responses = op["responses"]
    responses["201"] = responses.pop("200")
    responses["200"] = _described(_ANSWER, "outside the range: please check (nothing saved)")
    responses["400"] = _described(answer, "not JSON, unknown measurement or resident")
    responses["422"] = _described(_ANSWER, "impossible values (nothing saved)")
    document(app, "/api/vitals/entries", "post", op)
