"""Services and video calls on the tablet, in a real browser: a meal from the menu, an escort
with its day and time picked by buttons and confirmed on the link's page, shopping, a call
request, an SMS that cannot be sent, a video call in a frame, the appointment reminder at
its simulated time, the carer's list, accessibility and screenshots.

The Twilio stand-in receives the requests and sends the providers' answers; the hub fetches
SMS replies every second here.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.clock import SimulatedClock
from hub.services.messages import day_text

from .conftest import ANNA, ARTIFACTS, PFLEGE, SENDER, LiveHub, pair_tablet, wait_for
from .test_carer import sign_in_as_carer

BERLIN = ZoneInfo("Europe/Berlin")
SCHMIDT = "+4920355512345"  # the meal service: no contact of its own
REFUSED = "+15005550001"  # Twilio refuses it for good (21211)

SERVICES = """\
web: {{public_url: "{base_url}"}}
services:
  essen:
    kind: meal
    name: Essen auf Rädern
    provider: {{name: Menüdienst Schmidt, phone: "{schmidt}"}}
    menu: ["Menü 1: Gulasch", "Menü 2: Gemüseauflauf"]
  begleitung:
    kind: escort
    contact: anna
    destinations: [arzt, friseur, apotheke]
    days_ahead: 7
    times: ["09:00", "11:00", "14:00"]
  einkauf: {{kind: shopping, contact: anna, order_text: "Milch, Brot, Äpfel"}}
  anrufen: {{kind: call, contact: anna, sign_as: Mama}}
  bote: {{kind: shopping, name: Apothekenbote, provider: {{name: Bote, phone: "{refused}"}}}}
video:
  remind_before: 15m
  calls:
    hausarzt:
      name: Dr. Weber
      kind: doctor
      url: "{portal}/praxis/weber"
      appointments: [{{at: "2026-12-02 10:00"}}]
"""

PORTAL_PAGE = b"""<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Praxis Dr. Weber</title></head>
<body><main><h1>Wartezimmer Dr. Weber</h1>
<p>Kamera erlaubt: <span id="camera">?</span></p></main>
<script>
var policy = document.permissionsPolicy || document.featurePolicy;
document.getElementById("camera").textContent =
  policy ? String(policy.allowsFeature("camera") && policy.allowsFeature("microphone")) : "?";
</script></body></html>"""


class _Portal(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PORTAL_PAGE)))
        self.end_headers()
        self.wfile.write(PORTAL_PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def portal() -> Iterator[str]:
    """The practice's video portal: a small page on 127.0.0.1, its own origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _live(
    tmp_path: Path, portal: str, clock: SimulatedClock | None = None, language: str = "de"
) -> LiveHub:
    hub = LiveHub(tmp_path, language=language, clock=clock, poll_every="1s")
    hub.extra = SERVICES.format(
        base_url=hub.base_url, schmidt=SCHMIDT, refused=REFUSED, portal=portal
    )
    return hub.start()


@pytest.fixture
def live(tmp_path: Path, portal: str) -> Iterator[LiveHub]:
    hub = _live(tmp_path, portal)
    yield hub
    hub.stop()


def open_tablet(live: LiveHub, new_context: Callable[..., Any], **options: Any) -> Any:
    context = new_context(**options)
    pair_tablet(context, live)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live.base_url}/tablet")
    page.wait_for_function("document.getElementById('clock').textContent !== '--:--'")
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


@pytest.fixture
def tablet(live: LiveHub, new_context: Callable[..., Any]) -> Any:
    return open_tablet(live, new_context)


def polled(page: Any, times: int = 2) -> None:
    """Wait until the tablet has asked for its video calls `times` more times: by the second
    answer the first has been drawn, so what the page shows is what the hub says now."""
    for _ in range(times):
        with page.expect_response(lambda r: r.url.endswith("/api/resident/video")):
            pass


def status_of(page: Any, service: str) -> Any:
    return page.locator(f'[data-status-for="{service}"]')


def number_in(sms: str) -> int:
    found = re.search(r"JA (\d+)", sms)
    assert found, sms
    return int(found.group(1))


def axe_problems(page: Any) -> list[str]:
    """Serious and critical accessibility problems, AAA contrast (7:1) included."""
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "resultTypes": ["violations"],
        "rules": {"color-contrast-enhanced": {"enabled": True}},
    }
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_meal_from_the_menu_is_ordered_and_confirmed_by_sms(tablet: Any, live: LiveHub) -> None:
    page = tablet
    page.click("#tile-essen")
    screen = page.locator("#service-essen")
    screen.wait_for(state="visible")
    assert page.locator("#service-essen-ask").inner_text() == "Was möchten Sie essen?"
    screen.get_by_role("button", name="Menü 2: Gemüseauflauf").click()
    question = page.locator("#service-confirm")
    question.wait_for(state="visible")
    assert question.locator("h1").inner_text() == "Soll ich Essen auf Rädern bestellen?"
    assert page.locator("#service-confirm-detail").inner_text() == "Menü 2: Gemüseauflauf"
    page.click("#service-yes")
    question.wait_for(state="hidden")
    assert screen.is_hidden()
    status_of(page, "essen").filter(has_text="Angefragt").wait_for()

    sms = wait_for(lambda: live.sms_to(SCHMIDT), what="the order at the meal service")[0]
    number = number_in(sms)
    assert sms == (
        f"Obhut - Wohnung Müller: Anfrage {number}. Erika bestellt: Menü 2: Gemüseauflauf. "
        f"Antworten Sie JA {number} zum Bestätigen oder NEIN {number}. "
        f"Oder: {live.base_url}/r/" + sms.rsplit("/r/", 1)[1]
    )

    live.call(lambda: live.twilio.inbound(SCHMIDT, SENDER, f"Ja, {number}"))
    status_of(page, "essen").filter(has_text="Bestätigt").wait_for()
    page.click("#tile-my-requests")
    entry = page.locator(f'#my-requests-list li[data-request="{number}"]')
    entry.wait_for()
    assert "Essen auf Rädern: Menü 2: Gemüseauflauf" in entry.inner_text()
    assert "Bestätigt" in entry.inner_text() and entry.get_attribute("data-tone") == "ok"
    assert page.js_errors == []


def test_an_escort_picked_by_buttons_is_confirmed_on_the_link_page(
    tablet: Any, live: LiveHub, new_context: Callable[..., Any]
) -> None:
    page = tablet
    page.click("#tile-begleitung")
    screen = page.locator("#service-begleitung")
    screen.get_by_role("button", name="Friseur").wait_for()
    assert page.locator("#service-begleitung-ask").inner_text() == "Wohin möchten Sie?"
    screen.get_by_role("button", name="Arzt", exact=True).click()
    assert page.locator("#service-begleitung-ask").inner_text() == "An welchem Tag?"
    days = screen.locator(".choices button").all_inner_texts()
    tomorrow = datetime.now(BERLIN).date() + timedelta(days=1)
    assert "Morgen" in days and day_text(tomorrow + timedelta(days=1), "de") in days
    # "Zurück" goes one step back, not home
    screen.get_by_role("button", name="Zurück").click()
    assert page.locator("#service-begleitung-ask").inner_text() == "Wohin möchten Sie?"
    screen.get_by_role("button", name="Arzt", exact=True).click()
    screen.get_by_role("button", name="Morgen").click()
    assert page.locator("#service-begleitung-ask").inner_text() == "Um wie viel Uhr?"
    assert screen.locator(".choices button").all_inner_texts() == ["09:00", "11:00", "14:00"]
    screen.get_by_role("button", name="11:00").click()
    assert page.locator("#service-confirm h1").inner_text() == "Soll ich Anna um Begleitung bitten?"
    assert page.locator("#service-confirm-detail").inner_text() == "Arzt, Morgen, 11:00"
    page.click("#service-yes")
    status_of(page, "begleitung").filter(has_text="Angefragt").wait_for()

    sms = wait_for(lambda: live.sms_to(ANNA), what="the escort request to Anna")[0]
    number = number_in(sms)
    assert f"Erika bittet um Begleitung zum Arzt am {day_text(tomorrow, 'de')}, 11:00." in sms
    link = re.search(r"Oder: (\S+)$", sms)
    assert link and link.group(1).startswith(f"{live.base_url}/r/")

    # Anna opens the link on her phone: no sign-in, the link is enough
    phone = new_context(viewport={"width": 400, "height": 800}).new_page()
    phone.goto(link.group(1))
    assert phone.locator("#answer-title").inner_text() == f"Anfrage {number}: Begleitung"
    assert "bittet um Begleitung zum Arzt" in phone.locator("#answer-request").inner_text()
    assert phone.locator("#answer-state").inner_text() == "Noch nicht beantwortet."
    phone.get_by_role("button", name="Bestätigen").click()
    phone.locator("#answer-state").filter(has_text="Bestätigt. Danke!").wait_for()

    status_of(page, "begleitung").filter(has_text="Bestätigt: Morgen 11:00").wait_for()
    assert page.js_errors == []


def test_shopping_no_asks_nobody_yes_asks_and_a_decline_is_shown_calmly(
    tablet: Any, live: LiveHub
) -> None:
    page = tablet
    page.click("#tile-einkauf")
    question = page.locator("#service-confirm")
    question.wait_for(state="visible")
    assert question.locator("h1").inner_text() == "Soll ich Anna um den Einkauf bitten?"
    assert page.locator("#service-confirm-detail").inner_text() == "Milch, Brot, Äpfel"
    page.click("#service-no")
    question.wait_for(state="hidden")
    assert page.locator("#service-einkauf").is_hidden()

    page.click("#tile-einkauf")
    page.click("#service-yes")
    sms = wait_for(lambda: live.sms_to(ANNA), what="the shopping request")[0]
    # "Nein" asked nobody: the outbox sends in order, so its message would have come first
    assert len(live.sms_to(ANNA)) == 1
    assert len(live.run(live.hub.requests.recent())) == 1
    assert "Erika bittet um einen Einkauf: Milch, Brot, Äpfel." in sms
    number = number_in(sms)
    live.call(lambda: live.twilio.inbound(ANNA, SENDER, f"NEIN {number} bin verreist"))
    status_of(page, "einkauf").filter(has_text="Leider abgesagt – bitte rufen Sie an").wait_for()
    assert page.js_errors == []


def test_call_family_tells_anna_and_says_she_knows(tablet: Any, live: LiveHub) -> None:
    page = tablet
    assert page.locator("#tile-anrufen .tile-name").inner_text() == "Anna soll anrufen"
    page.click("#tile-anrufen")
    assert page.locator("#service-confirm h1").inner_text() == (
        "Soll ich Anna bitten, Sie anzurufen?"
    )
    page.click("#service-yes")
    sms = wait_for(lambda: live.sms_to(ANNA), what="the call request")[0]
    assert sms == "Obhut - Wohnung Müller: Nachricht vom Tablet. Mama bittet um einen Anruf."
    status_of(page, "anrufen").filter(has_text="Anna weiß Bescheid").wait_for()


def test_a_message_that_cannot_be_sent_says_so_and_tells_the_carers(
    tablet: Any, live: LiveHub
) -> None:
    page = tablet
    page.click("#tile-bote")
    page.click("#service-yes")
    failed = "Konnte nicht gesendet werden – wir sagen Ihrer Betreuung Bescheid"
    status_of(page, "bote").filter(has_text=failed).wait_for()
    alert = wait_for(lambda: live.sms_to(ANNA), what="the system alert")[0]
    assert "Telefonnummer von Bote ist ungültig" in alert
    assert live.sms_to(REFUSED) == []


def test_a_video_call_opens_the_portal_in_a_frame_and_hangs_up(
    tablet: Any, live: LiveHub, portal: str
) -> None:
    page = tablet
    held: list[Any] = []
    page.route(f"{portal}/**", lambda route: held.append(route))  # the portal is slow today
    page.click("#tile-video-hausarzt")
    screen = page.locator("#video-hausarzt")
    screen.wait_for(state="visible")
    connecting = screen.locator(".video-connecting")
    assert connecting.is_visible() and connecting.inner_text() == "Verbinde mit Dr. Weber …"
    frame = screen.locator("iframe")
    assert frame.get_attribute("allow") == "camera; microphone; fullscreen; display-capture"
    while not held:  # the browser's events are handled while Playwright waits
        page.wait_for_timeout(20)
    held[0].continue_()
    connecting.wait_for(state="hidden")
    inside = page.frame_locator("#video-hausarzt iframe")
    assert inside.locator("h1").inner_text() == "Wartezimmer Dr. Weber"
    assert inside.locator("#camera").inner_text() == "true"  # camera and microphone lent

    screen.get_by_role("button", name="Auflegen").click()
    screen.wait_for(state="hidden")
    assert page.locator("#video-hausarzt iframe").count() == 0  # the call is over
    entries = live.run(live.hub.store.audit_entries(50))
    actions = [e.action for e in entries if e.target == "hausarzt"]
    assert actions[:2] == ["tablet.video_end", "tablet.video_start"]
    assert page.js_errors == []


def test_a_tablet_on_plain_http_opens_the_call_in_its_own_window_and_hangs_up(
    live: LiveHub, new_context: Callable[..., Any], portal: str
) -> None:
    # A tablet reaching the hub at http://obhut.local is no secure context, so a framed call
    # could not have the camera; this browser is told it is in such a place.
    context = new_context()
    pair_tablet(context, live)
    context.add_init_script("Object.defineProperty(window, 'isSecureContext', {value: false})")
    page = context.new_page()
    page.goto(f"{live.base_url}/tablet")
    with page.expect_popup() as opened:
        page.click("#tile-video-hausarzt")
    call = opened.value
    call.wait_for_load_state()
    assert call.url.startswith(portal)
    assert call.locator("h1").inner_text() == "Wartezimmer Dr. Weber"
    screen = page.locator("#video-hausarzt")
    note = screen.locator(".video-connecting")
    assert note.inner_text() == "Das Gespräch mit Dr. Weber läuft im eigenen Fenster."
    assert screen.locator("iframe").count() == 0
    with call.expect_event("close"):  # hanging up closes the call's window
        screen.get_by_role("button", name="Auflegen").click()
    screen.wait_for(state="hidden")
    assert call.is_closed()


def test_the_tablet_frames_only_the_configured_video_origin(
    live: LiveHub, new_context: Callable[..., Any], portal: str
) -> None:
    context = new_context()
    pair_tablet(context, live)
    page = context.new_page()
    headers = page.goto(f"{live.base_url}/tablet").headers
    assert headers["content-security-policy"].endswith(f"; frame-src {portal}")
    assert f'camera=(self "{portal}")' in headers["permissions-policy"]
    assert headers["cross-origin-opener-policy"] == "same-origin-allow-popups"
    login = new_context().new_page().goto(f"{live.base_url}/login").headers
    assert "frame-src" not in login["content-security-policy"]
    assert "camera=()" in login["permissions-policy"]
    assert login["cross-origin-opener-policy"] == "same-origin"


def test_the_tablet_speaks_english_in_an_english_home(
    tmp_path: Path, portal: str, new_context: Callable[..., Any]
) -> None:
    live = _live(tmp_path, portal, language="en")
    try:
        page = open_tablet(live, new_context, locale="en-GB")
        assert page.locator("#tile-einkauf .tile-name").inner_text() == "Shopping"
        assert page.locator("#tile-anrufen .tile-name").inner_text() == "Ask Anna to call"
        page.click("#tile-begleitung")
        page.locator("#service-begleitung").get_by_role("button", name="Doctor").click()
        assert page.locator("#service-begleitung-ask").inner_text() == "On which day?"
        assert "Tomorrow" in page.locator("#service-begleitung .choices button").all_inner_texts()
        page.locator("#service-begleitung .step-back").click()
        page.locator("#service-begleitung .step-back").click()
        page.click("#tile-einkauf")
        assert page.locator("#service-confirm h1").inner_text() == (
            "Shall I ask Anna to do the shopping?"
        )
        page.get_by_role("button", name="Yes", exact=True).click()
        status_of(page, "einkauf").filter(has_text="Requested").wait_for()
        sms = wait_for(lambda: live.sms_to(ANNA), what="the request to Anna")[0]
        assert "Erika bittet um einen Einkauf" in sms  # Anna reads German
        live.call(lambda: live.twilio.inbound(ANNA, SENDER, f"JA {number_in(sms)}"))
        status_of(page, "einkauf").filter(has_text="Confirmed").wait_for()
        page.click("#tile-video-hausarzt")
        connecting = page.locator("#video-hausarzt .video-connecting")
        assert "Connecting to Dr. Weber" in connecting.inner_text()
        page.get_by_role("button", name="Hang up").click()
        assert page.js_errors == []
    finally:
        live.stop()


@pytest.fixture
def morning_live(tmp_path: Path, portal: str) -> Iterator[LiveHub]:
    """The day of the appointment, 09:40 in Berlin, on a clock the test moves."""
    clock = SimulatedClock(datetime(2026, 12, 2, 9, 40, tzinfo=BERLIN))
    hub = _live(tmp_path, portal, clock)
    yield hub
    hub.stop()


def test_the_appointment_reminder_comes_at_its_time_and_connects(
    morning_live: LiveHub, new_context: Callable[..., Any]
) -> None:
    live = morning_live
    page = open_tablet(live, new_context)
    reminder = page.locator("#video-reminder")
    live.advance_to(datetime(2026, 12, 2, 9, 44, 59, tzinfo=BERLIN))
    polled(page)
    assert reminder.is_hidden()

    live.advance_to(datetime(2026, 12, 2, 9, 45, tzinfo=BERLIN))
    reminder.wait_for(state="visible")
    text = "Um 10:00 Videosprechstunde mit Dr. Weber"
    assert page.locator("#video-reminder-text").inner_text() == text
    assert axe_problems(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "tablet-video-reminder-1280x800.png")
    page.set_viewport_size({"width": 800, "height": 1280})
    assert axe_problems(page) == []
    page.screenshot(path=ARTIFACTS / "tablet-video-reminder-800x1280.png")
    page.get_by_role("button", name="Später").click()
    reminder.wait_for(state="hidden")
    polled(page)
    assert reminder.is_hidden()  # "Später" holds until the call's time

    live.advance_to(datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN))
    reminder.wait_for(state="visible")
    page.get_by_role("button", name="Jetzt verbinden").click()
    page.locator("#video-hausarzt").wait_for(state="visible")
    inside = page.frame_locator("#video-hausarzt iframe")
    assert inside.locator("h1").inner_text() == "Wartezimmer Dr. Weber"
    page.get_by_role("button", name="Auflegen").click()
    page.locator("#video-hausarzt").wait_for(state="hidden")
    assert reminder.is_hidden()

    live.advance_to(datetime(2026, 12, 2, 10, 31, tzinfo=BERLIN))  # half an hour later: gone
    wait_for(lambda: not live.call(live.hub.video.showing), what="the reminder to end")
    assert page.js_errors == []


def test_the_carer_sees_every_request_and_can_withdraw_one(
    tablet: Any, live: LiveHub, new_context: Callable[..., Any]
) -> None:
    page = tablet
    page.click("#tile-einkauf")
    page.click("#service-yes")
    number = number_in(wait_for(lambda: live.sms_to(ANNA), what="the shopping request")[0])

    carer = new_context()
    sign_in_as_carer(carer, live)
    view = carer.new_page()
    view.goto(f"{live.base_url}/carer/requests")
    row = view.locator(f"#request-{number}")
    assert "Milch, Brot, Äpfel" in row.inner_text() and "Anna" in row.inner_text()
    assert row.locator(".request-state").inner_text() == "Gesendet, noch keine Antwort"
    row.get_by_role("button", name="Zurücknehmen").click()
    view.locator(f"#request-{number} .request-state").filter(has_text="Zurückgenommen").wait_for()
    withdrawn = wait_for(lambda: live.sms_to(ANNA)[1:], what="Anna hearing it is off")[0]
    assert f"Anfrage {number} zurückgenommen" in withdrawn and "Sie müssen nichts tun" in withdrawn
    status_of(page, "einkauf").filter(has_text="Zurückgenommen").wait_for()
    assert live.sms_to(PFLEGE) == []


def test_the_new_screens_pass_the_accessibility_scan_and_are_photographed(
    live: LiveHub, new_context: Callable[..., Any], portal: str
) -> None:
    problems = axe_problems
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1280, 800), (800, 1280)):
        size = f"{width}x{height}"
        page = open_tablet(live, new_context, viewport={"width": width, "height": height})

        def shot(name: str, page: Any = page, size: str = size) -> None:
            assert problems(page) == [], name
            page.screenshot(path=ARTIFACTS / f"tablet-{name}-{size}.png")

        page.locator("#tile-essen").wait_for()
        shot("services")
        page.click("#tile-essen")
        page.locator("#service-essen .choices button").first.wait_for()
        shot("service-menu")
        page.get_by_role("button", name="Menü 1: Gulasch").click()
        page.locator("#service-confirm").wait_for(state="visible")
        shot("service-confirm")
        page.click("#service-no")
        page.click("#tile-begleitung")
        page.locator("#service-begleitung").get_by_role("button", name="Apotheke").click()
        page.get_by_role("button", name="Morgen").wait_for()
        shot("service-days")
        page.locator("#service-begleitung .step-back").click()
        page.locator("#service-begleitung .step-back").click()
        page.click("#tile-anrufen")
        page.click("#service-yes")
        status_of(page, "anrufen").filter(has_text="Anna weiß Bescheid").wait_for()
        page.click("#tile-my-requests")
        page.locator("#my-requests-list li").first.wait_for()
        shot("my-requests")
        page.locator("#my-requests [data-close]").click()
        page.click("#tile-video-hausarzt")
        page.locator("#video-hausarzt .video-connecting").wait_for(state="hidden")
        shot("video-call")
        page.get_by_role("button", name="Auflegen").click()

    page.click("#tile-essen")
    page.get_by_role("button", name="Menü 1: Gulasch").click()
    page.click("#service-yes")
    link = wait_for(lambda: live.sms_to(SCHMIDT), what="the order")[0].rsplit("Oder: ", 1)[1]
    answer = new_context(viewport={"width": 400, "height": 800}).new_page()
    answer.goto(link)
    answer.locator("#answer-title").wait_for()
    assert problems(answer) == []
    answer.screenshot(path=ARTIFACTS / "answer-page-400x800.png", full_page=True)
    answer.goto(f"{live.base_url}/r/unknown-token-123456")
    assert "unbekannt oder abgelaufen" in answer.locator("#answer-invalid").inner_text()
    assert problems(answer) == []
    carer = new_context()
    sign_in_as_carer(carer, live)
    view = carer.new_page()
    view.goto(f"{live.base_url}/carer/requests")
    assert problems(view) == []
    view.screenshot(path=ARTIFACTS / "carer-requests-1280x800.png", full_page=True)
