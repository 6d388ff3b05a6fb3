"""The second half of a long body, written by a forked process.

Writing the body is most of a long export, and it is pure Python: one core. For
long documents the writer forks, and the child writes the second half of the
top-level blocks while the parent writes the first. The child then reports its XML
and every id, relationship, list and bookmark name it handed out. Its ids come
from a range no document reaches, so the parent replays its relationships and
lists and renumbers the XML to follow its own: the result is byte for byte the
document one writer makes alone. Where that cannot be promised (page-scoped tables
of contents and orientation changes carry state across pages; bookmark names the
two halves chose differently) or the child fails, the parent writes the second
half itself.

Forking is safe here because the child only runs the writer (lxml and Python) and
leaves with ``os._exit``: it never uses a database connection, a log handler or a
thread it inherited (the worker's at-fork hook only drops the child's reference to
the connection pool). No thread of ours exists at the fork: the body's serialiser
thread starts with the parent's first flush. Export workers call the writer from
their main thread; the parent kills a child that takes far longer than it did.
"""

from __future__ import annotations

import contextlib
import copy
import os
import pickle
import re
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, NoReturn

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from pressroom.export import ast
from pressroom.export.docx.blocks import BlockWriter
from pressroom.export.docx.body import MAX_WARNINGS, BookmarkNames, ExportCancelled, Frame
from pressroom.export.docx.oxml import Element, new_container
from pressroom.export.docx.splice import FLUSH_EVERY, carry_last, serialise_children

MIN_BLOCKS: Final = 2000  # top-level blocks (about 150 pages) before a second process pays
CHILD_FIRST_ID: Final = 1_000_000_000  # the child's ids have ten digits; documents never do
CHILD_RID_PREFIX: Final = "rIdPy"
_POLL_SECONDS: Final = 0.25
GRACE_SECONDS = 10.0  # waited for the child beyond three times the parent's own time

# Every place the child's ids appear in its XML. Each starts with "<", which text
# content can never hold unescaped, so no user text is ever rewritten.
_CHILD_IDS: Final = re.compile(
    rb"<(?:"  # outside the groups, so that the search can skip from "<" to "<"
    rb'(?P<bookmark>w:bookmark(?:Start|End) w:id=")(?P<bookmark_id>1\d{9})"'
    rb'|(?P<num>w:numId w:val=")(?P<num_id>1\d{9})"'
    rb'|(?P<drawing>wp:docPr id=")(?P<drawing_id>1\d{9})" name="Picture 1\d{9}"'
    rb'|(?P<rel>(?:w:hyperlink r:id|a:blip r:embed)=")(?P<rid>rIdPy\d+)")'
)
_KINDS: Final = ("bookmark", "num", "drawing", "rel")

# One place: (kind, the markup between "<" and the id, the id).
IdSite = tuple[str, bytes, bytes]


@dataclass(slots=True)
class HalfReport:
    """What the child wrote and handed out, in the order it did."""

    texts: list[bytes]  # the body, cut at every id site
    sites: list[IdSite]  # len(texts) - 1 places, in order
    relationships: list[tuple[str, str, str | tuple[bytes, str]]]  # rId, type, URL or picture
    lists: list[tuple[bool, int, int]]
    bookmark_ids: int
    drawing_ids: int
    names: BookmarkNames
    warnings: list[str]


def can_fork(content: list[ast.Block], writer: BlockWriter) -> bool:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return (
        hasattr(os, "fork")
        and cores >= 2
        and len(content) >= MIN_BLOCKS
        and not writer.toc_scopes
        and next(ast.walk_blocks(content, ast.OrientedSection), None) is None
    )


def split_point(content: list[ast.Block]) -> int | None:
    """A page title near the middle that follows a paragraph: nothing there looks back
    at the block before it."""
    for index in range(len(content) // 2, len(content)):
        block = content[index]
        if (
            isinstance(block, ast.Heading)
            and block.page_title
            and isinstance(content[index - 1], ast.Paragraph)
        ):
            return index
    return None


class SecondHalf:
    """A forked child writing ``content[split:]``."""

    def __init__(self, pid: int, pipe: int, split: int) -> None:
        self.pid = pid
        self.split = split
        self._reaped = False  # then the number may belong to another process
        self._pipe: int | None = pipe
        self._started = time.monotonic()

    @classmethod
    def start(
        cls, content: list[ast.Block], writer: BlockWriter, frame: Frame
    ) -> SecondHalf | None:
        """Fork a child for the second half; None when there is no place to split or no
        process to be had (the parent then writes everything)."""
        split = split_point(content)
        if split is None:
            return None
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:
            try:
                os.close(read_end)
                _child(content[split:], writer, frame, write_end)
            finally:
                os._exit(1)
        os.close(write_end)
        return cls(pid, read_end, split)

    def join(self, writer: BlockWriter, is_cancelled: Callable[[], bool] | None) -> bytes | None:
        """The child's body, renumbered to follow what ``writer`` wrote meanwhile; None
        when the parent has to write the second half itself."""
        # The child has as much to do as the parent had: far longer means it is stuck.
        deadline = time.monotonic() + 3 * (time.monotonic() - self._started) + GRACE_SECONDS
        data = self._read(is_cancelled, deadline)
        if data is None:
            self.stop()
            return None
        if not self._reaped_cleanly() or not data:
            return None
        try:
            report: HalfReport = pickle.loads(data)  # noqa: S301  (our own child's bytes)
        except (pickle.UnpicklingError, EOFError, ValueError):
            return None
        return _merge(report, writer)

    def stop(self) -> None:
        """Kill the child (the export failed, was cancelled, or the child is stuck)."""
        if not self._reaped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reaped_cleanly()
        self._close()

    def _reaped_cleanly(self) -> bool:
        if self._reaped:
            return False
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:  # reaped already, where SIGCHLD is ignored
            status = 0
        self._reaped = True
        return status == 0

    def _read(self, is_cancelled: Callable[[], bool] | None, deadline: float) -> bytes | None:
        """Everything the child sends; None when it is still sending at ``deadline``."""
        assert self._pipe is not None
        poller = select.poll()
        poller.register(self._pipe, select.POLLIN | select.POLLHUP)
        parts: list[bytes] = []
        try:
            while time.monotonic() < deadline:
                if not poller.poll(_POLL_SECONDS * 1000):
                    if is_cancelled is not None and is_cancelled():
                        raise ExportCancelled
                    continue
                part = os.read(self._pipe, 1 << 20)
                if not part:
                    return b"".join(parts)
                parts.append(part)
            return None
        finally:
            self._close()

    def _close(self) -> None:
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None


def _child(blocks: list[ast.Block], writer: BlockWriter, frame: Frame, pipe: int) -> NoReturn:
    """Write ``blocks``, send the report up the pipe, leave without cleaning up: what
    the parent owns (connections, threads, temporary files) stays the parent's. An
    inherited SIGTERM handler is dropped so that stopping the worker stops the child."""
    code = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        report = _write_half(blocks, writer, frame)
        with os.fdopen(pipe, "wb") as out:
            pickle.dump(report, out, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        os._exit(code)


def _write_half(blocks: list[ast.Block], writer: BlockWriter, frame: Frame) -> HalfReport:
    state = writer.state
    names_before = copy.deepcopy(state.bookmarks)
    warnings_before = len(state.warnings)
    state.bookmarks.start_ids_at(CHILD_FIRST_ID)
    state.drawing_ids = CHILD_FIRST_ID
    state.relationships.record_with_prefix(CHILD_RID_PREFIX)
    writer.numbering.record_from(CHILD_FIRST_ID)
    pieces: list[bytes] = []
    container = new_container()
    for done, block in enumerate(blocks, start=1):
        writer.write_block(container, block, frame)
        if done % FLUSH_EVERY == 0:
            container = _flushed(container, pieces)
    writer.finish(container)
    pieces.append(serialise_children(container))
    texts, sites = _cut_at_ids(b"".join(pieces))
    return HalfReport(
        texts=texts,
        sites=sites,
        relationships=[
            (rid, reltype, target if isinstance(target, str) else (target.blob, target.filename))
            for rid, reltype, target in state.relationships.added or []
        ],
        lists=list(writer.numbering.added or []),
        bookmark_ids=state.bookmarks.ids_used_since(CHILD_FIRST_ID),
        drawing_ids=state.drawing_ids - CHILD_FIRST_ID,
        names=state.bookmarks.names_since(names_before),
        warnings=state.warnings[warnings_before:],
    )


def _cut_at_ids(body: bytes) -> tuple[list[bytes], list[IdSite]]:
    """The body in pieces around its ids, cut here so that the parent only glues."""
    texts: list[bytes] = []
    sites: list[IdSite] = []
    end = 0
    for match in _CHILD_IDS.finditer(body):
        kind = next(k for k in _KINDS if match.start(k) >= 0)
        texts.append(body[end : match.start()])
        sites.append((kind, match.group(kind), match.group(_ID_GROUP[kind])))
        end = match.end()
    texts.append(body[end:])
    return texts, sites


_ID_GROUP: Final = {
    "bookmark": "bookmark_id",
    "num": "num_id",
    "drawing": "drawing_id",
    "rel": "rid",
}


def _flushed(container: Element, pieces: list[bytes]) -> Element:
    """Serialise all but the last child (the next block may look at it) and go on in
    a fresh container, as the parent's body chunks do."""
    fresh = carry_last(container)
    pieces.append(serialise_children(container))
    return fresh


def _merge(report: HalfReport, writer: BlockWriter) -> bytes | None:
    """Give ``writer`` everything the child handed out, as if it had written the second
    half itself, and renumber the child's XML to match."""
    if not writer.state.bookmarks.adopt(report.names):
        return None
    rids = _replayed_relationships(report, writer)
    first_num = None
    for ordered, ilvl, start in report.lists:
        num_id = writer.numbering.new_list(ordered=ordered, ilvl=ilvl, start=start)
        first_num = num_id if first_num is None else first_num
    state = writer.state
    shifts = {
        "bookmark": state.bookmarks.reserve_ids(report.bookmark_ids) - CHILD_FIRST_ID,
        "num": (first_num or 0) - CHILD_FIRST_ID,
        "drawing": state.drawing_ids - CHILD_FIRST_ID,
    }
    state.drawing_ids += report.drawing_ids
    state.warnings.extend(report.warnings[: max(0, MAX_WARNINGS - len(state.warnings))])
    return _glued(report, rids, shifts)


def _replayed_relationships(report: HalfReport, writer: BlockWriter) -> dict[bytes, bytes]:
    """The parent's rId for each of the child's, adding what the parent lacks in order."""
    rids: dict[bytes, bytes] = {}
    for rid, reltype, target in report.relationships:
        if reltype == RT.HYPERLINK and isinstance(target, str):
            ours = writer.state.relationships.clean_hyperlink(target)
        else:
            assert isinstance(target, tuple)
            ours = writer.images.embed_blob(*target)
        rids[rid.encode()] = ours.encode()
    return rids


def _glued(report: HalfReport, rids: dict[bytes, bytes], shifts: dict[str, int]) -> bytes:
    out = [report.texts[0]]
    for (kind, markup, value), text in zip(report.sites, report.texts[1:], strict=True):
        if kind == "rel":
            out.append(b'<%s%s"' % (markup, rids[value]))
        elif kind == "drawing":
            number = int(value) + shifts[kind]
            out.append(b'<%s%d" name="Picture %d"' % (markup, number, number))
        else:
            out.append(b'<%s%d"' % (markup, int(value) + shifts[kind]))
        out.append(text)
    return b"".join(out)
