"""The dry run: the configuration's rules over the store's own history, read-only.

The same reader `obhut replay --history` uses (`hub.replay.History`): nothing is written and
no alert goes out. The replay runs in a worker thread with its own event loop, so the hub's
loop stays free; at most `DAYS_MAX` days are replayed at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from aiohttp import web

from hub.config.model import Config
from hub.model import Action, Finding
from hub.web.auth import require

ROLE = "installer"
DAYS_DEFAULT = 7
DAYS_MAX = 90


@dataclass
class DryRun:
    findings: list[Finding] = field(default_factory=list)
    actions: int = 0
    events: int = 0
    error: str = ""


def run_dry(config: Config, path: Path, start: datetime, end: datetime) -> DryRun:
    """Replay the store at `path` from `start` to `end` (blocking: call it in a thread)."""
    from hub.replay import History, HistoryError, replay

    out = DryRun()

    def on_action(_: Action) -> None:
        out.actions += 1

    try:
        with History.open(path) as history:
            result = asyncio.run(
                replay(
                    config,
                    history.observations(start, end),
                    out.findings.append,
                    end,
                    on_action=on_action,
                    start=start,
                )
            )
    except HistoryError as e:
        out.error = str(e)
        return out
    out.events = result.events
    return out


def setup(app: web.Application) -> None:
    app.router.add_get("/installer/dryrun", dryrun_page)
    app.router.add_post("/installer/dryrun", dryrun_post)


def _days(raw: str) -> int | None:
    try:
        days = int(raw)
    except ValueError:
        return None
    return days if 1 <= days <= DAYS_MAX else None


async def dryrun_page(request: web.Request) -> web.Response:
    require(request, ROLE)
    from hub.web.installer import _page

    return _page(
        request, "dryrun.html", days=DAYS_DEFAULT, days_max=DAYS_MAX, ran=False, invalid=False
    )


async def dryrun_post(request: web.Request) -> web.Response:
    require(request, ROLE)
    from hub.web.installer import _form, _hub, _page

    form = await _form(request)
    days = _days(form.get("days", ""))
    if days is None:
        return _page(
            request,
            "dryrun.html",
            status=400,
            days=form.get("days", ""),
            days_max=DAYS_MAX,
            ran=False,
            invalid=True,
        )
    hub = _hub(request)
    config = hub.config
    end = hub.clock.now().replace(microsecond=0)
    start = end - timedelta(days=days)
    await hub.store.flush()  # what the hub has seen so far is in the file
    path = config.storage.data_dir / "obhut.db"
    result = await asyncio.to_thread(run_dry, config, path, start, end)
    tz = config.home.tz
    findings = [
        {
            "time": f.ts.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
            "rule": f.rule,
            "severity": f.severity.value,
            "explanation": f.explanation or f.summary,
        }
        for f in result.findings
        if not f.cleared
    ]
    return _page(
        request,
        "dryrun.html",
        days=days,
        days_max=DAYS_MAX,
        ran=True,
        invalid=False,
        findings=findings,
        actions=result.actions,
        events=result.events,
        error=result.error,
    )
