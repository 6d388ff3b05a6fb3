"""A script written for the Scroll PDF Exporter works unchanged against Pressroom,
with Basic authentication and with a personal access token."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ADMIN, create_page, create_space, serving
from tests.jobs.conftest import ThreadWorkers
from tests.pdf_reading import outline, page_texts

SCRIPT = Path(__file__).parent / "scripts" / "scroll_pdf_export.py"


@pytest.mark.parametrize("method", ["basic", "token"])
def test_the_scroll_pdf_script_downloads_the_pdf(
    method: str,
    job_app,  # type: ignore[no-untyped-def]
    job_client: TestClient,
    start_workers: Callable[[], ThreadWorkers],
    tmp_path: Path,
) -> None:
    start_workers()
    create_space(job_client)
    root = create_page(job_client, "Operations Manual", "<p>Start here.</p>")
    create_page(job_client, "Backups", "<h1>Nightly</h1><p>Keep seven.</p>", parent=root["id"])
    if method == "token":
        created = job_client.post(
            "/rest/pat/latest/tokens", json={"name": "nightly", "expirationDuration": 30}
        )
        # "--token=…": a token may begin with "-", which argparse would take for an option
        credentials = [f"--token={created.json()['rawToken']}"]
    else:
        credentials = ["--basic", f"{ADMIN[0]}:{ADMIN[1]}"]
    with serving(job_app) as url:
        run = subprocess.run(
            [
                sys.executable,
                str(SCRIPT),
                url,
                root["id"],
                "com.k15t.scroll.pdf.default-template-documentation",
                *credentials,
                "--out-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Step 3 of 3 (100%)" in run.stdout
    [pdf] = list(tmp_path.glob("*.pdf"))
    assert pdf.name.startswith("Operations Manual-v1-")
    assert "Keep seven." in "".join(page_texts(pdf))
    assert [m.title for m in outline(pdf)][-2:] == ["1.1 Backups", "1.1.1 Nightly"]
