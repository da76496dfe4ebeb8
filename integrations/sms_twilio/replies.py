"""SMS replies found by polling Twilio's Messages list (a hub behind a router has no webhook)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from integrations.base import DeliveryResult, InboundReply
from integrations.sms_twilio import client as twilio_client

# Twilio filters by GMT day; a poll just after midnight also looks at the day before,
# so a reply from 23:59:59 whose poll ran at 00:00:05 is still found.
_DAY_MARGIN = timedelta(hours=1)


class ReplyPollError(Exception):
    """A poll that failed; `result` says whether to try again (RETRY) or to fix something."""

    def __init__(self, result: DeliveryResult) -> None:
        super().__init__(result.detail)
        self.result = result


class TwilioReplies:
    """Inbound messages to `sender`, each returned once, none older than `since`.

    Each poll lists the messages to our number sent on or after the day of the previous
    poll (Twilio's `DateSent>` filter is by day) and remembers the SIDs it saw; after a
    restart, `since` (e.g. when the last reply was handled) keeps old replies out.
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sender: str,
        *,
        since: datetime,
        now: Callable[[], datetime] | None = None,
        base_url: str | None = None,
        timeout: float = 10.0,
        page_size: int = 50,
        max_pages: int = 10,
    ) -> None:
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        self.account_sid = account_sid
        self.sender = sender
        self.since = since.astimezone(UTC)
        self.now = now or (lambda: datetime.now(UTC))
        self.base_url = base_url
        self.timeout = timeout
        self.page_size = page_size
        self.max_pages = max_pages
        self.__auth_token = auth_token
        self._from_day = self.since.date()
        self._seen: set[str] = set()
        self._client: Any = None

    def __repr__(self) -> str:
        return f"TwilioReplies(account_sid={self.account_sid!r}, sender={self.sender!r})"

    async def poll(self) -> list[InboundReply]:
        """Replies not returned before, oldest first; raises ReplyPollError if Twilio fails."""
        started = self.now()
        try:
            async with asyncio.timeout(self.timeout):
                listed = await self._list()
        except Exception as exc:
            if not twilio_client.is_outside_failure(exc):
                raise
            raise ReplyPollError(
                twilio_client.failure(exc, to=self.sender, sender=self.sender, timeout=self.timeout)
            ) from exc
        fresh = [
            InboundReply(str(m.from_), str(m.body or ""), m.date_sent, str(m.sid))
            for m in listed
            if m.direction == "inbound"
            and m.sid not in self._seen
            and m.date_sent is not None
            and m.date_sent >= self.since
        ]
        # Later polls ask for a later or the same day: what they can list is in `listed`.
        self._seen = {str(m.sid) for m in listed}
        self._from_day = max(self._from_day, (started.astimezone(UTC) - _DAY_MARGIN).date())
        fresh.sort(key=lambda r: (r.received, r.provider_id))
        return fresh

    async def _list(self) -> list[Any]:
        if self._client is None:
            self._client = twilio_client.build(self.account_sid, self.__auth_token, self.base_url)
        page = await self._client.messages.page_async(
            to=self.sender,
            # A string, not a date: twilio would send a date as midnight's datetime.
            date_sent_after=self._from_day.isoformat(),
            page_size=self.page_size,
        )
        listed = list(page)
        for _ in range(self.max_pages - 1):
            page = await page.next_page_async()
            if page is None:
                break
            listed.extend(page)
        return listed

    async def aclose(self) -> None:
        if self._client is not None:
            await twilio_client.close(self._client)
            self._client = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
