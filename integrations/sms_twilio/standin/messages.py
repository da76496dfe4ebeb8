"""The stand-in's Message resource: records, their JSON, segments and Twilio's error bodies."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from typing import Any

API_VERSION = "2010-04-01"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")

# GSM 03.38: the basic set costs one septet, the extension set two (escape + char).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = set("^{}\\[~]|€\f")
MAX_BODY = 1600

# Twilio's magic test numbers (https://www.twilio.com/docs/iam/test-credentials), kept because
# installers who try the hub with test credentials meet exactly these.
MAGIC_TO = {
    "+15005550001": 21211,
    "+15005550002": 21612,
    "+15005550003": 21408,
    "+15005550004": 21610,
    "+15005550009": 21614,
}

# code: (HTTP status, message); "{to}"/"{from_}"/"{path}" are filled in.
ERRORS: dict[int, tuple[int, str]] = {
    20003: (401, "Authenticate"),
    20404: (404, "The requested resource {path} was not found"),
    20429: (429, "Too Many Requests"),
    20500: (500, "An internal server error has occurred"),
    20503: (503, "Service Unavailable"),
    21211: (400, "Invalid 'To' Phone Number: {to}"),
    21408: (
        400,
        "Permission to send an SMS has not been enabled for the region indicated by the "
        "'To' number: {to}",
    ),
    21602: (400, "Message body is required."),
    21603: (400, "A 'From' phone number is required."),
    21604: (400, "A 'To' phone number is required."),
    21606: (
        400,
        "The From phone number {from_} is not a valid, SMS-capable inbound phone number or "
        "short code for your account.",
    ),
    21608: (
        400,
        "The number {to} is unverified. Trial accounts cannot send messages to unverified "
        "numbers; verify {to} at twilio.com/user/account/phone-numbers/verified, or purchase "
        "a Twilio number to send messages to unverified numbers.",
    ),
    21610: (400, "Attempt to send to unsubscribed recipient"),
    21612: (
        400,
        "The 'To' phone number: {to}, is not currently reachable using the 'From' phone "
        "number: {from_} via SMS.",
    ),
    21614: (400, "'To' number {to} is not a valid mobile number"),
    21617: (400, "The concatenated message body exceeds the 1600 character limit."),
}

# Delivery failures reported in the Message's error_code (not in an API error).
DELIVERY_ERRORS = {
    30003: "Unreachable destination handset",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Message filtered",
    30008: "Unknown error",
}

# Twilio's defaults (Advanced Opt-Out off): whole-message keywords, any case.
OPT_OUT = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
OPT_IN = {"START", "YES", "UNSTOP"}


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def rfc2822(when: datetime | None) -> str | None:
    return None if when is None else format_datetime(when)


def error_body(code: int, *, status: int | None = None, **fill: str) -> tuple[int, dict[str, Any]]:
    """Twilio's error JSON for `code`; the HTTP status comes from the table unless given."""
    http, text = ERRORS.get(code, (status or 400, "Error {code}"))
    http = status or http
    body: dict[str, Any] = {
        "code": code,
        "message": text.format(code=code, **{"to": "", "from_": "", "path": "", **fill}),
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": http,
    }
    if code == 20003:
        body["detail"] = "Your AccountSid or AuthToken was incorrect."
    return http, body


def segments(body: str) -> int:
    """How many SMS segments `body` takes: GSM-7 160/153 septets, else UCS-2 70/67 units."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENSION for c in body):
        units = sum(2 if c in _GSM_EXTENSION else 1 for c in body)
        single, part = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, part = 70, 67
    if units <= single:
        return 1
    return -(-units // part)


@dataclass(slots=True)
class Message:
    """One Message resource as the stand-in keeps it."""

    sid: str
    account_sid: str
    from_: str
    to: str
    body: str
    direction: str  # "outbound-api" | "inbound"
    status: str
    date_created: datetime
    date_updated: datetime
    date_sent: datetime | None = None
    status_callback: str | None = None
    error_code: int | None = None
    price: str | None = None
    seq: int = 0  # creation order; breaks ties between equal timestamps
    history: list[str] = field(default_factory=list)  # every status it has had

    @property
    def uri(self) -> str:
        return f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{self.sid}.json"

    def to_json(self) -> dict[str, Any]:
        base = self.uri.removesuffix(".json")
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": self.body,
            "date_created": rfc2822(self.date_created),
            "date_sent": rfc2822(self.date_sent),
            "date_updated": rfc2822(self.date_updated),
            "direction": self.direction,
            "error_code": self.error_code,
            "error_message": DELIVERY_ERRORS.get(self.error_code or 0),
            "from": self.from_,
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": str(segments(self.body)),
            "price": self.price,
            "price_unit": "USD",
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {
                "media": f"{base}/Media.json",
                "feedback": f"{base}/Feedback.json",
            },
            "to": self.to,
            "uri": self.uri,
        }
