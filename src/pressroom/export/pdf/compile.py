"""Compiling a prepared Typst folder to PDF in a child process with limits.

Typst runs in its own process (``compile_worker``), never in the API or the job
worker itself: the child caps its address space and CPU time with
``resource.setrlimit``; the parent stops it at the wall-clock limit or when the
export is cancelled, and turns what went wrong into one :class:`CompileFailed`.
"""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

POLL_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class CompileLimits:
    seconds: float = 600.0
    memory_bytes: int = 4 * 1024**3


@dataclass(frozen=True, slots=True)
class CompileRequest:
    root: Path
    main: str
    output: Path
    standards: list[str] = field(default_factory=list)
    font_paths: list[Path] = field(default_factory=list)
    timestamp: datetime | None = None


class CompileFailed(Exception):
    """Typst refused the document or the compile hit a limit. ``kind`` is ``typst``
    (``diagnostic`` says file and line), ``memory``, ``time`` or ``crash``."""

    def __init__(self, kind: str, message: str, diagnostic: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.diagnostic = diagnostic


class CompileCancelled(Exception):
    pass


def compile_pdf(
    request: CompileRequest,
    limits: CompileLimits,
    is_cancelled: Callable[[], bool] | None = None,
) -> list[str]:
    """Compile ``request.root / request.main`` to ``request.output``; returns Typst's
    warnings. Raises :class:`CompileFailed` or :class:`CompileCancelled`."""
    payload = json.dumps(
        {
            "root": str(request.root),
            "main": request.main,
            "output": str(request.output),
            "standards": request.standards,
            "font_paths": [str(p) for p in request.font_paths],
            "timestamp": int(request.timestamp.timestamp()) if request.timestamp else None,
            "memory_bytes": limits.memory_bytes,
            "cpu_seconds": max(1, math.ceil(limits.seconds)),
        }
    )
    command = [sys.executable, "-m", "pressroom.export.pdf.compile_worker"]
    # Files, not pipes: a child with much to say never blocks on a full pipe.
    with (
        tempfile.TemporaryFile() as stdin,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        stdin.write(payload.encode())
        stdin.seek(0)
        process = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
            command, stdin=stdin, stdout=out, stderr=err, cwd=request.root
        )
        _wait(process, limits, is_cancelled)
        out.seek(0)
        err.seek(0)
        return _outcome(process.returncode, out.read(), err.read(), limits)


def _wait(
    process: subprocess.Popen[bytes],
    limits: CompileLimits,
    is_cancelled: Callable[[], bool] | None,
) -> None:
    deadline = time.monotonic() + limits.seconds
    while True:
        try:
            process.wait(timeout=POLL_SECONDS)
            return
        except subprocess.TimeoutExpired:
            pass
        if is_cancelled is not None and is_cancelled():
            _stop(process)
            raise CompileCancelled
        if time.monotonic() > deadline:
            _stop(process)
            raise CompileFailed("time", f"Typesetting took longer than {limits.seconds:g} s.")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait()


def _outcome(code: int, out: bytes, err: bytes, limits: CompileLimits) -> list[str]:
    answer = _answer(out)
    if code == 0 and answer is not None:
        warnings = answer.get("warnings")
        if answer.get("ok"):
            return [str(w) for w in warnings] if isinstance(warnings, list) else []
        raise CompileFailed("typst", str(answer.get("message")), str(answer.get("diagnostic", "")))
    if code in (-signal.SIGXCPU, -signal.SIGKILL) and b"MemoryError" not in err:
        raise CompileFailed("time", f"Typesetting used more than {limits.seconds:g} s of CPU time.")
    if code == -signal.SIGABRT or b"memory allocation" in err or b"MemoryError" in err:
        raise CompileFailed(
            "memory",
            f"Typesetting needed more than {limits.memory_bytes // 1024**2} MB of memory.",
        )
    tail = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit code {code}"]
    raise CompileFailed("crash", f"The typesetting process failed: {tail[0][:300]}")


def _answer(out: bytes) -> dict[str, object] | None:
    lines = out.decode(errors="replace").strip().splitlines()
    if not lines:
        return None
    try:
        answer = json.loads(lines[-1])
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None
