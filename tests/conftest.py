"""Shared helpers: configurations written to tmp_path, and a free local port."""

from __future__ import annotations

import socket
import textwrap
from pathlib import Path

import pytest

BASE_CONFIG = """\
home:
  name: Wohnung Test
  timezone: Europe/Berlin
rooms:
  bad: {name: Bad, kind: bathroom}
  flur: {name: Flur, kind: entrance}
  kueche: {name: Küche, kind: kitchen}
devices:
  "00:15:8d:00:01:00:00:01": {name: Bewegung Bad, room: bad, role: motion}
  "00:15:8d:00:01:00:00:02": {name: Haustür, room: flur, role: front_door}
  "00:15:8d:00:01:00:00:03": {name: Bewegung Küche, room: kueche, role: motion}
  "00:15:8d:00:01:00:00:04": {name: Notruf, room: bad, role: sos_button}
contacts:
  anna: {name: Anna, role: family, phone: "+4917612345678"}
escalation:
  default:
    tiers:
      - contacts: [anna]
"""


@pytest.fixture
def write_config(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write BASE_CONFIG plus extra YAML (rules, web, storage) and return its path."""

    def write(extra: str = "", name: str = "obhut.yaml") -> Path:
        path = tmp_path / name
        text = BASE_CONFIG + textwrap.dedent(extra)
        if "storage:" not in text:
            text += f"storage:\n  data_dir: {tmp_path / 'data'}\n"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
