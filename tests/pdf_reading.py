"""Reading PDFs back the way their readers do: pypdf and pdfplumber for structure,
poppler (pdftotext, pdffonts, pdfinfo) as an independent reader. Poppler missing is a
skip outside CI and a failure in CI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader
from pypdf.generic import Destination


def poppler(tool: str) -> str:
    binary = shutil.which(tool)
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} (poppler-utils) is missing in CI")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return binary


def pdftotext(
    path: Path, first: int | None = None, last: int | None = None, mode: str = "-layout"
) -> str:
    """The text as laid out (``-layout``), or in the order it was written (``-raw``)."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    command = [poppler("pdftotext"), mode, *pages, str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def page_texts(path: Path) -> list[str]:
    return pdftotext(path).split("\f")[:-1]


@dataclass(frozen=True)
class FontRow:
    name: str
    embedded: bool


def pdffonts(path: Path) -> list[FontRow]:
    out = subprocess.run(
        [poppler("pdffonts"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    rows = []
    for line in out.splitlines()[2:]:
        fields = line.split()
        # name, type (one or two words), encoding, emb, sub, uni, object id, generation
        rows.append(FontRow(fields[0], fields[-5] == "yes"))
    return rows


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(
        [poppler("pdfinfo"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    depth: int
    page: int  # 1-based


def outline(path: Path) -> list[OutlineEntry]:
    reader = PdfReader(path)
    found: list[OutlineEntry] = []

    def visit(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                visit(item, depth + 1)
            elif isinstance(item, Destination):
                page = reader.get_destination_page_number(item) + 1
                found.append(OutlineEntry(str(item.title), depth, page))

    visit(reader.outline, 0)
    return found


def toc_entries(path: Path, toc_page: int) -> dict[str, int]:
    """Title → page number as the table of contents prints them."""
    entries = {}
    for line in pdftotext(path, toc_page, toc_page).splitlines():
        match = re.match(r"^\s*(.+?)(?:\s*\.){3,}[\s\u2060]*(\d+)\s*$", line)
        if match:
            entries[match.group(1).strip()] = int(match.group(2))
    return entries


def internal_link_targets(path: Path) -> list[int]:
    """The 1-based page each internal link of the document jumps to."""
    reader = PdfReader(path)
    named = reader.named_destinations
    targets = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") != "/Link":
                continue
            destination = link.get("/Dest")
            action = link.get("/A")
            if destination is None and action is not None and action.get("/S") == "/GoTo":
                destination = action.get("/D")
            if destination is None:
                continue
            if isinstance(destination, str) or hasattr(destination, "original_bytes"):
                destination = named[str(destination)]
                targets.append(reader.get_destination_page_number(destination) + 1)
            else:
                targets.append(reader.get_page_number(destination[0].get_object()) + 1)
    return targets


def uri_links(path: Path) -> list[str]:
    reader = PdfReader(path)
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                uris.append(str(action.get("/URI")))
    return uris


def is_tagged(path: Path) -> bool:
    catalog = PdfReader(path).trailer["/Root"]
    mark = catalog.get("/MarkInfo")
    return bool(mark and mark.get("/Marked")) and "/StructTreeRoot" in catalog


def words(path: Path) -> list[str]:
    with pdfplumber.open(path) as document:
        return [w["text"] for page in document.pages for w in page.extract_words()]
