"""Which Word template file a job uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity
from pressroom.config import Settings
from pressroom.content.templates import resolve_template
from pressroom.export.docx import TEMPLATE_ID, TEMPLATE_NAME


@dataclass(frozen=True, slots=True)
class JobTemplate:
    """``path`` None means the built-in default template, which the writer holds in memory."""

    path: Path | None
    name: str


def resolve_job_template(
    session: Session, settings: Settings, identity: Identity, template_id: str
) -> JobTemplate:
    """The template ``identity`` may use; unknown or invisible ones raise NotFound."""
    if template_id == TEMPLATE_ID:
        return JobTemplate(path=None, name=TEMPLATE_NAME)
    template = resolve_template(session, template_id, home=settings.home, identity=identity)
    return JobTemplate(path=template.path, name=template.name)
