"""The tablet's "Messwerte": the resident enters what she measured (blood pressure, weight …).

A tile opens a screen per measure the installer enabled (`residents.<id>.measures`); big
steppers start from her last value. The screen's script checks what is impossible before
sending (the limits are in the inputs), then posts to /api/vitals/entries, which answers in
her words: saved, or "higher than usual – save anyway?". Nothing technical ever shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hub.i18n import register, translator
from hub.vitals.entries import Checked, Problem
from hub.vitals.measures import PARTS, START, VITALS, shown, step
from hub.web.resident.measurements_words import WORDS
from hub.web.resident.parts import TabletPart, add_part

if TYPE_CHECKING:
    from collections.abc import Callable

    from aiohttp import web

    from hub.app import Hub
    from hub.config.model import Resident

register(WORDS)

SCRIPT = "/static/measurements.js"


def _resident(hub: Hub) -> tuple[str, Resident] | None:
    """The tablet's resident (the first under residents:), as the tablet page greets her."""
    return next(iter(hub.config.residents.items()), None)


def enabled(hub: Hub) -> bool:
    found = _resident(hub)
    return found is not None and bool(found[1].measures)


def _field(hub: Hub, resident: str, capability: str, t: Callable[[str], str]) -> dict[str, Any]:
    vital = VITALS[capability]
    last = hub.state.get(f"{capability}.{resident}")
    value = last.value if last is not None else None
    start = float(value) if isinstance(value, int | float) else START[capability]
    key = f"measure_{capability}" if capability.startswith("bp_") else f"measure_{capability}_field"
    label = t(key)
    lang = str(hub.config.home.language.value)
    return {
        "capability": capability,
        "label": label,
        "unit": vital.unit,
        "low": vital.possible[0],
        "high": vital.possible[1],
        "step": step(capability),
        "decimals": vital.decimals,
        "start": shown(start, capability, lang),
        "less": t("measure_less").replace("{what}", label),
        "more": t("measure_more").replace("{what}", label),
    }


def context(hub: Hub) -> dict[str, Any]:
    """The measures she enters, each with its fields (label, limits, step, where to start)."""
    found = _resident(hub)
    if found is None:
        return {"measures": []}
    resident_id, resident = found
    t = translator(str(hub.config.home.language.value))
    measures = [
        {
            "id": m.value,
            "name": t(f"measure_{m.value}"),
            "fields": [_field(hub, resident_id, c, t) for c in PARTS[m]],
        }
        for m in dict.fromkeys(resident.measures)
    ]
    return {"measures": measures}


# What the API answers a resident: her words, calm.


def calm_problem(t: Callable[[str], str], lang: str, problem: Problem) -> str:
    if problem.code in ("impossible", "not_a_number"):
        return t("measure_impossible").replace("{value}", problem.typed)
    if problem.code in ("order", "missing"):
        return t(f"measure_{problem.code}")
    return t("measure_refused")


def calm_check(t: Callable[[str], str], lang: str, checked: Checked) -> str:
    first = checked.outside[0]
    value = shown(first.value, first.capability, lang)
    said = t("measure_high" if first.side == "high" else "measure_low")
    return f"{said.replace('{value}', value)} {t('measure_check')}"


def calm_saved(t: Callable[[str], str]) -> str:
    return t("measure_saved")


def setup(app: web.Application) -> None:
    """Put the tile, its screens and its script on the tablet (when a measure is enabled)."""
    add_part(
        TabletPart(
            name="measurements",
            tile="resident/measurements_tile.html",
            screen="resident/measurements_screen.html",
            script=SCRIPT,
            order=40,
            shown=enabled,
            context=context,
        )
    )
