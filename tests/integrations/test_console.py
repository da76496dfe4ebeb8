"""The console channel: each message is a readable block in the hub's log."""

from __future__ import annotations

import io
import logging

import pytest

from integrations.base import DeliveryStatus, OutboundMessage
from integrations.console import ConsoleNotifier

SMS = OutboundMessage(
    delivery_id=3,
    channel="console",
    to="+4917612345678",
    subject="",
    body="Obhut - Wohnung Müller: NOTFALL. Notruf ausgelöst in Bad um 03:12. Antworten Sie OK 42.",
)
MAIL = OutboundMessage(
    delivery_id=4,
    channel="console",
    to="anna@example.org",
    subject="Obhut – Wohnung Müller: Entwarnung zu Meldung 42",
    body="Obhut – Wohnung Müller: Entwarnung zu Meldung 42.\n\nWieder Bewegung um 10:14.\n",
)


async def test_a_message_is_one_block_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="obhut.console"):
        result = await ConsoleNotifier().send(MAIL)
    assert result.status is DeliveryStatus.SENT
    (record,) = [r for r in caplog.records if r.name == "obhut.console"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        "message 4 to anna@example.org\n"
        "  Subject: Obhut – Wohnung Müller: Entwarnung zu Meldung 42\n"
        "  | Obhut – Wohnung Müller: Entwarnung zu Meldung 42.\n"
        "  |\n"
        "  | Wieder Bewegung um 10:14."
    )


async def test_an_sms_has_no_subject_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="obhut.console"):
        await ConsoleNotifier().send(SMS)
    text = caplog.records[-1].getMessage()
    assert "Subject" not in text
    assert text.splitlines() == ["message 3 to +4917612345678", f"  | {SMS.body}"]


async def test_each_message_gets_its_own_provider_id() -> None:
    notifier = ConsoleNotifier()
    ids = {(await notifier.send(SMS)).provider_id for _ in range(3)}
    assert len(ids) == 3
    assert all(i and i.startswith("console-") for i in ids)


async def test_a_given_stream_shows_the_same_block() -> None:
    stream = io.StringIO()
    await ConsoleNotifier(stream).send(SMS)
    await ConsoleNotifier(stream).send(MAIL)
    shown = stream.getvalue()
    assert shown.startswith("message 3 to +4917612345678\n  | Obhut - Wohnung Müller")
    assert "message 4 to anna@example.org\n  Subject: " in shown


async def test_a_closed_stream_still_delivers_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    stream = io.StringIO()
    stream.close()
    with caplog.at_level(logging.INFO, logger="obhut.console"):
        result = await ConsoleNotifier(stream).send(SMS)
    assert result.status is DeliveryStatus.SENT
    assert any("message 3 to" in r.getMessage() for r in caplog.records)
    assert any(r.levelno == logging.WARNING for r in caplog.records)
