"""The Messages list: DateSent filters and Twilio's cursor paging (PageToken)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from integrations.sms_twilio.standin.messages import Message

FILTERS = ("To", "From", "DateSent", "DateSent<", "DateSent>")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


class BadQuery(ValueError):
    """A list parameter Twilio would refuse (answered with error 20001)."""


@dataclass(frozen=True, slots=True)
class When:
    """A DateSent bound: a whole UTC day (`YYYY-MM-DD`) or an instant."""

    day: date | None
    instant: datetime | None

    def key(self, sent: datetime) -> tuple[Any, Any]:
        if self.day is not None:
            return sent.date(), self.day
        return sent, self.instant


def parse_when(text: str) -> When:
    """Forms from Twilio's spec: `2008-01-02`, ISO 8601, `2019-06-11 22:05:25.000`, RFC 2822."""
    text = text.strip()
    try:
        if len(text) == 10:
            return When(date.fromisoformat(text), None)
        return When(None, _aware(datetime.fromisoformat(text.replace("Z", "+00:00"))))
    except ValueError:
        pass
    try:
        return When(None, _aware(parsedate_to_datetime(text)))
    except (TypeError, ValueError, IndexError):
        raise BadQuery(f"Invalid DateSent value: {text}") from None


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def select(messages: Iterable[Message], query: Mapping[str, str]) -> list[Message]:
    """The messages matching the filters, newest first (as Twilio lists them)."""
    bounds = {name: parse_when(query[name]) for name in FILTERS[2:] if name in query}
    found = []
    for msg in messages:
        if "To" in query and msg.to != query["To"]:
            continue
        if "From" in query and msg.from_ != query["From"]:
            continue
        if bounds:
            if msg.date_sent is None:
                continue
            keys = {name: bound.key(msg.date_sent) for name, bound in bounds.items()}
            if "DateSent" in keys and keys["DateSent"][0] != keys["DateSent"][1]:
                continue
            # "DateSent>" arrives from "DateSent>=…": on or after; "DateSent<": on or before.
            if "DateSent>" in keys and keys["DateSent>"][0] < keys["DateSent>"][1]:
                continue
            if "DateSent<" in keys and keys["DateSent<"][0] > keys["DateSent<"][1]:
                continue
        found.append(msg)
    found.sort(key=lambda m: (m.date_created, m.seq), reverse=True)
    return found


def page(found: list[Message], query: Mapping[str, str], path: str) -> dict[str, Any]:
    """One page of `found` with Twilio's page fields; URIs are relative, as Twilio's are."""
    try:
        size = int(query.get("PageSize", DEFAULT_PAGE_SIZE))
        number = int(query.get("Page", 0))
    except ValueError:
        raise BadQuery("PageSize and Page must be integers") from None
    if not 1 <= size <= MAX_PAGE_SIZE or number < 0:
        raise BadQuery(f"PageSize must be 1 to {MAX_PAGE_SIZE}, Page 0 or more")
    start = _start(found, query.get("PageToken"), number, size)
    items = found[start : start + size]
    filters = [(name, query[name]) for name in FILTERS if name in query]

    def uri(page_number: int, token: str | None) -> str:
        params = [*filters, ("PageSize", str(size)), ("Page", str(page_number))]
        if token:
            params.append(("PageToken", token))
        return f"{path}?{urlencode(params)}"

    more = start + size < len(found)
    return {
        "end": start + max(len(items) - 1, 0),
        "first_page_uri": uri(0, None),
        "next_page_uri": uri(number + 1, "PA" + items[-1].sid) if more and items else None,
        "page": number,
        "page_size": size,
        "previous_page_uri": uri(number - 1, "PB" + items[0].sid) if number and items else None,
        "messages": [m.to_json() for m in items],
        "start": start,
        "uri": uri(number, query.get("PageToken")),
    }


def _start(found: list[Message], token: str | None, number: int, size: int) -> int:
    if not token:
        return number * size
    sids = [m.sid for m in found]
    anchor = token[2:]
    if anchor not in sids:
        raise BadQuery(f"Invalid PageToken: {token}")
    index = sids.index(anchor)
    if token.startswith("PA"):  # the page after the anchor
        return index + 1
    return max(index - size, 0)  # "PB": the page before it
