"""One life of a hub in the crash test: run (or resume) an escalation on a store in `workdir`.

    python -m tests.alerts.crash_child WORKDIR

The simulated clock resumes at the minute saved in WORKDIR/minute and moves on a minute at a
time. Every SMS or e-mail "sent" is appended to WORKDIR/sent.log (flushed and fsynced) before
the hub hears that it went out, so a kill between the two shows up as a duplicate there.
Each step prints a line, for the parent to pick a moment to kill at.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

from hub.alerts.model import AlertState
from integrations.base import InboundReply, OutboundMessage
from tests.alerts.harness import MORNING, finding, flat

ACK_AT = 23  # minute: Ben replies "OK"
CLEAR_AT = 26  # minute: the resident is seen again
END = 30
LATENCY = 0.005  # real seconds per message, as a provider takes (Twilio: 100-300 ms)


def say(text: str) -> None:
    print(text, flush=True)


async def main(workdir: Path) -> None:
    minute_file = workdir / "minute"
    minute = int(minute_file.read_text()) if minute_file.exists() else 0
    log = (workdir / "sent.log").open("a", buffering=1, encoding="utf-8")

    def sent(message: OutboundMessage) -> None:
        log.write(f"{message.delivery_id} {message.channel} {message.to}\n")
        log.flush()
        os.fsync(log.fileno())
        say(f"sent {message.delivery_id}")

    async with flat(workdir, start=MORNING + timedelta(minutes=minute)) as f:
        for notifier in (f.sms, f.email):
            notifier.on_send = sent
            notifier.on_attempt = lambda m: say(f"sending {m.delivery_id}")
            notifier.latency = LATENCY
        await f.idle()
        say(f"started at minute {minute}")
        if not await f.service.recent_alerts(1):
            f.service.on_finding(finding(MORNING))
            await f.idle()
        while minute < END:
            minute += 1
            await f.advance_to(MORNING + timedelta(minutes=minute))
            (alert,) = await f.service.recent_alerts(1)
            if minute >= ACK_AT and alert.state is AlertState.OPEN:
                ben = f.config.contacts["ben"].phone or ""
                await f.service.handle_reply(InboundReply(ben, "OK", f.clock.now(), "SMx"))
                await f.idle()
            if minute >= CLEAR_AT and alert.state is not AlertState.RESOLVED:
                f.service.on_finding(finding(f.clock.now(), cleared=True))
                await f.idle()
            tmp = workdir / "minute.tmp"
            tmp.write_text(str(minute))
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            tmp.replace(minute_file)
            say(f"minute {minute}")
    say("done")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
