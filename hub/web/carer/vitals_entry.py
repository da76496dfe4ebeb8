"""The carer's form for a measured value (/carer/vitals/new): works without script.

The measure is chosen by link, so the form shows only its fields. A refusal shows the form
again with what was typed and what is wrong; a value outside the resident's range asks
"Bitte prüfen – trotzdem speichern?" with a second button; a saved one leads back to the
vital-sign page, which shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.i18n import translator
from hub.vitals.measures import PARTS, VITALS, Measurement, shown
from hub.web import vitals_api
from hub.web.auth import require
from hub.web.carer import entry_texts

if TYPE_CHECKING:
    from multidict import MultiDictProxy

    from hub.app import Hub

ROLES = ("carer", "installer")
PATH = "/carer/vitals/new"


def setup(app: web.Application) -> None:
    app.router.add_get(PATH, entry_page)
    app.router.add_post(PATH, entry_form)


def _choice(hub: Hub, measurement: object, resident: object) -> tuple[Measurement, str | None]:
    try:
        chosen = Measurement(str(measurement))
    except ValueError:
        chosen = Measurement.BLOOD_PRESSURE
    residents = list(hub.config.residents)
    who = str(resident) if resident in residents else (residents[0] if residents else None)
    return chosen, who


def _form(
    request: web.Request,
    measurement: Measurement,
    resident: str | None,
    *,
    typed: dict[str, str] | None = None,
    problems: list[str] | None = None,
    check: str = "",
    status: int = 200,
) -> web.Response:
    from hub.web.carer.vitals import hub_of, lang_of, page

    hub = hub_of(request)
    lang = lang_of(request)
    t = translator(lang)
    typed = typed or {}
    fields = []
    for capability in PARTS[measurement]:
        vital = VITALS[capability]
        low, high = vital.possible
        limits = hub.config.residents[resident].range(capability) if resident else vital.normal
        fields.append(
            {
                "name": capability,
                "label": f"{t(f'vitals_c_{capability}')} ({vital.unit})",
                "value": typed.get(capability, ""),
                "possible": f"{shown(low, capability, lang)}–{shown(high, capability, lang)}",
                "range": entry_texts.range_text(t, lang, capability, limits),
            }
        )
    return page(
        request,
        "vitals_new.html",
        status=status,
        residents=[(rid, r.name) for rid, r in hub.config.residents.items()],
        resident=resident,
        measurements=[(m.value, t(f"vitals_m_{m.value}")) for m in Measurement],
        measurement=measurement.value,
        fields=fields,
        time=typed.get("time", ""),
        note=typed.get("note", ""),
        problems=problems or [],
        check=check,
    )


async def entry_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    from hub.web.carer.vitals import hub_of

    hub = hub_of(request)
    measurement, resident = _choice(
        hub, request.query.get("measurement"), request.query.get("resident")
    )
    return _form(request, measurement, resident)


def _typed(form: MultiDictProxy[Any], measurement: Measurement) -> dict[str, str]:
    keys = (*PARTS[measurement], "time", "note")
    return {k: v for k in keys if isinstance(v := form.get(k), str)}


async def entry_form(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    from hub.web.carer.vitals import hub_of, lang_of

    hub = hub_of(request)
    form = await request.post()
    measurement, resident = _choice(hub, form.get("measurement"), form.get("resident"))
    typed = _typed(form, measurement)
    if resident is None:  # no resident configured: nothing could be kept
        return _form(request, measurement, None, typed=typed, status=409)
    outcome = vitals_api.record(
        hub,
        session.actor,
        resident,
        measurement,
        typed,
        time=typed.get("time"),
        note=vitals_api.clean_note(typed.get("note")),
        confirmed=form.get("confirm") == "1",
    )
    lang = lang_of(request)
    t = translator(lang)
    if outcome.status == "refused":
        problems = [entry_texts.carer_problem(t, lang, p) for p in outcome.problems]
        return _form(request, measurement, resident, typed=typed, problems=problems, status=422)
    if outcome.status == "check":
        person = hub.config.residents[resident]
        check = entry_texts.carer_check(t, lang, outcome, person)
        return _form(request, measurement, resident, typed=typed, check=check)
    raise web.HTTPSeeOther(f"/carer/vitals?saved={measurement.value}.{resident}#entered-{resident}")
