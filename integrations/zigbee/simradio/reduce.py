"""Reduce a zha device dump to what the simulated radio needs, under a new address.

A dump holds much the radio never uses (Home Assistant entity ids, neighbours, routes, the
entities zha made). The reduced file keeps the identity, node descriptor, endpoints (the raw
signature, before a quirk), clusters and attribute values, in the dump "version": 1 format
that `dumps.py` reads, and names its source so it can be derived again:

    python -m integrations.zigbee.simradio.reduce DUMP --ieee 00:15:8d:00:01:00:00:06 \\
        --nwk 0x1006 -o examples/demo/zigbee/devices/bad-motion.json
    python -m integrations.zigbee.simradio.reduce --check examples/demo/zigbee/devices/*.json \\
        --sources ../shared/data/zigbee-devices tests/zigbee/devices   # or --write

What a simulated node starts with is unchanged, with one exception: attributes of clusters
that a quirk adds and the device does not list in its signature (the "version": 1 format
has no place for them). Those are quirk-local clusters or manufacturer settings.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import zigpy.zcl

from .dumps import AttributeSpec, DeviceSpec, parse_dump

ZHA_REPOSITORY = "https://github.com/zigpy/zha"
ZHA_DEVICES = "tests/data/devices"
_LOGICAL_TYPE_NAMES = {0: "Coordinator", 1: "Router", 2: "EndDevice"}


def _needed(attr: AttributeSpec, value: Any, declared: Mapping[int, Any]) -> dict[str, Any] | None:
    """The attribute as the reduced file keeps it, or None when the node would not miss it."""
    if value is None and (attr.type_name is None or attr.id in declared):
        # No value to answer with, and no type a later value needs (zigpy declares it).
        return None
    out: dict[str, Any] = {"id": f"0x{attr.id:04x}"}
    if attr.type_name is not None:
        out["zcl_type"] = attr.type_name
    out["value"] = value
    return out


def _attributes(spec: DeviceSpec, endpoint: int, cluster_id: int) -> list[dict[str, Any]]:
    attrs = dict(spec.attributes.get((endpoint, cluster_id), {}))
    values: dict[int, Any] = {
        a.id: a.value for a in attrs.values() if not a.unsupported and a.value is not None
    }
    # zha made an entity of these, so the device answered them: a node starts them at 0.
    for ep_id, cid, attr_id in spec.entity_attributes:
        if (ep_id, cid) != (endpoint, cluster_id):
            continue
        known = attrs.get(attr_id)
        if known is None or (known.value is None and not known.unsupported):
            values.setdefault(attr_id, 0)
            attrs.setdefault(attr_id, AttributeSpec(id=attr_id, value=0))
    cluster_cls = zigpy.zcl.Cluster._registry.get(cluster_id)
    declared = cluster_cls.attributes if cluster_cls is not None else {}
    kept = []
    for attr_id in sorted(attrs):
        attr = attrs[attr_id]
        if attr.unsupported:
            continue  # a node answers "unsupported" for what it does not hold anyway
        entry = _needed(attr, values.get(attr_id), declared)
        if entry is not None:
            kept.append(entry)
    return kept


def reduce_dump(
    raw: Mapping[str, Any], *, ieee: str, nwk: int, origin: Mapping[str, str]
) -> dict[str, Any]:
    """The reduced file's JSON object for the dump `raw`, re-addressed to `ieee`/`nwk`."""
    spec = parse_dump(dict(raw))
    node_descriptor: dict[str, Any] = dict(spec.node_descriptor)
    node_descriptor["logical_type"] = _LOGICAL_TYPE_NAMES[node_descriptor["logical_type"]]
    endpoints = {
        str(ep.id): {
            "profile_id": f"0x{ep.profile_id:04x}",
            "device_type": f"0x{ep.device_type:04x}",
            "in_clusters": [
                {"cluster_id": f"0x{c:04x}", "attributes": _attributes(spec, ep.id, c)}
                for c in ep.in_clusters
            ],
            "out_clusters": [{"cluster_id": f"0x{c:04x}"} for c in ep.out_clusters],
        }
        for ep in spec.endpoints
    }
    return {
        "version": 1,
        "reduced_from": dict(origin),
        "ieee": ieee,
        "nwk": f"0x{nwk:04X}",
        "manufacturer": spec.manufacturer,
        "model": spec.model,
        "power_source": "Mains" if spec.mains_powered else "Battery or Unknown",
        "node_descriptor": node_descriptor,
        "endpoints": endpoints,
    }


def to_text(reduced: Mapping[str, Any]) -> str:
    return json.dumps(reduced, indent=1, ensure_ascii=False) + "\n"


def zha_origin(source: Path) -> dict[str, str]:
    """Where a dump from zha's test data comes from."""
    return {
        "file": source.name,
        "repository": ZHA_REPOSITORY,
        "path": f"{ZHA_DEVICES}/{source.name}",
        "licence": "Apache-2.0",
    }


def find_source(reduced: Mapping[str, Any], source_dirs: Sequence[Path]) -> Path:
    """The dump a reduced file was made from, looked up by file name in `source_dirs`."""
    name = str(reduced["reduced_from"]["file"])
    for folder in source_dirs:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"source dump {name} not in {', '.join(map(str, source_dirs))}")


def rederive(reduced_file: Path, source_dirs: Sequence[Path]) -> str:
    """A reduced file derived again from its source dump (equal to it unless either changed)."""
    reduced = json.loads(reduced_file.read_text(encoding="utf-8"))
    source = find_source(reduced, source_dirs)
    raw = json.loads(source.read_text(encoding="utf-8"))
    return to_text(
        reduce_dump(
            raw, ieee=reduced["ieee"], nwk=int(reduced["nwk"], 0), origin=reduced["reduced_from"]
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m integrations.zigbee.simradio.reduce")
    parser.add_argument("files", nargs="+", type=Path, help="a dump, or reduced files to check")
    parser.add_argument("--ieee", help="the new IEEE address")
    parser.add_argument("--nwk", help="the new NWK address, e.g. 0x1006")
    parser.add_argument("--repository", help="where the dump comes from (default: zha's tests)")
    parser.add_argument("--path", help="the dump's path in that repository")
    parser.add_argument("--licence", default="Apache-2.0")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    parser.add_argument("--check", action="store_true", help="are reduced files up to date?")
    parser.add_argument("--write", action="store_true", help="derive reduced files again")
    parser.add_argument("--sources", nargs="*", type=Path, default=[], help="folders of dumps")
    args = parser.parse_args(argv)
    if args.check or args.write:
        stale = 0
        for file in args.files:
            text = rederive(file, args.sources)
            if text != file.read_text(encoding="utf-8"):
                stale += 1
                if args.write:
                    file.write_text(text, encoding="utf-8")
                print(f"{file}: {'rewritten' if args.write else 'differs from its source'}")
        return 1 if stale and args.check else 0
    if len(args.files) != 1 or not args.ieee or not args.nwk:
        parser.error("reducing one dump needs DUMP --ieee and --nwk")
    source = args.files[0]
    origin = zha_origin(source)
    if args.repository:
        origin["repository"] = args.repository
        origin["path"] = args.path or source.name
    origin["licence"] = args.licence
    raw = json.loads(source.read_text(encoding="utf-8"))
    text = to_text(reduce_dump(raw, ieee=args.ieee, nwk=int(args.nwk, 0), origin=origin))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
