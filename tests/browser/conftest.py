"""A real headless Chromium (Debian's) against a hub served on loopback from its own thread.

The browser tests are plain (synchronous) tests: Playwright's sync API drives the browser from
the test's thread, while the hub, its web server and the Twilio stand-in run on an event loop
in a thread of their own, as they would in a process of their own. `LiveHub.run` hands a
coroutine to that loop and waits for its result.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import threading
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hub.app import Hub
from hub.clock import Clock, SimulatedClock, SystemClock
from hub.config import load_config
from hub.web.app import serve
from hub.web.auth import Gate
from integrations.sms_twilio.standin import TwilioStandin

from ..conftest import free_port

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
# A closed network: no updates, no sync, no first-run dialogs, no GPU in a container.
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SENDER = "+4915712345678"
ANNA = "+4917612345678"
PFLEGE = "+4920312345678"
WAIT = 10.0

CONFIG = """\
home: {{name: Wohnung Müller, language: {language}, timezone: Europe/Berlin}}
residents: {{erika: {{name: Erika}}}}
rooms:
  bad: {{name: Bad, kind: bathroom}}
  wohnzimmer: {{name: Wohnzimmer, kind: living_room}}
devices:
  "00:15:8d:00:01:00:00:01": {{name: Bewegung Bad, room: bad, role: motion}}
  "00:15:8d:00:01:00:00:02": {{name: Stehlampe, room: wohnzimmer, role: light}}
  "00:15:8d:00:01:00:00:03": {{name: Heizung Wohnzimmer, room: wohnzimmer, role: thermostat}}
contacts:
  anna: {{name: Anna, role: family, phone: "{anna}", language: de}}
  pflege: {{name: Pflegedienst, role: carer, phone: "{pflege}", language: de}}
escalation:
  default:
    tiers:
      - {{contacts: [anna], channels: [sms], wait: 10m}}
      - {{contacts: [pflege], channels: [sms], wait: 10m}}
    repeat_last: 0
rules:
  - {{kind: panic}}
  - {{kind: reminder, id: tabletten, text: Tabletten nehmen, at: "08:00"}}
{rules}sms:
  account_sid: {sid}
  auth_token: !secret twilio_token
  sender: "{sender}"
  api_url: {api_url}
  poll_every: {poll_every}
storage: {{data_dir: {data}, commit_interval: 1s}}
{extra}"""


class LiveHub:
    """A hub with its web UI on 127.0.0.1 and a Twilio stand-in, on a loop in a thread."""

    def __init__(
        self,
        tmp_path: Path,
        language: str = "de",
        clock: Clock | None = None,
        rules: str = "",
        extra: str = "",
        poll_every: str = "30s",
    ) -> None:
        """`clock`: a SimulatedClock that the test moves (`advance_to`); `rules`: more YAML
        items for the rules list, each line starting with "  - "; `extra`: more sections at
        the end (services:, video:, web:); `poll_every`: how often SMS replies are fetched
        (a test waiting for "JA 17" sets "1s")."""
        self.tmp_path = tmp_path
        self.language = language
        self.clock = clock or SystemClock()
        self.rules = rules
        self.extra = extra
        self.poll_every = poll_every
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.gate = Gate(setup_code="ABCD-EFGH")
        self.hub: Hub
        self.twilio: TwilioStandin
        self.loop = asyncio.new_event_loop()
        self._ready: Future[None] = Future()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="live-hub", daemon=True)

    def start(self) -> LiveHub:
        self._thread.start()
        self._ready.result(timeout=30)
        return self

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as e:  # surfaces in the test, not in a thread's traceback
            if not self._ready.done():
                self._ready.set_exception(e)
        finally:
            self.loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        async with TwilioStandin(numbers=[SENDER]) as twilio:
            self.twilio = twilio
            (self.tmp_path / "secrets.yaml").write_text(f"twilio_token: {twilio.auth_token}\n")
            path = self.tmp_path / "obhut.yaml"
            path.write_text(
                CONFIG.format(
                    language=self.language,
                    anna=ANNA,
                    pflege=PFLEGE,
                    sid=twilio.account_sid,
                    sender=SENDER,
                    api_url=twilio.base_url,
                    data=self.tmp_path / "data",
                    rules=self.rules,
                    extra=self.extra,
                    poll_every=self.poll_every,
                ),
                encoding="utf-8",
            )
            async with (
                Hub.running(load_config(path), path, self.clock) as hub,
                serve(hub, self.gate, "127.0.0.1", self.port),
            ):
                self.hub = hub
                self._ready.set_result(None)
                await self._stop.wait()

    def run[T](self, coro: Coroutine[Any, Any, T], timeout: float = WAIT) -> T:
        """Run `coro` on the hub's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call[T](self, fn: Callable[[], T]) -> T:
        """Call `fn` on the hub's loop (the bus, the state) and return its result."""

        async def wrapped() -> T:
            return fn()

        return self.run(wrapped())

    def advance_to(self, when: datetime) -> None:
        """Move the hub's simulated clock, letting every deadline on the way fire."""
        assert isinstance(self.clock, SimulatedClock), "LiveHub(clock=SimulatedClock(...))"
        self.run(self.clock.advance_to(when))

    def sms_to(self, number: str) -> list[str]:
        return self.call(lambda: [m.body for m in self.twilio.outbound if m.to == number])

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)


def wait_for[T](probe: Callable[[], T], timeout: float = WAIT, what: str = "") -> T:
    """Poll `probe` until it returns something true; the browser and hub run on real time."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or probe}")
        time.sleep(0.05)


# Package scope, not session: while Playwright's sync API is started it leaves its event loop
# marked as running on this thread, and the async tests of the packages after this one
# could not start theirs. So the one browser lives as long as the browser tests run.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for all browser tests: Debian's, never a downloaded build."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-browser (make test does)")
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveHub]:
    hub = LiveHub(tmp_path).start()
    yield hub
    hub.stop()


INSTALLER = ("inge", "ein langes Passwort 42")


def _cookie(context: Any, name: str) -> str:
    return next((c["value"] for c in context.cookies() if c["name"] == name), "")


def _post_form(context: Any, live: LiveHub, path: str, fields: dict[str, str]) -> Any:
    """A public form as the page would send it: the CSRF token double-submitted."""
    token = _cookie(context, "obhut_csrf")
    if not token:
        token = "browser-test-csrf-token"
        context.add_cookies([{"name": "obhut_csrf", "value": token, "url": live.base_url}])
    resp = context.request.post(
        f"{live.base_url}{path}", form={**fields, "csrf": token}, max_redirects=0
    )
    assert resp.status == 302, f"{path}: {resp.status} {resp.text()[:300]}"
    return resp


# Signing in lives here alone, so that the tests do not change when sign-in does.


def sign_in(context: Any, live: LiveHub) -> None:
    """An installer's session in `context`: the first installer is created with the setup code
    on the first call, later calls sign in with the password."""
    username, password = INSTALLER
    if live.gate.setup_code is not None:
        fields = {"code": live.gate.setup_code, "username": username}
        _post_form(context, live, "/setup", {**fields, "password": password, "password2": password})
    else:
        _post_form(context, live, "/login", {"username": username, "password": password})


def pair_tablet(context: Any, live: LiveHub) -> None:
    """`context` becomes a paired tablet (role resident): an installer asks for a pairing
    code, the tablet enters it."""
    installer = context.browser.new_context()
    try:
        sign_in(installer, live)
        resp = installer.request.post(
            f"{live.base_url}/api/pairing",
            data={"name": "Tablet Wohnzimmer"},
            headers={"X-CSRF-Token": _cookie(installer, "obhut_csrf")},
        )
        assert resp.status == 201, resp.text()
        code = resp.json()["code"]
    finally:
        installer.close()
    _post_form(context, live, "/pair", {"code": code})


@pytest.fixture
def new_context(browser: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        options.setdefault("locale", "de-DE")
        options.setdefault("timezone_id", "Europe/Berlin")
        context = browser.new_context(**options)
        context.set_default_timeout(WAIT * 1000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()


@pytest.fixture
def tablet(live: LiveHub, new_context: Callable[..., Any]) -> Any:
    """The signed-in tablet page, loaded and past its first status."""
    context = new_context()
    pair_tablet(context, live)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))  # a script error, never a fetch
    page.goto(f"{live.base_url}/tablet")
    page.wait_for_function("document.getElementById('clock').textContent !== '--:--'")
    page.js_errors = errors  # type: ignore[attr-defined]
    return page
