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


class PlanExceeded(RuntimeError):
    """A chunk asked for more ids than the plan counted for it: a writer bug."""


class IdRange:
    """The ids of one kind a chunk may hand out: ``first`` up to ``first + count``."""

    __slots__ = ("_end", "_kind", "_next")

    def __init__(self, kind: str, first: int, count: int) -> None:
        self._kind = kind
        self._next = first
        self._end = first + count

    def take(self) -> int:
        if self._next >= self._end:
            raise PlanExceeded(f"more {self._kind} ids than the plan counted")
        taken = self._next
        self._next += 1
        return taken


class WordNames:
    """Maps document anchor names to Word bookmark names (≤ 40 characters, starting
    with a letter, ``[A-Za-z0-9_]``), unique in the document: the planning pass asks
    for every name in document order, so every chunk gets the same answer."""

    def __init__(self, taken: set[str] | None = None, suffix: str = "") -> None:
        self.by_name: dict[str, str] = {}
        self._taken: set[str] = set(taken or ())
        self._suffix = suffix

    def word_name(self, name: str) -> str:
        known = self.by_name.get(name)
        if known is not None:
            return known
        base = _BOOKMARK_UNSAFE.sub("_", name).strip("_") or "anchor"
        if not base[0].isalpha():
            base = "a" + base
        base = base[: BOOKMARK_MAX - len(self._suffix)] + self._suffix
        candidate, n = base, 1
        while candidate in self._taken:
            n += 1
            suffix = f"_{n}"
            candidate = base[: BOOKMARK_MAX - len(suffix)] + suffix
        self._taken.add(candidate)
        self.by_name[name] = candidate
        return candidate


class ChunkBookmarks:
    """Bookmarks of one chunk: names from the plan, ids from the chunk's range, and
    a name is placed only in the chunk the plan gave its first placement to."""

    def __init__(
        self,
        names: dict[str, str],
        first_placement: dict[str, int],
        chunk: int,
        ids: IdRange,
        taken: set[str],
    ) -> None:
        self._names = names
        self._first_placement = first_placement
        self._chunk = chunk
        self._ids = ids
        self._unplanned: WordNames | None = None
        self._taken = taken
        self.placed: set[str] = set()
        self.linked: set[str] = set()

    def word_name(self, name: str) -> str:
        known = self._names.get(name)
        if known is not None:
            return known
        if self._unplanned is None:  # a name the planning walk did not see
            taken = self._taken | set(self._names.values())
            self._unplanned = WordNames(taken, suffix=f"_c{self._chunk}")
        return self._unplanned.word_name(name)

    def place(self, name: str) -> tuple[int, str] | None:
        """An id and Word name for a bookmark at this place; None if it exists already."""
        word_name = self.word_name(name)
        if word_name in self.placed or self._first_placement.get(word_name, self._chunk) != (
            self._chunk
        ):
            return None
        self.placed.add(word_name)
        return self._ids.take(), word_name

    def link(self, name: str) -> str:
        """The Word name for a link to ``name`` (which may be placed elsewhere)."""
        word_name = self.word_name(name)
        self.linked.add(word_name)
        return word_name

    def next_id(self) -> int:
        return self._ids.take()


class ChunkRelationships:
    """Relationship ids of one chunk: hyperlinks the plan gave an id, and, for what
    the planning walk did not see, ids of the chunk's own for the parent to add."""

    def __init__(self, hyperlinks: dict[str, str], chunk: int) -> None:
        self._hyperlinks = hyperlinks
        self._prefix = f"rIdPc{chunk}n"
        self._counter = 0
        self.added: list[tuple[str, str, str]] = []  # (rId, reltype, URL or file path)

    def hyperlink(self, url: str) -> str:
        cleaned = clean_hyperlink(url)
        rid = self._hyperlinks.get(cleaned)
        if rid is None:
            rid = self.add(RT.HYPERLINK, cleaned)
            self._hyperlinks = {**self._hyperlinks, cleaned: rid}
        return rid

    def add(self, reltype: str, target: str) -> str:
        self._counter += 1
        rid = f"{self._prefix}{self._counter}"
        self.added.append((rid, reltype, target))
        return rid


def clean_hyperlink(url: str) -> str:
    return clean_text(url).strip()


@dataclass(slots=True)
class BodyState:
    """Everything the block and inline writers share while writing one chunk."""

    styles: StyleCatalog
    relationships: ChunkRelationships
    bookmarks: ChunkBookmarks
    drawing_ids: IdRange
    warnings: list[str] = field(default_factory=list)
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
        return self.drawing_ids.take()
