"""`obhut run` and `obhut demo` as real processes: ready, served, reloaded on SIGHUP, stopped."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from .conftest import free_port

TIMEOUT = 30.0


class Running:
    """A hub process whose stderr lines are collected as they come."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", *args],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_for(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            self.log.append(line)
            if m := re.search(pattern, line):
                return m
        raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(self.log)}")

    def submit(self, port: int, page: str, action: str = "", **fields: str) -> tuple[int, str]:
        """Fill in a form on `page` as a browser does: its hidden CSRF field goes back with it."""
        status, html = self.get(port, page)
        found = re.search(r'name="csrf" value="([^"]+)"', html)
        assert status == 200 and found, html
        data = urllib.parse.urlencode({"csrf": found.group(1), **fields}).encode()
        url = f"http://127.0.0.1:{port}{action or page}"
        try:
            with self.opener.open(url, data=data, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def sign_in(self, port: int, code: str) -> None:
        """Make the first installer account with the setup code, sign out, and sign in."""
        password = "ein-langes-Passwort"
        status, page = self.submit(
            port, "/setup", code=code, username="ina", password=password, password2=password
        )
        assert status == 200 and 'action="/logout"' in page, page  # on the live page
        status, page = self.submit(port, "/", action="/logout")
        assert status == 200 and 'action="/login"' in page, page
        status, page = self.submit(port, "/login", username="ina", password=password)
        assert status == 200 and 'action="/logout"' in page, page

    def get(self, port: int, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(f"http://127.0.0.1:{port}{path}", timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=TIMEOUT)


@pytest.fixture
def running() -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def start(*args: str) -> Running:
        started.append(Running(*args))
        return started[-1]

    yield start
    for r in started:
        if r.proc.poll() is None:
            r.proc.kill()
            r.proc.wait()


def test_run_serves_reloads_on_sighup_keeps_the_last_good_config_and_stops(
    write_config: Callable[[str], Path], running: Callable[..., Running]
) -> None:
    port = free_port()
    web = f"web: {{host: 127.0.0.1, port: {port}}}\n"
    path = write_config("rules:\n  - kind: panic\n" + web)
    hub = running("run", "-c", str(path))
    hub.wait_for(r"ready in \d+\.\d+ s")
    code = hub.wait_for(r"enter the setup code (\S+)").group(1)
    hub.sign_in(port, code)
    assert hub.get(port, "/")[0] == 200

    good = path.read_text()
    path.write_text(good.replace("kind: panic", "kind: panik"))
    hub.proc.send_signal(signal.SIGHUP)
    hub.wait_for("configuration not applied; the hub keeps the last good one")
    hub.wait_for(rf"{re.escape(str(path))}:\d+:11: error: unknown rule kind 'panik'")
    status, page = hub.get(port, "/")
    assert status == 200 and "unknown rule kind" in page  # the installer sees it too
    assert hub.proc.poll() is None

    path.write_text(good.replace("rules:\n", "rules:\n  - {kind: smoke}\n"))
    hub.proc.send_signal(signal.SIGHUP)
    hub.wait_for(r"configuration applied: 3 rooms, 4 devices, 2 rules, 1 contacts")
    assert "unknown rule kind" not in hub.get(port, "/")[1]
    assert hub.stop() == 0


def test_run_refuses_a_broken_config_with_the_messages(
    write_config: Callable[[str], Path], running: Callable[..., Running]
) -> None:
    path = write_config("rules:\n  - kind: inactivity\n    duration: soon\n")
    hub = running("run", "-c", str(path))
    hub.wait_for(rf"{re.escape(str(path))}:\d+:15: error: 'soon' is not a duration")
    assert hub.proc.wait(timeout=TIMEOUT) == 1


def test_a_port_in_use_is_a_clear_error(
    write_config: Callable[[str], Path], running: Callable[..., Running]
) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        path = write_config(f"web: {{host: 127.0.0.1, port: {port}}}\n")
        hub = running("run", "-c", str(path))
        hub.wait_for(rf"cannot serve the web UI on 127.0.0.1:{port}: .*in use")
        assert hub.proc.wait(timeout=TIMEOUT) == 1


def test_demo_serves_a_page_with_observations_arriving(
    tmp_path: Path, running: Callable[..., Running]
) -> None:
    port = free_port()
    demo = running("demo", "--port", str(port), "--data", str(tmp_path), "--speed", "20000")
    demo.wait_for("ready in")
    code = demo.wait_for(r"enter the setup code (\S+)").group(1)
    demo.sign_in(port, code)
    status, page = demo.get(port, "/")
    assert status == 200 and "Wohnung Erna Beispiel" in page
    # The flat runs on the simulated Zigbee radio: its devices join, the day plays, the
    # vital-sign twin reports.
    demo.wait_for(r"demo: 17 simulated devices joined the network")
    expected = {
        "radio.zigbee",
        "bed_occupancy.schlafzimmer",
        "motion.bad",
        "heart_rate.schlafzimmer",
    }
    deadline = time.monotonic() + TIMEOUT
    seen: set[str] = set()
    while time.monotonic() < deadline and not expected <= seen:
        state = json.loads(demo.get(port, "/api/state")[1])["state"]
        seen |= {o["entity"] for o in state if o["source"] == "zigbee"}
        time.sleep(0.2)  # waiting on a real process, not on simulated time
    assert expected <= seen
    # The demo's SMS go to its own stand-in of Twilio: a meal ordered on the tablet reaches the
    # care service (which, unlike Anna, has no quiet hours to wait for).
    assert any("SMS go to a stand-in of Twilio at http://127.0.0.1:8079" in x for x in demo.log)
    status, tablet = demo.get(port, "/tablet")
    token = re.search(r'name="csrf-token" content="([^"]+)"', tablet)
    assert status == 200 and token, tablet
    ask = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/resident/requests",
        data=json.dumps({"service": "essen", "choice": {"item": 1}}).encode(),
        headers={"Content-Type": "application/json", "X-CSRF-Token": token.group(1)},
    )
    with demo.opener.open(ask, timeout=10) as resp:
        assert resp.status == 201
    demo.wait_for(r"SMS to \+4920300000002: .*Gemüseauflauf.*JA \d+")
    assert demo.stop() == 0
    assert (tmp_path / "obhut.db").is_file()
