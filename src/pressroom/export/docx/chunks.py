"""Writing the planned chunks of a body (:mod:`.plan`): each to its XML fragment,
one after the other in this process, or on a pool of processes for long bodies.

A chunk's fragment depends only on the plan, the template's setup and the chunk's
blocks, so a pool changes how fast the body is written, never what it says. The
pool's processes come from a fork server (a fresh interpreter, never a fork of an
export worker with its threads and connections); the export's own process writes
chunks from the end of the body while the pool works from the start, so N render
processes are the pool's N - 1 and this one. The last chunk is always written here:
it may hand its layout to the template's final section.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Final

from lxml import etree

from pressroom.export import ast
from pressroom.export.collector import cyclic_collector_paused
from pressroom.export.docx.blocks import BlockWriter
from pressroom.export.docx.body import (
    MAX_WARNINGS,
    BodyState,
    ChunkBookmarks,
    ChunkRelationships,
    ExportCancelled,
    Frame,
    IdRange,
)
from pressroom.export.docx.images import ImageEmbedder
from pressroom.export.docx.numbering import ListIds, PlannedList
from pressroom.export.docx.oxml import Element, last_child, new_container
from pressroom.export.docx.plan import BodyPlan, Chunk
from pressroom.export.docx.styles import StyleCatalog
from pressroom.export.docx.toc import listed_headings
from pressroom.export.failures import strict_failures

CHECKPOINT_EVERY: Final = 16  # top-level blocks between progress reports / cancel checks
SERIALISE_EVERY: Final = 64  # top-level blocks between serialisations of a chunk
POOL_MIN_BLOCKS: Final = 2400  # top-level blocks (about 200 pages) before a pool pays
_POLL_SECONDS: Final = 0.25

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class WriterSetup:
    """What every chunk's writer knows of the template (sent once to each process)."""

    styles: StyleCatalog
    section: bytes | None  # the section the content sits in (w:sectPr), serialised
    frame: Frame
    locale: str = "en"
    strict: bool = False
    content_ends_body: bool = False  # nothing of the template follows the content


@dataclass(slots=True)
class ChunkResult:
    """A chunk's fragment and what the package must gain for it."""

    xml: bytes
    lists: list[PlannedList] = field(default_factory=list)
    relationships: list[tuple[str, str, str]] = field(default_factory=list)
    placed: set[str] = field(default_factory=set)
    linked: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    section_breaks: int = 0


class ChunkWriter:
    """The block writer of one chunk, with the chunk's share of the plan."""

    def __init__(
        self,
        setup: WriterSetup,
        plan: BodyPlan,
        chunk: Chunk,
        blocks: list[ast.Block],
        section: Element | None,
        *,
        last: bool = False,
    ) -> None:
        self._bookmarks = ChunkBookmarks(
            plan.word_names,
            plan.first_placement,
            chunk.index,
            IdRange("bookmark", chunk.first_bookmark, chunk.bookmarks),
            set(plan.template_bookmarks),
        )
        self._state = BodyState(
            styles=setup.styles,
            relationships=ChunkRelationships(plan.hyperlinks, chunk.index),
            bookmarks=self._bookmarks,
            drawing_ids=IdRange("drawing", chunk.first_drawing, chunk.drawings),
            locale=setup.locale,
        )
        self._lists = ListIds(IdRange("list", chunk.first_list, chunk.lists))
        toc_names = {
            id(heading): name
            for heading, name in zip(listed_headings(blocks), chunk.toc_names, strict=True)
            if name is not None
        }
        self.blocks = BlockWriter(
            self._state,
            self._lists,
            ImageEmbedder(self._state, plan.pictures),
            section,
            plan.tocs,
            toc_names=toc_names,
            content_ends_body=last and setup.content_ends_body,
        )

    def result(self, xml: bytes) -> ChunkResult:
        return ChunkResult(
            xml=xml,
            lists=self._lists.lists,
            relationships=self._state.relationships.added,
            placed=self._bookmarks.placed,
            linked=self._bookmarks.linked,
            warnings=self._state.warnings,
            section_breaks=self.blocks.section_breaks,
        )


def write_chunk(
    setup: WriterSetup,
    plan: BodyPlan,
    chunk: Chunk,
    blocks: list[ast.Block],
    section: Element | None,
    *,
    last: bool,
    checkpoint: Callable[[int], None] | None = None,
) -> ChunkResult:
    """Write ``blocks`` (the chunk's) to XML, serialising as it goes; ``checkpoint``
    hears how many blocks are written every :data:`CHECKPOINT_EVERY`."""
    writer = ChunkWriter(setup, plan, chunk, blocks, section, last=last)
    pieces: list[bytes] = []
    container = new_container()
    for done, block in enumerate(blocks, start=1):
        if checkpoint is not None and done % CHECKPOINT_EVERY == 1:
            checkpoint(done - 1)
        writer.blocks.write_block(container, block, setup.frame)
        if done % SERIALISE_EVERY == 0:
            container = _serialised(container, pieces)
    if last:
        writer.blocks.finish(container)
    pieces.append(serialise_children(container))
    return writer.result(b"".join(pieces))


def write_body(
    setup: WriterSetup,
    plan: BodyPlan,
    blocks: list[ast.Block],
    section: Element | None,
    *,
    processes: int = 1,
    progress: ProgressCallback | None = None,
    is_cancelled: CancelCheck | None = None,
) -> list[ChunkResult]:
    """Every chunk of the body written, in order: on a pool of ``processes`` when
    the body is long enough to repay starting one, else here one after the other."""
    if processes > 1 and len(plan.chunks) > 1 and len(blocks) >= POOL_MIN_BLOCKS:
        try:
            return _PooledBody(setup, plan, blocks, section, processes - 1).write(
                progress, is_cancelled
            )
        except (BrokenProcessPool, OSError) as error:
            # No pool to be had, or one of its processes died (killed for memory):
            # chunks are pure, so writing them all here gives the same document.
            log.warning("render pool failed (%s): writing the body in one process", error)
    results: list[ChunkResult] = []
    total = len(blocks)
    for chunk in plan.chunks:
        checkpoint = _checkpoint(chunk.start, total, progress, is_cancelled)
        last = chunk.index == len(plan.chunks) - 1
        chunk_blocks = blocks[chunk.start : chunk.end]
        results.append(
            write_chunk(setup, plan, chunk, chunk_blocks, section, last=last, checkpoint=checkpoint)
        )
    if progress is not None:
        progress(total, total)
    return results


def merged_warnings(results: list[ChunkResult]) -> list[str]:
    warnings: list[str] = []
    for result in results:
        warnings.extend(result.warnings[: max(0, MAX_WARNINGS - len(warnings))])
    return warnings


def _checkpoint(
    offset: int, total: int, progress: ProgressCallback | None, is_cancelled: CancelCheck | None
) -> Callable[[int], None]:
    def checkpoint(done: int) -> None:
        if is_cancelled is not None and is_cancelled():
            raise ExportCancelled
        if progress is not None and done:
            progress(offset + done, total)

    return checkpoint


class _PooledBody:
    """Chunks from the start go to the pool; this process writes from the end."""

    def __init__(
        self,
        setup: WriterSetup,
        plan: BodyPlan,
        blocks: list[ast.Block],
        section: Element | None,
        workers: int,
    ) -> None:
        self._setup = setup
        self._plan = plan
        self._blocks = blocks
        self._section = section
        self._workers = workers
        self._results: list[ChunkResult | None] = [None] * len(plan.chunks)
        self._pending: dict[int, Future[ChunkResult]] = {}
        self._done_blocks = 0

    def write(
        self, progress: ProgressCallback | None, is_cancelled: CancelCheck | None
    ) -> list[ChunkResult]:
        chunks = self._plan.chunks
        pool = ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=_context(),
            initializer=_install,
            initargs=(self._setup, self._plan),
        )
        front, back = 0, len(chunks)
        try:
            while front < back:
                # The pool never takes the chunk before ``back``: the last chunk of
                # all is this process's first.
                while front < back - 1 and len(self._pending) < 2 * self._workers:
                    chunk = chunks[front]
                    blocks = self._blocks[chunk.start : chunk.end]
                    self._pending[front] = pool.submit(_write_in_child, chunk, blocks)
                    front += 1
                back -= 1
                self._write_here(chunks[back], is_cancelled)
                self._collect(progress, is_cancelled, wait=front >= back)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        results = [result for result in self._results if result is not None]
        assert len(results) == len(chunks)
        return results

    def _write_here(self, chunk: Chunk, is_cancelled: CancelCheck | None) -> None:
        blocks = self._blocks[chunk.start : chunk.end]
        checkpoint = _checkpoint(0, 0, None, is_cancelled)
        last = chunk.index == len(self._plan.chunks) - 1
        self._results[chunk.index] = write_chunk(
            self._setup, self._plan, chunk, blocks, self._section, last=last, checkpoint=checkpoint
        )
        self._done_blocks += len(blocks)

    def _collect(
        self, progress: ProgressCallback | None, is_cancelled: CancelCheck | None, *, wait: bool
    ) -> None:
        """Take the results of finished chunks (all of them when ``wait``)."""
        for index, future in sorted(self._pending.items()):
            while True:
                try:
                    self._results[index] = future.result(timeout=_POLL_SECONDS if wait else 0)
                    break
                except FutureTimeout:
                    if is_cancelled is not None and is_cancelled():
                        raise ExportCancelled from None
                    if not wait:
                        break
            if self._results[index] is not None:
                del self._pending[index]
                chunk = self._plan.chunks[index]
                self._done_blocks += chunk.end - chunk.start
                if progress is not None:
                    progress(self._done_blocks, len(self._blocks))


def _context() -> multiprocessing.context.BaseContext:
    """A fork server where the platform has one: the pool's processes start from a
    fresh interpreter that imported the writer once, never as copies of this one."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


_installed: tuple[WriterSetup, BodyPlan, Element | None] | None = None


def _install(setup: WriterSetup, plan: BodyPlan) -> None:
    """Pool initializer: the setup and plan every chunk of this export shares."""
    global _installed
    section = None if setup.section is None else etree.fromstring(setup.section)
    _installed = (setup, plan, section)


def _write_in_child(chunk: Chunk, blocks: list[ast.Block]) -> ChunkResult:
    assert _installed is not None
    setup, plan, section = _installed
    with strict_failures(setup.strict), cyclic_collector_paused():
        return write_chunk(setup, plan, chunk, blocks, section, last=False)


def render_processes(workers: int = 1, configured: int | None = None) -> int:
    """How many processes one export may write with: ``configured`` (the setting
    ``PRESSROOM_RENDER_PROCESSES``, read here too when no settings are loaded), else
    the cores this process may use (affinity, a container's CPU quota) shared among
    the ``workers`` exports that may run at once (workers times processes at most the cores)."""
    if configured is None:
        value = os.environ.get("PRESSROOM_RENDER_PROCESSES", "").strip()
        configured = int(value) if value.isdigit() else None
    if configured is not None and configured >= 1:
        return configured
    return max(1, cpu_budget() // max(1, workers))


def cpu_budget() -> int:
    """Cores this process may run on: its CPU affinity, capped by a cgroup quota."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    try:
        with open("/sys/fs/cgroup/cpu.max", encoding="ascii") as limit:
            quota, period = limit.read().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return cores


def _serialised(container: Element, pieces: list[bytes]) -> Element:
    """Serialise all but the last child (the next block may look at it or change it)
    and go on in a fresh container that holds that child."""
    fresh = new_container()
    last = last_child(container)
    if last is not None:
        fresh.append(last)  # lxml moves it
    pieces.append(serialise_children(container))
    return fresh


def serialise_children(container: Element) -> bytes:
    """The XML of the children of ``container``, without the container itself."""
    xml = etree.tostring(container, encoding="UTF-8")
    start = xml.index(b">") + 1
    if xml[start - 2 : start] == b"/>":
        return b""
    return xml[start : xml.rindex(b"</")]
