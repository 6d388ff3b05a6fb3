"""Pictures of a PDF export: each attachment file copied once into the private compile
folder under a name of ours, checked by Pillow first so that Typst never meets a file
it cannot decode (a broken picture costs that picture, never the export).
"""

from __future__ import annotations

import shutil
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


@dataclass(frozen=True, slots=True)
class PlacedImage:
    """A picture inside the compile folder: its relative path and its natural size (pt)."""

    path: str
    width: float
    height: float


class ImageFolder:
    """``root/images/<n>.<ext>``: the pictures one export uses, each file once. With
    ``wrap``, PNG and JPEG pictures go in as one-page PDFs (see ``picture_pdf``)."""

    def __init__(self, root: Path, wrap: bool = False) -> None:
        self.folder = root / "images"
        self.wrap = wrap
        self._placed: dict[Path, PlacedImage | None] = {}
        self._problems: dict[Path, str] = {}

    def place(self, source: Path) -> PlacedImage | None:
        """The picture in the folder, or None (see :meth:`problem`) when it is unusable."""
        if source not in self._placed:
            try:
                self._placed[source] = self._copy(source, len(self._placed) + 1)
            except (
                OSError,
                ValueError,
                UnidentifiedImageError,
                Pillow.DecompressionBombError,
            ) as exc:
                self._placed[source] = None
                self._problems[source] = str(exc) or type(exc).__name__
        return self._placed[source]

    def problem(self, source: Path) -> str:
        return self._problems.get(source, "unknown problem")

    def _copy(self, source: Path, number: int) -> PlacedImage:
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
                picture.convert("RGBA").save(target, "PNG")
            else:
                picture.load()  # decodes: a truncated or damaged file fails here, not in Typst
                wrapped = picture_pdf(source.read_bytes(), picture) if self.wrap else None
                if wrapped is not None:
                    target = self.folder / f"{number}.pdf"
                    target.write_bytes(wrapped)
                else:
                    target = self.folder / f"{number}.{extension}"
                    shutil.copyfile(source, target)
        return PlacedImage(f"images/{target.name}", *size)
