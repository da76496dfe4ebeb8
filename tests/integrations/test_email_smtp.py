"""E-mail against a real SMTP server on 127.0.0.1 (aiosmtpd): what arrives, and each failure."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from integrations.base import DeliveryStatus, OutboundMessage
from integrations.email_smtp import EmailNotifier

from ..conftest import free_port

PASSWORD = "geheim-Passwort-123"
# long enough to be folded over three lines, with umlauts on both sides of each fold
SUBJECT = (
    "Obhut – Wohnung Müller: NOTFALL – Notruf ausgelöst in Schlafzimmer um 03:12, "
    "Bewegung zuletzt in Küche, Tür geöffnet, Rückmeldung nötig"
)


@dataclass
class Mailbox:
    """An SMTP server's handler that keeps what it gets and fails when told to."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipient_reply: str | None = None  # e.g. "550 …": refuse RCPT TO with this
    data_reply: str | None = None  # e.g. "451 …": refuse the message after DATA
    hang_up: bool = False  # drop the connection instead of answering DATA

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.recipient_reply:
            return self.recipient_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.hang_up:
            assert server.transport is not None
            server.transport.abort()
            return "250 never heard"
        if self.data_reply:
            return self.data_reply
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data == (b"hub", PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,  # a test server on loopback; real ones offer STARTTLS
    )
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def _message(to: str = "anna@example.org") -> OutboundMessage:
    return OutboundMessage(
        delivery_id=7,
        channel="email",
        to=to,
        subject=SUBJECT,
        body="Notruf ausgelöst in Schlafzimmer um 03:12.\n\nBitte melden Sie sich. Grüße, ß.\n",
    )


def _notifier(port: int, **kwargs: Any) -> EmailNotifier:
    kwargs.setdefault("starttls", False)
    return EmailNotifier("127.0.0.1", port, "hub@obhut.example", **kwargs)


async def test_the_mail_arrives_with_umlauts_intact(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    result = await _notifier(port).send(_message())
    assert result.status is DeliveryStatus.SENT
    (mail,) = box.messages
    assert mail["Subject"] == SUBJECT
    assert mail.get_content().replace("\r\n", "\n") == _message().body
    assert mail["To"] == "anna@example.org"
    assert mail["From"].addresses[0].addr_spec == "hub@obhut.example"
    assert mail["Message-ID"] == result.provider_id
    assert result.provider_id and result.provider_id.endswith("@obhut.example>")
    assert parsedate_to_datetime(mail["Date"]).tzinfo is not None


async def test_each_mail_has_its_own_message_id(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    notifier = _notifier(port)
    first = await notifier.send(_message())
    second = await notifier.send(_message())
    assert first.provider_id != second.provider_id
    assert [m["Message-ID"] for m in box.messages] == [first.provider_id, second.provider_id]


async def test_signing_in_with_the_right_password_sends(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    result = await _notifier(port, username="hub", password=PASSWORD).send(_message())
    assert result.status is DeliveryStatus.SENT
    assert len(box.messages) == 1


async def test_a_bad_password_is_permanent_and_never_logged(
    mailbox: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture
) -> None:
    box, port = mailbox
    wrong = "falsches-Passwort-999"
    notifier = _notifier(port, username="hub", password=wrong)
    with caplog.at_level(logging.DEBUG):
        result = await notifier.send(_message())
    assert result.status is DeliveryStatus.PERMANENT
    assert result.code == 535
    assert "username and password" in result.detail
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("obhut", "aiosmtplib"))]
    assert ours, "the failure is logged"
    for text in (*ours, result.detail, repr(notifier)):
        assert wrong not in text
    assert not box.messages


async def test_an_unknown_recipient_is_permanent(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.recipient_reply = "550 5.1.1 <anan@example.org>: Recipient address rejected"
    result = await _notifier(port).send(_message("anan@example.org"))
    assert result.status is DeliveryStatus.PERMANENT
    assert result.code == 550
    assert "anan@example.org" in result.detail
    assert "Recipient address rejected" in result.detail


async def test_a_busy_server_means_try_again(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.recipient_reply = "451 4.3.0 Mailbox busy, try again later"
    result = await _notifier(port).send(_message())
    assert result.status is DeliveryStatus.RETRY
    assert result.code == 451


async def test_a_4xx_after_the_data_means_try_again(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.data_reply = "452 4.3.1 Insufficient system storage"
    result = await _notifier(port).send(_message())
    assert result.status is DeliveryStatus.RETRY
    assert result.code == 452


async def test_a_5xx_after_the_data_is_permanent(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.data_reply = "554 5.7.1 Message rejected as spam"
    result = await _notifier(port).send(_message())
    assert result.status is DeliveryStatus.PERMANENT
    assert result.code == 554


async def test_a_dropped_connection_means_try_again(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.hang_up = True
    result = await _notifier(port).send(_message())
    assert result.status is DeliveryStatus.RETRY
    assert result.detail
    # and once the server is well again, the same message goes through
    box.hang_up = False
    assert (await _notifier(port).send(_message())).status is DeliveryStatus.SENT
    assert len(box.messages) == 1


async def test_no_server_listening_means_try_again() -> None:
    result = await _notifier(free_port()).send(_message())
    assert result.status is DeliveryStatus.RETRY
    assert "could not talk to the mail server" in result.detail


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Accepts connections and never says a word."""
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_server_that_never_answers_times_out_to_try_again(silent_server: int) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await _notifier(silent_server, timeout=0.2).send(_message())
    assert result.status is DeliveryStatus.RETRY
    assert "did not answer in 0.2 s" in result.detail
    assert loop.time() - started < 2


async def test_required_starttls_that_the_server_lacks_is_permanent(
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    result = await _notifier(port, starttls=True, username="hub", password=PASSWORD).send(
        _message()
    )
    assert result.status is DeliveryStatus.PERMANENT
    assert "STARTTLS" in result.detail
    assert not box.messages


async def test_a_line_break_in_the_address_sends_nothing(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    result = await _notifier(port).send(_message("anna@example.org\nBcc: x@evil.example"))
    assert result.status is DeliveryStatus.PERMANENT
    assert "not a single e-mail address" in result.detail
    assert not box.messages
