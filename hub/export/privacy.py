"""The privacy export: everything stored about the resident in one zip, readable without Obhut.

Written while the hub may run (the store is read read-only). The archive holds health data:
it is created readable by its owner only, through a temporary name, so a half-written file
is never taken for a whole one.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hub.export import csvfile
from hub.export.documents import Documents
from hub.export.files import chunks, private
from hub.export.measures import owner
from hub.export.period import everything
from hub.export.readme import readme
from hub.export.records import Records
from hub.store.codec import from_ms

# Tables written in their own form above; secrets (accounts' hashes, tablets' tokens) never.
SHOWN = frozenset(
    {
        "observations",
        "current_state",
        "daily_aggregates",
        "alerts",
        "deliveries",
        "audit",
        "deadlines",
        "entities",
        "sources",
        "accounts",
        "tablets",
    }
)


def write_privacy_zip(path: Path, records: Records, docs: Documents, now: datetime) -> list[str]:
    """Write the archive; returns the names of its files."""
    tz = docs.config.home.tz
    span = everything(tz, now)
    others = set(docs.config.residents) - {docs.resident}

    def about_her(subject: str) -> bool:
        return subject not in others and owner(subject, others) is None

    alerts = [a for a in records.alerts() if about_her(a.subject)]
    deliveries = [d for a in alerts for d in records.deliveries(a.id)]
    names = {cid: c.name for cid, c in docs.config.contacts.items()}
    files: list[tuple[str, Iterable[str]]] = [
        (
            "observations.csv",
            docs.observations_csv(
                o for o in records.observations(span.start, span.end) if docs.mine(o.entity)
            ),
        ),
        (
            "daily_aggregates.csv",
            csvfile.lines(
                ("entity", "day", "count", "count_on", "min", "max", "mean"),
                (
                    (e, day, n, "" if on is None else on, _num(lo), _num(hi), _mean(total, n))
                    for e, day, n, on, lo, hi, total in records.daily_aggregates()
                    if docs.mine(e)
                ),
            ),
        ),
        (
            "current_state.csv",
            docs.observations_csv(o for o in records.current_state() if docs.mine(o.entity)),
        ),
        ("alerts.csv", csvfile.alert_lines(alerts, tz, docs.who)),
        ("deliveries.csv", csvfile.delivery_lines(deliveries, tz, names)),
        ("audit.csv", csvfile.audit_lines(records.audit(), tz)),
        (
            "timers.csv",
            csvfile.lines(
                ("key", "due", "kind", "data"),
                (
                    (k, csvfile.local(due, tz), kind, data)
                    for k, due, kind, data in records.timers()
                ),
            ),
        ),
        (
            "accounts.csv",
            csvfile.lines(
                ("kind", "name", "role", "created", "created_by", "revoked"),
                [
                    *(
                        ("account", u, role, csvfile.local(made, tz), by, "")
                        for u, role, made, by in records.accounts()
                    ),
                    *(
                        ("tablet", n, "resident", csvfile.local(made, tz), by, csvfile.local(r, tz))
                        for n, made, by, r in records.tablets()
                    ),
                ],
            ),
        ),
        ("vital_signs.fhir.json", docs.fhir(records, span, now)),
        ("configuration.json", [_configuration(docs)]),
    ]
    # Tables of other parts of the hub (what she asked for on the tablet, carers' visits,
    # reminders, and any added later) as they are: nothing stored is left out.
    for table in records.table_names():
        if table not in SHOWN:
            columns, rows = records.table(table)
            files.append((f"{table}.csv", csvfile.lines(columns, _readable(columns, rows, tz))))
    pictures = docs.config.storage.data_dir / "pictures"
    person = docs.patient().name or docs.config.home.name
    made = csvfile.local(now.replace(microsecond=0), tz)
    text = readme(docs.config.home.name, person, made, bool(others))
    with private(path, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_info("README.txt", now), text.encode("utf-8"))
        for name, pieces in files:
            with archive.open(_info(name, now), "w", force_zip64=True) as member:
                for piece in chunks(pieces):
                    member.write(piece.encode("utf-8"))
        written = ["README.txt", *(name for name, _ in files)]
        for picture in sorted(pictures.iterdir()) if pictures.is_dir() else ():
            if picture.is_file():
                archive.write(picture, f"pictures/{picture.name}")
                written.append(f"pictures/{picture.name}")
    return written


def _info(name: str, now: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, now.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _readable(
    columns: list[str], rows: Iterable[tuple[object, ...]], tz: ZoneInfo
) -> Iterator[tuple[object, ...]]:
    """Times stored as milliseconds (`*_ts` columns) as local times."""
    stamps = [c.endswith("_ts") for c in columns]
    for row in rows:
        yield tuple(
            csvfile.local(from_ms(v), tz) if stamp and isinstance(v, int) else v
            for stamp, v in zip(stamps, row, strict=True)
        )


def _num(value: float | None) -> str:
    return "" if value is None else csvfile.value_text(float(value))


def _mean(total: float | None, count: int) -> str:
    return "" if total is None or not count else csvfile.value_text(round(total / count, 3))


def _configuration(docs: Documents) -> str:
    config = docs.config
    resident = config.residents.get(docs.resident) if docs.resident else None
    data = {
        "home": config.home.model_dump(mode="json"),
        "resident": (
            {"id": docs.resident, **resident.model_dump(mode="json")} if resident else None
        ),
        "rooms": {rid: room.model_dump(mode="json") for rid, room in config.rooms.items()},
        "contacts": {cid: c.model_dump(mode="json") for cid, c in config.contacts.items()},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
