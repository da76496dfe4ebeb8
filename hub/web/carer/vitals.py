"""The carer's vital-sign page: sensor charts over a day, a week and a month with the
resident's normal range shaded and the nightly resting rates; the values measured by hand
with their latest reading and trend. The form to enter one is in `vitals_entry`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.i18n import register, translator
from hub.model import Capability
from hub.vitals.measures import PARTS, VITALS, Measurement, shown
from hub.web import vitals_api
from hub.web.auth import require
from hub.web.carer import entry_texts, vitals_data, vitals_entry
from hub.web.carer.entry_texts import Say
from hub.web.carer.vitals_data import Cache, Frame
from hub.web.carer.vitals_words import WORDS
from rules.explain import number

if TYPE_CHECKING:
    from hub.app import Hub

register(WORDS)

ROLES = ("carer", "installer")
SENSORS = (Capability.HEART_RATE, Capability.RESPIRATORY_RATE)
RESTING = web.AppKey("vitals_resting", dict)


def setup(app: web.Application) -> None:
    """The page, the entry form and the entry API."""
    app[RESTING] = {}
    app.router.add_get("/carer/vitals", vitals_page)
    vitals_entry.setup(app)
    vitals_api.setup(app)


def hub_of(request: web.Request) -> Hub:
    from hub.web.app import HUB  # hub.web.app imports this package: look it up when called

    return request.app[HUB]


def lang_of(request: web.Request) -> str:
    from hub.web.app import _lang

    return _lang(request)


def page(request: web.Request, template: str, **context: Any) -> web.Response:
    """A page of the vitals area, with the carer's navigation."""
    from hub.web.app import _render
    from hub.web.carer import NAV

    hub = hub_of(request)
    return _render(
        request,
        f"carer/{template}",
        home=hub.config.home.name,
        nav=NAV,
        here="/carer/vitals",
        **context,
    )


def by(source: str, t: Say) -> str:
    """Who entered a value, from its source: `manual:carer:carla` → "eingetragen von carla"."""
    kind, _, actor = source.partition(":")
    if kind != "manual":
        return t("vitals_measured")
    role, _, who = actor.partition(":")
    if role == "resident":
        return t("vitals_by_tablet")
    return t("vitals_by").replace("{who}", who or actor)


async def vitals_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    hub = hub_of(request)
    lang = lang_of(request)
    t = translator(lang)
    frame = Frame(hub.clock.now(), hub.config.home.tz)
    first = next(iter(hub.config.residents.values()), None)
    known = {e.id for e in hub.entities if e.capability in SENSORS}
    known |= {eid for eid in hub.state if eid.partition(".")[0] in {c.value for c in SENSORS}}
    raw = await hub.store.observations(frame.now - timedelta(days=1), frame.end, known)
    cache: Cache = request.app[RESTING]
    sections = []
    for entity_id in sorted(known, key=lambda e: (e.partition(".")[0] != "heart_rate", e)):
        capability = entity_id.partition(".")[0]
        band = first.range(capability) if first else VITALS[capability].normal
        drawn = await vitals_data.sensor(hub, entity_id, raw, frame, band, cache, lang)
        entity = hub.entities.get(entity_id)
        room = hub.config.rooms.get(entity.room) if entity and entity.room else None
        sections.append(
            {
                "id": entity_id,
                "capability": capability,
                "where": room.name if room else (entity.name if entity else entity_id),
                "band": entry_texts.range_text(t, lang, capability, band),
                **drawn,
            }
        )
    return page(
        request,
        "vitals.html",
        num=lambda value: number(value, lang),
        sections=sections,
        residents=await _entered(hub, frame, lang, t),
        saved=_saved(hub, request.query.get("saved", ""), lang, t),
    )


async def _entered(hub: Hub, frame: Frame, lang: str, t: Say) -> list[dict[str, Any]]:
    """Per resident, each measure she enters or has values of."""
    residents = hub.config.residents
    ids = [e for rid in residents for e in vitals_data.entities_of(rid)]
    start = frame.midnight(vitals_data.MONTH)
    observations = await hub.store.observations(start, frame.end, ids) if ids else []
    out = []
    for rid, resident in residents.items():
        shown = [
            m
            for m in Measurement
            if m in resident.measures or any(f"{c}.{rid}" in hub.state for c in PARTS[m])
        ]
        measures = []
        for m in shown:
            drawn = vitals_data.measure(hub, rid, resident, m, observations, frame, lang)
            if drawn["latest"] is not None:
                drawn["latest"]["by"] = by(drawn["latest"]["source"], t)
            ranges = [
                entry_texts.range_text(t, lang, c, band)
                for c, band in zip(drawn["parts"], drawn["bands"], strict=True)
            ]
            drawn["band"] = " / ".join(r for r in ranges if r)
            measures.append(drawn)
        told = any(
            r.kind == "vital_entry" and r.enabled and getattr(r, "resident", None) in (None, rid)
            for r in hub.config.rules
        )
        out.append({"id": rid, "name": resident.name, "measures": measures, "no_rule": not told})
    return out


def _saved(hub: Hub, which: str, lang: str, t: Say) -> str:
    """ "Gespeichert: Blutdruck 182/95 mmHg." after the form, from what the hub now holds."""
    measurement, _, resident = which.partition(".")
    if measurement not in {m.value for m in Measurement} or resident not in hub.config.residents:
        return ""
    parts = PARTS[Measurement(measurement)]
    latest = [hub.state.get(f"{c}.{resident}") for c in parts]
    if any(o is None for o in latest):
        return ""
    values = [o.value for o in latest if o is not None]
    if not all(isinstance(v, int | float) for v in values):
        return ""
    value = "/".join(shown(float(v), c, lang) for v, c in zip(values, parts, strict=True))
    text = t("vitals_saved")
    for key, word in (
        ("what", t(f"vitals_m_{measurement}")),
        ("value", value),
        ("unit", VITALS[parts[0]].unit),
    ):
        text = text.replace("{" + key + "}", word)
    return text
