"""Export files hold health data: written readable by their owner only, whole or not at all."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

CHUNK = 64 * 1024


@contextlib.contextmanager
def private(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """`path` opened for writing under a temporary name (mode 0600); renamed when done."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    part.touch(mode=0o600)
    try:
        binary = "b" in mode
        with part.open(
            mode, encoding=None if binary else "utf-8", newline=None if binary else ""
        ) as f:
            yield f
        part.replace(path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def write_text(path: Path, pieces: Iterable[str]) -> int:
    """Write `pieces` to `path` privately; how many pieces (lines, for a CSV file)."""
    count = 0
    with private(path) as f:
        for piece in pieces:
            f.write(piece)
            count += 1
    return count


def chunks(pieces: Iterable[str], size: int = CHUNK) -> Iterator[str]:
    """Small pieces of text joined into pieces of about `size` characters."""
    buffer: list[str] = []
    length = 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)
