"""Attachment files for the corpus, made at test time: small, distinct images and
stand-ins for the files that view-file macros show (PDF, spreadsheet, Word document).

They are generated rather than committed so that names in decomposed Unicode (NFD),
with emoji or narrow no-break spaces survive any checkout unchanged.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
from PIL import Image, ImageDraw

IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF"}
DEFAULT_SIZE = (400, 300)


def write_attachment(folder: Path, name: str, size: list[int] | None = None) -> Path:
    """Write the attachment ``name`` into ``folder`` exactly under that name (never
    normalised) and return its path."""
    path = folder / name
    suffix = path.suffix.lower()
    if suffix in IMAGE_FORMATS:
        path.write_bytes(image_bytes(name, IMAGE_FORMATS[suffix], size or DEFAULT_SIZE))
    elif suffix == ".pdf":
        path.write_bytes(_pdf(name))
    elif suffix == ".xlsx":
        path.write_bytes(_xlsx(name))
    elif suffix == ".docx":
        document = docx.Document()
        document.add_paragraph(f"Stand-in for {name}")
        document.save(str(path))
    else:
        raise ValueError(f"No generator for attachments like {name!r}")
    return path


def image_bytes(name: str, image_format: str, size: list[int] | tuple[int, int]) -> bytes:
    """An image of ``size`` whose colours derive from ``name``: every attachment differs."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    background = (digest[0], digest[1], digest[2])
    accent = (255 - digest[0], 255 - digest[1], 255 - digest[2])
    width, height = size
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    stripe = max(4, width // 10)
    for x in range(digest[3] % stripe, width, stripe * 2):
        draw.rectangle((x, 0, x + stripe // 2, height), fill=accent)
    out = io.BytesIO()
    if image_format == "GIF":
        image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(out, "GIF")
    else:
        image.save(out, image_format)
    return out.getvalue()


def _pdf(name: str) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(image_bytes(name, "PNG", (200, 280)))).save(out, "PDF")
    return out.getvalue()


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _xlsx(name: str) -> bytes:
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Stand-in</t></is></c>'
        f'<c r="B1"><v>{len(name)}</v></c></row></sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for part, content in _XLSX_PARTS.items():
            package.writestr(part, content)
        package.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()
