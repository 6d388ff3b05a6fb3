"""The VERS demo space: every combination of version, variant and language exports
different text, and each holds what its version, variant and language say."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable

import docx
import pytest
from fastapi.testclient import TestClient

from pressroom.bootstrap import bootstrap
from pressroom.config import Settings
from pressroom.content.demo import seed_demo
from pressroom.db import Database
from tests.jobs.conftest import DEFAULT_TEMPLATE, WORD_BASE, ThreadWorkers

SV = "/rest/scroll-versions/1.0"


@pytest.fixture
def demo(
    settings: Settings,
    db: Database,
    job_client: TestClient,
    start_workers: Callable[..., ThreadWorkers],
) -> TestClient:
    bootstrap(settings, db)
    seed_demo(settings, db)
    start_workers(1)
    return job_client


def ids_by_name(client: TestClient, path: str) -> dict[str, str]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return {item["name"]: item["id"] for item in response.json()}


def test_every_combination_exports_its_own_text(demo: TestClient) -> None:
    versions = ids_by_name(demo, f"{SV}/versions/VERS")
    variants = ids_by_name(demo, f"{SV}/variant/VERS")
    assert sorted(versions) == ["1.0", "2.0", "3.0"] and sorted(variants) == ["Linux", "Windows"]
    root = demo.get("/rest/api/content", params={"spaceKey": "VERS", "title": "Orbit SDK Guide"})
    page = root.json()["results"][0]["id"]
    texts: dict[tuple[str, str, str], str] = {}
    for version, variant, language in itertools.product(versions, ["all", *variants], ["en", "de"]):
        params = {
            "templateId": DEFAULT_TEMPLATE,
            "pageId": page,
            "scope": "descendants",
            "versionId": versions[version],
            "variantId": variants.get(variant, "all"),
            "languageKey": language,
        }
        response = demo.get(f"{WORD_BASE}/export-sync", params=params)
        assert response.status_code == 200, (version, variant, language, response.text)
        document = docx.Document(io.BytesIO(response.content))
        texts[(version, variant, language)] = "\n".join(p.text for p in document.paragraphs)
    assert len(set(texts.values())) == len(texts), "two combinations export the same text"

    for (version, variant, language), text in texts.items():
        installed = {
            "1.0": "from the CD-ROM",
            "2.0": "online installer",
            "3.0": "package manager",
        }[version]
        if language == "de":  # translations are per page, not per version
            installed = "Orbit installieren: siehe die Hinweise Ihrer Version."
        assert installed in text, (version, variant, language)
        assert ("Migrating from 1.x" in text) == (version != "1.0")
        assert ("Legacy API" in text) == (version != "3.0")
        assert ("Orbit ships .deb" in text) == (variant != "Windows")
        windows = "orbit-setup.exe" in text
        linux = "orbit-setup.sh" in text
        assert (windows, linux) == (variant != "Linux", variant != "Windows")
        assert ("Orbit-SDK-Handbuch" in text) == (language == "de")
        if language == "en":
            expected = {"all": "Win+RCtrl+Alt+T", "Windows": "Win+R", "Linux": "Ctrl+Alt+T"}
            assert f"Open a terminal with {expected[variant]}." in text
