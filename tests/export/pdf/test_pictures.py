"""Pictures reach the PDF with their own pixels: PNG and JPEG data pass through
unchanged (kept compressed while Typst lays out the document), pictures that cannot
pass through (transparency) are typeset as before, and a PDF/A export, where Typst
takes no PDF pictures, still shows every picture."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader

from tests.export.pdf.conftest import Render
from tests.export.pdf.test_templates import template_zip
from tests.pdf_reading import page_texts, poppler


def _drawing(mode: str, seed: int) -> Image.Image:
    picture = Image.new("RGB", (160 + seed, 90), (250, 250, 245))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((10 + seed, 10, 90, 60), fill=(200, 30 + seed * 20, 40))
    draw.ellipse((70, 20, 150, 85), fill=(20, 120, 220 - seed * 10))
    return picture.convert(mode)


def _encoded(picture: Image.Image, form: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, form, **options)
    return buffer.getvalue()


PICTURES = {
    "rgb.png": _encoded(_drawing("RGB", 1), "PNG"),
    "palette.png": _encoded(_drawing("P", 2), "PNG"),
    "grey.png": _encoded(_drawing("L", 3), "PNG"),
    "alpha.png": _encoded(_drawing("RGBA", 4), "PNG"),
    "photo.jpg": _encoded(_drawing("RGB", 5), "JPEG", quality=85),
}


def _pages() -> dict[str, str | bytes]:
    images = "".join(
        f'<p><ac:image ac:alt="{name}"><ri:attachment ri:filename="{name}"/></ac:image></p>'
        for name in PICTURES
    )
    return {"Pictures.xml": f"<h1>Pictures</h1>{images}", **PICTURES}


def _extracted(pdf: Path, folder: Path) -> list[Path]:
    """The PDF's pictures as files: JPEG data as it is stored, the others as PNG."""
    folder.mkdir()
    subprocess.run(
        [poppler("pdfimages"), "-j", "-png", str(pdf), str(folder / "picture")], check=True
    )
    return sorted(folder.iterdir())


def _same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and a.convert("RGB").tobytes() == b.convert("RGB").tobytes()


def test_png_and_jpeg_pictures_keep_their_exact_pixels(render: Render, tmp_path: Path) -> None:
    pdf, warnings = render(_pages())
    assert not warnings
    files = _extracted(pdf, tmp_path / "pictures")
    stored = [path.read_bytes() for path in files if path.suffix == ".jpg"]
    assert stored == [PICTURES["photo.jpg"]]  # the JPEG file itself, not re-encoded
    decoded = [Image.open(path) for path in files if path.suffix == ".png"]
    for name in ("rgb.png", "palette.png", "grey.png"):
        original = Image.open(io.BytesIO(PICTURES[name]))
        assert any(_same_pixels(original, found) for found in decoded), name
    alpha = Image.open(io.BytesIO(PICTURES["alpha.png"]))
    assert any(_same_pixels(alpha, found) for found in decoded)  # colour, its mask apart


def test_a_pdf_a_export_shows_every_picture(render: Render, tmp_path: Path) -> None:
    template = tmp_path / "archive.zip"
    template.write_bytes(template_zip({"template.yaml": "standard: pdf/a-2b\n"}))
    pdf, warnings = render(_pages(), template=template)
    assert not warnings
    assert PdfReader(pdf).xmp_metadata.pdfaid_part == "2"  # type: ignore[union-attr]
    files = _extracted(pdf, tmp_path / "pictures")
    pictures = [path for path in files if path.suffix in (".png", ".jpg")]
    assert len(pictures) >= len(PICTURES)


def test_a_picture_whose_data_is_damaged_costs_only_that_picture(
    render: Render, tmp_path: Path
) -> None:
    whole = PICTURES["rgb.png"]
    damaged = whole[: len(whole) // 2] + bytes(len(whole) // 2)  # a sound header, bad data
    for standard in ("none", "pdf/a-2b"):
        template = tmp_path / f"{standard.replace('/', '-')}.zip"
        template.write_bytes(template_zip({"template.yaml": f"standard: {standard}\n"}))
        pdf, warnings = render(
            {
                "Damaged.xml": "<p>Before the picture.</p>"
                '<p><ac:image><ri:attachment ri:filename="damaged.png"/></ac:image></p>'
                '<p><ac:image><ri:attachment ri:filename="sound.png"/></ac:image></p>'
                "<p>After the picture.</p>",
                "damaged.png": damaged,
                "sound.png": PICTURES["grey.png"],
            },
            template=template,
        )
        text = " ".join(" ".join(page_texts(pdf)).split())
        assert "Before the picture." in text and "After the picture." in text
        assert [w for w in warnings if "damaged.png" in w and "Damaged" in w], warnings
        assert not [w for w in warnings if "sound.png" in w]
