"""The carer's page of the resident's routine (/carer/routine): her usual day and yesterday.

What it shows comes from a running routine rule (rules/kinds/routine_*.py) that has learned
the most days; without one, from the store's last 28 days, read a day at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from hub.i18n import translator
from hub.web.auth import require
from hub.web.carer import routine_words  # noqa: F401  (registers the page's words)
from rules.explain import number
from rules.routine import Baseline, Day, Layout, Usual, clock, counts, times
from rules.routine_learn import read_days
from rules.routine_rule import RoutineRule

if TYPE_CHECKING:
    from hub.app import Hub

ROLES = ("carer", "installer")
WINDOW = 28  # days read from the store when no routine rule runs
MIN_DAYS = 7
LEFT, TOP, CELL_W, CELL_H = 120.0, 24.0, 26.0, 30.0


@dataclass
class Cell:
    x: float
    opacity: float
    value: str


@dataclass
class Row:
    name: str
    y: float
    cells: list[Cell] = field(default_factory=list)


@dataclass
class HeatMap:
    """Rooms by hours of the day, each cell as dark as the room is busy at that hour."""

    rows: list[Row]
    hours: list[tuple[float, str]]
    width: float = LEFT + 24 * CELL_W + 8
    cell_w: float = CELL_W
    cell_h: float = CELL_H
    left: float = LEFT
    top: float = TOP

    @property
    def height(self) -> float:
        return TOP + len(self.rows) * CELL_H + 8


def heat_map(by_room: dict[str, list[float]], names: dict[str, str], lang: str) -> HeatMap:
    busiest = max((v for counts in by_room.values() for v in counts), default=0.0) or 1.0
    rows = []
    ordered = sorted(by_room, key=lambda r: names.get(r, r))
    for i, room in enumerate(ordered):
        row = Row(names.get(room, room), TOP + i * CELL_H)
        for hour, value in enumerate(by_room[room]):
            shade = round(value / busiest, 2)
            row.cells.append(Cell(LEFT + hour * CELL_W, shade, number(round(value, 1), lang)))
        rows.append(row)
    hours = [(LEFT + h * CELL_W + CELL_W / 2, str(h)) for h in range(0, 24, 3)]
    return HeatMap(rows, hours)


def _best_rule(hub: Hub) -> RoutineRule | None:
    """The running routine rule that has learned the most usable days."""
    found: list[RoutineRule] = []
    for rule_id in hub.engine.rule_ids:
        rule: object = hub.engine.rule(rule_id)
        if isinstance(rule, RoutineRule):
            found.append(rule)
    return max(found, key=lambda r: r.baseline().days, default=None)


def facts(
    b: Baseline, t: Callable[[str], str], lang: str, sees: Collection[str]
) -> list[tuple[str, str]]:
    """The usual day as (what, usual) lines; what the flat's sensors cannot see is left out."""

    def when(u: Usual | None) -> str:
        if u is None:
            return t("routine_unknown")
        if u.low == u.high:  # every day the same: no "mostly"
            return t("routine_time").format(time=times(u))
        return t("routine_times").format(range=times(u), median=clock(u.median))

    def how_many(u: Usual | None, key: str = "routine_count") -> str:
        if u is None:
            return t("routine_unknown")
        if u.low == u.high:
            key = f"{key}_same"
        return t(key).format(range=counts(u, lang), median=number(round(u.median), lang))

    out_minutes = b.out_minutes.median if b.out_minutes is not None else 0
    if b.days_out:
        outside = t("routine_out_days").format(
            out=b.days_out, of=b.days, minutes=round(out_minutes)
        )
    else:
        outside = t("routine_never_out") if b.days else t("routine_unknown")
    lines = [
        ("", t("routine_wake"), when(b.wake)),
        ("living", t("routine_bedtime"), when(b.bedtime)),
        ("bath", t("routine_night_bathroom"), how_many(b.night_bathroom, "routine_times_night")),
        ("front_door", t("routine_out"), outside),
        ("kitchen", t("routine_lunch"), when(b.lunch)),
        ("kitchen", t("routine_kitchen"), how_many(b.kitchen_visits)),
        ("", t("routine_events"), how_many(b.events)),
    ]
    return [(what, value) for needs, what, value in lines if not needs or needs in sees]


def yesterday(
    days: list[Day], window: int, min_days: int, t: Callable[[str], str], lang: str, on: date
) -> list[str]:
    """What was unusual about the day `on`, against the days before it."""
    day = next((d for d in days if d.day == on), None)
    if day is None or not day.has_data:
        return [t("routine_no_data")]
    if day.away:
        return [t("routine_away")]
    unusual = Baseline(days, on, window).unusual(day, min_days)
    return [u.describe(lang) for u in unusual] or [t("routine_as_usual")]


def setup(app: web.Application) -> None:
    app.router.add_get("/carer/routine", routine_page)


async def routine_page(request: web.Request) -> web.Response:
    session = require(request, *ROLES)
    from hub.web.app import _lang
    from hub.web.carer import _hub, _page

    hub: Hub = _hub(request)
    tz = hub.config.home.tz
    today = hub.clock.now().astimezone(tz).date()
    rule = _best_rule(hub)
    if rule is not None:
        days, window, min_days = rule.days, rule.config.learn_days, rule.config.min_days
    else:
        dates = [today - timedelta(days=n) for n in range(1, WINDOW + 1)]
        days = await read_days(hub.store.observations, hub.entities, tz, dates)
        window, min_days = WINDOW, MIN_DAYS
    baseline = Baseline(days, today, window)
    lang = _lang(request)
    t = translator(lang)
    ready = baseline.days >= min_days
    rooms = {rid: room.name for rid, room in hub.config.rooms.items()}
    hub.store.audit(session.actor, "routine.view", "/carer/routine", f"{baseline.days} days")
    return _page(
        request,
        "routine.html",
        ready=ready,
        learned=t("routine_learned").format(n=baseline.days, window=window),
        too_early=t("routine_too_early").format(n=baseline.days, min=min_days),
        from_store=rule is None,
        facts=facts(baseline, t, lang, Layout.from_registry(hub.entities).sees) if ready else [],
        yesterday=yesterday(days, window, min_days, t, lang, today - timedelta(days=1))
        if ready
        else [],
        chart=heat_map(baseline.rooms_by_hour(), rooms, lang) if ready else None,
    )
