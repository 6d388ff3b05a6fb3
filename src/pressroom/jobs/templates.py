"""Which template a job uses (Word: a .docx; PDF: a .zip)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity
from pressroom.config import Settings
from pressroom.content.templates import resolve_template
from pressroom.export.docx import TEMPLATE_ID, TEMPLATE_NAME
from pressroom.export.pdf.templates import BUILTIN_PDF_TEMPLATES, canonical_id


@dataclass(frozen=True, slots=True)
class JobTemplate:
    """``path`` None means a built-in template (``builtin_id``), which the writer builds
    from code."""

    path: Path | None
    name: str
    builtin_id: str | None = None


def resolve_job_template(
    session: Session,
    settings: Settings,
    identity: Identity,
    template_id: str,
    exporter: str = "word",
) -> JobTemplate:
    """The template ``identity`` may use; unknown or invisible ones raise NotFound."""
    if exporter == "word" and template_id == TEMPLATE_ID:
        return JobTemplate(path=None, name=TEMPLATE_NAME, builtin_id=TEMPLATE_ID)
    if exporter == "pdf" and (builtin := BUILTIN_PDF_TEMPLATES.get(canonical_id(template_id))):
        return JobTemplate(path=None, name=builtin.name, builtin_id=builtin.id)
    template = resolve_template(
        session, template_id, home=settings.home, identity=identity, exporter=exporter
    )
    return JobTemplate(path=template.path, name=template.name)
