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
from typing import Any

POLL_SECONDS = 0.1
WORKER_SCRIPT = Path(__file__).with_name("compile_worker.py")
WARM_MAX_MARKUP_BYTES = 256 * 1024  # about 20 pages: larger ones get a fresh process


@dataclass(frozen=True, slots=True)
class CompileLimits:
    seconds: float = 600.0
    memory_bytes: int = 6 * 1024**3


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
    warm: bool = False,
) -> list[str]:
    """Compile ``request.root / request.main`` to ``request.output``; returns Typst's
    warnings. Raises :class:`CompileFailed` or :class:`CompileCancelled`. With
    ``warm``, a small document without fonts of its own goes to this process's warm
    compile process (``warm.py``) when it is free."""
    payload = _payload(request, limits)
    small = (request.root / request.main).stat().st_size <= WARM_MAX_MARKUP_BYTES
    if warm and small and not request.font_paths:
        from pressroom.export.pdf.warm import WARM

        warnings = WARM.try_compile(payload, limits, is_cancelled)
        if warnings is not None:
            return warnings
    return _compile_alone(request, json.dumps(payload), limits, is_cancelled)


def _payload(request: CompileRequest, limits: CompileLimits) -> dict[str, Any]:
    return {
        "root": str(request.root),
        "main": request.main,
        "output": str(request.output),
        "standards": request.standards,
        "font_paths": [str(p) for p in request.font_paths],
        "timestamp": int(request.timestamp.timestamp()) if request.timestamp else None,
        "memory_bytes": limits.memory_bytes,
        "cpu_seconds": max(1, math.ceil(limits.seconds)),
    }


def _compile_alone(
    request: CompileRequest,
    payload: str,
    limits: CompileLimits,
    is_cancelled: Callable[[], bool] | None,
) -> list[str]:
    # Run by path, isolated (-I): importing the package would cost more than Typst does.
    command = [sys.executable, "-I", str(WORKER_SCRIPT)]
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
        return outcome(process.returncode, out.read(), err.read(), limits)


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


def outcome(code: int, out: bytes, err: bytes, limits: CompileLimits) -> list[str]:
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
