"""The official FHIR R4 JSON schema (see SOURCE.md) and a validator for exported bundles."""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator  # type: ignore[import-untyped]

SCHEMA = Path(__file__).with_name("fhir.schema.json.gz")


@functools.cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(gzip.decompress(SCHEMA.read_bytes()))
    assert loaded["id"] == "http://hl7.org/fhir/json-schema/4.0", "not the R4 schema"
    return loaded


@functools.cache
def _validator(definition: str | None = None) -> Draft6Validator:
    whole = schema()
    if definition is None:
        return Draft6Validator(whole)
    # The resource's own definition at the top, so errors name the field, not "oneOf".
    return Draft6Validator(
        {**whole["definitions"][definition], "definitions": whole["definitions"]}
    )


def problems(resource: dict[str, Any]) -> list[str]:
    """Everything the R4 schema finds wrong with `resource` (a Bundle or any resource).

    The whole schema says only "not valid under any of the given schemas" for a bad entry;
    each entry is then checked against its own resource's definition to say what and where.
    """
    if not list(_validator().iter_errors(resource)):
        return []
    found = []
    kind = resource.get("resourceType")
    for error in _validator(kind).iter_errors(resource) if kind in schema()["definitions"] else ():
        found.append(f"{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}")
    for n, entry in enumerate(resource.get("entry", [])):
        inner = entry.get("resource", {})
        inner_kind = inner.get("resourceType")
        if inner_kind not in schema()["definitions"]:
            found.append(f"entry/{n}: unknown resourceType {inner_kind!r}")
            continue
        for error in _validator(inner_kind).iter_errors(inner):
            where = "/".join(map(str, error.absolute_path))
            found.append(f"entry/{n}/resource/{where}: {error.message[:300]}")
    return found or ["not valid against the FHIR R4 schema"]
