"""Typst runs in a child process with a memory and time limit and can be cancelled;
the process that asked is never harmed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pressroom.export.pdf.compile import (
    CompileCancelled,
    CompileFailed,
    CompileLimits,
    CompileRequest,
    compile_pdf,
)

# Ten billion steps over small arrays: long, in little memory.
LONG_LOOP = "#let x = 0\n#for i in range(100000) { for j in range(100000) { x += 1 } }\n#x"


def _folder(tmp_path: Path, source: str) -> CompileRequest:
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.typ").write_text(source, "utf-8")
    return CompileRequest(root=root, main="main.typ", output=tmp_path / "out.pdf")


def test_a_compile_over_its_memory_limit_fails_cleanly(tmp_path: Path) -> None:
    request = _folder(tmp_path, "#for i in range(200000) [Line #i #linebreak()]")
    with pytest.raises(CompileFailed) as failed:
        compile_pdf(request, CompileLimits(seconds=120, memory_bytes=200 * 1024**2))
    assert failed.value.kind == "memory", failed.value.message
    assert not request.output.exists()


def test_a_compile_over_its_time_limit_is_stopped(tmp_path: Path) -> None:
    request = _folder(tmp_path, LONG_LOOP)
    with pytest.raises(CompileFailed) as failed:
        compile_pdf(request, CompileLimits(seconds=1, memory_bytes=2 * 1024**3))
    assert failed.value.kind == "time"


def test_a_cancelled_compile_stops(tmp_path: Path) -> None:
    request = _folder(tmp_path, LONG_LOOP)
    with pytest.raises(CompileCancelled):
        compile_pdf(request, CompileLimits(seconds=300), is_cancelled=lambda: True)


def test_files_outside_the_compile_folder_cannot_be_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret", "utf-8")
    request = _folder(tmp_path, f'#read("{os.path.relpath(secret, tmp_path / "root")}")')
    with pytest.raises(CompileFailed) as failed:
        compile_pdf(request, CompileLimits(seconds=60))
    assert failed.value.kind == "typst"
    assert "s3cret" not in failed.value.message + failed.value.diagnostic


def test_packages_are_never_downloaded(tmp_path: Path) -> None:
    request = _folder(tmp_path, '#import ("@pre" + "view/cetz:0.3.0"): *')
    with pytest.raises(CompileFailed) as failed:
        compile_pdf(request, CompileLimits(seconds=60))
    assert "Connection refused" in failed.value.message or "package" in failed.value.message


def test_the_warm_process_compiles_one_document_after_another(tmp_path: Path) -> None:
    for number, source in enumerate(["= One", "#undefined-call()", "= Three", LONG_LOOP]):
        folder = tmp_path / str(number)
        folder.mkdir()
        request = _folder(folder, source)
        limits = CompileLimits(seconds=2)
        if number == 1:
            with pytest.raises(CompileFailed) as failed:
                compile_pdf(request, limits, warm=True)
            assert failed.value.kind == "typst"
        elif number == 3:
            with pytest.raises(CompileFailed) as failed:
                compile_pdf(request, limits, warm=True)
            assert failed.value.kind == "time"
        else:
            compile_pdf(request, limits, warm=True)
            assert request.output.read_bytes().startswith(b"%PDF-")
    again = tmp_path / "again"
    again.mkdir()
    request = _folder(again, "= After a stopped compile")
    compile_pdf(request, CompileLimits(seconds=30), warm=True)
    assert request.output.exists()
