"""The state shared while one document body is written: registries kept in dicts so
every lookup is O(1) however long the document grows, and the :class:`Frame`
that says where in the layout the writer currently is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from pressroom.export.docx.oxml import clean_text
from pressroom.export.docx.styles import StyleCatalog
from pressroom.export.failures import failure_detail

MAX_WARNINGS = 1000  # per document: past that, more of the same tells nobody anything
# 1 CSS px at 96 dpi = 15 twips = 9525 EMU; 1 twip = 635 EMU.
TWIPS_PER_PX = 15
EMU_PER_TWIP = 635


@dataclass(frozen=True, slots=True)
class Frame:
    """Where blocks are being written: the width available (twips), the paragraph
    style body text takes here, the list nesting depth, and defaults for table cells."""

    width: int
    text_style: str | None = "Scroll Plain Text"
    list_depth: int = 0
    align: str | None = None
    bold: bool = False
    indent: int = 0
    table_shift: int = 0  # Word before 2013 puts table borders left of the text edge

    def inside(self, **changes: Any) -> Frame:
        return replace(self, **changes)

    def indented(self, indent: int, **changes: Any) -> Frame:
        """Content starting ``indent`` twips from the left edge of this frame's parent:
        the width shrinks by what the indent grows."""
        width = max(self.width - (indent - self.indent), 1440)
        return replace(self, indent=indent, width=width, **changes)


class ExportCancelled(Exception):
    """The export was cancelled (``is_cancelled`` answered True at a checkpoint)."""


_BOOKMARK_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")
BOOKMARK_MAX = 40


class BookmarkNames:
    """Maps document anchor names to Word bookmark names (≤ 40 characters, starting
    with a letter, ``[A-Za-z0-9_]``), the same answer for the heading and every link."""

    def __init__(self, taken: set[str] | None = None, first_id: int = 1) -> None:
        self._by_name: dict[str, str] = {}
        self._taken: set[str] = set(taken or ())
        self._placed: set[str] = set(taken or ())
        self._linked: set[str] = set()
        self._next_id = first_id

    def word_name(self, name: str) -> str:
        known = self._by_name.get(name)
        if known is not None:
            return known
        base = _BOOKMARK_UNSAFE.sub("_", name).strip("_") or "anchor"
        if not base[0].isalpha():
            base = "a" + base
        base = base[:BOOKMARK_MAX]
        candidate, n = base, 1
        while candidate in self._taken:
            n += 1
            suffix = f"_{n}"
            candidate = base[: BOOKMARK_MAX - len(suffix)] + suffix
        self._taken.add(candidate)
        self._by_name[name] = candidate
        return candidate

    def place(self, name: str) -> tuple[int, str] | None:
        """An id and Word name for a bookmark at this place; None if it exists already."""
        word_name = self.word_name(name)
        if word_name in self._placed:
            return None
        self._placed.add(word_name)
        bookmark_id = self._next_id
        self._next_id += 1
        return bookmark_id, word_name

    def link(self, name: str) -> str:
        """The Word name for a link to ``name`` (which may be placed later)."""
        word_name = self.word_name(name)
        self._linked.add(word_name)
        return word_name

    def dangling(self) -> list[str]:
        """Linked names no bookmark was placed for."""
        return sorted(self._linked - self._placed)

    def next_id(self) -> int:
        bookmark_id = self._next_id
        self._next_id += 1
        return bookmark_id

    def start_ids_at(self, first_id: int) -> None:
        self._next_id = first_id

    def ids_used_since(self, first_id: int) -> int:
        return self._next_id - first_id

    def reserve_ids(self, count: int) -> int:
        """The first of ``count`` ids set aside for bookmarks written elsewhere."""
        first = self._next_id
        self._next_id += count
        return first

    def names_since(self, known: BookmarkNames) -> BookmarkNames:
        """What this register learned after it was a copy of ``known``."""
        news = BookmarkNames()
        news._by_name = {k: v for k, v in self._by_name.items() if k not in known._by_name}
        news._taken = self._taken - known._taken
        news._placed = self._placed - known._placed
        news._linked = self._linked - known._linked
        return news

    def adopt(self, news: BookmarkNames) -> bool:
        """Take over names another writer chose on its own, when they are the names this
        register would have chosen; False (and nothing changed) when they are not."""
        for name, word_name in news._by_name.items():
            if self._by_name.get(name, word_name) != word_name:
                return False
            if name not in self._by_name and word_name in self._taken:
                return False
        if news._placed & self._placed:
            return False
        self._by_name.update(news._by_name)
        self._taken |= news._taken
        self._placed |= news._placed
        self._linked |= news._linked
        return True


class Relationships:
    """Relationships of the main document part, added without python-docx's
    linear scans (one dict lookup per hyperlink, one rId counter)."""

    def __init__(self, document_part: Any) -> None:
        self._part = document_part
        self._external: dict[str, str] = {}
        self._counter = 0
        self._prefix = "rIdPx"
        self.added: list[tuple[str, str, Any]] | None = None  # (rId, reltype, target)

    def new_id(self) -> str:
        existing = self._part.rels
        while True:
            self._counter += 1
            rid = f"{self._prefix}{self._counter}"
            if rid not in existing:
                return rid

    def record_with_prefix(self, prefix: str) -> None:
        """From now on, ids start with ``prefix`` and every new relationship is kept in
        ``added`` (a forked writer reports them so that its parent can add them)."""
        self._prefix, self._counter, self.added = prefix, 0, []

    def hyperlink(self, url: str) -> str:
        return self.clean_hyperlink(clean_text(url).strip())

    def clean_hyperlink(self, url: str) -> str:
        """:meth:`hyperlink` for a URL cleaned already (one a forked writer reported)."""
        rid = self._external.get(url)
        if rid is None:
            rid = self.new_id()
            self._part.load_rel(RT.HYPERLINK, url, rid, is_external=True)
            self._external[url] = rid
            if self.added is not None:
                self.added.append((rid, RT.HYPERLINK, url))
        return rid

    def part(self, target_part: Any, reltype: str) -> str:
        rid = self.new_id()
        self._part.load_rel(reltype, target_part, rid)
        if self.added is not None:
            self.added.append((rid, reltype, target_part))
        return rid


@dataclass(slots=True)
class BodyState:
    """Everything the block and inline writers share for one document."""

    styles: StyleCatalog
    relationships: Relationships
    bookmarks: BookmarkNames = field(default_factory=BookmarkNames)
    warnings: list[str] = field(default_factory=list)
    drawing_ids: int = 0
    locale: str = "en"
    page: str = ""  # the title of the page being written, for warnings

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)

    def warn_failure(self, what: str, error: Exception, shown: str) -> None:
        """A failure writing one element, which ``shown`` now stands in for."""
        where = f"{self.page}: " if self.page else ""
        self.warn(f"{where}could not render a {what} ({failure_detail(error)}): shown as {shown}")

    def next_drawing_id(self) -> int:
        self.drawing_ids += 1
        return self.drawing_ids
