"""Resolve device dumps against zha's quirk registry in a clean interpreter; print JSON.

Run as `python -m tests.zigbee.quirks.resolve_dumps MODE INDEX DUMP...`. MODE is
`full` (`zhaquirks.setup`), `lazy-setup` (the lazy setup told every dump's model) or
`lazy-join` (the lazy setup told nothing: each device's modules are loaded by the
wrapped resolver as zigpy would call it for a joining device). Quirk registration is
process-global, hence one process per mode.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any
from unittest import mock


def _int(value: Any) -> int:
    return int(value, 0) if isinstance(value, str) else int(value)


def signature_of(dump: dict[str, Any]) -> dict[int, tuple[int, int, list[int], list[int]]]:
    """Endpoint id -> (profile, device type, in clusters, out clusters) as paired."""
    endpoints: dict[int, tuple[int, int, list[int], list[int]]] = {}
    if dump.get("version") == 1:
        for ep_id, ep in dump["endpoints"].items():
            endpoints[int(ep_id)] = (
                _int(ep["profile_id"]),
                _int(ep["device_type"]["id"]),
                [_int(c["cluster_id"]) for c in ep["in_clusters"]],
                [_int(c["cluster_id"]) for c in ep["out_clusters"]],
            )
        return endpoints
    sig = dump.get("original_signature") or dump["signature"]
    if not sig.get("endpoints"):
        sig = dump["signature"]
    for ep_id, ep in sig["endpoints"].items():
        endpoints[int(ep_id)] = (
            _int(ep["profile_id"]),
            _int(ep["device_type"]),
            [_int(c) for c in ep["input_clusters"]],
            [_int(c) for c in ep["output_clusters"]],
        )
    return endpoints


def build_device(dump: dict[str, Any], nwk: int = 0x1234) -> Any:
    """A bare zigpy device as it looks after its interview, before any quirk."""
    import zigpy.device
    import zigpy.endpoint
    import zigpy.types as t

    app = mock.MagicMock()
    ieee = t.EUI64.convert(f"00:11:22:33:44:55:{nwk >> 8:02x}:{nwk & 0xFF:02x}")
    device = zigpy.device.Device(app, ieee, nwk)
    for ep_id, (profile, device_type, ins, outs) in signature_of(dump).items():
        ep = device.add_endpoint(ep_id)
        ep.profile_id = profile
        ep.device_type = device_type
        for cluster_id in ins:
            ep.add_input_cluster(cluster_id)
        for cluster_id in outs:
            ep.add_output_cluster(cluster_id)
        ep.status = zigpy.endpoint.Status.ZDO_INIT
    device.manufacturer = dump["manufacturer"]
    device.model = dump["model"]
    device.status = zigpy.device.Status.ENDPOINTS_INIT
    return device


def identity(resolved: Any) -> str:
    """What was resolved: the registry entry's source and the device class."""
    from zha.quirks import QUIRK_REGISTRY_ENTRY_ATTR

    entry = getattr(resolved, QUIRK_REGISTRY_ENTRY_ATTR, None)
    cls = type(resolved)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if entry is None:
        return f"no quirk ({name})"
    source = entry.source
    return f"{source.module}:{source.label}@{source.line} ({name})"


def main(argv: list[str]) -> dict[str, Any]:
    mode, index_path, *dump_paths = argv
    dumps = {Path(p).name: json.loads(Path(p).read_text(encoding="utf-8")) for p in dump_paths}
    from zha.quirks import DEVICE_REGISTRY

    if mode == "full":
        import zhaquirks

        zhaquirks.setup()
        loaded = -1
    else:
        from integrations.zigbee import quirks_index

        index = quirks_index.QuirkIndex.from_json(json.loads(Path(index_path).read_text()))
        models = {(d["manufacturer"], d["model"]) for d in dumps.values()}
        setup = quirks_index.make_setup(index, lambda: models if mode == "lazy-setup" else set())
        setup(None)

    async def resolve_all() -> dict[str, str]:
        # some quirk clusters (Xiaomi motion) need a running loop, as under zigpy
        return {
            name: identity(DEVICE_REGISTRY.resolve(build_device(dump, nwk)))
            for nwk, (name, dump) in enumerate(sorted(dumps.items()), start=0x100)
        }

    resolved = asyncio.run(resolve_all())
    if mode != "full":
        loaded = len(setup.loaded)
    return {
        "resolved": resolved,
        "loaded": loaded,
        "quirk_modules": sum(1 for m in sys.modules if m.startswith("zhaquirks.")),
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1:]), sys.stdout)
