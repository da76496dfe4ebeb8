"""Changes to the configuration file that are checked before they are kept.

A new text is written to a temporary file beside the original (so `!include` and `!secret`
resolve as they will) and read with `load_config`, the same reader as `obhut check`; only a
text that checks out replaces the file. Devices are added and removed by a YAML round trip
of the file that holds the `devices:` section, so comments and the rest stay as they were.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub.config import ConfigError, Problem, load_config


@dataclass(frozen=True)
class Check:
    """The result of checking a configuration text: its problems, and where they point."""

    problems: list[str] = field(default_factory=list)
    lines: frozenset[int] = frozenset()  # lines of the main file with a problem
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _temp_beside(path: Path, text: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}-check-", suffix=path.suffix, dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return Path(name)


def _as_check(error: ConfigError, temp: Path, original: Path) -> Check:
    def named(problem: Problem) -> str:
        return problem.format().replace(str(temp), str(original))

    lines = frozenset(
        p.mark.line for p in error.problems if p.mark is not None and p.mark.file == str(temp)
    )
    return Check([named(p) for p in error.problems], lines)


def check_text(path: Path, text: str) -> Check:
    """The messages `obhut check` would print for `text` in place of the file at `path`."""
    temp = _temp_beside(path, text)
    try:
        config = load_config(temp)
    except ConfigError as e:
        return _as_check(e, temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return Check(summary=config.summary())


def write_checked(path: Path, text: str) -> Check:
    """Replace the file with `text` if it checks out; the file is untouched otherwise."""
    temp = _temp_beside(path, text)
    try:
        try:
            config = load_config(temp)
        except ConfigError as e:
            return _as_check(e, temp, path)
        with contextlib.suppress(OSError):
            shutil.copymode(path, temp)  # a file with secrets in it stays private
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
    return Check(summary=config.summary())


# Devices


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


def _dump(yaml: Any, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _devices_file(path: Path) -> tuple[Path, Any, Any]:
    """The file holding the devices (the main one or its `!include`), its data, the YAML."""
    yaml = _yaml()
    data = yaml.load(path.read_text(encoding="utf-8"))
    devices: Any = data.get("devices") if isinstance(data, dict) else None
    tag = getattr(getattr(devices, "tag", None), "value", None)
    if tag == "!include":
        included = path.parent / str(devices.value)
        return included, yaml.load(included.read_text(encoding="utf-8")), yaml
    return path, data, yaml


def _device_entry(name: str, room: str, role: str) -> Any:
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap([("name", name), ("room", room), ("role", role)])
    entry.fa.set_flow_style()
    return entry


def _with_devices(path: Path, change: Any) -> tuple[Path, str, str]:
    """Apply `change(devices_mapping)`; the file changed, its old and its new text."""
    from ruamel.yaml.comments import CommentedMap

    file, data, yaml = _devices_file(path)
    old = file.read_text(encoding="utf-8")
    if file == path:
        if data is None:
            data = CommentedMap()
        devices = data.get("devices")
        if not isinstance(devices, dict):
            devices = data["devices"] = CommentedMap()
    elif data is None:
        # An included file with nothing but comments: keep them, put the devices after them.
        devices = CommentedMap()
        change(devices)
        head = old if not old or old.endswith("\n") else old + "\n"
        return file, old, head + (_dump(yaml, devices) if devices else "")
    else:
        devices = data if isinstance(data, dict) else CommentedMap()
        change(devices)
        return file, old, _dump(yaml, devices)
    change(devices)
    return file, old, _dump(yaml, data)


def add_device(path: Path, ieee: str, name: str, room: str, role: str) -> Check:
    """Put a device into the configuration, if the configuration then checks out."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    def change(devices: Any) -> None:
        for key in [k for k in devices if str(k).lower() == ieee]:
            del devices[key]
        devices[DoubleQuotedScalarString(ieee)] = _device_entry(name, room, role)

    return _apply(path, change)


def remove_device(path: Path, ieee: str) -> Check:
    """Take a device out of the configuration (a no-op if it is not in it)."""

    def change(devices: Any) -> None:
        for key in [k for k in devices if str(k).lower() == ieee]:
            del devices[key]

    return _apply(path, change)


def _apply(path: Path, change: Any) -> Check:
    file, old, new = _with_devices(path, change)
    if file == path:
        return write_checked(path, new)
    # The devices live in an included file: write it, check the whole, put it back if wrong.
    file.write_text(new, encoding="utf-8")
    try:
        config = load_config(path)
    except ConfigError as e:
        file.write_text(old, encoding="utf-8")
        return Check([p.format() for p in e.problems])
    return Check(summary=config.summary())
