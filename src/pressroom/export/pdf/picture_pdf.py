"""A PNG or JPEG picture as a one-page PDF holding its compressed pixels unchanged.

Typst decodes every raster picture when it loads it and keeps the pixels for the
whole compile (a 640 x 300 picture: 750 KB; a thousand pictures: 750 MB). A PDF
picture is kept as its file: the same PNG data (``FlateDecode`` with PNG predictors,
as the PNG's IDAT chunks hold them) or JPEG data (``DCTDecode``) drawn on a page of
the picture's size. Nothing is decoded or re-encoded, so the pixels in the exported
PDF are exactly the file's.

Only what a PDF image holds without conversion is wrapped: 8-bit grey, RGB or
palette PNGs without transparency, not interlaced; grey or RGB JPEGs without an
EXIF rotation. Anything else (alpha, CMYK, rotated photos) answers None and stays a
raster picture. Typst refuses PDF pictures in PDF/A and PDF/UA exports, so the
writer wraps only when the template asks for neither.
"""

from __future__ import annotations

import struct
import zlib
from typing import Final

from PIL import Image as Pillow

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
PIXEL_PT: Final = 0.75
EXIF_ORIENTATION: Final = 0x0112
_PNG_COLOURS: Final = {0: ("/DeviceGray", 1), 2: ("/DeviceRGB", 3), 3: (None, 1)}
_JPEG_COLOURS: Final = {"L": ("/DeviceGray", 1), "RGB": ("/DeviceRGB", 3)}


def picture_pdf(data: bytes, picture: Pillow.Image) -> bytes | None:
    """``data`` (the file) as a one-page PDF, or None when it cannot be wrapped as is.
    ``picture`` is the file opened (and decoded, so known sound) by Pillow."""
    if picture.format == "PNG":
        return _png(data, picture)
    if picture.format == "JPEG":
        return _jpeg(data, picture)
    return None


def _png(data: bytes, picture: Pillow.Image) -> bytes | None:
    chunks = _png_chunks(data)
    if chunks is None or "tRNS" in chunks or "IHDR" not in chunks:
        return None
    width, height, depth, colour_type, _, _, interlace = struct.unpack(
        ">IIBBBBB", chunks["IHDR"][0]
    )
    if depth != 8 or interlace or colour_type not in _PNG_COLOURS:
        return None
    space, colours = _PNG_COLOURS[colour_type]
    extra: list[bytes] = []
    if colour_type == 3:
        palette = b"".join(chunks.get("PLTE", []))
        if not palette or len(palette) % 3:
            return None
        space = f"[/Indexed /DeviceRGB {len(palette) // 3 - 1} 7 0 R]"
        extra.append(_stream(b"", palette))
    else:
        space = _colour_space(picture, space or "/DeviceRGB", colours, extra)
    image = _stream(
        (
            f"/Type /XObject /Subtype /Image /Width {width} /Height {height} "
            f"/ColorSpace {space} /BitsPerComponent 8 /Filter /FlateDecode "
            f"/DecodeParms << /Predictor 15 /Colors {colours} /BitsPerComponent 8 "
            f"/Columns {width} >>"
        ).encode(),
        b"".join(chunks["IDAT"]),
    )
    return _document(width, height, image, extra)


def _jpeg(data: bytes, picture: Pillow.Image) -> bytes | None:
    if picture.mode not in _JPEG_COLOURS:
        return None
    if picture.getexif().get(EXIF_ORIENTATION, 1) != 1:
        return None
    space, colours = _JPEG_COLOURS[picture.mode]
    extra: list[bytes] = []
    space = _colour_space(picture, space, colours, extra)
    image = _stream(
        (
            f"/Type /XObject /Subtype /Image /Width {picture.width} /Height {picture.height} "
            f"/ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode"
        ).encode(),
        data,
    )
    return _document(picture.width, picture.height, image, extra)


def _colour_space(picture: Pillow.Image, device: str, colours: int, extra: list[bytes]) -> str:
    """The picture's ICC profile when it has one (object 7), else the device space."""
    profile = picture.info.get("icc_profile")
    if not isinstance(profile, bytes) or not profile:
        return device
    extra.append(
        _stream(
            f"/N {colours} /Alternate {device} /Filter /FlateDecode".encode(),
            zlib.compress(profile),
        )
    )
    return "[/ICCBased 7 0 R]"


def _png_chunks(data: bytes) -> dict[str, list[bytes]] | None:
    if not data.startswith(PNG_SIGNATURE):
        return None
    chunks: dict[str, list[bytes]] = {}
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        if len(body) != length:
            return None
        name = kind.decode("latin-1")
        chunks.setdefault(name, []).append(body)
        offset += 12 + length
        if name == "IEND":
            return chunks
    return None


def _stream(dictionary: bytes, content: bytes) -> bytes:
    return (
        b"<< "
        + dictionary
        + b" /Length %d >>\nstream\n" % len(content)
        + content
        + (b"\nendstream")
    )


def _document(width: int, height: int, image: bytes, extra: list[bytes]) -> bytes:
    """Objects 1-6: catalog, pages, page, image, contents, (unused); 7: palette or
    ICC profile."""
    page_width, page_height = width * PIXEL_PT, height * PIXEL_PT
    size = f"{page_width:.3f} {page_height:.3f}"
    draw = f"q {page_width:.3f} 0 0 {page_height:.3f} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {size}] "
            "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>"
        ).encode(),
        image,
        _stream(b"", draw),
        b"null",
        *extra,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return bytes(out)
