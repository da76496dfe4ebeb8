"""Run the stand-in by itself: `python -m integrations.sms_twilio.standin --port 8099`.

It prints the credentials to put in obhut.yaml, then every SMS the hub sends; a line typed
as `+4917612345678 OK 42` arrives as a reply from that number.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from integrations.sms_twilio.standin.server import RecordedRequest, TwilioStandin


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m integrations.sms_twilio.standin")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--sender", default="+4915712345678", help="the hub's Twilio number")
    parser.add_argument("--account-sid")
    parser.add_argument("--auth-token")
    args = parser.parse_args(argv)
    standin = TwilioStandin(account_sid=args.account_sid, auth_token=args.auth_token)

    def show(request: RecordedRequest) -> None:
        if request.method == "POST":
            print(
                f"SMS {request.form.get('From')} → {request.form.get('To')}: "
                f"{request.form.get('Body')}",
                flush=True,
            )

    standin.on_arrival = show
    await standin.start(port=args.port)
    print(
        f"Twilio stand-in at {standin.base_url}\n"
        f"  account_sid: {standin.account_sid}\n  auth_token: {standin.auth_token}\n"
        f"  sender: {args.sender}\n"
        "Type '<phone> <text>' to send a reply to the hub; Ctrl-D to stop.",
        flush=True,
    )
    try:
        while line := await asyncio.to_thread(sys.stdin.readline):
            phone, _, text = line.strip().partition(" ")
            if phone and text:
                standin.inbound(phone, args.sender, text)
    finally:
        await standin.close()


if __name__ == "__main__":
    asyncio.run(main())
