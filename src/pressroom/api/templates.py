"""``/plugins/servlet/scroll-office/api/templates``: the Word templates of the Scroll
Word Exporter, as its UI and public scripts use them.

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
    DOCX_MEDIA_TYPE,
    SavedTemplate,
    TemplateInfo,
    TemplateStore,
    TemplateUpload,
)

PREFIX = "/plugins/servlet/scroll-office/api/templates"
EXPORT_SYNC_PATH = "/plugins/servlet/scroll-office/api/public/1/export-sync"

JSON = dict[str, Any]


def template_store(db: DbDep, settings: SettingsDep) -> TemplateStore:
    return TemplateStore(db, settings)


StoreDep = Annotated[TemplateStore, Depends(template_store)]
TemplateFile = Annotated[UploadFile, File(description="The Word template (.docx)")]
NameField = Annotated[str | None, Form(max_length=255)]
DescriptionField = Annotated[str | None, Form(max_length=10_000)]

XSRF_CHECKED = [Depends(require_xsrf_token)]

router = APIRouter(prefix=PREFIX, tags=["templates"])


def export_sync_url(base: str, template_id: str) -> str:
    """The export-sync REST URL of a template, with ``PAGE-ID`` to replace."""
    return f"{base}{EXPORT_SYNC_PATH}?templateId={quote(template_id)}&pageId=PAGE-ID&scope=current"


def template_json(info: TemplateInfo, base: str) -> JSON:
    """One template as the list shows it."""
    return {
        "id": info.id,
        "name": info.name,
        "description": info.description,
        "spaceKey": info.space_key,
        "type": "space" if info.space_key else "global",
        "creator": info.creator,
        "modifiedDate": iso(info.modified_at) if info.modified_at else None,
        "restUrl": export_sync_url(base, info.id),
    }


def template_information_json(info: TemplateInfo, base: str) -> JSON:
    """The "Template information" dialog: the list fields plus the file and its URLs."""
    return {
        **template_json(info, base),
        "exportSyncUrl": export_sync_url(base, info.id),
        "builtIn": info.builtin,
        "fileName": info.file_name,
        "fileSize": info.file_size,
        "downloadUrl": f"{base}{PREFIX}/{quote(info.id)}/download",
    }


def saved_json(saved: SavedTemplate, base: str) -> JSON:
    return {**template_information_json(saved.info, base), "warnings": saved.warnings}


def read_upload(file: BinaryIO, limit: int) -> bytes:
    """At most ``limit + 1`` bytes: enough to tell that a file is over the limit."""
    return file.read(limit + 1)


@router.get("")
def list_templates(
    store: StoreDep,
    identity: IdentityDep,
    base: OriginDep,
    spaceKey: Annotated[str | None, Query(max_length=255)] = None,  # noqa: N803
) -> list[JSON]:
    return [template_json(info, base) for info in store.available(identity, spaceKey)]


@router.get("/{template_id}")
def get_template(template_id: str, store: StoreDep, identity: IdentityDep, base: OriginDep) -> JSON:
    return template_information_json(store.get(identity, template_id), base)


@router.get("/{template_id}/download")
def download_template(template_id: str, store: StoreDep, identity: IdentityDep) -> FileResponse:
    info, path = store.download(identity, template_id)
    return FileResponse(
        path,
        media_type=DOCX_MEDIA_TYPE,
        headers={"Content-Disposition": content_disposition(info.file_name)},
    )


@router.post("", status_code=201, dependencies=XSRF_CHECKED)
def upload_template(
    file: TemplateFile,
    store: StoreDep,
    identity: IdentityDep,
    base: OriginDep,
    name: NameField = None,
    description: DescriptionField = None,
    spaceKey: Annotated[str | None, Form(max_length=255)] = None,  # noqa: N803
) -> JSON:
    upload = TemplateUpload(
        data=read_upload(file.file, store.limits.max_bytes),
        file_name=file.filename or "",
        name=name,
        description=description,
        space_key=spaceKey or None,
    )
    return saved_json(store.upload(identity, upload), base)


@router.put("/{template_id}", dependencies=XSRF_CHECKED)
def replace_template(
    template_id: str,
    file: TemplateFile,
    store: StoreDep,
    identity: IdentityDep,
    base: OriginDep,
    name: NameField = None,
    description: DescriptionField = None,
) -> JSON:
    upload = TemplateUpload(
        data=read_upload(file.file, store.limits.max_bytes),
        file_name=file.filename or "",
        name=name or None,
        description=description,
    )
    return saved_json(store.replace(identity, template_id, upload), base)


@router.delete("/{template_id}", status_code=204)
def delete_template(template_id: str, store: StoreDep, identity: IdentityDep) -> Response:
    store.delete(identity, template_id)
    return Response(status_code=204)
