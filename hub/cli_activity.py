"""`obhut activity …`: recorded activity logs of real homes as events files for `obhut replay`."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any


def add_commands(sub: Any) -> None:
    activity = sub.add_parser("activity", help="convert recorded activity logs to events files")
    asub = activity.add_subparsers(required=True, metavar="ACTION")
    convert = asub.add_parser(
        "convert",
        help="sensor intervals (UCI ADL format) → events CSV",
        description="Each interval becomes `on` at its start and `off` at its end, for the "
        "entity the mapping names; times are written with the log's local UTC offset.",
    )
    convert.add_argument("sensors", type=Path, metavar="SENSORS.txt")
    convert.add_argument("--mapping", type=Path, required=True, metavar="MAPPING.yaml")
    convert.add_argument("-o", "--output", type=Path, default=None, metavar="EVENTS.csv")
    convert.add_argument(
        "--skip-bad",
        action="store_true",
        help="leave bad lines out (and list them) instead of stopping",
    )
    convert.set_defaults(func=_cmd_convert)


def _cmd_convert(args: argparse.Namespace) -> int:
    from integrations.activity.convert import convert_file, write_events
    from integrations.activity.intervals import IntervalsError
    from integrations.activity.mapping import MappingError, load_mapping

    try:
        mapping = load_mapping(args.mapping)
    except MappingError as e:
        print(e, file=sys.stderr)
        return 1
    try:
        result = convert_file(args.sensors, mapping)
    except OSError as e:
        print(f"{args.sensors}: error: cannot read: {e.strerror}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as e:
        print(f"{args.sensors}: error: not a text file ({e.reason})", file=sys.stderr)
        return 1
    if result.errors:
        report = IntervalsError(args.sensors, result.errors)
        if not args.skip_bad:
            print(f"{report}\nnothing written; --skip-bad leaves these lines out", file=sys.stderr)
            return 1
        print(str(report).replace(": error: ", ": warning: skipped: "), file=sys.stderr)
    with contextlib.ExitStack() as stack:
        if args.output is None:
            out = sys.stdout
        else:
            try:
                out = stack.enter_context(args.output.open("w", encoding="utf-8", newline=""))
            except OSError as e:
                print(f"{args.output}: error: cannot write: {e.strerror}", file=sys.stderr)
                return 1
        write_events(out, result.events, mapping.tz)
    entities = len({o.entity for o in result.events})
    where = args.output or "stdout"
    print(
        f"wrote {len(result.events)} events of {entities} entities to {where}"
        f" ({result.merged} overlapping intervals merged"
        + (f", {sum(result.ignored.values())} rows of ignored sensors" if result.ignored else "")
        + ")",
        file=sys.stderr,
    )
    return 0
