"""Messages into the hub's log (logger "obhut.console"), and onto a terminal if given one."""

from __future__ import annotations

import logging
import uuid
from typing import TextIO

from integrations.base import DeliveryResult, DeliveryStatus, OutboundMessage

log = logging.getLogger("obhut.console")


class ConsoleNotifier:
    """Always delivers: the message is in the log, as a block that reads like the SMS."""

    channel = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        provider_id = f"console-{uuid.uuid4().hex[:12]}"
        block = format_block(message)
        log.info("%s", block)
        if self.stream is not None:
            try:
                self.stream.write(block + "\n")
                self.stream.flush()
            except (OSError, ValueError) as exc:  # a closed terminal; the log has it
                log.warning("console message %s not shown: %s", message.delivery_id, exc)
        return DeliveryResult(DeliveryStatus.SENT, provider_id=provider_id)


def format_block(message: OutboundMessage) -> str:
    """`message 7 to +49…`, the subject if there is one, then the body, each line under `| `."""
    lines = [f"message {message.delivery_id} to {message.to}"]
    if message.subject:
        lines.append(f"  Subject: {message.subject}")
    body = message.body.strip("\n").splitlines() or [""]
    lines.extend(f"  | {line}".rstrip() for line in body)
    return "\n".join(lines)
