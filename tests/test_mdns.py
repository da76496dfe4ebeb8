"""The hub is found as obhut.local by mDNS (here on the loopback interface)."""

from __future__ import annotations

from zeroconf import IPVersion
from zeroconf.asyncio import AsyncZeroconf

from hub.mdns import SERVICE, addresses_for, announce


async def test_a_browser_on_the_network_finds_obhut_local() -> None:
    async with announce("127.0.0.1", 8123) as addresses:
        assert addresses == ["127.0.0.1"]
        seeker = AsyncZeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
        try:
            info = await seeker.async_get_service_info(SERVICE, f"Obhut.{SERVICE}", timeout=5000)
        finally:
            await seeker.async_close()
    assert info is not None
    assert (info.server, info.port, info.parsed_addresses()) == (
        "obhut.local.",
        8123,
        ["127.0.0.1"],
    )


def test_the_wildcard_means_every_address_but_loopback() -> None:
    assert "127.0.0.1" not in addresses_for("0.0.0.0")  # noqa: S104
    assert addresses_for("192.0.2.7") == ["192.0.2.7"]


def test_obhut_run_announces_itself_when_asked(tmp_path: object) -> None:
    import asyncio
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from tests.conftest import BASE_CONFIG, free_port

    folder = Path(str(tmp_path))
    port = free_port()
    config = folder / "obhut.yaml"
    config.write_text(
        BASE_CONFIG
        + f"web: {{host: 127.0.0.1, port: {port}, mdns: true}}\nstorage: {{data_dir: {folder}}}\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "run", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    import threading

    guard = threading.Timer(30, proc.kill)  # a hub that never announces cannot hang the suite
    guard.start()
    try:
        assert proc.stderr is not None
        announced = False
        for line in proc.stderr:
            if "announced as http://obhut.local" in line:
                announced = True
                break
        assert announced

        async def look() -> object:
            seeker = AsyncZeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
            try:
                return await seeker.async_get_service_info(SERVICE, f"Obhut.{SERVICE}", 5000)
            finally:
                await seeker.async_close()

        info = asyncio.run(look())
        assert info is not None and info.port == port  # type: ignore[attr-defined]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        guard.cancel()
        proc.kill()
        proc.wait()
