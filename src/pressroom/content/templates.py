"""The template store: global and per-space export templates, their files, and the
built-in default template.

Rows live in the ``templates`` table; files are ``home/templates/<uuid>.docx`` (no
user string ever reaches a path). A new file is written to a temporary name and moved
into place with ``os.replace``; if the row does not commit, the file is removed.
Exports find their template through :func:`resolve_template`.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar, Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity, can_view_space, visible_space_ids
from pressroom.auth.space_access import require_grant
from pressroom.clock import utcnow
from pressroom.config import Settings
from pressroom.content.models import Space
from pressroom.content.spaces import find_space
from pressroom.content.template_models import WordTemplate
from pressroom.db import Database
from pressroom.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooLarge,
)
from pressroom.export.docx import TemplateInvalid, validate_template
from pressroom.export.docx.default_template import (
    TEMPLATE_ID,
    TEMPLATE_NAME,
    default_template_bytes,
)
from pressroom.export.pdf import templates as pdf_templates
from pressroom.export.pdf.validate import validate_pdf_template

WORD: Final = "word"
PDF: Final = "pdf"
FILE_SUFFIXES: Final = {WORD: ".docx", PDF: ".zip"}
MEDIA_TYPES: Final = {
    WORD: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    PDF: "application/zip",
}
DOCX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES: Final = 50 * 1024 * 1024
UNPACKED_PER_PACKED: Final = 10
MAX_UNPACKED_BYTES: Final = 256 * 1024 * 1024
MAX_NAME_CHARS: Final = 255
MAX_DESCRIPTION_CHARS: Final = 10_000
SYSTEM_CREATOR: Final = "system"
ORPHAN_GRACE: Final = timedelta(hours=1)
# What zipfile raises for archives whose directory looks fine but whose data does not.
_DAMAGED_ZIP: Final = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


@dataclass(frozen=True, slots=True)
class TemplateLimits:
    """How large an upload may be, packed and unpacked (the zip-bomb bound)."""

    max_bytes: int
    max_uncompressed: int

    @classmethod
    def of(cls, settings: Settings) -> TemplateLimits:
        max_bytes = min(settings.max_upload_bytes, MAX_TEMPLATE_BYTES)
        return cls(max_bytes, min(max_bytes * UNPACKED_PER_PACKED, MAX_UNPACKED_BYTES))


@dataclass(frozen=True, slots=True)
class BuiltinTemplate:
    """A template that ships with Pressroom; built from code, never stored as a row."""

    id: str
    name: str
    description: str
    exporter: str
    build: Callable[[], bytes]


BUILTIN_TEMPLATES: Final = {
    TEMPLATE_ID: BuiltinTemplate(
        TEMPLATE_ID,
        TEMPLATE_NAME,
        "Cover page, table of contents, running header and page numbers.",
        WORD,
        default_template_bytes,
    ),
    **{
        builtin.id: BuiltinTemplate(
            builtin.id,
            builtin.name,
            builtin.description,
            PDF,
            functools.partial(pdf_templates.builtin_zip, builtin.id),
        )
        for builtin in pdf_templates.BUILTIN_PDF_TEMPLATES.values()
    },
}


def _builtin_by_id(template_id: str) -> BuiltinTemplate | None:
    return BUILTIN_TEMPLATES.get(pdf_templates.canonical_id(template_id))


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """What users see of a template."""

    id: str
    name: str
    description: str
    space_key: str | None
    creator: str | None
    modified_at: datetime | None
    file_name: str
    file_size: int | None
    builtin: bool = False


@dataclass(frozen=True, slots=True)
class TemplateRef:
    """A template an export can open: its .docx on disk, and its name."""

    id: str
    name: str
    path: Path


@dataclass(frozen=True, slots=True)
class TemplateUpload:
    """An uploaded file with the fields sent along; None means "not sent"."""

    data: bytes
    file_name: str
    name: str | None = None
    description: str | None = None
    space_key: str | None = None


@dataclass(frozen=True, slots=True)
class SavedTemplate:
    """A stored upload and what its author should know about its placeholders."""

    info: TemplateInfo
    warnings: list[str]


class TemplateFiles:
    """The files under ``home/templates``: ``<uuid>.docx``, built-ins under ``builtin/``."""

    _materialised: ClassVar[set[Path]] = set()
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, home: Path, exporter: str = WORD) -> None:
        self.root = home / "templates"
        self.exporter = exporter

    def path_of(self, template_id: str) -> Path:
        if str(uuid.UUID(template_id)) != template_id:
            raise ValueError(f"not a template file id: {template_id!r}")
        return self.root / f"{template_id}{FILE_SUFFIXES[self.exporter]}"

    def existing(self, template_id: str) -> Path:
        """The file of an uploaded template; NotFound when the home lost it."""
        path = self.path_of(template_id)
        if not path.is_file():
            raise NotFound(
                f"The file of template {template_id} is missing on the server. Upload it "
                "again (PUT) or ask an administrator to restore the home directory."
            )
        return path

    def stage(self, data: bytes) -> Path:
        """``data`` written and synced under a temporary name beside its final place."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".upload-", suffix=".tmp", dir=self.root)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return Path(name)

    def publish(self, staged: Path, template_id: str) -> None:
        os.replace(staged, self.path_of(template_id))

    def discard(self, staged: Path) -> None:
        staged.unlink(missing_ok=True)

    def remove(self, template_id: str) -> None:
        self.path_of(template_id).unlink(missing_ok=True)

    def unowned(self, known_ids: set[str]) -> list[Path]:
        """Files in the store whose name is no id in ``known_ids`` (built-ins aside)."""
        if not self.root.is_dir():
            return []
        return [
            path
            for path in self.root.iterdir()
            if path.is_file() and path.name.split(".")[0] not in known_ids
        ]

    def builtin_path(self, builtin: BuiltinTemplate) -> Path:
        """The built-in template's file, (re)written once per process from its builder."""
        path = self.root / "builtin" / f"{builtin.id}{FILE_SUFFIXES[builtin.exporter]}"
        with self._lock:
            if path not in self._materialised or not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.stage(builtin.build()), path)
                self._materialised.add(path)
        return path


class TemplateStore:
    """List, read, upload, replace, download and delete templates of one exporter."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        limits: TemplateLimits | None = None,
        exporter: str = WORD,
    ) -> None:
        self.db = db
        self.home = settings.home
        self.files = TemplateFiles(settings.home, exporter)
        self.limits = limits or TemplateLimits.of(settings)
        self.exporter = exporter

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.exporter]

    def available(self, identity: Identity, space_key: str | None = None) -> list[TemplateInfo]:
        """Built-in and global templates, and those of ``space_key`` (else of every
        space the caller may view)."""
        _require_login(identity, "see the templates")
        with self.db.read() as session:
            query = select(WordTemplate).where(WordTemplate.exporter == self.exporter)
            if space_key:
                space = find_space(session, identity, space_key)
                query = query.where(
                    or_(WordTemplate.space_id.is_(None), WordTemplate.space_id == space.id)
                )
            elif (visible := visible_space_ids(session, identity)) is not None:
                query = query.where(
                    or_(WordTemplate.space_id.is_(None), WordTemplate.space_id.in_(visible))
                )
            rows = session.scalars(query).all()
            uploaded = sorted(
                (_info(row) for row in rows),
                key=lambda i: (i.space_key is not None, i.space_key or "", i.name.lower()),
            )
        return self._builtins() + uploaded

    def builtins(self) -> list[TemplateInfo]:
        """The built-in templates, which anybody who may export may use."""
        return self._builtins()

    def get(self, identity: Identity, template_id: str) -> TemplateInfo:
        _require_login(identity, "see templates")
        if (builtin := self._builtin(template_id)) is not None:
            return _builtin_info(builtin)
        with self.db.read() as session:
            return _info(self._visible_row(session, identity, template_id))

    def upload(self, identity: Identity, upload: TemplateUpload) -> SavedTemplate:
        _require_login(identity, "upload templates")
        with self.db.read() as session:  # refuse before the costly checks of the file
            self._target_space(session, identity, upload.space_key)
        warnings = self._validate(upload.data, upload.file_name)
        template_id = str(uuid.uuid4())
        name = _clean_name(upload.name, upload.file_name)
        staged: Path | None = None
        try:
            with self.db.write() as session:
                space = self._target_space(session, identity, upload.space_key)
                staged = self.files.stage(upload.data)
                template = WordTemplate(
                    id=template_id,
                    exporter=self.exporter,
                    name=name,
                    description=_clean_description(upload.description) or "",
                    space_id=space.id if space else None,
                    creator_id=identity.user_id,
                )
                _describe_file(template, upload)
                session.add(template)
                session.flush()
                self.files.publish(staged, template_id)
                info = _info(template)
        except BaseException:
            if staged is not None:
                self.files.discard(staged)
                self.files.remove(template_id)
            raise
        return SavedTemplate(info, warnings)

    def replace(
        self, identity: Identity, template_id: str, upload: TemplateUpload
    ) -> SavedTemplate:
        """A new file (and optionally name and description) for an existing template."""
        _require_login(identity, "replace templates")
        self._refuse_builtin(template_id, "replaced")
        with self.db.read() as session:  # refuse before the costly checks of the file
            self._manageable_row(session, identity, template_id)
        warnings = self._validate(upload.data, upload.file_name)
        staged: Path | None = None
        try:
            with self.db.write() as session:
                template = self._manageable_row(session, identity, template_id)
                staged = self.files.stage(upload.data)
                if upload.name is not None:
                    template.name = _clean_name(upload.name, upload.file_name)
                if (description := _clean_description(upload.description)) is not None:
                    template.description = description
                _describe_file(template, upload)
                template.modified_at = utcnow()
                session.flush()
                info = _info(template)
            self.files.publish(staged, template_id)
        except BaseException:
            if staged is not None:
                self.files.discard(staged)
            raise
        return SavedTemplate(info, warnings)

    def download(self, identity: Identity, template_id: str) -> tuple[TemplateInfo, Path]:
        """The template and its file, for a download."""
        _require_login(identity, "download templates")
        if (builtin := self._builtin(template_id)) is not None:
            return _builtin_info(builtin), self.files.builtin_path(builtin)
        with self.db.read() as session:
            template = self._visible_row(session, identity, template_id)
            return _info(template), self.files.existing(template.id)

    def delete(self, identity: Identity, template_id: str) -> None:
        _require_login(identity, "delete templates")
        self._refuse_builtin(template_id, "deleted")
        with self.db.write() as session:
            session.delete(self._manageable_row(session, identity, template_id))
        self.files.remove(template_id)

    def sweep_orphans(self, now: datetime, grace: timedelta = ORPHAN_GRACE) -> int:
        """Remove files no row refers to (templates of deleted spaces, abandoned
        temporary files) once older than ``grace``, which spares uploads in flight.
        Returns how many were removed."""
        with self.db.read() as session:
            known = set(session.scalars(select(WordTemplate.id)))
        removed = 0
        for path in self.files.unowned(known):
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if now - modified > grace:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _validate(self, data: bytes, file_name: str) -> list[str]:
        """Fatal problems raise (413 too large, 400 not a usable .docx); the rest is
        returned as warnings for the template's author."""
        if self.exporter == PDF:
            return self._validate_pdf(data, file_name)
        if not data:
            raise InvalidInput("The template file is empty. Upload a .docx file saved by Word.")
        if len(data) > self.limits.max_bytes:
            raise TooLarge(
                f"The template is {len(data)} bytes; the limit is {self.limits.max_bytes} bytes. "
                "Make it smaller, e.g. by compressing its pictures in Word."
            )
        try:
            return validate_template(
                data,
                max_bytes=self.limits.max_bytes,
                max_uncompressed=self.limits.max_uncompressed,
            )
        except TemplateInvalid as exc:
            raise InvalidInput(f"This file cannot be used as a Word template: {exc}") from exc
        except _DAMAGED_ZIP as exc:
            raise InvalidInput(
                f"This file cannot be used as a Word template: its zip data is damaged ({exc}). "
                "Open it in Word and save it again as .docx."
            ) from exc

    def _validate_pdf(self, data: bytes, file_name: str) -> list[str]:
        if not data:
            raise InvalidInput("The template file is empty. Upload a .zip with template.yaml.")
        if len(data) > self.limits.max_bytes:
            raise TooLarge(
                f"The template is {len(data)} bytes; the limit is {self.limits.max_bytes} bytes."
            )
        try:
            return validate_pdf_template(
                data,
                _clean_file_name(file_name),
                max_bytes=self.limits.max_bytes,
                max_uncompressed=self.limits.max_uncompressed,
            )
        except pdf_templates.TemplateInvalid as exc:
            raise InvalidInput(f"This file cannot be used as a PDF template: {exc}") from exc

    def _builtin(self, template_id: str) -> BuiltinTemplate | None:
        builtin = _builtin_by_id(template_id)
        return builtin if builtin is not None and builtin.exporter == self.exporter else None

    def _builtins(self) -> list[TemplateInfo]:
        return [_builtin_info(b) for b in BUILTIN_TEMPLATES.values() if b.exporter == self.exporter]

    def _refuse_builtin(self, template_id: str, action: str) -> None:
        if self._builtin(template_id) is not None:
            raise Conflict(
                f"The built-in template {template_id} cannot be {action}. "
                "Download it, change it in Word and upload it as a new template."
            )

    def _visible_row(self, session: Session, identity: Identity, template_id: str) -> WordTemplate:
        return find_template(session, template_id, self.exporter, identity)

    def _manageable_row(
        self, session: Session, identity: Identity, template_id: str
    ) -> WordTemplate:
        template = self._visible_row(session, identity, template_id)
        _check_may_manage(session, identity, template.space)
        return template

    def _target_space(
        self, session: Session, identity: Identity, space_key: str | None
    ) -> Space | None:
        space = find_space(session, identity, space_key) if space_key else None
        _check_may_manage(session, identity, space)
        return space


def _check_may_manage(session: Session, identity: Identity, space: Space | None) -> None:
    """Space templates: the space's 'admin' grant; global templates: site administrators."""
    if space is not None:
        require_grant(session, identity, space, "admin", "manage its templates")
    elif not identity.is_admin:
        raise PermissionDenied(
            "Only administrators may upload, replace or delete global templates. "
            "Send a spaceKey to manage the templates of a space."
        )


def resolve_template(
    session: Session,
    template_id: str,
    *,
    home: Path,
    identity: Identity | None = None,
    exporter: str = WORD,
) -> TemplateRef:
    """The template an export of ``exporter`` uses: a built-in one (its file written
    under ``home/templates/builtin/`` on first use) or an uploaded one. With
    ``identity``, templates of spaces it may not view do not exist."""
    files = TemplateFiles(home, exporter)
    builtin = _builtin_by_id(template_id)
    if builtin is not None and builtin.exporter == exporter:
        return TemplateRef(builtin.id, builtin.name, files.builtin_path(builtin))
    template = find_template(session, template_id, exporter, identity)
    return TemplateRef(template.id, template.name, files.existing(template.id))


def find_template(
    session: Session, template_id: str, exporter: str, identity: Identity | None
) -> WordTemplate:
    """The uploaded template ``template_id`` of ``exporter``; with ``identity``, one of
    a space it may not view does not exist."""
    template = session.get(WordTemplate, template_id)
    hidden = (
        template is not None
        and identity is not None
        and template.space_id is not None
        and not can_view_space(session, identity, template.space_id)
    )
    if template is None or template.exporter != exporter or hidden:
        raise NotFound(f"No template with id {template_id} exists.")
    return template


def _require_login(identity: Identity, action: str) -> None:
    if identity.anonymous:
        raise NotAuthenticated(f"Log in to {action}.")


def _info(template: WordTemplate) -> TemplateInfo:
    return TemplateInfo(
        id=template.id,
        name=template.name,
        description=template.description,
        space_key=template.space_key,
        creator=template.creator.username if template.creator else None,
        modified_at=template.modified_at,
        file_name=template.file_name,
        file_size=template.file_size,
    )


def _builtin_info(builtin: BuiltinTemplate) -> TemplateInfo:
    return TemplateInfo(
        id=builtin.id,
        name=builtin.name,
        description=builtin.description,
        space_key=None,
        creator=SYSTEM_CREATOR,
        modified_at=None,
        file_name=f"{builtin.name}{FILE_SUFFIXES[builtin.exporter]}",
        file_size=None,
        builtin=True,
    )


def _describe_file(template: WordTemplate, upload: TemplateUpload) -> None:
    template.file_size = len(upload.data)
    template.sha256 = hashlib.sha256(upload.data).hexdigest()
    template.file_name = _clean_file_name(upload.file_name)


def _printable(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", text) if c.isprintable()).strip()


def _clean_file_name(file_name: str) -> str:
    """The last path segment, printable, at most 255 characters (it is only shown)."""
    base = _printable(file_name.replace("\\", "/").rsplit("/", 1)[-1])
    return base[:MAX_NAME_CHARS] or "template.docx"


def _clean_name(name: str | None, file_name: str) -> str:
    """The name sent, else the file name without its extension."""
    cleaned = _printable(name or "")
    if not cleaned:
        stem = _clean_file_name(file_name).rsplit(".", 1)[0]
        cleaned = stem or "Template"
    if len(cleaned) > MAX_NAME_CHARS:
        raise InvalidInput(f"The template name is longer than {MAX_NAME_CHARS} characters.")
    return cleaned


def _clean_description(description: str | None) -> str | None:
    if description is None:
        return None
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise InvalidInput(
            f"The template description is longer than {MAX_DESCRIPTION_CHARS} characters."
        )
    return description.strip()
