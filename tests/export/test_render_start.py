"""``pressroom render`` starts without the server: the command a user runs loads
neither the web framework, the database layer nor the auth code."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

SERVER_MODULES = ("sqlalchemy", "fastapi", "pressroom.auth", "pressroom.db", "pressroom.api")

_RUN_RENDER = """
import sys
from pressroom.command import main
sys.argv = ["pressroom", "render", sys.argv[1], "-o", sys.argv[2]]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
loaded = [name for name in {modules!r} if name in sys.modules]
print("loaded:", ",".join(loaded))
"""


def test_pressroom_render_loads_no_server_code(tmp_path: Path) -> None:
    source = tmp_path / "Page.xml"
    source.write_text("<h1>Hello</h1><p>A page.</p>", encoding="utf-8")
    out = tmp_path / "page.docx"
    script = _RUN_RENDER.format(modules=SERVER_MODULES)
    result = subprocess.run(
        [sys.executable, "-c", script, str(source), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "wrote" in result.stdout
    assert result.stdout.strip().endswith("loaded:")
    with zipfile.ZipFile(out) as package:
        assert b"A page." in package.read("word/document.xml")


def test_the_export_pipeline_imports_no_server_code() -> None:
    script = (
        "import sys, pressroom.export, pressroom.export.render, pressroom.export.docx;"
        f"print([name for name in {SERVER_MODULES!r} if name in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
