"""A long body's second half is written by a forked process; the document that comes
out is byte for byte the one a single writer makes, or the parent writes it all."""

from __future__ import annotations

import os
import threading
import zipfile
from pathlib import Path

import pytest

from pressroom.export import ast
from pressroom.export.docx import ExportCancelled, parallel, write_docx
from pressroom.export.docx.blocks import BlockWriter
from pressroom.export.docx.writer import DocxWriter, TemplateContext
from tests.export.docx.sample import make_png, page, para, text

PAGES = 40


def _document(tmp_path: Path, *, clashing_anchor: bool = False) -> ast.Document:
    """Pages that link to each other across the halves, share some images and links,
    add their own, warn, and feed a table of contents and an index."""
    shared = make_png(tmp_path / "shared.png")
    late = make_png(tmp_path / "late.png", (120, 80), "#FF991F")
    same_as_shared = tmp_path / "copy-of-shared.png"
    same_as_shared.write_bytes(shared.read_bytes())
    blocks: list[ast.Block] = [ast.TableOfContents()]
    for number in range(1, PAGES + 1):
        image = shared if number % 3 else late if number > PAGES // 2 else None
        if number % 5 == 0 and number > PAGES // 2:
            image = same_as_shared
        blocks += page(1 + number % 2, number, image)
        other = PAGES + 1 - number
        blocks += [
            ast.Admonition("info", [para("Box ", ast.IndexTerm(f"term {number % 7}"))], "Note"),
            ast.TaskList([ast.TaskItem(number % 2 == 0, [para(f"task {number}")])]),
            para(
                ast.Link(ast.InternalTarget(f"page-{other}"), [text(f"to page {other}")]),
                " and ",
                ast.Link(ast.ExternalTarget(f"https://example.com/{number}"), [text("own")]),
                ast.Link(ast.InternalTarget("nowhere"), [text(" dangling")]),
                ast.Link(ast.PageTarget("Unresolved"), [text(" unresolved")]),
            ),
        ]
        if number in (3, PAGES - 2):
            blocks.append(para(ast.Image(file=tmp_path / "missing.png")))
        if clashing_anchor and number in (2, PAGES - 1):
            blocks.append(para(ast.Anchor("same-anchor"), "anchored"))
        blocks.append(para(f"End of page {number}."))
    blocks.append(ast.Index())
    return ast.Document(title="Long", blocks=blocks)


def _write(document: ast.Document, out: Path, *, fork: bool) -> list[str]:
    parallel.MIN_BLOCKS = 10 if fork else 10**9
    return write_docx(document, out)


def _assert_forking_changes_nothing(document: ast.Document, tmp_path: Path) -> None:
    _write(document, tmp_path / "alone.docx", fork=False)
    _write(document, tmp_path / "forked.docx", fork=True)
    assert _parts(tmp_path / "forked.docx") == _parts(tmp_path / "alone.docx")


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return {n: archive.read(n) for n in archive.namelist() if not n.startswith("docProps")}


@pytest.fixture(autouse=True)
def _restore_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_BLOCKS", parallel.MIN_BLOCKS)


@pytest.fixture(autouse=True)
def _two_cores_as_the_writer_sees_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer forks only where it sees two cores; these tests are about the fork, so
    they hold on a one-core machine too (forking works there, only slower)."""
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)


@pytest.fixture
def merged(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each forked half was merged (True) or written again by the parent."""
    outcomes: list[bool] = []
    join = parallel.SecondHalf.join

    def recording(self: parallel.SecondHalf, *args: object) -> bytes | None:
        body = join(self, *args)  # type: ignore[arg-type]
        outcomes.append(body is not None)
        return body

    monkeypatch.setattr(parallel.SecondHalf, "join", recording)
    return outcomes


def test_the_forked_half_gives_the_same_document(tmp_path: Path, merged: list[bool]) -> None:
    document = _document(tmp_path)
    alone = _write(document, tmp_path / "alone.docx", fork=False)
    forked = _write(document, tmp_path / "forked.docx", fork=True)
    assert merged == [True]
    assert _parts(tmp_path / "forked.docx") == _parts(tmp_path / "alone.docx")
    assert forked == alone
    assert len([warning for warning in forked if "missing.png" in warning]) == 1


def test_bookmark_names_the_halves_chose_apart_make_the_parent_write_it_all(
    tmp_path: Path, merged: list[bool]
) -> None:
    document = _document(tmp_path, clashing_anchor=True)
    _assert_forking_changes_nothing(document, tmp_path)
    assert merged == [False]


def test_a_failing_child_leaves_the_work_to_the_parent(
    tmp_path: Path, merged: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("the child fails")

    monkeypatch.setattr(parallel, "_write_half", broken)
    document = _document(tmp_path)
    _assert_forking_changes_nothing(document, tmp_path)
    assert merged == [False]


def test_no_process_to_fork_leaves_the_work_to_the_parent(
    tmp_path: Path, merged: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise OSError(12, "Cannot allocate memory")

    document = _document(tmp_path)
    _write(document, tmp_path / "alone.docx", fork=False)
    descriptors = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(parallel.os, "fork", no_fork)
    _write(document, tmp_path / "forked.docx", fork=True)
    assert merged == []
    assert len(os.listdir("/proc/self/fd")) == descriptors
    assert _parts(tmp_path / "forked.docx") == _parts(tmp_path / "alone.docx")


def test_a_stuck_child_is_killed_and_the_parent_writes_it_all(
    tmp_path: Path, merged: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    def stuck(*_args: object) -> None:
        threading.Event().wait()  # forever: only the parent's deadline ends this child

    monkeypatch.setattr(parallel, "_write_half", stuck)
    monkeypatch.setattr(parallel, "GRACE_SECONDS", 0.5)
    document = _document(tmp_path)
    _write(document, tmp_path / "alone.docx", fork=False)
    _write(document, tmp_path / "forked.docx", fork=True)  # returns: the child was killed
    assert merged == [False]
    assert _parts(tmp_path / "forked.docx") == _parts(tmp_path / "alone.docx")


def test_a_reaped_child_is_never_signalled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its process id may belong to another process by then."""

    def failing_merge(*_args: object) -> None:
        raise RuntimeError("merge failed")

    signalled: list[int] = []
    monkeypatch.setattr(parallel, "_merge", failing_merge)
    monkeypatch.setattr(parallel.os, "kill", lambda pid, _sig: signalled.append(pid))
    parallel.MIN_BLOCKS = 10
    with pytest.raises(RuntimeError):
        write_docx(_document(tmp_path), tmp_path / "m.docx")
    assert signalled == []


def test_cancelling_kills_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    children: list[int] = []
    start = parallel.SecondHalf.start.__func__  # type: ignore[attr-defined]

    def recording(cls: type[parallel.SecondHalf], *args: object) -> parallel.SecondHalf | None:
        half = start(cls, *args)
        if half is not None:
            children.append(half.pid)
        return half

    monkeypatch.setattr(parallel.SecondHalf, "start", classmethod(recording))
    checks = iter([False] * 3 + [True] * 1000)
    parallel.MIN_BLOCKS = 10
    with pytest.raises(ExportCancelled):
        write_docx(_document(tmp_path), tmp_path / "c.docx", is_cancelled=lambda: next(checks))
    assert len(children) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0], os.WNOHANG)  # reaped: no process, no zombie


def test_short_or_stateful_documents_are_written_by_one_process(tmp_path: Path) -> None:
    document = _document(tmp_path)
    assert parallel.can_fork(document.blocks, _writer_for(document)) is False  # < MIN_BLOCKS
    parallel.MIN_BLOCKS = 10
    assert parallel.can_fork(document.blocks, _writer_for(document)) is True
    landscape = [*document.blocks, ast.OrientedSection(True, [para("wide")])]
    assert parallel.can_fork(landscape, _writer_for(document)) is False
    assert parallel.split_point([para("a"), para("b")]) is None


def _writer_for(document: ast.Document) -> BlockWriter:
    blocks = DocxWriter(None, TemplateContext(title=document.title))._block_writer(None)
    blocks.plan_tocs(document.blocks)
    return blocks
