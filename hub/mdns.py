"""The hub announces itself on the home network as obhut.local (mDNS / zeroconf), so the
tablet and the installer find it without knowing its address."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
from collections.abc import AsyncIterator

log = logging.getLogger(__name__)

SERVICE = "_http._tcp.local."


def addresses_for(host: str) -> list[str]:
    """The IPv4 addresses a web server bound to `host` is reachable at."""
    if host not in ("0.0.0.0", ""):  # noqa: S104 - the wildcard is what we look for
        return [host]
    import ifaddr

    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str) and not ipaddress.ip_address(ip.ip).is_loopback:
                found.append(ip.ip)
    return found


@contextlib.asynccontextmanager
async def announce(
    host: str, port: int, *, name: str = "Obhut", hostname: str = "obhut"
) -> AsyncIterator[list[str]]:
    """Announce http://<hostname>.local:<port>/ for as long as the block runs."""
    from zeroconf import IPVersion
    from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

    addresses = addresses_for(host)
    if not addresses:
        log.warning("no network address to announce %s.local on", hostname)
        yield []
        return
    zeroconf = AsyncZeroconf(interfaces=addresses, ip_version=IPVersion.V4Only)
    info = AsyncServiceInfo(
        SERVICE,
        f"{name}.{SERVICE}",
        addresses=[socket.inet_aton(a) for a in addresses],
        port=port,
        properties={"path": "/"},
        server=f"{hostname}.local.",
    )
    try:
        await zeroconf.async_register_service(info)
        log.info("announced as http://%s.local:%d/ (%s)", hostname, port, ", ".join(addresses))
        yield addresses
    finally:
        with contextlib.suppress(Exception):
            await zeroconf.async_unregister_service(info)
        await zeroconf.async_close()
