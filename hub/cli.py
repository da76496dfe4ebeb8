"""The `obhut` command: run, demo, check, replay."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from hub import __version__, cli_activity, cli_export, cli_privacy, cli_zigbee, logs

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from typing import Any

    from hub.app import Hub
    from hub.config import Config
    from hub.model import Action, Finding
    from integrations.base import ObservationSource
    from integrations.simulation.vitals import Minute

log = logging.getLogger("obhut")
STARTED = time.monotonic()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "demo"
# A real night of vital signs, beside the project in the workplace it grew up in
VITALS = EXAMPLES.parents[2] / "shared/data/vitals/mimic2-s00001/s00001_numerics.csv"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logs.setup(verbose=getattr(args, "verbose", False))
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        code = 130
    return code


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="obhut", description="Obhut home hub")
    p.add_argument("--version", action="version", version=f"obhut {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug messages too")
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the hub with a configuration")
    run.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    run.set_defaults(func=_cmd_run)

    demo = sub.add_parser("demo", help="run the hub on the simulated demo home")
    demo.add_argument("--port", type=int, default=None, help="web port (default from the demo)")
    demo.add_argument("--speed", type=float, default=60.0, help="simulated seconds per second")
    demo.add_argument("--data", type=Path, default=None, help="data folder (default: the demo's)")
    demo.set_defaults(func=_cmd_demo)

    check = sub.add_parser("check", help="check a configuration file and report every problem")
    check.add_argument("file", type=Path, metavar="FILE")
    check.set_defaults(func=_cmd_check)

    cli_zigbee.add_commands(sub)

    backup = sub.add_parser("backup", help="back up history, Zigbee network and configuration")
    backup.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    backup.set_defaults(func=_cmd_backup)
    restore = sub.add_parser("restore", help="put a backup onto this machine")
    restore.add_argument("archive", type=Path, metavar="BACKUP.tar.gz")
    restore.add_argument("--config-dir", type=Path, required=True, metavar="DIR")
    restore.add_argument("--data-dir", type=Path, required=True, metavar="DIR")
    restore.add_argument("--force", action="store_true", help="overwrite existing files")
    restore.set_defaults(func=_cmd_restore)

    cli_activity.add_commands(sub)
    cli_export.add_commands(sub)
    cli_privacy.add_commands(sub)

    replay = sub.add_parser(
        "replay",
        help="run recorded observations (a CSV file, or the store's history) through the rules",
        description="Print the findings and actions the configuration's rules give for "
        "recorded observations, as JSON lines. Times without an offset are the home's.",
    )
    replay.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    replay.add_argument("events", type=Path, nargs="?", default=None, metavar="EVENTS.csv")
    replay.add_argument(
        "--history", action="store_true", help="replay the hub's own store (a dry run)"
    )
    replay.add_argument(
        "--days", type=_days, default=None, metavar="N", help="with --history: the last N days (30)"
    )
    replay.add_argument(
        "--from",
        dest="start",
        default=None,
        metavar="TIME",
        help="with --history: instead of --days",
    )
    replay.add_argument(
        "--until",
        default=None,
        metavar="TIME",
        help="end (--history: default now); deadlines fire until then",
    )
    replay.add_argument(
        "--store", type=Path, default=None, metavar="FILE", help="default: DATA_DIR/obhut.db"
    )
    replay.set_defaults(func=_cmd_replay)
    return p


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of days, 1 or more; got '{text}'"
        )
    return days


def _load(path: Path) -> Config | None:
    from hub.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as e:
        print(e.format(), file=sys.stderr)
        return None


def _cmd_check(args: argparse.Namespace) -> int:
    config = _load(args.file)
    if config is None:
        return 1
    print(f"OK: {config.summary()}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    config = _load(args.config)
    if config is None:
        return 1
    return asyncio.run(_serve(config, args.config, []))


def _cmd_demo(args: argparse.Namespace) -> int:
    path = EXAMPLES / "obhut.yaml"
    config = _load(path)
    if config is None:
        return 1
    if args.port is not None:
        config = config.model_copy(
            update={"web": config.web.model_copy(update={"port": args.port})}
        )
    if args.data is not None:
        storage = config.storage.model_copy(update={"data_dir": args.data})
        config = config.model_copy(update={"storage": storage})
    from integrations.zigbee.simradio.flat import prepare_world

    prepare_world(EXAMPLES / "zigbee" / "flat.yaml", config.storage.data_dir)
    speed = args.speed
    return asyncio.run(_demo(config, path, speed))


async def _demo(config: Config, path: Path, speed: float) -> int:
    """The demo hub, with a local stand-in of Twilio when its SMS point at this machine."""
    from integrations.sms_twilio.demo import local_standin

    async with local_standin(config):
        return await _serve(config, path, [], lambda hub: _demo_life(hub, speed))


async def _demo_life(hub: Hub, speed: float) -> None:
    """The simulated resident's day, and her vital signs, on the simulated radio."""
    from integrations.simulation.vitals import feed, read_numerics, synthetic
    from integrations.zigbee.simradio.flat import join_all
    from integrations.zigbee.simradio.scenario import load_scenario, run_scenario
    from integrations.zigbee.simradio.stimuli import Stimuli

    assert hub.zigbee is not None
    await hub.zigbee.ready.wait()
    zigbee = hub.zigbee.zigbee
    joined = await join_all(zigbee)
    if joined:
        log.info("demo: %d simulated devices joined the network", joined)
    stimuli = Stimuli(zigbee.radio)
    scenario = load_scenario(EXAMPLES / "zigbee" / "day.yaml", zigbee.world.nodes)
    minutes = read_numerics(VITALS) if VITALS.is_file() else synthetic()
    tz = hub.config.home.tz
    today = hub.clock.now().astimezone(tz).date()

    def vital(minute: Minute) -> None:
        stimuli.set(
            "schlafzimmer-vitals",
            heart_rate=minute.heart_rate,
            respiratory_rate=minute.respiratory_rate,
        )

    await asyncio.gather(
        run_scenario(scenario, stimuli, hub.clock, day=today, tz=tz, speed=speed, loop=True),
        feed(minutes, vital, hub.clock, speed=speed),
    )


async def _serve(
    config: Config,
    config_path: Path,
    sources: list[ObservationSource],
    life: Callable[[Hub], Coroutine[Any, Any, None]] | None = None,
) -> int:
    from hub.app import Hub
    from hub.clock import SystemClock
    from hub.control import serve_control
    from hub.systemd import Notifier, pet_watchdog, watchdog_interval
    from hub.web.app import WebError, serve
    from hub.web.auth import Gate

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    gate = Gate()
    try:
        async with (
            Hub.running(config, config_path, SystemClock(), sources) as hub,
            serve(hub, gate, config.web.host, config.web.port),
            serve_control(hub),
        ):
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            loop.add_signal_handler(
                signal.SIGHUP, lambda: loop.create_task(hub.reload(), name="reload")
            )
            # Everything loaded so far lives as long as the hub: keep it out of the collector's
            # way, so a full collection never stalls an alert for a quarter of a second.
            gc.collect()
            gc.freeze()
            url = f"http://{config.web.host}:{config.web.port}/"
            log.info("ready in %.2f s: %s at %s", time.monotonic() - STARTED, config.home.name, url)
            if gate.setup_code is not None:
                log.warning(
                    "no installer account yet: open %ssetup and enter the setup code %s",
                    url,
                    gate.setup_code,
                )
            else:
                log.info("web pages at %s: sign in with your account", url)
            extra = loop.create_task(life(hub), name="demo") if life else None
            if extra is not None:
                extra.add_done_callback(_report_failure)
            announced = contextlib.AsyncExitStack()
            if config.web.mdns:
                from hub.mdns import announce

                try:
                    await announced.enter_async_context(announce(config.web.host, config.web.port))
                except OSError as e:
                    log.warning("could not announce obhut.local: %s", e)
            systemd = Notifier()
            systemd.ready(f"{config.home.name}: ready at {url}")
            every = watchdog_interval()
            pets = loop.create_task(pet_watchdog(systemd, every)) if every else None
            await stop.wait()
            log.info("stopping")
            systemd.stopping()
            await announced.aclose()
            if pets is not None:
                pets.cancel()
            if extra is not None:
                extra.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await extra
    except WebError as e:
        log.error("%s", e)
        return 1
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    from hub.backup import create_backup

    config = _load(args.config)
    if config is None:
        return 1
    print(create_backup(args.config, config, datetime.now().astimezone()))
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from hub.backup import BackupError, restore_backup

    try:
        written = restore_backup(args.archive, args.config_dir, args.data_dir, force=args.force)
    except BackupError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    config = args.config_dir / "obhut.yaml"
    print(f"restored {len(written)} files; start the hub with: obhut run -c {config}")
    return 0


def _report_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("%s stopped", task.get_name(), exc_info=task.exception())


def _cmd_replay(args: argparse.Namespace) -> int:
    from hub.replay import EventsError, read_events, replay

    history_only = [
        flag
        for flag, given in (("--days", args.days), ("--from", args.start), ("--store", args.store))
        if given is not None
    ]
    if args.history and args.events is not None:
        return _fail("give EVENTS.csv or --history, not both")
    if not args.history and args.events is None:
        return _fail("give EVENTS.csv to replay, or --history to replay the store's own history")
    if not args.history and history_only:
        return _fail(f"{history_only[0]} goes with --history")
    if args.days is not None and args.start is not None:
        return _fail("give --days or --from, not both")
    config = _load(args.config)
    if config is None:
        return 1
    try:
        until = _moment(args.until, config, "--until")
        start = _moment(args.start, config, "--from")
    except ValueError as e:
        return _fail(str(e))

    def emit(item: Finding | Action) -> None:
        sys.stdout.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")

    if args.history:
        return _replay_history(args, config, start, until, emit)
    try:
        events = read_events(args.events)
    except EventsError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print(f"{args.events}: error: cannot read: {e.strerror}", file=sys.stderr)
        return 1
    result = asyncio.run(replay(config, events, emit, until, on_action=emit))
    for entity in sorted(result.unknown_entities):
        log.warning("%s is not an entity of this configuration's devices", entity)
    log.info("replayed %d events: %d findings", result.events, result.findings)
    return 0


def _replay_history(
    args: argparse.Namespace,
    config: Config,
    start: datetime | None,
    until: datetime | None,
    emit: Callable[[Finding | Action], None],
) -> int:
    """The store's own observations through the configuration's rules: nothing is written."""
    from hub.replay import History, HistoryError, replay

    end = until or datetime.now(UTC).replace(microsecond=0)
    if start is None:
        start = end - timedelta(days=args.days or 30)
    if start >= end:
        shown = [t.astimezone(config.home.tz).strftime("%Y-%m-%d %H:%M") for t in (start, end)]
        return _fail(f"--from ({shown[0]}) is not before --until ({shown[1]})")
    path = args.store or config.storage.data_dir / "obhut.db"
    try:
        with History.open(path) as history:
            span = history.span()
            if span is None or span[1] < start or span[0] >= end:
                log.warning("%s holds no observations between %s and %s", path, start, end)
            elif span[0] > start:
                log.warning(
                    "%s keeps observations from %s on (older ones are folded by retention)",
                    path,
                    span[0].astimezone(config.home.tz).strftime("%Y-%m-%d %H:%M"),
                )
            result = asyncio.run(
                replay(
                    config, history.observations(start, end), emit, end, on_action=emit, start=start
                )
            )
    except HistoryError as e:
        print(e, file=sys.stderr)
        return 1
    for entity in sorted(result.unknown_entities):
        log.warning("%s is not an entity of this configuration's devices", entity)
    log.info(
        "replayed %d observations from %s (%s to %s): %d findings",
        result.events,
        path,
        start.astimezone(config.home.tz).isoformat(timespec="minutes"),
        end.astimezone(config.home.tz).isoformat(timespec="minutes"),
        result.findings,
    )
    return 0


def _moment(text: str | None, config: Config, flag: str) -> datetime | None:
    """An ISO-8601 time or date; without an offset it is the home's wall time."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{flag} '{text}' is not a time; write e.g. 2026-05-04, 2026-05-04T08:00 "
            "or 2026-05-04T08:00+02:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=config.home.tz)
    return moment.astimezone(UTC)


def _fail(message: str) -> int:
    print(f"obhut replay: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
