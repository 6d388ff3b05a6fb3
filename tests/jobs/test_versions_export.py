"""versionId, variantId, languageKey, locale and timeZone through the public export API:
each selects what the exported document holds, and the export log says what was taken."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime

import docx
import docx.document
import pypdf
import pytest
from docx.oxml.ns import qn
from fastapi.testclient import TestClient

from tests.conftest import create_page, create_space
from tests.jobs.conftest import (
    DEFAULT_TEMPLATE,
    WORD_BASE,
    ThreadWorkers,
    finished,
    wait_for_status,
)

VERSIONS = "/rest/scroll-versions/1.0"
TRANSLATIONS = "/rest/scroll-translations/1.0"
KEY = "VER"


def conditional(body: str, inline: bool = False, **values: str) -> str:
    name = "scroll-conditional-content" if inline else "conditional-content"
    parameters = "".join(
        f'<ac:parameter ac:name="{attribute}">{value}</ac:parameter>'
        for attribute, value in values.items()
    )
    return (
        f'<ac:structured-macro ac:name="{name}">{parameters}'
        f"<ac:rich-text-body>{body}</ac:rich-text-body></ac:structured-macro>"
    )


def ok(response, status: int = 200) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    return response.json()


def new_version(client: TestClient, name: str, preceding: str | None = None) -> str:
    body = {"name": name, "precedingVersionId": preceding}
    return str(ok(client.post(f"{VERSIONS}/versions/{KEY}", json=body), 201)["id"])


def edit(client: TestClient, page: str, version: str, body: str, state: str = "changed") -> dict:
    payload = {"body": body, "state": state}
    return ok(client.put(f"{VERSIONS}/page/{KEY}/{page}/{version}", json=payload))


def export_text(client: TestClient, page: str, **parameters: str) -> str:
    params = {"templateId": DEFAULT_TEMPLATE, "pageId": page, **parameters}
    response = client.get(f"{WORD_BASE}/export-sync", params=params)
    assert response.status_code == 200, response.text
    document = docx.Document(io.BytesIO(response.content))
    return "\n".join(p.text for p in document.paragraphs)


def export_log(client: TestClient, page: str, **parameters: str) -> list[str]:
    body = {"pageId": page, "templateId": DEFAULT_TEMPLATE, **parameters}
    job = ok(client.post(f"{WORD_BASE}/exports", json=body))["jobId"]
    status = wait_for_status(client, job, finished)
    assert status["status"] == "complete", status
    return list(status["log"])


@pytest.fixture
def versioned(
    job_client: TestClient, start_workers: Callable[..., ThreadWorkers]
) -> tuple[TestClient, dict[str, str]]:
    """Space VER: page Guide with a child Setup; versions 1.0 <- 2.0 <- 3.0. Guide is
    edited in 2.0; Setup is removed in 3.0; 'What is new' is new in 2.0."""
    start_workers(1)
    client = job_client
    create_space(client, KEY)
    guide = str(create_page(client, "Guide", "<p>Guide as first written.</p>", KEY)["id"])
    setup = str(create_page(client, "Setup", "<p>Setup steps.</p>", KEY, parent=guide)["id"])
    news = str(create_page(client, "What is new", "<p>Fresh.</p>", KEY, parent=guide)["id"])
    one = new_version(client, "1.0")
    two = new_version(client, "2.0", one)
    three = new_version(client, "3.0", two)
    edit(client, guide, two, "<p>Guide rewritten for 2.0.</p>")
    edit(client, news, two, "<p>New in 2.0.</p>", state="new")
    edit(client, setup, three, "", state="removed")
    ids = {"guide": guide, "setup": setup, "news": news, "1": one, "2": two, "3": three}
    return client, ids


def test_a_page_edited_in_version_2_exports_as_each_version_holds_it(versioned) -> None:  # type: ignore[no-untyped-def]
    client, ids = versioned
    first = export_text(client, ids["guide"], versionId=ids["1"])
    second = export_text(client, ids["guide"], versionId=ids["2"])
    third = export_text(client, ids["guide"], versionId=ids["3"])
    assert "Guide as first written." in first and "rewritten" not in first
    assert "Guide rewritten for 2.0." in second and "first written" not in second
    assert "Guide rewritten for 2.0." in third  # 3.0 inherits from 2.0


def test_new_and_removed_pages_follow_the_chain(versioned) -> None:  # type: ignore[no-untyped-def]
    client, ids = versioned
    tree = {"scope": "descendants"}
    first = export_text(client, ids["guide"], versionId=ids["1"], **tree)
    second = export_text(client, ids["guide"], versionId=ids["2"], **tree)
    third = export_text(client, ids["guide"], versionId=ids["3"], **tree)
    assert "Setup steps." in first and "What is new" not in first
    assert "Setup steps." in second and "New in 2.0." in second
    assert "Setup" not in third and "New in 2.0." in third


def test_the_default_is_the_current_version_else_the_latest(versioned) -> None:  # type: ignore[no-untyped-def]
    client, ids = versioned
    assert "rewritten" in export_text(client, ids["guide"])  # latest: 3.0
    ok(client.put(f"{VERSIONS}/config/{KEY}", json={"currentVersionId": ids["1"]}))
    assert "first written" in export_text(client, ids["guide"])
    assert "first written" in export_text(client, ids["guide"], versionId="current")


def test_unknown_ids_are_400_naming_the_parameter(versioned) -> None:  # type: ignore[no-untyped-def]
    client, ids = versioned
    for parameter, where in (
        ("versionId", f"/rest/scroll-versions/1.0/versions/{KEY}"),
        ("variantId", f"/rest/scroll-versions/1.0/variant/{KEY}"),
        ("languageKey", f"/rest/scroll-translations/1.0/languages/{KEY}"),
    ):
        params = {"templateId": DEFAULT_TEMPLATE, "pageId": ids["guide"], parameter: "9999"}
        response = client.get(f"{WORD_BASE}/export-sync", params=params)
        assert response.status_code == 400, response.text
        message = response.json()["message"]
        assert parameter in message and "9999" in message and where in message
    body = {"pageId": ids["guide"], "templateId": DEFAULT_TEMPLATE, "timeZone": "Mars/Olympus"}
    response = client.post(f"{WORD_BASE}/exports", json=body)
    assert response.status_code == 400 and "timeZone" in response.json()["message"]


def test_a_page_absent_from_the_version_is_a_400(versioned) -> None:  # type: ignore[no-untyped-def]
    client, ids = versioned
    params = {"templateId": DEFAULT_TEMPLATE, "pageId": ids["news"], "versionId": ids["1"]}
    response = client.get(f"{WORD_BASE}/export-sync", params=params)
    assert response.status_code == 400
    assert "version 1.0" in response.json()["message"]


def test_the_log_names_the_version_and_each_inherited_page(versioned) -> None:  # type: ignore[no-untyped-def]
    client, ids = versioned
    log = export_log(client, ids["guide"], versionId=ids["3"], scope="descendants")
    assert f"Exported version 3.0 (id {ids['3']}), all variants, language en (English)." in log
    assert "Guide: inherited from version 2.0" in log
    assert "What is new: inherited from version 2.0" in log
    assert "Setup: not in version 3.0; left out with its subtree" in log


def test_version_placeholders_are_filled(versioned) -> None:  # type: ignore[no-untyped-def]
    client, ids = versioned
    template = _template_with("Release $scroll.version.name / $scroll.versionname")
    upload = client.post(
        "/plugins/servlet/scroll-office/api/templates",
        files={"file": ("t.docx", template)},
        data={"spaceKey": KEY, "name": "Versioned"},
        headers={"X-Atlassian-Token": "no-check"},
    )
    template_id = ok(upload, 201)["id"]
    params = {"templateId": template_id, "pageId": ids["guide"], "versionId": ids["2"]}
    response = client.get(f"{WORD_BASE}/export-sync", params=params)
    assert response.status_code == 200, response.text
    texts = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert "Release 2.0 / 2.0" in texts


def _template_with(line: str) -> bytes:
    from pressroom.export.docx.default_template import default_template_bytes

    document = docx.Document(io.BytesIO(default_template_bytes()))
    document.add_paragraph(line)
    document.add_paragraph("$scroll.content")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- variants -----------------------------------------------------------------------------


@pytest.fixture
def variants(
    job_client: TestClient, start_workers: Callable[..., ThreadWorkers]
) -> tuple[TestClient, dict[str, str]]:
    """Space VER: attribute Platform (Windows, Linux), variants Windows and Linux; page
    Install with conditional content, a child 'Linux only' that carries Platform=Linux
    and its own child."""
    start_workers(1)
    client = job_client
    create_space(client, KEY)
    attribute = ok(
        client.post(
            f"{VERSIONS}/attribute/{KEY}", json={"name": "Platform", "values": ["Windows", "Linux"]}
        ),
        201,
    )
    values = {v["name"]: v["id"] for v in attribute["values"]}
    variant_ids = {}
    for name in ("Windows", "Linux"):
        body = {
            "name": name,
            "attributes": [{"attributeId": attribute["id"], "valueIds": [values[name]]}],
        }
        variant_ids[name] = ok(client.post(f"{VERSIONS}/variant/{KEY}", json=body), 201)["id"]
    body = (
        "<p>Everyone reads this.</p>"
        + conditional("<p>Run setup.exe.</p>", Platform="Windows")
        + conditional("<p>Run ./setup.sh.</p>", Platform="Linux")
        + "<p>Press "
        + conditional("<p>Ctrl+Alt+Del</p>", inline=True, condition="Platform = Windows")
        + conditional("<p>Ctrl+Alt+F1</p>", inline=True, condition="Platform != Windows")
        + " to log in.</p>"
    )
    install = str(create_page(client, "Install", body, KEY)["id"])
    linux = str(
        create_page(client, "Linux only", "<p>Kernel notes.</p>", KEY, parent=install)["id"]
    )
    create_page(client, "Distributions", "<p>Debian and more.</p>", KEY, parent=linux)
    ok(client.put(f"{VERSIONS}/page-attributes/{linux}", json={"valueIds": [values["Linux"]]}))
    return client, {"install": install, **variant_ids}


def test_conditional_content_shows_only_in_matching_variants(variants) -> None:  # type: ignore[no-untyped-def]
    client, ids = variants
    windows = export_text(client, ids["install"], variantId=ids["Windows"])
    linux = export_text(client, ids["install"], variantId=ids["Linux"])
    every = export_text(client, ids["install"])
    assert "Everyone reads this." in windows and "Everyone reads this." in linux
    assert "Run setup.exe." in windows and "setup.sh" not in windows
    assert "Run ./setup.sh." in linux and "setup.exe" not in linux
    assert "Press Ctrl+Alt+Del to log in." in windows
    assert "Press Ctrl+Alt+F1 to log in." in linux
    assert "Run setup.exe." in every and "Run ./setup.sh." in every
    assert "Ctrl+Alt+Del" in every and "Ctrl+Alt+F1" in every
    assert every == export_text(client, ids["install"], variantId="all")


def test_a_page_outside_the_variant_is_left_out_with_its_subtree(variants) -> None:  # type: ignore[no-untyped-def]
    client, ids = variants
    tree = {"scope": "descendants"}
    windows = export_text(client, ids["install"], variantId=ids["Windows"], **tree)
    linux = export_text(client, ids["install"], variantId=ids["Linux"], **tree)
    assert "Kernel notes." not in windows and "Debian" not in windows
    assert "Kernel notes." in linux and "Debian and more." in linux


def test_the_variant_and_what_it_leaves_out_are_in_the_log(variants) -> None:  # type: ignore[no-untyped-def]
    client, ids = variants
    log = export_log(client, ids["install"], variantId=ids["Linux"])
    assert any(f"variant Linux (id {ids['Linux']})" in line for line in log)
    log = export_log(client, ids["install"], variantId=ids["Windows"], scope="descendants")
    assert "Linux only: its attributes exclude variant Windows; left out with its subtree" in log


# --- translations ---------------------------------------------------------------------


@pytest.fixture
def translated(
    job_client: TestClient, start_workers: Callable[..., ThreadWorkers]
) -> tuple[TestClient, dict[str, str]]:
    start_workers(1)
    client = job_client
    create_space(client, KEY)
    manual = str(create_page(client, "Manual", "<p>Read me first.</p>", KEY)["id"])
    str(create_page(client, "Appendix", "<p>Tables and lists.</p>", KEY, parent=manual)["id"])
    ok(client.post(f"{TRANSLATIONS}/languages/{KEY}", json={"key": "de_DE"}), 201)
    translation = {"title": "Handbuch", "body": "<p>Zuerst lesen.</p>"}
    ok(client.put(f"{VERSIONS}/translation/{manual}/de_DE", json=translation))
    return client, {"manual": manual}


def test_a_translated_export_falls_back_to_the_default_language(translated) -> None:  # type: ignore[no-untyped-def]
    client, ids = translated
    german = export_text(client, ids["manual"], languageKey="de_DE", scope="descendants")
    assert "Handbuch" in german and "Zuerst lesen." in german
    assert "Tables and lists." in german  # Appendix has no German translation
    assert "Read me first." in export_text(client, ids["manual"])
    log = export_log(client, ids["manual"], languageKey="de-de", scope="descendants")
    assert any("language de_DE (German (Germany))" in line for line in log)
    assert "Appendix: no German (Germany) (de_DE) translation; exported in en instead" in log


def test_a_translation_speaks_its_language_unless_a_locale_is_asked_for(translated) -> None:  # type: ignore[no-untyped-def]
    client, ids = translated
    german = [p.text for p in word_export(client, ids["manual"], languageKey="de_DE").paragraphs]
    assert "Inhalt" in german and "Contents" not in german
    asked = word_export(client, ids["manual"], languageKey="de_DE", locale="fr")
    assert "Table des matières" in [p.text for p in asked.paragraphs]


def test_a_language_key_finds_its_language_by_country_then_language(translated) -> None:  # type: ignore[no-untyped-def]
    client, ids = translated
    assert "Zuerst lesen." in export_text(client, ids["manual"], languageKey="de_DE_formal")


# --- locale -------------------------------------------------------------------------------

PDF_BASE = "/plugins/servlet/scroll-pdf/api/public/1"
PDF_TEMPLATE = "com.k15t.scroll.pdf.default-template-documentation"


def word_export(client: TestClient, page: str, **parameters: str) -> docx.document.Document:
    params = {"templateId": DEFAULT_TEMPLATE, "pageId": page, **parameters}
    response = client.get(f"{WORD_BASE}/export-sync", params=params)
    assert response.status_code == 200, response.text
    return docx.Document(io.BytesIO(response.content))


def footer_text(document: docx.document.Document) -> str:
    footer = document.sections[0].footer._element
    return "".join(t.text or "" for t in footer.iter(qn("w:t")))


@pytest.mark.parametrize(
    ("locale", "contents", "page", "lang"),
    [
        ("de-DE", "Inhalt", "Seite ", "de-DE"),
        ("fr", "Table des matières", "Page ", "fr-FR"),
        ("es-ES", "Contenido", "Página ", "es-ES"),
        ("ja-JP", "目次", " / ", "ja-JP"),
        ("ko-KR", "목차", " / ", "ko-KR"),
        ("zh-CN", "目录", "第 ", "zh-CN"),
    ],
)
def test_word_prints_its_words_and_language_in_the_locale(
    job_client: TestClient,
    start_workers: Callable[..., ThreadWorkers],
    locale: str,
    contents: str,
    page: str,
    lang: str,
) -> None:
    start_workers(1)
    create_space(job_client, KEY)
    guide = str(create_page(job_client, "Guide", "<p>Text.</p>", KEY)["id"])
    document = word_export(job_client, guide, locale=locale)
    texts = [p.text for p in document.paragraphs]
    assert contents in texts and "Contents" not in texts
    assert page in footer_text(document)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    tagged = {
        value
        for element in defaults.iter(qn("w:lang"))
        for value in (element.get(qn("w:val")), element.get(qn("w:eastAsia")))
    }
    assert lang in tagged


def test_dates_follow_the_locale_and_time_zone(
    job_client: TestClient, start_workers: Callable[..., ThreadWorkers], clock
) -> None:  # type: ignore[no-untyped-def]
    start_workers(1)
    create_space(job_client, KEY)
    guide = str(create_page(job_client, "Guide", "<p>Text.</p>", KEY)["id"])
    clock.now = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    english = [p.text for p in word_export(job_client, guide).paragraphs]
    assert "Exported on 31 December 2026" in english
    german = [
        p.text
        for p in word_export(job_client, guide, locale="de-DE", timeZone="Europe/Berlin").paragraphs
    ]
    assert "Exportiert am 1. Januar 2027" in german
    japanese = [p.text for p in word_export(job_client, guide, locale="ja-JP").paragraphs]
    assert "エクスポート日: 2026年12月31日" in japanese


def test_the_server_default_locale_applies_when_none_is_asked_for(
    job_app, job_client: TestClient, start_workers: Callable[..., ThreadWorkers]
) -> None:  # type: ignore[no-untyped-def]
    job_app.state.settings.default_locale = "fr-FR"
    start_workers(1)
    create_space(job_client, KEY)
    guide = str(create_page(job_client, "Guide", "<p>Text.</p>", KEY)["id"])
    assert "Table des matières" in [p.text for p in word_export(job_client, guide).paragraphs]
    assert "Inhalt" in [p.text for p in word_export(job_client, guide, locale="de").paragraphs]


def test_pdf_prints_its_words_and_language_in_the_locale(
    job_client: TestClient, start_workers: Callable[..., ThreadWorkers]
) -> None:
    start_workers(1)
    create_space(job_client, KEY)
    guide = str(create_page(job_client, "Guide", "<p>Text.</p>", KEY)["id"])
    params = {"templateId": PDF_TEMPLATE, "pageId": guide, "locale": "de-DE"}
    response = job_client.get(f"{PDF_BASE}/export-sync", params=params)
    assert response.status_code == 200, response.text
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Inhalt" in text and re.search(r"Seite \d+ von \d+", text)
    assert "Contents" not in text
    assert str(reader.trailer["/Root"].get("/Lang")).startswith("de")


def test_version_variant_and_language_placeholders_are_filled(
    job_client: TestClient, start_workers: Callable[..., ThreadWorkers]
) -> None:
    start_workers(1)
    client = job_client
    create_space(client, KEY)
    page = str(create_page(client, "Guide", "<p>Text.</p>", KEY)["id"])
    version = new_version(client, "4.2")
    attribute = ok(
        client.post(f"{VERSIONS}/attribute/{KEY}", json={"name": "Edition", "values": ["Cloud"]}),
        201,
    )
    selection = [{"attributeId": attribute["id"], "valueIds": [attribute["values"][0]["id"]]}]
    body = {"name": "Cloud edition", "attributes": selection}
    variant = ok(client.post(f"{VERSIONS}/variant/{KEY}", json=body), 201)["id"]
    ok(client.post(f"{TRANSLATIONS}/languages/{KEY}", json={"key": "fr"}), 201)
    line = (
        "V=$scroll.version.name|$scroll.versionname "
        "W=$scroll.variant.name|$scroll.variantname L=$scroll.language"
    )
    upload = client.post(
        "/plugins/servlet/scroll-office/api/templates",
        files={"file": ("t.docx", _template_with(line))},
        data={"spaceKey": KEY, "name": "Placeholders"},
        headers={"X-Atlassian-Token": "no-check"},
    )
    params = {
        "templateId": ok(upload, 201)["id"],
        "pageId": page,
        "versionId": version,
        "variantId": variant,
        "languageKey": "fr",
    }
    response = client.get(f"{WORD_BASE}/export-sync", params=params)
    assert response.status_code == 200, response.text
    texts = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert "V=4.2|4.2 W=Cloud edition|Cloud edition L=French" in texts


def test_the_export_dialog_offers_the_versions_and_exports_the_one_chosen(versioned) -> None:  # type: ignore[no-untyped-def]
    client, ids = versioned
    dialog = client.get("/pages/export.action", params={"pageId": ids["guide"]})
    assert dialog.status_code == 200
    for name in ("1.0", "2.0", "3.0"):
        assert f'<option value="{ids[name[0]]}">{name}</option>' in dialog.text
    form = {"pageId": ids["guide"], "exporter": "word", "scope": "current", "versionId": ids["1"]}
    started = client.post("/pages/export.action", data=form, follow_redirects=False)
    assert started.status_code == 303, started.text
    job = started.headers["location"].rsplit("/", 1)[1]
    status = wait_for_status(client, job, finished)
    assert status["status"] == "complete", status
    document = docx.Document(io.BytesIO(client.get(status["downloadUrl"]).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Guide as first written." in text and "rewritten" not in text
