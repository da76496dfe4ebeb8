"""`obhut privacy export|delete`: everything stored about the resident, handed over or erased.

`export` reads the store read-only and works while the hub runs. `delete` needs the hub
stopped: a running hub holds rules' timers and alerts in memory and would write them back.
Both are recorded in the audit log.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.config import Config

STOP_FIRST = (
    "the hub is running; stop it first: sudo systemctl stop obhut "
    "(and start it again afterwards: sudo systemctl start obhut)"
)


def add_commands(sub: Any) -> None:
    privacy = sub.add_parser(
        "privacy", help="a resident's data: export all of it (GDPR Art. 15) or delete it (Art. 17)"
    )
    psub = privacy.add_subparsers(required=True, metavar="ACTION")
    export = psub.add_parser(
        "export",
        help="everything stored about the resident in one zip file, readable without Obhut",
        description="CSV files, the vital signs as FHIR, the audit log, alerts and who was told, "
        "the configuration's resident and contacts, and a README in German and English.",
    )
    export.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.zip")
    export.add_argument("--resident", default=None, metavar="ID", help="whose (default: the only)")
    export.set_defaults(func=_cmd_export)
    delete = psub.add_parser(
        "delete",
        help="delete all of the resident's data (the hub must be stopped)",
        description="Without --yes it shows what would be deleted and asks for the resident's "
        "name. The audit log keeps who accessed and changed what, and this deletion.",
    )
    delete.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    delete.add_argument("--resident", default=None, metavar="ID", help="whose (default: the only)")
    delete.add_argument("--yes", action="store_true", help="do not ask")
    delete.set_defaults(func=_cmd_delete)


def _fail(message: str) -> int:
    print(f"obhut privacy: error: {message}", file=sys.stderr)
    return 1


def _setup(args: argparse.Namespace) -> tuple[Config, str | None, Path] | None:
    from hub.cli import _load
    from hub.export.documents import NoSuchResident, pick_resident

    config = _load(args.config)
    if config is None:
        return None
    try:
        resident = pick_resident(config, args.resident)
    except NoSuchResident as e:
        _fail(f"{e}; use --resident ID")
        return None
    db = config.storage.data_dir / "obhut.db"
    if not db.is_file():
        _fail(f"{db}: no store here; has the hub run with this configuration?")
        return None
    return config, resident, db


def _cmd_export(args: argparse.Namespace) -> int:
    from hub.export.audit import AuditError, cli_actor, record
    from hub.export.documents import Documents
    from hub.export.privacy import write_privacy_zip
    from hub.export.records import HistoryError, Records

    setup = _setup(args)
    if setup is None:
        return 1
    config, resident, db = setup
    docs = Documents(config, resident)
    now = datetime.now(UTC)
    try:
        with Records.open(db) as records:
            record(db, cli_actor(), "privacy.export", resident or "", str(args.out), now)
            names = write_privacy_zip(args.out, records, docs, now)
    except (HistoryError, AuditError) as e:
        return _fail(str(e))
    except OSError as e:
        return _fail(f"cannot write {args.out}: {e.strerror}")
    print(f"{args.out}: {', '.join(names)}")
    return 0


def _cmd_delete(args: argparse.Namespace) -> int:
    from hub.export.audit import cli_actor
    from hub.export.erase import UnknownTable, erase, hub_running, plan, scope_of
    from hub.store import StoreError

    setup = _setup(args)
    if setup is None:
        return 1
    config, resident, db = setup
    data = config.storage.data_dir
    running = hub_running(data)
    if running:
        return _fail(STOP_FIRST)
    if running is None:
        return _fail(
            f"cannot tell whether the hub is running (no access to {data}/obhut.sock); "
            "run this as the hub's user: sudo -u obhut obhut privacy delete …"
        )
    scope = scope_of(resident, config.residents)
    person = config.residents[resident].name if resident else config.home.name
    try:
        would = plan(db, scope, data)
    except UnknownTable as e:
        return _fail(str(e))
    except sqlite3.Error as e:
        return _fail(f"{db}: cannot read the store: {e}")
    print(f"Deleting the data of {person} from {db}:")
    print(f"  {would.counts()}")
    if not scope.flat:
        print("  (several residents: the flat's own sensors concern all of them and stay)")
    for path in [*would.backups, *would.pictures]:
        print(f"  file {path}")
    if not args.yes and not _confirmed(person):
        print("nothing deleted")
        return 1
    try:
        done = erase(db, scope, data, cli_actor(), datetime.now(UTC))
    except UnknownTable as e:
        return _fail(str(e))
    except (StoreError, sqlite3.Error) as e:
        return _fail(f"{db}: the deletion did not finish ({e}); run it again")
    print(f"deleted: {done.counts()}")
    print("the audit log keeps who accessed and changed what, and this deletion")
    if done.backups:
        print("the nightly backups held the old data and are gone; make a new one:")
        print(f"  obhut backup -c {args.config}")
    return 0


def _confirmed(person: str) -> bool:
    try:
        typed = input(f"To delete, type the name {person!r}: ")
    except EOFError:
        print("\n(no answer: give --yes to delete without asking)")
        return False
    return typed.strip().casefold() == person.strip().casefold()
