"""One e-mail per message, through the home's SMTP server (aiosmtplib)."""

from __future__ import annotations

import asyncio
import logging
import ssl
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.utils import formataddr, formatdate, make_msgid, parseaddr

import aiosmtplib

from integrations.base import DeliveryResult, DeliveryStatus, OutboundMessage

log = logging.getLogger("obhut.email")

IMPLICIT_TLS_PORT = 465  # SMTPS: TLS from the first byte, no STARTTLS
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable German in the raw mail, not base64


class EmailNotifier:
    """Sends each message as its own connection: a hub sends a few mails a day, not a stream.

    On port 465 the connection is TLS from the start; otherwise `starttls` demands STARTTLS
    (a server that does not offer it is refused rather than sent the password in clear).
    """

    channel = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self._password = password
        self.starttls = starttls
        self.timeout = timeout

    def __repr__(self) -> str:  # no password, even by accident in a traceback or a log
        return f"EmailNotifier({self.host}:{self.port}, sender={self.sender!r})"

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        try:
            mail, message_id = self._compose(message)
        except (ValueError, TypeError) as exc:  # a header email refuses (a newline, say)
            return _permanent(None, f"cannot write an e-mail to {message.to!r}: {exc}")
        implicit_tls = self.port == IMPLICIT_TLS_PORT
        try:
            # aiosmtplib's timeout is per step; this bounds the whole conversation
            async with asyncio.timeout(self.timeout):
                await aiosmtplib.send(
                    mail,
                    sender=self.sender,
                    recipients=[message.to],
                    hostname=self.host,
                    port=self.port,
                    username=self.username,
                    password=self._password,
                    use_tls=implicit_tls,
                    start_tls=None if implicit_tls else self.starttls,
                    timeout=self.timeout,
                )
        except (aiosmtplib.SMTPException, OSError, ValueError, UnicodeError) as exc:
            result = self._classify(exc, message.to)
            log.warning(
                "e-mail %s to %s not sent (%s): %s",
                message.delivery_id,
                message.to,
                result.status,
                result.detail,
            )
            return result
        log.info("e-mail %s to %s sent as %s", message.delivery_id, message.to, message_id)
        return DeliveryResult(DeliveryStatus.SENT, provider_id=message_id)

    def _compose(self, message: OutboundMessage) -> tuple[Message[str, str | Header], str]:
        # compat32 writes header values as given: a line break would start a new header
        if any(c in message.to for c in "\r\n") or parseaddr(message.to)[1] != message.to:
            raise ValueError("not a single e-mail address")
        subject = " ".join(message.subject.split())
        # The classic (compat32) message, not EmailMessage: Python's newer header folding
        # puts a second space into a long subject where it folds beside an encoded umlaut
        # ("Notruf  ausgelöst"); Header encodes the whole subject and round-trips exactly.
        mail: Message[str, str | Header] = Message()
        mail.set_payload(message.body, _UTF8_QP)  # adds MIME-Version and Content-Type
        domain = self.sender.rpartition("@")[2] or "obhut.local"
        message_id = make_msgid(domain=domain)  # a given domain: no slow getfqdn()
        mail["From"] = formataddr(("Obhut", self.sender))
        mail["To"] = message.to
        if subject.isascii():
            mail["Subject"] = subject
        else:
            mail["Subject"] = Header(subject, "utf-8")
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = message_id
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
        return mail, message_id

    def _classify(self, exc: Exception, to: str) -> DeliveryResult:
        server = f"{self.host}:{self.port}"
        if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
            exc = exc.recipients[0]
        if isinstance(exc, aiosmtplib.SMTPResponseException):
            reply = f"{exc.code} {exc.message}".strip()
            if 400 <= exc.code < 500:
                return _retry(exc.code, f"the mail server {server} said try later: {reply}")
            if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
                return _permanent(
                    exc.code,
                    f"the mail server {server} refused the sign-in as {self.username!r}: "
                    f"{reply}; check the e-mail username and password",
                )
            if isinstance(exc, aiosmtplib.SMTPRecipientRefused):
                return _permanent(
                    exc.code, f"the mail server {server} refused the address {to}: {reply}"
                )
            if isinstance(exc, aiosmtplib.SMTPSenderRefused):
                return _permanent(
                    exc.code, f"the mail server {server} refused the sender {self.sender}: {reply}"
                )
            if exc.code >= 500:
                return _permanent(exc.code, f"the mail server {server} refused the e-mail: {reply}")
            return _retry(exc.code, f"unexpected reply from the mail server {server}: {reply}")
        cause = exc.__cause__ if isinstance(exc, aiosmtplib.SMTPConnectError) else exc
        if isinstance(cause, ssl.SSLCertVerificationError):
            return _permanent(
                None, f"the certificate of the mail server {server} is not trusted: {cause}"
            )
        if isinstance(exc, TimeoutError):  # aiosmtplib's and ours
            return _retry(None, f"the mail server {server} did not answer in {self.timeout:g} s")
        if isinstance(exc, (ConnectionError, OSError)):  # includes SMTPServerDisconnected
            return _retry(None, f"could not talk to the mail server {server}: {exc}")
        if isinstance(exc, aiosmtplib.SMTPException):
            # STARTTLS or AUTH not offered, SMTPUTF8 needed: the settings do not match
            return _permanent(None, f"the mail server {server} cannot take this e-mail: {exc}")
        return _permanent(None, f"cannot send an e-mail to {to!r}: {exc}")  # a bad address


def _retry(code: int | None, detail: str) -> DeliveryResult:
    return DeliveryResult(DeliveryStatus.RETRY, code=code, detail=detail)


def _permanent(code: int | None, detail: str) -> DeliveryResult:
    return DeliveryResult(DeliveryStatus.PERMANENT, code=code, detail=detail)
