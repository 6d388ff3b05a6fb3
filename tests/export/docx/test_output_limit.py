"""PRESSROOM_MAX_EXPORT_BYTES holds while the file is written, not after."""

from __future__ import annotations

import io
import random
import string
from pathlib import Path

import docx
import pytest

from pressroom.errors import TooLarge
from pressroom.export import ast
from pressroom.export.docx import write_docx

LIMIT = 60_000


def varied_text_document(paragraphs: int) -> ast.Document:
    """Text that deflates poorly, so the file grows with the content."""
    words = random.Random(7)
    blocks: list[ast.Block] = [
        ast.Paragraph([ast.Text("".join(words.choices(string.ascii_letters, k=400)))])
        for _ in range(paragraphs)
    ]
    return ast.Document("Big", blocks)


def test_the_file_stops_growing_at_the_limit() -> None:
    out = io.BytesIO()
    with pytest.raises(TooLarge, match=f"limit of {LIMIT} bytes"):
        write_docx(varied_text_document(1000), out, max_bytes=LIMIT)
    assert 0 < len(out.getvalue()) <= LIMIT


def test_a_file_within_the_limit_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "small.docx"
    write_docx(varied_text_document(3), target, max_bytes=LIMIT)
    assert target.stat().st_size <= LIMIT
    assert len(docx.Document(str(target)).paragraphs) > 3
