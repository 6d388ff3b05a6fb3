"""The demo space's images, drawn with Pillow at seed time.

Each image is drawn from shapes and text only, so the same Pillow version always
produces the same bytes: no binary files in the repository, no network.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

NAVY = (23, 43, 77)
OCEAN = (0, 82, 204)
SKY = (222, 235, 255)
TEAL = (0, 163, 191)
SAND = (255, 240, 179)
CORAL = (255, 86, 48)
GREEN = (54, 179, 126)
GREY = (107, 119, 140)
PAPER = (250, 251, 252)
WHITE = (255, 255, 255)

Box = tuple[int, int, int, int]
Colour = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DemoImage:
    """One image attachment: its file name, media type and how to draw it."""

    filename: str
    media_type: str
    comment: str
    draw: Callable[[], Image.Image]

    def encode(self) -> bytes:
        buffer = io.BytesIO()
        image = self.draw()
        if self.media_type == "image/jpeg":
            image.convert("RGB").save(buffer, format="JPEG", quality=88, optimize=False)
        else:
            image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _centred_text(
    canvas: ImageDraw.ImageDraw, box: Box, text: str, size: int, fill: Colour
) -> None:
    font = _font(size)
    left, top, right, bottom = canvas.multiline_textbbox((0, 0), text, font=font, align="center")
    x = box[0] + (box[2] - box[0] - (right - left)) / 2
    y = box[1] + (box[3] - box[1] - (bottom - top)) / 2
    canvas.multiline_text((x, y), text, font=font, fill=fill, align="center")


def _component(
    canvas: ImageDraw.ImageDraw, box: Box, title: str, detail: str, colour: Colour
) -> None:
    canvas.rounded_rectangle(box, radius=18, fill=WHITE, outline=colour, width=4)
    canvas.rectangle((box[0] + 4, box[1] + 4, box[2] - 4, box[1] + 16), fill=colour)
    middle = (box[1] + box[3]) // 2
    _centred_text(canvas, (box[0], box[1] + 10, box[2], middle + 10), title, 30, NAVY)
    _centred_text(canvas, (box[0], middle, box[2], box[3] - 10), detail, 20, GREY)


def _arrow(canvas: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int]) -> None:
    canvas.line((start, end), fill=GREY, width=5)
    x, y = end
    if start[0] == end[0]:
        step = 16 if end[1] > start[1] else -16
        canvas.polygon([(x - 12, y - step), (x + 12, y - step), (x, y)], fill=GREY)
    else:
        step = 16 if end[0] > start[0] else -16
        canvas.polygon([(x - step, y - 12), (x - step, y + 12), (x, y)], fill=GREY)


def architecture_diagram() -> Image.Image:
    """1600x900: clients, the gateway, the registry services and their storage."""
    image = Image.new("RGB", (1600, 900), PAPER)
    canvas = ImageDraw.Draw(image)
    _centred_text(canvas, (0, 20, 1600, 90), "Anchorage 3.2 - deployment architecture", 40, NAVY)
    canvas.rounded_rectangle((440, 140, 1560, 640), radius=24, outline=OCEAN, width=3, fill=SKY)
    canvas.text((464, 152), "anchorage namespace", font=_font(22), fill=OCEAN)
    _component(canvas, (40, 330, 380, 470), "Clients", "docker, podman,\nCI runners, Helm", GREY)
    _component(canvas, (480, 330, 780, 470), "Gateway", "TLS, auth tokens,\nrate limits", OCEAN)
    _component(canvas, (860, 200, 1180, 320), "Registry API", "OCI distribution v1.1", TEAL)
    _component(canvas, (860, 360, 1180, 480), "Scanner", "CVE database, SBOMs", CORAL)
    _component(canvas, (860, 520, 1180, 620), "Replicator", "push / pull mirrors", GREEN)
    _component(canvas, (1240, 200, 1540, 320), "Metadata DB", "PostgreSQL 15", NAVY)
    _component(canvas, (1240, 360, 1540, 480), "Job queue", "Redis streams", NAVY)
    _component(
        canvas, (640, 720, 1360, 860), "Blob storage", "S3, Azure Blob, GCS or a local volume", TEAL
    )
    _arrow(canvas, (380, 400), (480, 400))
    for y in (260, 420, 570):
        _arrow(canvas, (780, 400), (860, y))
    _arrow(canvas, (1180, 260), (1240, 260))
    _arrow(canvas, (1180, 420), (1240, 420))
    _arrow(canvas, (1020, 620), (1020, 720))
    canvas.text(
        (40, 870), "Figure 1. Request path from client to blob storage", font=_font(18), fill=GREY
    )
    return image


def console_screenshot() -> Image.Image:
    """640x400: the web console's repository list, as a JPEG 'screenshot'."""
    image = Image.new("RGB", (640, 400), WHITE)
    canvas = ImageDraw.Draw(image)
    canvas.rectangle((0, 0, 640, 44), fill=NAVY)
    canvas.text((16, 12), "Anchorage Console", font=_font(18), fill=WHITE)
    canvas.rectangle((0, 44, 150, 400), fill=(244, 245, 247))
    for row, item in enumerate(
        ("Projects", "Repositories", "Replication", "Scanners", "Audit log")
    ):
        colour = OCEAN if row == 1 else GREY
        canvas.text((16, 64 + row * 34), item, font=_font(15), fill=colour)
    canvas.text((170, 60), "Repositories in project payments", font=_font(17), fill=NAVY)
    header = ("Repository", "Tags", "Pulls", "Scan")
    columns = (170, 370, 440, 530)
    for x, name in zip(columns, header, strict=True):
        canvas.text((x, 100), name, font=_font(14), fill=GREY)
    canvas.line((170, 122, 625, 122), fill=(223, 225, 230), width=2)
    rows = (
        ("payments/api", "42", "18,204", GREEN),
        ("payments/worker", "17", "6,310", GREEN),
        ("payments/ledger", "9", "2,877", SAND),
        ("payments/migrations", "31", "944", CORAL),
        ("payments/reports", "5", "128", GREEN),
    )
    for index, (name, tags, pulls, verdict) in enumerate(rows):
        y = 136 + index * 44
        if index % 2:
            canvas.rectangle((160, y - 8, 630, y + 30), fill=(250, 251, 252))
        canvas.text((170, y), name, font=_font(15), fill=OCEAN)
        canvas.text((370, y), tags, font=_font(15), fill=NAVY)
        canvas.text((440, y), pulls, font=_font(15), fill=NAVY)
        canvas.ellipse((530, y + 2, 546, y + 18), fill=verdict)
    return image


def product_icon() -> Image.Image:
    """64x64: the Anchorage anchor on a rounded tile, with transparency."""
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    canvas.rounded_rectangle((0, 0, 63, 63), radius=14, fill=OCEAN)
    canvas.ellipse((26, 8, 38, 20), outline=WHITE, width=3)
    canvas.line((32, 20, 32, 52), fill=WHITE, width=4)
    canvas.line((22, 28, 42, 28), fill=WHITE, width=3)
    canvas.arc((14, 26, 50, 56), start=20, end=160, fill=WHITE, width=4)
    return image


def replication_timeline() -> Image.Image:
    """400x2400: a tall timeline of one replication run, one step per band."""
    image = Image.new("RGB", (400, 2400), PAPER)
    canvas = ImageDraw.Draw(image)
    _centred_text(canvas, (0, 10, 400, 70), "Replication run\neu-west-1 to us-east-2", 22, NAVY)
    canvas.line((60, 100, 60, 2360), fill=GREY, width=4)
    steps = (
        "Schedule fires",
        "Lock policy",
        "List source tags",
        "Diff manifests",
        "Plan 1,284 blobs",
        "Copy layers",
        "Verify digests",
        "Push manifests",
        "Update tag index",
        "Sign artefacts",
        "Emit audit event",
        "Release lock",
    )
    band = (2360 - 110) // len(steps)
    for index, step in enumerate(steps):
        y = 110 + index * band
        colour = CORAL if step == "Verify digests" else TEAL
        canvas.ellipse((46, y + 16, 74, y + 44), fill=colour)
        canvas.rounded_rectangle(
            (100, y, 380, y + band - 40), radius=12, fill=WHITE, outline=colour
        )
        canvas.text((116, y + 16), f"T+{index * 45}s", font=_font(16), fill=GREY)
        canvas.text((116, y + 44), step, font=_font(22), fill=NAVY)
    return image


DEMO_IMAGES: tuple[DemoImage, ...] = (
    DemoImage(
        "anchorage-architecture.png",
        "image/png",
        "Deployment architecture, 1600x900",
        architecture_diagram,
    ),
    DemoImage(
        "console-repositories.jpg",
        "image/jpeg",
        "Console screenshot: repository list",
        console_screenshot,
    ),
    DemoImage("anchorage-icon.png", "image/png", "Product icon, 64x64", product_icon),
    DemoImage(
        "replication-timeline.png",
        "image/png",
        "Timeline of one replication run",
        replication_timeline,
    ),
)
