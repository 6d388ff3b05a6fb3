"""PRESSROOM_PDF_MAX_CONCURRENT_JOBS: at most that many PDF compiles at once on a
machine; a waiting job can be cancelled."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from pressroom.jobs.pdf_slots import SlotWaitCancelled, pdf_slot


def test_a_second_compile_waits_for_the_only_slot(tmp_path: Path) -> None:
    holding, release, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with pdf_slot(tmp_path, 1):
            order.append("first in")
            holding.set()
            release.wait(30)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(30)
    waited = threading.Event()

    def cancel_check() -> bool:
        waited.set()  # asked at least once: the second compile is waiting
        release.set()
        return False

    with pdf_slot(tmp_path, 1, cancel_check):
        order.append("second in")
    thread.join(30)
    assert waited.is_set()
    assert order == ["first in", "first out", "second in"]


def test_two_slots_let_two_compiles_run_together(tmp_path: Path) -> None:
    with pdf_slot(tmp_path, 2) as one, pdf_slot(tmp_path, 2, lambda: True) as two:
        assert {one, two} == {0, 1}


def test_a_waiting_job_can_be_cancelled(tmp_path: Path) -> None:
    with (
        pdf_slot(tmp_path, 1),
        pytest.raises(SlotWaitCancelled),
        pdf_slot(tmp_path, 1, lambda: True),
    ):
        pass
