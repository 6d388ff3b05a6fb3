"""What must hold before an export job is queued: the page, the template, the permission."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity, can_export_space
from pressroom.config import Settings
from pressroom.content.documents import get_content
from pressroom.errors import InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from pressroom.jobs.lifecycle import ExportRequest
from pressroom.jobs.templates import resolve_job_template
from pressroom.jobs.webhooks import WebhookPolicy


def check_exportable(
    session: Session, settings: Settings, identity: Identity, export: ExportRequest
) -> None:
    try:
        content = get_content(session, identity, export.page_id)
    except NotAuthenticated as exc:
        raise NotAuthenticated(
            "Log in to export this page, or ask for anonymous access to its space."
        ) from exc
    except NotFound as exc:
        raise NotFound(f"No page with id {export.page_id} exists or you may not view it.") from exc
    if content.type not in ("page", "blogpost"):
        raise InvalidInput("pageId must be the id of a page or blog post, not an attachment.")
    if not can_export_space(session, identity, content.space_id):
        raise PermissionDenied(
            f"You may view space {content.space.key} but not export from it; ask a space "
            "administrator for the export permission."
        )
    resolve_job_template(session, settings, identity, export.template_id)
    if export.webhook_url is not None:
        WebhookPolicy(settings.webhook_allow).check_syntax(export.webhook_url)
    if export.scope == "descendants" and content.type == "blogpost":
        export.scope = "current"
