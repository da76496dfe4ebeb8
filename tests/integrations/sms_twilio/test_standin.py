"""The stand-in answers as Twilio's OpenAPI spec says, and as Twilio behaves where it is silent."""

from __future__ import annotations

import json
import re
import time
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import jsonschema  # type: ignore[import-untyped]
import pytest

from integrations.base import DeliveryStatus, OutboundMessage
from integrations.sms_twilio import TwilioNotifier
from integrations.sms_twilio.standin import RecordedRequest, TwilioStandin
from integrations.sms_twilio.standin.messages import segments
from tests.integrations.sms_twilio.conftest import ANNA, BERND, SENDER

SPEC = Path(__file__).resolve().parents[4] / "shared/data/twilio/twilio_api_v2010.json"
MESSAGES = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
MESSAGE = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json"
_SKIP = {"description", "x-twilio", "example", "examples", "nullable"}


@cache
def spec() -> dict[str, Any]:
    if not SPEC.exists():
        pytest.skip(f"Twilio's OpenAPI spec is not at {SPEC} (the ../shared checkout)")
    data: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    return data


def as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: refs inlined, `nullable` as a null type."""
    components = spec()["components"]["schemas"]
    if isinstance(node, list):
        return [as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return as_json_schema(components[node["$ref"].rsplit("/", 1)[1]])
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: as_json_schema(v) for name, v in value.items()}
        elif key not in _SKIP:
            out[key] = as_json_schema(value)
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def _uri_reference(value: object) -> bool:
    # The README's caveat: Twilio's `format: uri` values are relative to api.twilio.com.
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return value.startswith("/2010-04-01/") or (
        parts.scheme in ("http", "https") and bool(parts.netloc)
    )


def _rfc2822(value: object) -> bool:
    if not isinstance(value, str):
        return True
    shape = re.fullmatch(
        r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000", value
    )
    return shape is not None and parsedate_to_datetime(value).utcoffset() is not None


FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checks("uri")(_uri_reference)
FORMATS.checks("date-time-rfc-2822")(_rfc2822)
FORMATS.checks("phone-number")(
    lambda v: not isinstance(v, str) or bool(re.fullmatch(r"\+[1-9]\d{6,14}", v))
)
FORMATS.checks("currency")(lambda v: not isinstance(v, str) or bool(re.fullmatch(r"[A-Z]{3}", v)))
FORMATS.checks("uri-map")(
    lambda v: not isinstance(v, dict) or all(_uri_reference(u) for u in v.values())
)


def validator(path: str, method: str, status: str) -> jsonschema.Draft4Validator:
    response = spec()["paths"][path][method]["responses"][status]
    schema = as_json_schema(response["content"]["application/json"]["schema"])
    return jsonschema.Draft4Validator(schema, format_checker=FORMATS)


def message_properties() -> set[str]:
    return set(spec()["components"]["schemas"]["api.v2010.account.message"]["properties"])


def auth(twilio: TwilioStandin, token: str | None = None) -> dict[str, str]:
    return {
        "Authorization": aiohttp.encode_basic_auth(twilio.account_sid, token or twilio.auth_token)
    }


async def get(twilio: TwilioStandin, path: str, **params: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(twilio.base_url + path, params=params, headers=auth(twilio)) as resp,
    ):
        return resp.status, await resp.json()


def sms(to: str = ANNA, body: str = "Obhut: Test") -> OutboundMessage:
    return OutboundMessage(1, "sms", to, "", body)


async def test_create_fetch_and_list_answers_match_twilios_schema(twilio: TwilioStandin) -> None:
    twilio.auto_progress = False
    base = f"/2010-04-01/Accounts/{twilio.account_sid}"
    form = {"To": ANNA, "From": SENDER, "Body": "Obhut: Test", "StatusCallback": ""}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{twilio.base_url}{base}/Messages.json", data=form, headers=auth(twilio)
        ) as resp,
    ):
        assert resp.status == 201
        created = await resp.json()
    for _ in range(2):
        await twilio.progress(created["sid"])
    for i in range(3):
        twilio.inbound(BERND, SENDER, f"OK {i}")

    status, fetched = await get(twilio, f"{base}/Messages/{created['sid']}.json")
    assert status == 200
    status, listed = await get(twilio, f"{base}/Messages.json", PageSize="2")
    assert status == 200

    one = validator(MESSAGES, "post", "201")
    for message in (created, fetched, *listed["messages"]):
        one.validate(message)
        assert set(message) == message_properties()
    validator(MESSAGE, "get", "200").validate(fetched)
    validator(MESSAGES, "get", "200").validate(listed)
    assert created["status"] == "queued" and created["date_sent"] is None
    assert (fetched["status"], fetched["direction"]) == ("delivered", "outbound-api")
    assert [m["direction"] for m in listed["messages"]] == ["inbound", "inbound"]
    assert listed["next_page_uri"] and listed["previous_page_uri"] is None


def test_the_schema_check_can_fail() -> None:
    """A message with an ISO date or an unknown status is caught, so passing means something."""
    good = {
        "sid": "SM" + "a" * 32,
        "account_sid": "AC" + "a" * 32,
        "date_sent": "Sat, 14 Mar 2026 21:30:00 +0000",
        "status": "delivered",
    }
    one = validator(MESSAGES, "post", "201")
    one.validate(good)
    for broken in (
        dict(good, date_sent="2026-03-14T21:30:00Z"),
        dict(good, status="done"),
        dict(good, sid="SM123"),
    ):
        with pytest.raises(jsonschema.ValidationError):
            one.validate(broken)


async def test_paging_follows_next_page_uri_to_the_end(twilio: TwilioStandin) -> None:
    for i in range(7):
        twilio.inbound(ANNA, SENDER, f"OK {i}")
    base = f"/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    status, page = await get(twilio, base, To=SENDER, PageSize="3")
    bodies = [m["body"] for m in page["messages"]]
    pages = [page]
    while page["next_page_uri"]:
        status, page = await get(twilio, page["next_page_uri"])
        assert status == 200
        pages.append(page)
        bodies += [m["body"] for m in page["messages"]]
    assert bodies == [f"OK {i}" for i in reversed(range(7))]  # newest first, each once
    assert [(p["page"], p["start"], p["end"]) for p in pages] == [(0, 0, 2), (1, 3, 5), (2, 6, 6)]
    status, back = await get(twilio, pages[2]["previous_page_uri"])
    assert [m["body"] for m in back["messages"]] == ["OK 3", "OK 2", "OK 1"]
    list_schema = validator(MESSAGES, "get", "200")
    for p in pages:
        list_schema.validate(p)


async def test_date_sent_filters_in_twilios_forms(twilio: TwilioStandin) -> None:
    from datetime import UTC, datetime

    days = [datetime(2026, 3, d, 12, tzinfo=UTC) for d in (13, 14, 15)]
    current = days[:1]
    twilio.clock = lambda: current[0]
    for day in days:
        current[0] = day
        twilio.inbound(ANNA, SENDER, f"OK {day.day}")
    base = f"/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"

    async def days_for(**params: str) -> list[str]:
        status, page = await get(twilio, base, **params)
        assert status == 200, page
        return [m["body"] for m in page["messages"]]

    assert await days_for(DateSent="2026-03-14") == ["OK 14"]
    assert await days_for(**{"DateSent>": "2026-03-14"}) == ["OK 15", "OK 14"]
    assert await days_for(**{"DateSent<": "2026-03-14"}) == ["OK 14", "OK 13"]
    assert await days_for(**{"DateSent>": "2026-03-14T12:00:01Z"}) == ["OK 15"]
    assert await days_for(**{"DateSent>": "Sat, 14 Mar 2026 11:00:00 -0000"}) == ["OK 15", "OK 14"]
    assert await days_for(**{"DateSent>": "2026-03-14 13:00:00.000"}) == ["OK 15"]
    assert await days_for(From=ANNA, To=ANNA) == []
    status, error = await get(twilio, base, **{"DateSent>": "yesterday"})
    assert status == 400 and error["code"] == 20001


async def test_errors_have_twilios_shape(twilio: TwilioStandin) -> None:
    base = f"{twilio.base_url}/2010-04-01/Accounts/{twilio.account_sid}"
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/Messages.json") as resp:
            assert resp.status == 401
            assert resp.headers["WWW-Authenticate"].startswith("Basic")
            unauthenticated = await resp.json()
        async with session.get(f"{base}/Messages/SM{'0' * 32}.json", headers=auth(twilio)) as resp:
            assert resp.status == 404
            missing = await resp.json()
        other = f"{twilio.base_url}/2010-04-01/Accounts/AC{'1' * 32}/Messages.json"
        async with session.get(other, headers=auth(twilio)) as resp:
            assert resp.status == 401
        async with session.post(
            f"{base}/Messages.json", data={"To": ANNA, "From": SENDER}, headers=auth(twilio)
        ) as resp:
            assert resp.status == 400
            no_body = await resp.json()
    for body, code in ((unauthenticated, 20003), (missing, 20404), (no_body, 21602)):
        assert set(body) >= {"code", "message", "more_info", "status"}
        assert body["code"] == code
        assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"


async def test_the_lifecycle_ends_as_configured_per_number(
    twilio: TwilioStandin, notifier: TwilioNotifier
) -> None:
    twilio.deliver_as(BERND, "failed", 30008)
    ok = await notifier.send(sms(ANNA))
    bad = await notifier.send(sms(BERND))
    await twilio.settle()
    assert twilio.messages[ok.provider_id or ""].history == ["queued", "sent", "delivered"]
    failed = twilio.messages[bad.provider_id or ""]
    assert failed.history == ["queued", "failed"]
    assert failed.to_json()["error_code"] == 30008
    # "failed" is Twilio's word after it took the message: the send itself was SENT.
    assert bad.status is DeliveryStatus.SENT


async def test_each_request_is_timestamped_on_arrival(
    twilio: TwilioStandin, notifier: TwilioNotifier
) -> None:
    seen: list[RecordedRequest] = []
    twilio.on_arrival = seen.append
    before = time.perf_counter()
    await notifier.send(sms())
    after = time.perf_counter()
    [request] = twilio.requests
    assert seen == [request]
    assert before < request.arrived < after
    assert request.status == 201


@pytest.mark.parametrize(
    ("body", "count"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("ä" * 160, 1),  # German umlauts are in the GSM alphabet
        ("€" * 80, 1),  # … the euro sign costs two
        ("€" * 81, 2),
        ("😊" * 35, 1),  # UCS-2: 70 units, an emoji takes two
        ("😊" * 36, 2),
    ],
)
def test_segments_count_like_twilio(body: str, count: int) -> None:
    assert segments(body) == count
