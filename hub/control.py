"""A local control socket: `obhut zigbee permit` and friends talk to the running hub here.

The socket lives in the data folder with mode 0600, so only the hub's own user (and root)
can use it: the file system is the authentication, as with systemd's and Docker's sockets.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import ClientSession, UnixConnector, web

if TYPE_CHECKING:
    from hub.app import Hub

log = logging.getLogger(__name__)

SOCKET = "obhut.sock"
HUB: web.AppKey[Hub] = web.AppKey("hub")


class NotRunning(Exception):
    """No hub answers on the control socket."""


def socket_path(data_dir: Path) -> Path:
    return data_dir / SOCKET


@contextlib.asynccontextmanager
async def serve_control(hub: Hub) -> AsyncIterator[Path]:
    path = socket_path(hub.config.storage.data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # left over from a hub that was killed
    app = web.Application()
    app[HUB] = hub
    app.router.add_post("/ping", _ping)
    app.router.add_post("/zigbee/permit", _permit)
    app.router.add_post("/zigbee/backup", _backup)
    app.router.add_post("/zigbee/devices", _devices)
    app.router.add_post("/zigbee/remove", _remove)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.UnixSite(runner, str(path))
    await site.start()
    path.chmod(0o600)
    try:
        yield path
    finally:
        await runner.cleanup()
        path.unlink(missing_ok=True)


async def _ping(request: web.Request) -> web.Response:
    return web.json_response({"running": True})


def _zigbee(request: web.Request) -> Any:
    source = request.app[HUB].zigbee
    if source is None or source.zigbee is None:
        raise web.HTTPConflict(text="Zigbee is not configured or not started yet")
    return source.zigbee


async def _permit(request: web.Request) -> web.Response:
    body = await request.json()
    seconds = int(body.get("seconds", 60))
    if not 1 <= seconds <= 254:
        raise web.HTTPBadRequest(text="seconds must be between 1 and 254")
    await _zigbee(request).permit(seconds)
    request.app[HUB].store.audit("cli", "zigbee.permit", f"{seconds} s")
    return web.json_response({"permitted": seconds})


async def _backup(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    path = await write_backup(_zigbee(request), hub.config.storage.data_dir, hub.clock.now())
    hub.store.audit("cli", "zigbee.backup", str(path))
    return web.json_response({"file": str(path)})


async def _devices(request: web.Request) -> web.Response:
    """Every device on the network: what it is, whether it is assigned, and what it gives."""
    hub = request.app[HUB]
    zigbee = _zigbee(request)
    source = hub.zigbee
    assert source is not None
    out = []
    for ieee, device in zigbee.gateway.devices.items():
        if getattr(device, "is_coordinator", False):
            continue
        key = str(ieee)
        configured = hub.config.devices.get(key)
        view = source.devices.get(key)
        out.append(
            {
                "ieee": key,
                "manufacturer": str(device.manufacturer),
                "model": str(device.model),
                "available": bool(device.available),
                "name": configured.name if configured else None,
                "room": configured.room if configured else None,
                "role": configured.role.value if configured else None,
                "entities": [b.entity_id for b in view.bindings] if view else [],
            }
        )
    return web.json_response({"devices": sorted(out, key=lambda d: (d["room"] is None, d["ieee"]))})


async def _remove(request: web.Request) -> web.Response:
    import zigpy.types as t

    body = await request.json()
    zigbee = _zigbee(request)
    try:
        ieee = t.EUI64.convert(str(body.get("ieee", "")))
    except (ValueError, TypeError):
        raise web.HTTPBadRequest(
            text="ieee must be an address like 00:15:8d:00:01:23:45:67"
        ) from None
    if ieee not in zigbee.gateway.devices:
        raise web.HTTPNotFound(text=f"no device {ieee} on this network")
    await zigbee.gateway.async_remove_device(ieee)
    request.app[HUB].store.audit("cli", "zigbee.remove", str(ieee))
    return web.json_response({"removed": str(ieee)})


async def write_backup(zigbee: Any, data_dir: Path, now: datetime, keep: int = 14) -> Path:
    """The coordinator's network as open coordinator backup JSON, in data/backups/, rotated."""
    folder = data_dir / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    backup = await zigbee.backup()
    path = folder / f"zigbee-{now:%Y%m%d-%H%M%S}.json"
    tmp = path.with_suffix(".tmp")
    tmp.touch(mode=0o600)  # the backup holds the network key
    tmp.write_text(json.dumps(backup, indent=2), encoding="utf-8")
    tmp.replace(path)
    for old in sorted(folder.glob("zigbee-*.json"))[:-keep]:
        old.unlink()
    return path


async def call(data_dir: Path, route: str, body: dict[str, Any]) -> dict[str, Any]:
    """Ask the running hub; NotRunning if none answers."""
    path = socket_path(data_dir)
    if not path.exists():
        raise NotRunning(str(path))
    try:
        async with (
            ClientSession(connector=UnixConnector(path=str(path))) as session,
            session.post(f"http://hub{route}", json=body) as resp,
        ):
            if resp.status != 200:
                raise RuntimeError(await resp.text())
            result: dict[str, Any] = await resp.json()
            return result
    except OSError as e:
        raise NotRunning(f"{path}: {e.strerror}") from None
