"""Readiness and the watchdog, against a fake NOTIFY_SOCKET as systemd would listen."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.systemd import Notifier, pet_watchdog, watchdog_interval


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify"))
    sock.settimeout(5)
    yield sock
    sock.close()


def test_ready_reaches_systemd_with_a_status(notify_socket: socket.socket, tmp_path: Path) -> None:
    notifier = Notifier(str(tmp_path / "notify"))
    assert notifier.ready("Wohnung Müller: bereit")
    assert notify_socket.recv(4096).decode() == "READY=1\nSTATUS=Wohnung Müller: bereit"


def test_without_systemd_nothing_is_sent() -> None:
    assert Notifier("").send("READY=1") is False
    assert watchdog_interval({}) is None


def test_the_interval_is_half_the_timeout_and_only_for_this_process() -> None:
    pid = str(os.getpid())
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": pid}) == 15.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "nonsense"}) is None


async def test_the_event_loop_pets_the_watchdog_until_it_stops(
    notify_socket: socket.socket, tmp_path: Path
) -> None:
    notifier = Notifier(str(tmp_path / "notify"))
    task = asyncio.create_task(pet_watchdog(notifier, 0.01))
    got = [await asyncio.to_thread(notify_socket.recv, 64) for _ in range(3)]
    assert got == [b"WATCHDOG=1"] * 3
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    notify_socket.settimeout(0.05)
    with pytest.raises(TimeoutError):  # a hung or stopped loop sends nothing more
        while True:
            notify_socket.recv(64)


def test_an_abstract_socket_address_is_understood() -> None:
    assert Notifier("@obhut/notify").address == "\0obhut/notify"


def test_obhut_run_tells_systemd_it_is_ready_and_pets_the_watchdog(
    notify_socket: socket.socket, tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys

    from tests.conftest import BASE_CONFIG, free_port

    config = tmp_path / "obhut.yaml"
    config.write_text(
        BASE_CONFIG
        + f"web: {{host: 127.0.0.1, port: {free_port()}}}\nstorage: {{data_dir: {tmp_path}}}\n"
    )
    env = {
        **os.environ,
        "NOTIFY_SOCKET": str(tmp_path / "notify"),
        "WATCHDOG_USEC": "200000",  # 0.2 s: pets every 0.1 s
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "run", "-c", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        messages = [notify_socket.recv(4096).decode() for _ in range(3)]
        assert messages[0].startswith("READY=1\nSTATUS=Wohnung Test: ready at http://127.0.0.1:")
        assert messages[1:] == ["WATCHDOG=1", "WATCHDOG=1"]
        proc.send_signal(signal.SIGTERM)
        while notify_socket.recv(4096).decode() != "STOPPING=1":  # pets may come first
            pass
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        proc.wait(timeout=10)
