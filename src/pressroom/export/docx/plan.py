"""Plan, then write: every id that must be unique in the whole document is decided
by one cheap walk over the AST before any XML is written.

The body is cut into chunks at page titles. For each chunk the plan fixes where its
bookmark ids, list numIds and drawing ids start (each chunk counts what it will
hand out), and for the whole document the Word name of every anchor, the chunk
where each bookmark is placed (its first appearance), the relationship id of every
hyperlink and the picture part of every image file. A chunk then renders to its XML
fragment knowing nothing of the others, in this process or another one, and the
document is the fragments concatenated: the same bytes whichever process wrote
which chunk.

Page-scoped tables of contents (their bookmark ends with the page, which may be in
the next chunk) and orientation changes (a section break looks back at the content
before it) keep a document in one chunk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pressroom.export import ast
from pressroom.export.docx import toc
from pressroom.export.docx.body import WordNames, clean_hyperlink
from pressroom.export.docx.images import EmbeddedImage, PictureParts

CHUNK_BLOCKS: Final = 400  # top-level blocks per chunk, about thirty pages


@dataclass(frozen=True, slots=True)
class Chunk:
    """One piece of the body: ``blocks[start:end]`` and the ids it hands out."""

    index: int
    start: int
    end: int
    first_bookmark: int
    bookmarks: int
    first_list: int
    lists: int
    first_drawing: int
    drawings: int
    toc_names: tuple[str | None, ...] = ()  # of toc.listed_headings, in order


@dataclass(frozen=True, slots=True)
class TemplateIds:
    """Ids the template uses already: the body's start after them."""

    bookmark_names: frozenset[str] = frozenset()
    last_bookmark: int = 0
    last_drawing: int = 0
    first_list: int = 1


@dataclass(frozen=True, slots=True)
class BodyPlan:
    """The document-wide ids of the body and of the included pages (chunks after the
    body's), and what the tables of contents list."""

    chunks: tuple[Chunk, ...]
    includes: tuple[Chunk, ...]
    word_names: dict[str, str]
    first_placement: dict[str, int]  # Word bookmark name → chunk index that places it
    hyperlinks: dict[str, str]  # cleaned URL → relationship id
    pictures: dict[str, EmbeddedImage | None]  # file path → its part, None: unreadable
    tocs: toc.TocPlan = field(default_factory=toc.TocPlan)
    template_bookmarks: frozenset[str] = frozenset()


def plan_body(
    blocks: list[ast.Block],
    includes: list[list[ast.Block]],
    tocs: toc.TocPlan,
    template: TemplateIds,
    pictures: PictureParts,
    hyperlink_rid: Callable[[str], str],
    chunk_blocks: int = CHUNK_BLOCKS,
) -> BodyPlan:
    """Walk the body (then each included page) once, in document order, embedding
    every picture in ``pictures`` and relating every hyperlink with
    ``hyperlink_rid``."""
    names = WordNames(set(template.bookmark_names))
    first_placement: dict[str, int] = {}
    hyperlinks: dict[str, str] = {}
    next_ids = [template.last_bookmark + 1, template.first_list, template.last_drawing + 1]
    bounds = chunk_bounds(blocks, tocs, chunk_blocks)
    pieces = [blocks[start:end] for start, end in bounds]
    planned: list[Chunk] = []
    for index, piece in enumerate([*pieces, *includes]):
        counts = _Counts()
        block: ast.Block
        for block in ast.walk_blocks(piece):
            counts.block(block, index, names, first_placement)
        for url in counts.urls:
            if url not in hyperlinks:
                hyperlinks[url] = hyperlink_rid(url)
        for path in counts.pictures:
            pictures.embed(path)
        toc_names = tuple(tocs.names.get(id(h)) for h in toc.listed_headings(piece))
        bookmarks = counts.bookmarks + sum(name is not None for name in toc_names)
        start, end = bounds[index] if index < len(bounds) else (0, len(piece))
        planned.append(
            Chunk(
                index=index,
                start=start,
                end=end,
                first_bookmark=next_ids[0],
                bookmarks=bookmarks,
                first_list=next_ids[1],
                lists=counts.lists,
                first_drawing=next_ids[2],
                drawings=len(counts.pictures),
                toc_names=toc_names,
            )
        )
        next_ids = [
            next_ids[0] + bookmarks,
            next_ids[1] + counts.lists,
            next_ids[2] + len(counts.pictures),
        ]
    return BodyPlan(
        chunks=tuple(planned[: len(pieces)]),
        includes=tuple(planned[len(pieces) :]),
        word_names=names.by_name,
        first_placement=first_placement,
        hyperlinks=hyperlinks,
        pictures=dict(pictures.by_path),
        tocs=toc.TocPlan(tocs.entries, tocs.scopes, tocs.index_terms),
        template_bookmarks=template.bookmark_names,
    )


def chunk_bounds(
    blocks: list[ast.Block], tocs: toc.TocPlan, chunk_blocks: int = CHUNK_BLOCKS
) -> list[tuple[int, int]]:
    """Where the body is cut: at the first page title after every ``chunk_blocks``
    top-level blocks. A page title looks back at nothing before it."""
    if tocs.scopes or next(ast.walk_blocks(blocks, ast.OrientedSection), None) is not None:
        return [(0, len(blocks))]
    bounds: list[tuple[int, int]] = []
    start = 0
    for index, block in enumerate(blocks):
        if index - start >= chunk_blocks and isinstance(block, ast.Heading) and block.page_title:
            bounds.append((start, index))
            start = index
    bounds.append((start, len(blocks)))
    return bounds


class _Counts:
    """What one chunk hands out, counted as the writer will count it."""

    def __init__(self) -> None:
        self.bookmarks = 0
        self.lists = 0
        self.urls: list[str] = []
        self.pictures: list[Path] = []

    def block(
        self,
        block: ast.Block,
        chunk: int,
        names: WordNames,
        first_placement: dict[str, int],
    ) -> None:
        if isinstance(block, ast.ListBlock):
            self.lists += 1
        elif isinstance(block, ast.TableOfContents) and block.scope_bookmark:
            names.word_name(block.scope_bookmark)
        if isinstance(block, ast.Heading):
            for name in block.bookmarks:
                self._placed(names.word_name(name), chunk, first_placement)
        if isinstance(block, ast.Paragraph | ast.Heading):
            for node in ast.walk_inlines(block.children):
                self._inline(node, chunk, names, first_placement)

    def _inline(
        self, node: ast.Inline, chunk: int, names: WordNames, first_placement: dict[str, int]
    ) -> None:
        match node:
            case ast.Anchor(name=name):
                self._placed(names.word_name(name), chunk, first_placement)
            case ast.Link(target=ast.InternalTarget(bookmark=bookmark)):
                names.word_name(bookmark)
            case ast.Link(target=ast.ExternalTarget(url=url)) if url.strip():
                self.urls.append(clean_hyperlink(url))
            case ast.Image(file=None, url=url) if url:
                self.urls.append(clean_hyperlink(url))
            case ast.Image(file=path) if path is not None:
                self.pictures.append(path)

    def _placed(self, word_name: str, chunk: int, first_placement: dict[str, int]) -> None:
        self.bookmarks += 1
        first_placement.setdefault(word_name, chunk)
