"""What goes wrong when talking to an export server."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pressroom.client.status import ExportStatus


class ExportError(Exception):
    """The server refused a request (``status_code`` and its JSON ``message``), or could
    not be reached (``status_code`` is None)."""

    def __init__(
        self, status_code: int | None, message: str, *, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message if self.status_code is None else f"{self.status_code}: {self.message}"


class ExportFailed(ExportError):
    """The job ended, but not with a file: its status is ``error`` or ``cancelled``."""

    def __init__(self, status: ExportStatus) -> None:
        default = f"The export {status.status}."
        super().__init__(None, status.message or default)
        self.status = status


class ExportTimeout(ExportError):
    """The job was still running when the caller's time ran out."""
