"""``/plugins/servlet/scroll-office/api/templates`` and ``/plugins/servlet/scroll-pdf/
api/templates``: the templates of the Scroll Word and PDF Exporters, as their UIs and
public scripts use them. One set of route functions serves both (:func:`templates_router`).

``GET ?spaceKey=KEY`` answers a bare JSON array; each item carries ``id``, ``name``,
``spaceKey`` (null for global templates), ``type`` and ``creator``, which scripts read.
"""

from __future__ import annotations

from typing import Annotated, Any, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse, Response

from pressroom.api.confluence_json import iso
from pressroom.api.deps import DbDep, IdentityDep, OriginDep, SettingsDep, require_xsrf_token
from pressroom.api.downloads import content_disposition
from pressroom.content.templates import (
    PDF,
    WORD,
    SavedTemplate,
    TemplateInfo,
    TemplateStore,
    TemplateUpload,
)

PREFIX = "/plugins/servlet/scroll-office/api/templates"
EXPORT_SYNC_PATH = "/plugins/servlet/scroll-office/api/public/1/export-sync"
PDF_PREFIX = "/plugins/servlet/scroll-pdf/api/templates"
PDF_EXPORT_SYNC_PATH = "/plugins/servlet/scroll-pdf/api/public/1/export-sync"
PATHS = {WORD: (PREFIX, EXPORT_SYNC_PATH), PDF: (PDF_PREFIX, PDF_EXPORT_SYNC_PATH)}

JSON = dict[str, Any]


def template_store(db: DbDep, settings: SettingsDep) -> TemplateStore:
    return TemplateStore(db, settings)


def pdf_template_store(db: DbDep, settings: SettingsDep) -> TemplateStore:
    return TemplateStore(db, settings, exporter=PDF)


STORES = {WORD: template_store, PDF: pdf_template_store}
FILE_DESCRIPTIONS = {
    WORD: "The Word template (.docx)",
    PDF: "The PDF template (.zip with template.yaml and/or template.typ)",
}
NameField = Annotated[str | None, Form(max_length=255)]
DescriptionField = Annotated[str | None, Form(max_length=10_000)]

XSRF_CHECKED = [Depends(require_xsrf_token)]


def export_sync_url(base: str, template_id: str, exporter: str = WORD) -> str:
    """The export-sync REST URL of a template, with ``PAGE-ID`` to replace."""
    path = PATHS[exporter][1]
    return f"{base}{path}?templateId={quote(template_id)}&pageId=PAGE-ID&scope=current"


def template_json(info: TemplateInfo, base: str, exporter: str = WORD) -> JSON:
    """One template as the list shows it; ``type`` is global or space (scripts read it),
    ``format`` the exporter."""
    return {
        "id": info.id,
        "name": info.name,
        "description": info.description,
        "spaceKey": info.space_key,
        "type": "space" if info.space_key else "global",
        "creator": info.creator,
        "modifiedDate": iso(info.modified_at) if info.modified_at else None,
        "restUrl": export_sync_url(base, info.id, exporter),
        "format": exporter,
    }


def template_information_json(info: TemplateInfo, base: str, exporter: str = WORD) -> JSON:
    """The "Template information" dialog: the list fields plus the file and its URLs."""
    return {
        **template_json(info, base, exporter),
        "exportSyncUrl": export_sync_url(base, info.id, exporter),
        "builtIn": info.builtin,
        "fileName": info.file_name,
        "fileSize": info.file_size,
        "downloadUrl": f"{base}{PATHS[exporter][0]}/{quote(info.id)}/download",
    }


def saved_json(saved: SavedTemplate, base: str, exporter: str = WORD) -> JSON:
    return {**template_information_json(saved.info, base, exporter), "warnings": saved.warnings}


def read_upload(file: BinaryIO, limit: int) -> bytes:
    """At most ``limit + 1`` bytes: enough to tell that a file is over the limit."""
    return file.read(limit + 1)


def templates_router(exporter: str) -> APIRouter:
    """The template routes of one exporter (``word`` or ``pdf``) under its prefix."""
    router = APIRouter(prefix=PATHS[exporter][0], tags=["templates"])
    store_of = Depends(STORES[exporter])
    upload_file = File(description=FILE_DESCRIPTIONS[exporter])

    @router.get("")
    def list_templates(
        identity: IdentityDep,
        base: OriginDep,
        spaceKey: Annotated[str | None, Query(max_length=255)] = None,  # noqa: N803
        store: TemplateStore = store_of,
    ) -> list[JSON]:
        return [template_json(info, base, exporter) for info in store.available(identity, spaceKey)]

    @router.get("/{template_id}")
    def get_template(
        template_id: str, identity: IdentityDep, base: OriginDep, store: TemplateStore = store_of
    ) -> JSON:
        return template_information_json(store.get(identity, template_id), base, exporter)

    @router.get("/{template_id}/download")
    def download_template(
        template_id: str, identity: IdentityDep, store: TemplateStore = store_of
    ) -> FileResponse:
        info, path = store.download(identity, template_id)
        return FileResponse(
            path,
            media_type=store.media_type,
            headers={"Content-Disposition": content_disposition(info.file_name)},
        )

    @router.post("", status_code=201, dependencies=XSRF_CHECKED)
    def upload_template(
        identity: IdentityDep,
        base: OriginDep,
        file: UploadFile = upload_file,
        name: NameField = None,
        description: DescriptionField = None,
        spaceKey: Annotated[str | None, Form(max_length=255)] = None,  # noqa: N803
        store: TemplateStore = store_of,
    ) -> JSON:
        upload = TemplateUpload(
            data=read_upload(file.file, store.limits.max_bytes),
            file_name=file.filename or "",
            name=name,
            description=description,
            space_key=spaceKey or None,
        )
        return saved_json(store.upload(identity, upload), base, exporter)

    @router.put("/{template_id}", dependencies=XSRF_CHECKED)
    def replace_template(
        template_id: str,
        identity: IdentityDep,
        base: OriginDep,
        file: UploadFile = upload_file,
        name: NameField = None,
        description: DescriptionField = None,
        store: TemplateStore = store_of,
    ) -> JSON:
        upload = TemplateUpload(
            data=read_upload(file.file, store.limits.max_bytes),
            file_name=file.filename or "",
            name=name or None,
            description=description,
        )
        return saved_json(store.replace(identity, template_id, upload), base, exporter)

    @router.delete("/{template_id}", status_code=204)
    def delete_template(
        template_id: str, identity: IdentityDep, store: TemplateStore = store_of
    ) -> Response:
        store.delete(identity, template_id)
        return Response(status_code=204)

    return router


router = templates_router(WORD)
pdf_router = templates_router(PDF)
