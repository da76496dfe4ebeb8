import asyncio
from tests.web.test_vitals_entry import *  # noqa
from tests.web.test_vitals_entry import bp, stored

async def test_dbg(client, hub):
    from tests.web.signin import as_resident, post
    await as_resident(client)
    resp = await post(client, "/api/vitals/entries", bp(165, 85, confirm=True))
    print(resp.status, await resp.json())
    await asyncio.sleep(0)
    orig = hub.alerts._spawn
    n = 0
    def spy(coro):
        nonlocal n
        n += 1
        if n < 5: print("spawn", coro)
        return orig(coro)
    hub.alerts._spawn = spy
    try:
        await asyncio.wait_for(hub.alerts.idle(), 3)
    except TimeoutError:
        print("timeout; spawns", n, hub.alerts._ops)
        print(await hub.alerts.open_alerts())
