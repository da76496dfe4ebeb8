"""The dead man's switch: the watchdog URL is called every few minutes, failures or not."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from hub.clock import SimulatedClock
from hub.heartbeat import ping_forever


async def test_the_url_is_called_every_interval_and_a_failure_is_no_stop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []
    status = {"code": 200}

    async def ping(request: web.Request) -> web.Response:
        calls.append(status["code"])
        return web.Response(status=status["code"])

    app = web.Application()
    app.router.add_get("/ping/abc", ping)
    async with TestServer(app, host="127.0.0.1") as server:
        clock = SimulatedClock(datetime(2026, 5, 4, 7, 0, tzinfo=UTC))
        url = str(server.make_url("/ping/abc"))
        task = asyncio.create_task(ping_forever(url, timedelta(minutes=5), clock))

        async def calls_reach(n: int) -> None:
            while True:  # a real HTTP round trip on loopback: poll, bounded by the caller
                if len(calls) >= n:
                    return
                await asyncio.sleep(0.01)

        await asyncio.wait_for(calls_reach(1), 5)
        status["code"] = 503
        await clock.advance(timedelta(minutes=5))
        await asyncio.wait_for(calls_reach(2), 5)
        status["code"] = 200
        await clock.advance(timedelta(minutes=4))
        assert len(calls) == 2  # not before its time
        await clock.advance(timedelta(minutes=1))
        await asyncio.wait_for(calls_reach(3), 5)
        task.cancel()
    assert calls == [200, 503, 200]
    assert any("watchdog ping to its URL failed (1 in a row)" in r.message for r in caplog.records)
