"""At most ``PRESSROOM_PDF_MAX_CONCURRENT_JOBS`` PDF compiles at once on one machine.

One compile of a large document holds its whole layout in memory (REFERENCES.md:
2.2 GB for 1000 sections), so the cap is per machine, not per worker: slots are lock
files under ``home/locks/<node id>/`` held with ``flock`` while Typst runs. A waiting
job keeps its heartbeat and can be cancelled.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.25


class SlotWaitCancelled(Exception):
    pass


@contextmanager
def pdf_slot(
    folder: Path, slots: int, is_cancelled: Callable[[], bool] | None = None
) -> Iterator[int]:
    """Hold one of ``slots`` slots (its number) until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        for number in range(slots):
            handle = os.open(folder / f"pdf-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            try:
                yield number
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                os.close(handle)
            return
        if is_cancelled is not None and is_cancelled():
            raise SlotWaitCancelled
        time.sleep(POLL_SECONDS)
