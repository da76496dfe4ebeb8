"""SMS replies found by polling the Messages list, each once, across days and restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from hub.clock import SimulatedClock
from integrations.base import DeliveryStatus
from integrations.sms_twilio import ReplyPollError, TwilioReplies
from integrations.sms_twilio.standin import TwilioStandin
from tests.integrations.sms_twilio.conftest import ANNA, BERND, SENDER

START = datetime(2026, 3, 14, 21, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
async def twilio(clock: SimulatedClock) -> AsyncIterator[TwilioStandin]:
    async with TwilioStandin(numbers=[SENDER], clock=clock.now) as standin:
        yield standin


def replies_for(twilio: TwilioStandin, clock: SimulatedClock, **kw: object) -> TwilioReplies:
    kw.setdefault("since", START)
    return TwilioReplies(
        twilio.account_sid,
        twilio.auth_token,
        SENDER,
        now=clock.now,
        base_url=twilio.base_url,
        **kw,  # type: ignore[arg-type]
    )


async def test_a_reply_is_returned_once(twilio: TwilioStandin, clock: SimulatedClock) -> None:
    await clock.advance(timedelta(minutes=3))
    msg = twilio.inbound(ANNA, SENDER, "OK 42")
    async with replies_for(twilio, clock) as replies:
        first = await replies.poll()
        await clock.advance(timedelta(seconds=30))
        second = await replies.poll()

    assert [(r.sender, r.body, r.received, r.provider_id) for r in first] == [
        (ANNA, "OK 42", START + timedelta(minutes=3), msg.sid)
    ]
    assert second == []
    # It asked Twilio for messages to our number from today on, as documented.
    assert twilio.requests[0].query["To"] == SENDER
    assert twilio.requests[0].query["DateSent>"] == "2026-03-14"


async def test_only_replies_to_our_number_are_returned(
    twilio: TwilioStandin, clock: SimulatedClock
) -> None:
    twilio.inbound(ANNA, "+4915799999999", "OK 1")  # another number of the account
    twilio.inbound(BERND, SENDER, "ok 7")
    async with replies_for(twilio, clock) as replies:
        got = await replies.poll()
    assert [(r.sender, r.body) for r in got] == [(BERND, "ok 7")]


async def test_a_reply_just_before_midnight_is_found_just_after(
    twilio: TwilioStandin, clock: SimulatedClock
) -> None:
    async with replies_for(twilio, clock) as replies:
        clock.set(datetime(2026, 3, 14, 23, 59, 0, tzinfo=UTC))
        assert await replies.poll() == []
        clock.set(datetime(2026, 3, 14, 23, 59, 59, tzinfo=UTC))
        twilio.inbound(ANNA, SENDER, "OK 42")
        clock.set(datetime(2026, 3, 15, 0, 0, 5, tzinfo=UTC))
        late = await replies.poll()
        clock.set(datetime(2026, 3, 15, 9, 0, tzinfo=UTC))
        twilio.inbound(BERND, SENDER, "OK 43")
        later = await replies.poll()
        again = await replies.poll()

    assert [r.body for r in late] == ["OK 42"]
    assert [r.body for r in later] == ["OK 43"]
    assert again == []
    # By then the filter has moved on to the new day.
    assert twilio.requests[-1].query["DateSent>"] == "2026-03-15"


async def test_after_a_restart_older_replies_stay_handled(
    twilio: TwilioStandin, clock: SimulatedClock
) -> None:
    twilio.inbound(ANNA, SENDER, "OK 41")
    await clock.advance(timedelta(minutes=10))
    handled_up_to = clock.now()
    await clock.advance(timedelta(minutes=5))
    twilio.inbound(BERND, SENDER, "OK 42")

    async with replies_for(twilio, clock, since=handled_up_to) as replies:
        got = await replies.poll()
    assert [r.body for r in got] == ["OK 42"]


async def test_many_replies_come_over_several_pages_each_once(
    twilio: TwilioStandin, clock: SimulatedClock
) -> None:
    for i in range(120):
        twilio.inbound(ANNA, SENDER, f"OK {i}")
        await clock.advance(timedelta(seconds=1))
    async with replies_for(twilio, clock, page_size=50) as replies:
        got = await replies.poll()
        assert await replies.poll() == []
    assert [r.body for r in got] == [f"OK {i}" for i in range(120)]  # oldest first
    assert len(twilio.requests) == 3 + 3


async def test_a_failed_poll_says_so_and_loses_nothing(
    twilio: TwilioStandin, clock: SimulatedClock
) -> None:
    twilio.inbound(ANNA, SENDER, "OK 42")
    twilio.fail_next(500, on="list")
    async with replies_for(twilio, clock) as replies:
        with pytest.raises(ReplyPollError) as failed:
            await replies.poll()
        got = await replies.poll()
    assert failed.value.result.status is DeliveryStatus.RETRY
    assert [r.body for r in got] == ["OK 42"]


async def test_a_failed_second_page_loses_nothing(
    twilio: TwilioStandin, clock: SimulatedClock
) -> None:
    for i in range(3):
        twilio.inbound(ANNA, SENDER, f"OK {i}")
        await clock.advance(timedelta(seconds=1))
    twilio.fail_next(503, on="list", skip=1)
    async with replies_for(twilio, clock, page_size=2) as replies:
        with pytest.raises(ReplyPollError):
            await replies.poll()
        got = await replies.poll()
    assert [r.body for r in got] == ["OK 0", "OK 1", "OK 2"]
    assert [r.status for r in twilio.requests] == [200, 503, 200, 200]


async def test_bad_credentials_are_a_permanent_poll_error(
    twilio: TwilioStandin, clock: SimulatedClock
) -> None:
    async with TwilioReplies(
        twilio.account_sid, "0" * 32, SENDER, since=START, now=clock.now, base_url=twilio.base_url
    ) as replies:
        with pytest.raises(ReplyPollError) as failed:
            await replies.poll()
    assert (failed.value.result.status, failed.value.result.code) == (
        DeliveryStatus.PERMANENT,
        20003,
    )
    assert twilio.auth_token not in str(failed.value)
