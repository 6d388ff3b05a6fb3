"""The exporter's OpenAPI document, and schemathesis against a live server using it."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.conftest import ADMIN, create_page, create_space, serving
from tests.jobs.conftest import ThreadWorkers

SPEC_PATH = "/download/resources/com.k15t.scroll.scroll-office/api-docs/1/openapi.yaml"
BASE = "/plugins/servlet/scroll-office/api/public/1"
PDF_SPEC_PATH = "/download/resources/com.k15t.scroll.scroll-pdf/api-docs/1/openapi.yaml"
EXPORTERS = pytest.mark.parametrize(
    ("spec_path", "app_path"),
    [(SPEC_PATH, "scroll-office"), (PDF_SPEC_PATH, "scroll-pdf")],
    ids=["word", "pdf"],
)


@EXPORTERS
def test_spec_describes_every_exporter_endpoint(
    job_client: TestClient, spec_path: str, app_path: str
) -> None:
    base = f"/plugins/servlet/{app_path}/api/public/1"
    response = job_client.get(spec_path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    spec = yaml.safe_load(response.text)
    paths = spec["paths"]
    assert all(path.startswith(f"/plugins/servlet/{app_path}/") for path in paths)
    assert set(paths[f"{base}/exports"]) == {"post"}
    assert set(paths[f"{base}/exports/{{job_id}}/status"]) == {"get"}
    assert set(paths[f"{base}/exports/{{job_id}}"]) == {"delete"}
    assert "get" in paths[f"{base}/export-sync"]
    assert "get" in paths[f"/plugins/servlet/{app_path}/api/artifacts/{{job_id}}/{{file_name}}"]
    sync_parameters = {p["name"] for p in paths[f"{base}/export-sync"]["get"]["parameters"]}
    assert {
        "templateId",
        "pageId",
        "scope",
        "locale",
        "versionId",
        "variantId",
        "languageKey",
    } <= sync_parameters
    body = spec["components"]["schemas"]["ExportParameters"]["properties"]
    assert {"pageId", "templateId", "scope", "webhookUrl"} <= set(body)
    status = spec["components"]["schemas"]["JobStatus"]["properties"]
    assert {"status", "step", "totalSteps", "stepProgress", "downloadUrl"} <= set(status)
    for item in paths.values():
        for operation in item.values():
            assert "422" not in operation["responses"]
            assert "400" in operation["responses"]
    assert "ErrorBody" in spec["components"]["schemas"]


@EXPORTERS
def test_schemathesis_finds_no_server_errors(
    job_app,  # type: ignore[no-untyped-def]
    job_client: TestClient,
    start_workers: Callable[[], ThreadWorkers],
    tmp_path: Path,
    spec_path: str,
    app_path: str,
) -> None:
    """Property-based requests from the spec: no 5xx, every answer as documented."""
    st = shutil.which("st", path=os.path.dirname(sys.executable))
    assert st, "schemathesis is a dev dependency; run `make test` to install it"
    start_workers()
    create_space(job_client)
    create_page(job_client, "Fuzzed")
    token = base64.b64encode(f"{ADMIN[0]}:{ADMIN[1]}".encode()).decode()
    with serving(job_app) as url:
        result = subprocess.run(
            [
                st,
                "run",
                f"{url}{spec_path}",
                "--url",
                url,
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,"
                "response_schema_conformance",
                "--header",
                f"Authorization: Basic {token}",
                "--max-examples",
                "40",
                "--max-time",
                "120",
                # One worker: with two threads, hypothesis on CPython 3.11 sometimes dies with
                # "AST constructor recursion depth mismatch" (an interpreter race, gh-106905).
                "--workers",
                "1",
                "--phases",
                "examples,coverage,fuzzing",
                "--suppress-health-check",
                "all",
                "--exclude-path-regex",
                "/api/templates",
            ],
            capture_output=True,
            text=True,
            timeout=400,
            check=False,
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
