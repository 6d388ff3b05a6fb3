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
leaves with ``os._exit``: it never touches a database connection, a log handler
or a thread it inherited. Export workers call the writer from their main thread.
"""

from __future__ import annotations

import contextlib
import copy
import os
import pickle
import re
import select
import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, NoReturn

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from pressroom.export import ast
from pressroom.export.docx.blocks import BlockWriter
from pressroom.export.docx.body import BookmarkNames, ExportCancelled, Frame
from pressroom.export.docx.oxml import Element, last_child, new_container
from pressroom.export.docx.splice import serialise_children
from pressroom.export.docx.toc import all_of

MIN_BLOCKS: Final = 2000  # top-level blocks (about 150 pages) before a second process pays
FLUSH_EVERY: Final = 64  # top-level blocks between serialisations, as in the parent
CHILD_FIRST_ID: Final = 1_000_000_000  # the child's ids have ten digits; documents never do
CHILD_RID_PREFIX: Final = "rIdPy"
_POLL_SECONDS: Final = 0.25

# Every place the child's ids appear in its XML. Each starts with "<", which text
# content can never hold unescaped, so no user text is ever rewritten.
_CHILD_IDS: Final = re.compile(
    rb'<w:bookmark(?:Start|End) w:id="(?P<bookmark>1\d{9})"'
    rb'|<w:numId w:val="(?P<num>1\d{9})"'
    rb'|<wp:docPr id="(?P<drawing>1\d{9})" name="Picture (?P<picture>1\d{9})"'
    rb'|<(?:w:hyperlink r:id|a:blip r:embed)="(?P<rid>rIdPy\d+)"'
)


@dataclass(slots=True)
class HalfReport:
    """What the child wrote and handed out, in the order it did."""

    body: bytes
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
        and next(all_of(content, ast.OrientedSection), None) is None
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
        self._pipe: int | None = pipe

    @classmethod
    def start(
        cls, content: list[ast.Block], writer: BlockWriter, frame: Frame
    ) -> SecondHalf | None:
        split = split_point(content)
        if split is None:
            return None
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            _child(content[split:], writer, frame, write_end)
        os.close(write_end)
        return cls(pid, read_end, split)

    def join(self, writer: BlockWriter, is_cancelled: Callable[[], bool] | None) -> bytes | None:
        """The child's body, renumbered to follow what ``writer`` wrote meanwhile; None
        when the parent has to write the second half itself."""
        data = self._read(is_cancelled)
        _, status = os.waitpid(self.pid, 0)
        if status != 0 or not data:
            return None
        report: HalfReport = pickle.loads(data)  # noqa: S301  (our own child's bytes)
        return _merge(report, writer)

    def stop(self) -> None:
        """Kill the child (the export failed or was cancelled)."""
        with contextlib.suppress(ChildProcessError, ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        self._close()

    def _read(self, is_cancelled: Callable[[], bool] | None) -> bytes:
        assert self._pipe is not None
        parts: list[bytes] = []
        try:
            while True:
                ready, _, _ = select.select([self._pipe], [], [], _POLL_SECONDS)
                if not ready:
                    if is_cancelled is not None and is_cancelled():
                        raise ExportCancelled
                    continue
                part = os.read(self._pipe, 1 << 20)
                if not part:
                    return b"".join(parts)
                parts.append(part)
        finally:
            self._close()

    def _close(self) -> None:
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None


def _child(blocks: list[ast.Block], writer: BlockWriter, frame: Frame, pipe: int) -> NoReturn:
    """Write ``blocks``, send the report up the pipe, leave without cleaning up: what
    the parent owns (connections, threads, temporary files) stays the parent's."""
    code = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
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
    return HalfReport(
        body=b"".join(pieces),
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


def _flushed(container: Element, pieces: list[bytes]) -> Element:
    """Serialise all but the last child (the next block may look at it) and go on in
    a fresh container, as the parent's body chunks do."""
    last = last_child(container)
    if last is not None:
        container.remove(last)
    pieces.append(serialise_children(container))
    fresh = new_container()
    if last is not None:
        fresh.append(last)
    return fresh


def _merge(report: HalfReport, writer: BlockWriter) -> bytes | None:
    """Give ``writer`` everything the child handed out, as if it had written the second
    half itself, and renumber the child's XML to match."""
    state = writer.state
    if not state.bookmarks.adopt(report.names):
        return None
    rids: dict[bytes, bytes] = {}
    for rid, reltype, target in report.relationships:
        if reltype == RT.HYPERLINK and isinstance(target, str):
            ours = state.relationships.hyperlink(target)
        else:
            assert isinstance(target, tuple)
            ours = writer.images.embed_blob(*target)
        rids[rid.encode()] = ours.encode()
    first_num = None
    for ordered, ilvl, start in report.lists:
        num_id = writer.numbering.new_list(ordered=ordered, ilvl=ilvl, start=start)
        first_num = num_id if first_num is None else first_num
    first_bookmark = state.bookmarks.reserve_ids(report.bookmark_ids)
    drawing_base = state.drawing_ids
    state.drawing_ids += report.drawing_ids
    room = max(0, 1000 - len(state.warnings))
    state.warnings.extend(report.warnings[:room])
    shift = {
        "bookmark": first_bookmark - CHILD_FIRST_ID,
        "num": (first_num or 0) - CHILD_FIRST_ID,
        "drawing": drawing_base - CHILD_FIRST_ID,
    }

    def renumbered(match: re.Match[bytes]) -> bytes:
        text = match.group(0)
        for group in ("bookmark", "num"):
            if match.group(group) is not None:
                return text.replace(
                    match.group(group), b"%d" % (int(match.group(group)) + shift[group])
                )
        if match.group("drawing") is not None:
            new = b"%d" % (int(match.group("drawing")) + shift["drawing"])
            return text.replace(match.group("drawing"), new)
        rid = match.group("rid")
        return text.replace(rid, rids[rid])

    return _CHILD_IDS.sub(renumbered, report.body)
