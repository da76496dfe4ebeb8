"""Pictures for reminders (the pill box): checked, re-encoded, kept under <data_dir>/pictures.

An upload is taken only if its first bytes say JPEG, PNG or WebP and Pillow can decode all of
it. What is stored is a new JPEG drawn from the decoded pixels, turned upright, at most
MAX_SIDE pixels on its longer side: no camera metadata (a phone's GPS position) leaves with it,
and no file that merely looks like a picture reaches the tablet. Stored under a random name.
"""

from __future__ import annotations

import contextlib
import io
import re
import secrets
import warnings
from pathlib import Path

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 1600  # pixels: sharp on a 1280×800 tablet, a few hundred KB
# Decoding a small file may unpack into a huge image ("decompression bomb"): 40 megapixels is
# more than any phone photo and far less than the memory of a Pi.
MAX_PIXELS = 40_000_000
FOLDER = "pictures"
# Ours are <32 hex>.jpg; an installer may put others there for obhut.yaml's reminders.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(?:jpe?g|png|webp)$", re.IGNORECASE)
TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
)


class PictureRefused(Exception):
    """An upload that is not taken; `reason` is too_big, not_image or unreadable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def kind_of(data: bytes) -> str | None:
    """JPEG, PNG or WEBP by the file's first bytes; None for anything else."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def prepare(data: bytes) -> bytes:
    """The upload as a plain upright JPEG; PictureRefused if it is none of ours."""
    if len(data) > MAX_BYTES:
        raise PictureRefused("too_big")
    kind = kind_of(data)
    if kind is None:
        raise PictureRefused("not_image")
    # Pillow is loaded only here, by the first upload: the hub does not carry it otherwise.
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=[kind])
            if opened.width * opened.height > MAX_PIXELS:
                raise PictureRefused("unreadable")
            opened.load()
            image: Image.Image = ImageOps.exif_transpose(opened)
    except PictureRefused:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        raise PictureRefused("unreadable") from None
    if image.mode not in ("RGB", "L"):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")  # a transparent PNG on white, as shown
        image.paste(rgba, mask=rgba.getchannel("A"))
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def folder(data_dir: Path) -> Path:
    return data_dir / FOLDER


def save(data_dir: Path, jpeg: bytes) -> str:
    """Store a prepared picture under a new random name; the name."""
    where = folder(data_dir)
    where.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    tmp = where / f".{name}.tmp"
    tmp.write_bytes(jpeg)
    tmp.replace(where / name)  # a reader never sees half a picture
    return name


def path_of(data_dir: Path, name: str) -> Path | None:
    """The file of a stored picture's name; None for a name that is not one of ours."""
    if not _NAME.match(name) or ".." in name:
        return None
    path = folder(data_dir) / name
    return path if path.is_file() else None


def content_type(name: str) -> str:
    return TYPES[name.rsplit(".", 1)[-1].lower()]


def remove(data_dir: Path, name: str | None) -> None:
    if name is None:
        return
    path = path_of(data_dir, name)
    if path is not None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
