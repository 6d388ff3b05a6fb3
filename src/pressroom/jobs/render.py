"""The export of one job: collect (step 1), assemble (step 2), write the file (step 3).

:class:`WordRenderer` writes .docx; ``render_pdf.PdfRenderer`` shares all but the
writing step."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity
from pressroom.auth.models import User
from pressroom.clock import Clock
from pressroom.config import Settings
from pressroom.content.documents import get_content
from pressroom.content.export_selection import ExportSelection, PageResolver, choose
from pressroom.content.models import Content
from pressroom.db import Database
from pressroom.errors import NotFound, TooLarge
from pressroom.export import assemble as assembly
from pressroom.export.ast import Block, Document, Heading
from pressroom.export.collector import cyclic_collector_paused
from pressroom.export.docx import ExportCancelled as WriterCancelled
from pressroom.export.docx import Person, TemplateContext, write_docx
from pressroom.export.docx.chunks import render_processes
from pressroom.export.locales import export_locale, in_zone
from pressroom.export.storage import read_storage
from pressroom.ids import parse_content_id
from pressroom.jobs.collect import DatabasePages
from pressroom.jobs.models import ExportJob
from pressroom.jobs.progress import Checkpoint, JobCancelled
from pressroom.jobs.runner import RenderedExport
from pressroom.jobs.templates import JobTemplate, resolve_job_template

UNSAFE_FILE_CHARACTERS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class WordRenderer:
    """Renders export jobs to .docx; the callable a :class:`JobRunner` runs."""

    exporter = "word"
    exporter_extension = "docx"

    def __init__(self, settings: Settings, db: Database, clock: Clock) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock

    def __call__(self, job: ExportJob, folder: Path, checkpoint: Checkpoint) -> RenderedExport:
        # Paused from reading to writing; it resumes once the document is freed, when
        # _render returns (resumed in between, it would walk the whole document tree).
        with cyclic_collector_paused():
            return self._render(job, folder, checkpoint)

    def _render(self, job: ExportJob, folder: Path, checkpoint: Checkpoint) -> RenderedExport:
        parameters = json.loads(job.parameters or "{}")
        base_url = self.settings.base_url or parameters.get("baseUrl") or ""
        with self.db.read() as session:
            identity = _owner(session, job)
            root = get_content(session, identity, job.page_id)
            selection = choose(
                session,
                root.space,
                _text(parameters.get("versionId")),
                _text(parameters.get("variantId")),
                _text(parameters.get("languageKey")),
            )
            resolver = PageResolver(session, selection)
            pages = DatabasePages(
                session, identity, self.settings.attachments_dir, base_url, resolver
            )
            checkpoint.enter_step(1)
            count = (
                pages.preload_tree(root.id, self.settings.max_pages_per_export)
                if (job.scope == "descendants")
                else 1
            )
            checkpoint.progress(1, 1)
            template = resolve_job_template(
                session, self.settings, identity, job.template_id, self.exporter
            )
            context = self._context(session, root, identity, pages, parameters, template.name)
            _name_selection(context, selection)
            if parameters.get("locale") is None and selection.language is not None:
                # A translation speaks its own language unless the script asked otherwise.
                context.locale = export_locale(selection.language.key, context.locale)
            checkpoint.enter_step(2)
            document = _assemble(pages, job, base_url, checkpoint, self.exporter)
        checkpoint.progress(count, count)
        checkpoint.enter_step(3)
        target, warnings = self._write(document, template, context, folder, checkpoint)
        if target.stat().st_size > self.settings.max_export_bytes:
            raise TooLarge(
                f"The exported file is larger than the limit of "
                f"{self.settings.max_export_bytes} bytes."
            )
        return RenderedExport(
            path=target,
            file_name=self._file_name(root, template, context),
            page_title=root.title,
            page_version=root.version,
            warnings=list(dict.fromkeys([*resolver.notes, *document.warnings, *warnings])),
            pages=count,
        )

    def _file_name(self, root: Content, template: JobTemplate, context: TemplateContext) -> str:
        stamp = self.clock().strftime("%Y%m%d_%H%M%S")
        return export_file_name(root.title, root.version, stamp, self.exporter_extension)

    def _write(
        self,
        document: Document,
        template: JobTemplate,
        context: TemplateContext,
        folder: Path,
        checkpoint: Checkpoint,
    ) -> tuple[Path, list[str]]:
        target = folder / "export.docx"
        partial = folder / "export.docx.partial"
        try:
            warnings = write_docx(
                document,
                partial,
                template=template.path,
                context=context,
                progress=checkpoint.progress,
                is_cancelled=checkpoint.is_cancelled,
                max_bytes=self.settings.max_export_bytes,
                processes=render_processes(self.settings.workers, self.settings.render_processes),
            )
        except WriterCancelled as exc:
            raise JobCancelled from exc
        except TooLarge:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, target)
        return target, warnings

    def _context(
        self,
        session: Session,
        root: Content,
        identity: Identity,
        pages: DatabasePages,
        parameters: dict[str, object],
        template_name: str,
    ) -> TemplateContext:
        base_url = self.settings.base_url or str(parameters.get("baseUrl") or "")
        exporter = (
            _person(session.get(User, identity.user_id))
            if identity.user_id
            else Person(full_name="Anonymous", name="anonymous")
        )
        page = pages.page(str(root.id))
        if page is None:
            raise NotFound(f"Page {root.id} is not in the version or variant exported.")
        body = read_storage(page.storage)
        zone = str(parameters.get("timeZone") or "") or None
        return TemplateContext(
            title=body.title_override or page.title,
            page_id=str(root.id),
            page_url=f"{base_url}/pages/viewpage.action?pageId={root.id}",
            tiny_url=f"{base_url}/x/{root.id}",
            page_version=root.version,
            page_labels=[label.name for label in root.labels],
            creator=_person(root.creator),
            modifier=_person(root.modifier),
            exporter=exporter,
            creation_date=in_zone(root.created_at, zone),
            modification_date=in_zone(root.modified_at, zone),
            export_date=in_zone(self.clock(), zone),
            locale=export_locale(_text(parameters.get("locale")), self.settings.default_locale),
            space_key=root.space.key,
            space_name=root.space.name,
            space_url=f"{base_url}/display/{root.space.key}",
            template_name=template_name,
            page_properties=body.page_properties,
            render_include=lambda reference: _include_blocks(pages, root, reference, base_url),
        )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _name_selection(context: TemplateContext, selection: ExportSelection) -> None:
    """``$scroll.version.name``, ``$scroll.variant.name`` and ``$scroll.language``."""
    context.version_name = selection.version.name if selection.version else None
    context.variant_name = selection.variant.name if selection.variant else None
    language = selection.language or selection.default_language
    context.language_name = language.display_name if language else None


def _owner(session: Session, job: ExportJob) -> Identity:
    if job.owner_user_id is None:
        return Identity(session_key=job.owner_session)
    user = session.get(User, job.owner_user_id)
    if user is None or not user.active:
        raise NotFound("The user who started this export no longer exists.")
    return Identity.of(user)


def _person(user: User | None) -> Person | None:
    if user is None:
        return None
    return Person(full_name=user.display_name, name=user.username, email=user.email)


def _assemble(
    pages: DatabasePages, job: ExportJob, base_url: str, checkpoint: Checkpoint, exporter: str
) -> Document:
    options = assembly.ExportOptions(
        root_page_id=str(job.page_id),
        scope="descendants" if job.scope == "descendants" else "current",
        exporter="pdf" if exporter == "pdf" else "word",
        base_url=base_url,
    )
    try:
        return assembly.assemble(
            pages, options, progress=checkpoint.progress, is_cancelled=checkpoint.is_cancelled
        )
    except assembly.ExportCancelled as exc:
        raise JobCancelled from exc


def _include_blocks(
    pages: DatabasePages, root: Content, reference: str, base_url: str
) -> list[Block] | None:
    """``$scroll.includepage.(SPACEKEY:Title or pageid)``: that page's content."""
    if parse_content_id(reference) is not None:
        page = pages.page(reference.strip())
    else:
        space_key, _, title = reference.partition(":")
        page = (
            pages.page_titled(space_key.strip(), title.strip())
            if title
            else (pages.page_titled(root.space.key, reference.strip()))
        )
    if page is None:
        return None
    options = assembly.ExportOptions(
        root_page_id=page.id,
        base_url=base_url,
        page_break_between_top_level_pages=False,
        index=False,
    )
    document = assembly.assemble(pages, options)
    return [b for b in document.blocks if not (isinstance(b, Heading) and b.page_title)]


def export_file_name(title: str, version: int, stamp: str, extension: str) -> str:
    """``{Title}-v{pageVersion}-{yyyyMMdd_HHmmss}.{ext}``, as the Data Center exporter names
    the files of asynchronous exports."""
    return f"{safe_title(title)}-v{version}-{stamp}.{extension}"


def safe_title(title: str) -> str:
    """The title as a file name: characters no file system takes become ``_``."""
    return (UNSAFE_FILE_CHARACTERS.sub("_", title).strip(" .") or "export")[:150]
