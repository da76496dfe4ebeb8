"""`obhut export csv|fhir`: the store's observations, alerts and vital signs for a range of days.

The store is read through a read-only connection, so this works while the hub runs. Each
export is written to the audit log before anything is read.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.config import Config
    from hub.export.documents import Documents
    from hub.export.period import Period
    from hub.export.records import Records


def add_commands(sub: Any) -> None:
    export = sub.add_parser(
        "export",
        help="export observations and alerts (CSV) or vital signs (FHIR) for a range of days",
    )
    esub = export.add_subparsers(required=True, metavar="FORMAT")
    csv = esub.add_parser(
        "csv",
        help="two CSV files: observations and alerts",
        description="Every stored observation and every alert opened between --from and --to "
        "(days in the home's time zone, both included), as RFC 4180 CSV in UTF-8.",
    )
    _common(csv)
    csv.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for both files")
    csv.set_defaults(func=_cmd_csv)
    fhir = esub.add_parser(
        "fhir",
        help="vital signs as a FHIR R4 Bundle (JSON) for the doctor",
        description="Measurements entered by hand one by one; from the sensors each night's "
        "resting heart and breathing rate (a day's night ends that morning); dropouts are "
        "left out.",
    )
    _common(fhir)
    fhir.add_argument("--out", type=Path, required=True, metavar="FILE.json")
    fhir.add_argument("--resident", default=None, metavar="ID", help="whose (default: the only)")
    fhir.set_defaults(func=_cmd_fhir)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    parser.add_argument("--from", dest="first", required=True, metavar="DAY", help="2026-11-01")
    parser.add_argument("--to", dest="last", required=True, metavar="DAY", help="2026-11-28")


def _fail(message: str) -> int:
    print(f"obhut export: error: {message}", file=sys.stderr)
    return 1


def _prepare(args: argparse.Namespace) -> tuple[Config, Period, Path] | None:
    from hub.cli import _load
    from hub.export.period import PeriodError, period

    config = _load(args.config)
    if config is None:
        return None
    try:
        span = period(args.first, args.last, config.home.tz, ("--from", "--to"))
    except PeriodError as e:
        _fail(f"{e}")
        return None
    return config, span, config.storage.data_dir / "obhut.db"


@contextlib.contextmanager
def _opened(db: Path, action: str, target: str, detail: str) -> Iterator[Records]:
    """The store read-only, after the export is in the audit log."""
    from hub.export.audit import cli_actor, record
    from hub.export.records import Records

    with Records.open(db) as records:
        record(db, cli_actor(), action, target, detail, datetime.now(UTC))
        yield records


def _cmd_csv(args: argparse.Namespace) -> int:
    from hub.export.audit import AuditError
    from hub.export.documents import Documents
    from hub.export.files import write_text
    from hub.export.records import HistoryError

    prepared = _prepare(args)
    if prepared is None:
        return 1
    config, span, db = prepared
    docs = Documents(config, None)
    observations = args.out / f"observations_{span.slug}.csv"
    alerts = args.out / f"alerts_{span.slug}.csv"
    try:
        with _opened(db, "export.csv", "cli", span.describe()) as records:
            rows = write_text(
                observations, docs.observations_csv(records.observations(span.start, span.end))
            )
            alert_rows = write_text(alerts, docs.alerts_csv(records, span))
    except (HistoryError, AuditError) as e:
        return _fail(str(e))
    except OSError as e:
        return _fail(f"cannot write to {args.out}: {e.strerror}")
    print(f"{observations}: observations {rows - 1}")
    print(f"{alerts}: alerts {alert_rows - 1}")
    return 0


def _cmd_fhir(args: argparse.Namespace) -> int:
    from hub.export.audit import AuditError
    from hub.export.documents import Documents, NoSuchResident, pick_resident
    from hub.export.files import write_text
    from hub.export.records import HistoryError

    prepared = _prepare(args)
    if prepared is None:
        return 1
    config, span, db = prepared
    try:
        docs = Documents(config, pick_resident(config, args.resident))
    except NoSuchResident as e:
        return _fail(f"{e}; use --resident ID")
    try:
        with _opened(db, "export.fhir", docs.resident or "", span.describe()) as records:
            write_text(args.out, docs.fhir(records, span, datetime.now(UTC)))
    except (HistoryError, AuditError) as e:
        return _fail(str(e))
    except OSError as e:
        return _fail(f"cannot write {args.out}: {e.strerror}")
    print(f"{args.out}: {_summary(docs)}")
    return 0


def _summary(docs: Documents) -> str:
    vitals = docs.vitals
    if vitals is None or not vitals.exported:
        return "no vital signs in this range"
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(vitals.exported.items()))
    return f"{counts} ({vitals.dropped} dropouts left out)"
