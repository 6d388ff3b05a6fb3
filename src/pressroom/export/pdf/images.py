"""Pictures of a PDF export: each attachment file copied once into the private compile
folder under a name of ours, checked by Pillow so that Typst never meets a file it
cannot decode (a broken picture costs that picture, never the export).

The file's header is read at once (format, size: what the markup needs); decoding the
whole picture, the check that takes the time, runs on background threads while the
rest of the document is written (Pillow decodes without holding the GIL). A picture
whose header reads but whose data does not decode is found by :meth:`finish` before
the compile: its file in the folder is replaced by a grey placeholder of the same
size and it is named in a warning.
"""

from __future__ import annotations

import io
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PIL import Image as Pillow
from PIL import UnidentifiedImageError

from pressroom.export.pdf.picture_pdf import picture_pdf

PIXEL_PT: Final = 0.75  # CSS pixels (96 per inch) to points
MAX_PIXELS: Final = 80_000_000
DIRECT_FORMATS: Final = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
SVG_HEAD: Final = b"<svg"
CHECK_THREADS: Final = 2
PLACEHOLDER_GREY: Final = (225, 225, 225)
PLACEHOLDER_PIXELS: Final = 64
PROBLEMS: Final = (
    OSError,
    ValueError,
    SyntaxError,  # what Pillow raises for a damaged PNG
    UnidentifiedImageError,
    Pillow.DecompressionBombError,
)


@dataclass(frozen=True, slots=True)
class PlacedImage:
    """A picture inside the compile folder: its relative path and its natural size (pt)."""

    path: str
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class LateProblem:
    """A picture whose data did not decode: where it was used, and why."""

    source: Path
    page: str
    problem: str


class ImageFolder:
    """``root/images/<n>.<ext>``: the pictures one export uses, each file once. With
    ``wrap``, PNG and JPEG pictures go in as one-page PDFs (see ``picture_pdf``)."""

    def __init__(self, root: Path, wrap: bool = False) -> None:
        self.root = root
        self.folder = root / "images"
        self.wrap = wrap
        self._placed: dict[Path, PlacedImage | None] = {}
        self._problems: dict[Path, str] = {}
        self._checks: list[tuple[Path, str, PlacedImage, Future[None]]] = []
        self._pool: ThreadPoolExecutor | None = None

    def place(self, source: Path, page: str = "") -> PlacedImage | None:
        """The picture in the folder, or None (see :meth:`problem`) when it is unusable.
        ``page``: where it is used, for a warning should its data not decode."""
        if source not in self._placed:
            try:
                self._placed[source] = self._copy(source, len(self._placed) + 1, page)
            except PROBLEMS as exc:
                self._placed[source] = None
                self._problems[source] = str(exc) or type(exc).__name__
        return self._placed[source]

    def problem(self, source: Path) -> str:
        return self._problems.get(source, "unknown problem")

    def finish(self) -> list[LateProblem]:
        """Waits for the decoding checks; each picture that failed one is a grey
        placeholder in the folder now, and is returned."""
        late = []
        for source, page, placed, check in self._checks:
            try:
                check.result()
            except PROBLEMS as exc:
                _write_placeholder(self.root / placed.path, placed)
                late.append(LateProblem(source, page, str(exc) or type(exc).__name__))
        self._checks.clear()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        return late

    def _copy(self, source: Path, number: int, page: str) -> PlacedImage:
        self.folder.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as handle:
            head = handle.read(512)
        if SVG_HEAD in head or (head.lstrip().startswith(b"<?xml") and source.suffix == ".svg"):
            target = self.folder / f"{number}.svg"
            shutil.copyfile(source, target)
            return PlacedImage(f"images/{target.name}", 0.0, 0.0)
        with Pillow.open(source) as picture:
            if picture.width * picture.height > MAX_PIXELS:
                raise ValueError(f"{picture.width} x {picture.height} pixels is too large")
            size = (picture.width * PIXEL_PT, picture.height * PIXEL_PT)
            extension = DIRECT_FORMATS.get(picture.format or "")
            if extension is None:
                target = self.folder / f"{number}.png"
                picture.convert("RGBA").save(target, "PNG")  # decoded here: checked
                return PlacedImage(f"images/{target.name}", *size)
            wrapped = picture_pdf(source.read_bytes(), picture) if self.wrap else None
        if wrapped is not None:
            target = self.folder / f"{number}.pdf"
            target.write_bytes(wrapped)
        else:
            target = self.folder / f"{number}.{extension}"
            shutil.copyfile(source, target)
        placed = PlacedImage(f"images/{target.name}", *size)
        self._checks.append((source, page, placed, self._checker().submit(_decode, source)))
        return placed

    def _checker(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(CHECK_THREADS, thread_name_prefix="picture-check")
        return self._pool


def _decode(source: Path) -> None:
    """Decodes the whole picture: a truncated or damaged file fails here, not in Typst.
    Pillow checks the PNG chunks' checksums (as Typst does) only in ``verify``."""
    with Pillow.open(source) as picture:
        picture.verify()
    with Pillow.open(source) as picture:
        picture.load()


def _write_placeholder(target: Path, placed: PlacedImage) -> None:
    """A small grey picture of the same shape in the file's own format (the markup
    names the file and gives the size)."""
    scale = PLACEHOLDER_PIXELS / max(placed.width, placed.height, 1.0)
    size = (max(1, round(placed.width * scale)), max(1, round(placed.height * scale)))
    grey = Pillow.new("RGB", size, PLACEHOLDER_GREY)
    if target.suffix != ".pdf":
        grey.save(target, {".jpg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}.get(target.suffix))
        return
    buffer = io.BytesIO()
    grey.save(buffer, "PNG")
    with Pillow.open(buffer) as reopened:
        target.write_bytes(picture_pdf(buffer.getvalue(), reopened) or b"")
