"""The carer's export page: readings and alerts as CSV, vital signs as FHIR, for chosen days.

Downloads are streamed: the store is read through its own read-only connection on a thread
of the download's own, a chunk at a time, so a year of a busy flat neither fills memory nor
holds up the hub's store (alerts are written on its thread). Each download is in the audit
log with the days it covered. A form sent with bad days shows the page again with a message.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.export.documents import Documents, NoSuchResident, pick_resident
from hub.export.files import chunks
from hub.export.period import Period, PeriodError, period
from hub.export.records import HistoryError, Records
from hub.i18n import register
from hub.web.auth import require
from hub.web.carer.export_words import WORDS

if TYPE_CHECKING:
    from hub.app import Hub

ROLES = ("carer", "installer")
DAYS = 28  # the form's default: the last four weeks
DOWNLOADS = {
    "observations": ("observations", "csv", "text/csv; charset=utf-8", "export.csv"),
    "alerts": ("alerts", "csv", "text/csv; charset=utf-8", "export.csv"),
    "fhir": ("vital-signs", "fhir.json", "application/fhir+json; charset=utf-8", "export.fhir"),
}

register(WORDS)


def setup(app: web.Application) -> None:
    app.router.add_get("/carer/export", export_page)
    app.router.add_post("/carer/export", export_download)


def _hub(request: web.Request) -> Hub:
    from hub.web.carer import _hub

    return _hub(request)


def _form(request: web.Request, status: int = 200, error: str = "", **values: str) -> web.Response:
    from hub.web.carer import _page

    hub = _hub(request)
    today = hub.clock.now().astimezone(hub.config.home.tz).date()
    residents = [(rid, r.name) for rid, r in hub.config.residents.items()]
    return _page(
        request,
        "export.html",
        status=status,
        error=error,
        first=values.get("first", (today - timedelta(days=DAYS - 1)).isoformat()),
        last=values.get("last", today.isoformat()),
        residents=residents if len(residents) > 1 else [],
        resident=values.get("resident", ""),
    )


async def export_page(request: web.Request) -> web.Response:
    require(request, *ROLES)
    return _form(request)


async def export_download(request: web.Request) -> web.StreamResponse:
    session = require(request, *ROLES)
    hub = _hub(request)
    form = {k: v.strip() for k, v in (await request.post()).items() if isinstance(v, str)}
    values = {k: form.get(k, "")[:40] for k in ("first", "last", "resident")}
    what = form.get("what", "")
    if what not in DOWNLOADS:
        return _form(request, 400, "carer_export_what", **values)
    try:
        span = period(form.get("first"), form.get("last"), hub.config.home.tz)
    except PeriodError as e:
        return _form(request, 400, f"carer_export_{e.key}", **values)
    try:
        resident = pick_resident(hub.config, form.get("resident") or None)
    except NoSuchResident:
        if what == "fhir":
            return _form(request, 400, "carer_export_no_resident", **values)
        resident = None
    await hub.store.flush()  # what the hub has seen so far is in the file
    db = hub.config.storage.data_dir / "obhut.db"
    name, suffix, content_type, action = DOWNLOADS[what]
    target = (resident or "") if what == "fhir" else what
    hub.store.audit(session.actor, action, target, span.describe())
    docs = Documents(hub.config, resident)
    pieces = _produce(db, docs, what, span, hub.clock.now())
    headers = {
        "Content-Type": content_type,
        "Content-Disposition": f'attachment; filename="obhut-{name}_{span.slug}.{suffix}"',
    }
    streamed = await _stream(request, headers, pieces)
    return streamed if streamed is not None else _form(request, 404, "carer_export_no_store")


def _produce(db: Path, docs: Documents, what: str, span: Period, now: datetime) -> Iterator[str]:
    """The file's text; runs on the download's thread, where the store is opened and closed."""
    with Records.open(db) as records:
        if what == "observations":
            yield from docs.observations_csv(records.observations(span.start, span.end))
        elif what == "alerts":
            yield from docs.alerts_csv(records, span)
        else:
            yield from docs.fhir(records, span, now)


async def _stream(
    request: web.Request, headers: dict[str, str], pieces: Iterator[str]
) -> web.StreamResponse | None:
    """Send `pieces` as they come; None if the store cannot be read (nothing sent yet)."""
    from hub.web.app import _HEADERS

    loop = asyncio.get_running_loop()
    text = chunks(pieces)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="obhut-export")
    try:
        try:
            piece = await loop.run_in_executor(pool, next, text, None)
        except HistoryError:
            return None
        response = web.StreamResponse(headers={**_HEADERS, **headers})
        await response.prepare(request)
        while piece is not None:
            await response.write(piece.encode("utf-8"))
            piece = await loop.run_in_executor(pool, next, text, None)
        await response.write_eof()
        return response
    finally:
        # closed on the thread that opened the store: SQLite wants its connection there
        with contextlib.suppress(Exception):
            await loop.run_in_executor(pool, _close, text, pieces)
        pool.shutdown(wait=False)


def _close(*generators: Any) -> None:
    for generator in generators:
        generator.close()
