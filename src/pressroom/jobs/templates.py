"""Which Word template file a job uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from pressroom.config import Settings
from pressroom.errors import NotFound
from pressroom.export.docx import TEMPLATE_ID


@dataclass(frozen=True, slots=True)
class JobTemplate:
    """``path`` None means the built-in default template."""

    path: Path | None
    name: str


def resolve_job_template(session: Session, settings: Settings, template_id: str) -> JobTemplate:
    if template_id == TEMPLATE_ID:
        return JobTemplate(path=None, name="Default Word Template")
    raise NotFound(f"No template with id {template_id} exists.")
