"""Page trees from the file system, for offline rendering (``pressroom render``).

A storage-format file (``*.xml``) is a page; its title is the file name without the
extension and without a leading order prefix (``01 ``, ``02-``, ``3_``). In a folder,
page files are taken in name order; a subfolder named like a page file (without
``.xml``) holds that page's children; every other file beside the pages is an
attachment of those pages. A folder with several top-level pages exports as one
document titled after the folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from pressroom.export.assemble import PageIndex, PageSource

PAGE_SUFFIX: Final = ".xml"
SPACE_KEY: Final = "LOCAL"
_ORDER_PREFIX = re.compile(r"^\d+[ _.-]+")
MAX_PAGES: Final = 100_000


class FolderInvalid(ValueError):
    """The path holds no page, or more pages than can be rendered."""


@dataclass(frozen=True, slots=True)
class FolderTree:
    pages: PageIndex
    root_id: str
    title: str


def page_title(path: Path) -> str:
    return _ORDER_PREFIX.sub("", path.stem).strip() or path.stem


def read_page_tree(path: Path) -> FolderTree:
    """The pages under ``path`` (a storage file or a folder) and the id of their root."""
    if path.is_file():
        page = PageSource(
            id="1",
            title=page_title(path),
            space_key=SPACE_KEY,
            storage=path.read_text(encoding="utf-8"),
            attachments=_attachments(path.parent),
        )
        return FolderTree(PageIndex([page]), page.id, page.title)
    if not path.is_dir():
        raise FolderInvalid(f"{path} is neither a storage-format file nor a folder.")
    reader = _FolderReader()
    top = reader.read(path, parent_id=None)
    if not top:
        raise FolderInvalid(f"{path} holds no page ({PAGE_SUFFIX} file).")
    if len(top) == 1:
        return FolderTree(PageIndex(reader.pages), top[0].id, top[0].title)
    root = PageSource(id="0", title=path.resolve().name, space_key=SPACE_KEY, storage="")
    top_ids = {page.id for page in top}
    pages = [root] + [
        replace(page, parent_id=root.id) if page.id in top_ids else page for page in reader.pages
    ]
    return FolderTree(PageIndex(pages), root.id, root.title)


class _FolderReader:
    def __init__(self) -> None:
        self.pages: list[PageSource] = []

    def read(self, folder: Path, parent_id: str | None) -> list[PageSource]:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
        files = _attachments(folder)
        level: list[PageSource] = []
        for position, page_file in enumerate(
            p for p in entries if p.is_file() and p.suffix.lower() == PAGE_SUFFIX
        ):
            if len(self.pages) >= MAX_PAGES:
                raise FolderInvalid(f"More than {MAX_PAGES} pages under {folder}.")
            page = PageSource(
                id=str(len(self.pages) + 1),
                title=page_title(page_file),
                space_key=SPACE_KEY,
                storage=page_file.read_text(encoding="utf-8"),
                parent_id=parent_id,
                position=position,
                attachments=files,
            )
            self.pages.append(page)
            level.append(page)
            children = folder / page_file.stem
            if children.is_dir():
                self.read(children, page.id)
        return level


def _attachments(folder: Path) -> dict[str, Path]:
    return {
        entry.name: entry
        for entry in sorted(folder.iterdir(), key=lambda p: p.name)
        if entry.is_file() and entry.suffix.lower() != PAGE_SUFFIX
    }
