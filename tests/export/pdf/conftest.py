"""Rendering storage-format page trees to PDF offline, as ``pressroom render`` does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pressroom.export.render import render_path

Render = Callable[..., tuple[Path, list[str]]]


@pytest.fixture
def render(tmp_path: Path) -> Render:
    """``render({"01 Title.xml": storage, ...})`` → (the PDF, the warnings)."""

    def run(
        pages: dict[str, str | bytes],
        template: Path | None = None,
        template_id: str | None = None,
    ) -> tuple[Path, list[str]]:
        tree = tmp_path / "tree"
        for name, content in pages.items():
            path = tree / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, "utf-8")
        out = tmp_path / "out.pdf"
        source = tree if len(pages) > 1 else tree / next(iter(pages))
        warnings = render_path(source, out, template=template, template_id=template_id)
        return out, warnings

    return run
