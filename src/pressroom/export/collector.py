"""Pausing Python's cycle collector while a document is built."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cyclic_collector_paused() -> Iterator[None]:
    """Pause the cycle collector while a document grows or is written.

    A 1,000-page document is millions of acyclic nodes, alive until the export ends;
    every full collection would walk them all again (it more than doubles the
    assembly and costs a tenth of the writing). Reference counting still frees the
    garbage; the few cycles made meanwhile (here or in other threads) are collected
    once the collector runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
