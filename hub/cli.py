"""The `obhut` command: run, demo, check, replay."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hub import __version__, logs

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from typing import Any

    from hub.app import Hub
    from hub.config import Config
    from hub.model import Finding
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

    zigbee = sub.add_parser("zigbee", help="pair devices, back up and restore the network")
    zsub = zigbee.add_subparsers(required=True, metavar="ACTION")
    permit = zsub.add_parser("permit", help="let new devices join for a while")
    permit.add_argument("seconds", type=int, nargs="?", default=60, metavar="SECONDS")
    permit.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    permit.set_defaults(func=_cmd_zigbee_permit)
    backup = zsub.add_parser("backup", help="write a network backup into the data folder")
    backup.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    backup.set_defaults(func=_cmd_zigbee_backup)
    restore = zsub.add_parser("restore", help="put a network backup onto the radio")
    restore.add_argument("backup", type=Path, metavar="BACKUP.json")
    restore.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    restore.set_defaults(func=_cmd_zigbee_restore)
    devices = zsub.add_parser("devices", help="list the devices on the network")
    devices.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    devices.set_defaults(func=_cmd_zigbee_devices)
    remove = zsub.add_parser("remove", help="remove a device from the network")
    remove.add_argument("ieee", metavar="IEEE")
    remove.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    remove.set_defaults(func=_cmd_zigbee_remove)
    inspect = zsub.add_parser("inspect", help="which Obhut entities a device dump gives")
    inspect.add_argument("dump", type=Path, metavar="DUMP.json")
    inspect.set_defaults(func=_cmd_zigbee_inspect)

    replay = sub.add_parser("replay", help="run recorded observations through the rules")
    replay.add_argument("-c", "--config", type=Path, required=True, metavar="FILE")
    replay.add_argument("events", type=Path, metavar="EVENTS.csv")
    replay.add_argument("--until", type=datetime.fromisoformat, default=None, metavar="TIME")
    replay.set_defaults(func=_cmd_replay)
    return p


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
    return asyncio.run(_serve(config, path, [], lambda hub: _demo_life(hub, speed)))


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
            url = f"http://{config.web.host}:{config.web.port}/"
            log.info("ready in %.2f s: %s at %s", time.monotonic() - STARTED, config.home.name, url)
            log.warning("access code for the web pages: %s", gate.access_code)
            extra = loop.create_task(life(hub), name="demo") if life else None
            if extra is not None:
                extra.add_done_callback(_report_failure)
            await stop.wait()
            log.info("stopping")
            if extra is not None:
                extra.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await extra
    except WebError as e:
        log.error("%s", e)
        return 1
    return 0


def _zigbee_config(path: Path) -> Config | None:
    config = _load(path)
    if config is not None and config.zigbee is None:
        print(f"{path}: error: there is no zigbee: section with a radio", file=sys.stderr)
        return None
    return config


def _ask_hub(path: Path, route: str, body: dict[str, object]) -> dict[str, object] | None:
    """The running hub's answer, or None after saying why there is none."""
    from hub.control import NotRunning, call

    config = _zigbee_config(path)
    if config is None:
        return None
    try:
        return asyncio.run(call(config.storage.data_dir, route, body))
    except NotRunning:
        print("error: the hub is not running; start it first (obhut run)", file=sys.stderr)
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
    return None


def _cmd_zigbee_permit(args: argparse.Namespace) -> int:
    if _ask_hub(args.config, "/zigbee/permit", {"seconds": args.seconds}) is None:
        return 1
    print(f"new devices may join for {args.seconds} s")
    return 0


def _cmd_zigbee_devices(args: argparse.Namespace) -> int:
    answer = _ask_hub(args.config, "/zigbee/devices", {})
    if answer is None:
        return 1
    print(json.dumps(answer["devices"], indent=2, ensure_ascii=False))
    return 0


def _cmd_zigbee_remove(args: argparse.Namespace) -> int:
    if _ask_hub(args.config, "/zigbee/remove", {"ieee": args.ieee}) is None:
        return 1
    print(f"removed {args.ieee}; take it out of devices: in the configuration too")
    return 0


def _cmd_zigbee_backup(args: argparse.Namespace) -> int:
    from hub.control import NotRunning, call, write_backup

    config = _zigbee_config(args.config)
    if config is None:
        return 1
    try:
        result = asyncio.run(call(config.storage.data_dir, "/zigbee/backup", {}))
        print(result["file"])
        return 0
    except NotRunning:
        pass  # no hub holds the radio: open it ourselves
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    from integrations.zigbee.runtime import open_gateway

    async def backup() -> Path:
        async with open_gateway(config) as zigbee:
            return await write_backup(zigbee, config.storage.data_dir, datetime.now().astimezone())

    print(asyncio.run(backup()))
    return 0


def _cmd_zigbee_restore(args: argparse.Namespace) -> int:
    from hub.control import NotRunning, call

    config = _zigbee_config(args.config)
    if config is None:
        return 1
    try:
        backup = json.loads(args.backup.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"{args.backup}: error: cannot read the backup: {e}", file=sys.stderr)
        return 1
    try:
        asyncio.run(call(config.storage.data_dir, "/ping", {}))
        print("error: stop the hub before restoring (systemctl stop obhut)", file=sys.stderr)
        return 1
    except (NotRunning, RuntimeError):
        pass
    from integrations.zigbee.runtime import open_coordinator_backup, open_gateway

    try:
        backup = open_coordinator_backup(backup)
    except ValueError as e:
        print(f"{args.backup}: error: {e}", file=sys.stderr)
        return 1

    async def restore() -> None:
        async with open_gateway(config) as zigbee:
            await zigbee.restore(backup)

    asyncio.run(restore())
    print(f"restored the network from {args.backup}")
    return 0


def _cmd_zigbee_inspect(args: argparse.Namespace) -> int:
    from integrations.zigbee.inspect import InspectError, inspect_dump

    try:
        found = asyncio.run(inspect_dump(args.dump))
    except InspectError as e:
        print(f"{args.dump}: error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(found, indent=2, ensure_ascii=False))
    return 0


def _report_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("%s stopped", task.get_name(), exc_info=task.exception())


def _cmd_replay(args: argparse.Namespace) -> int:
    from hub.replay import EventsError, read_events, replay

    config = _load(args.config)
    if config is None:
        return 1
    try:
        events = read_events(args.events)
    except EventsError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print(f"{args.events}: error: cannot read: {e.strerror}", file=sys.stderr)
        return 1

    def emit(finding: Finding) -> None:
        sys.stdout.write(json.dumps(finding.to_json(), ensure_ascii=False) + "\n")

    until = args.until
    if until is not None and until.tzinfo is None:
        print("error: --until needs a UTC offset, e.g. 2026-03-29T08:00+02:00", file=sys.stderr)
        return 1
    result = asyncio.run(replay(config, events, emit, until))
    for entity in sorted(result.unknown_entities):
        log.warning("%s is not an entity of this configuration's devices", entity)
    log.info("replayed %d events: %d findings", result.events, result.findings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
