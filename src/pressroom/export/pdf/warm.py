"""A warm compile process for small documents: Typst loaded and the fonts found once
per export worker, so a one-page export does not pay ~0.3 s of process start and
font discovery. Large documents always get a fresh process (``compile_pdf``), so the
warm one never grows; a warm process that failed, timed out or was cancelled is
ended and started anew on the next request.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import IO, Any

from pressroom.export.pdf.compile import (
    POLL_SECONDS,
    WORKER_SCRIPT,
    CompileCancelled,
    CompileFailed,
    CompileLimits,
    outcome,
)


class WarmCompiler:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._memory = 0

    def try_compile(
        self,
        payload: dict[str, Any],
        limits: CompileLimits,
        is_cancelled: Callable[[], bool] | None,
    ) -> list[str] | None:
        """The warnings, or None when the warm process is busy (compile elsewhere)."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            process = self._started(limits.memory_bytes)
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(json.dumps(payload).encode() + b"\n")
            process.stdin.flush()
            line = self._answer(process, limits, is_cancelled)
            if not line:
                self._end()
                return outcome(process.returncode or -1, b"", self._errors(), limits)
            return outcome(0, line, b"", limits)
        except (BrokenPipeError, OSError):
            self._end()
            return None
        finally:
            self._lock.release()

    def _started(self, memory: int) -> subprocess.Popen[bytes]:
        if self._process is not None and (
            self._process.poll() is not None or memory != self._memory
        ):
            self._end()
        if self._process is None:
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115  (lives with the process)
            self._process = subprocess.Popen(  # noqa: S603  (our own interpreter and script)
                [sys.executable, "-I", str(WORKER_SCRIPT), "--serve", str(memory)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
            self._memory = memory
        return self._process

    def _answer(
        self,
        process: subprocess.Popen[bytes],
        limits: CompileLimits,
        is_cancelled: Callable[[], bool] | None,
    ) -> bytes:
        assert process.stdout is not None
        deadline = time.monotonic() + limits.seconds
        while True:
            ready, _, _ = select.select([process.stdout], [], [], POLL_SECONDS)
            if ready:
                return process.stdout.readline()
            if is_cancelled is not None and is_cancelled():
                self._end()
                raise CompileCancelled
            if time.monotonic() > deadline:
                self._end()
                raise CompileFailed("time", f"Typesetting took longer than {limits.seconds:g} s.")

    def _errors(self) -> bytes:
        if self._stderr is None:
            return b""
        self._stderr.seek(0)
        return self._stderr.read()

    def _end(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()
        if self._stderr is not None:
            self._stderr.close()
        self._process, self._stderr = None, None


WARM = WarmCompiler()
