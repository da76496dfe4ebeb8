"""A quirk index built once per test session, in a subprocess as the hub builds it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from integrations.zigbee.quirks_index import QuirkIndex, build_index


@pytest.fixture(scope="session")
def quirk_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quirks") / "quirk-index.json"
    path.write_text(json.dumps(build_index().to_json()), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def quirk_index(quirk_index_path: Path) -> QuirkIndex:
    return QuirkIndex.from_json(json.loads(quirk_index_path.read_text(encoding="utf-8")))
