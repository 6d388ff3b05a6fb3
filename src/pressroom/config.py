"""Settings, read from ``PRESSROOM_*`` environment variables (and a ``.env`` file)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the server. Each field is ``PRESSROOM_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="PRESSROOM_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path("pressroom-home"), description="Data directory")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the home directory"
    )
    base_url: str | None = Field(
        default=None, description="Public origin for absolute URLs, e.g. https://docs.example.com"
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=1, le=65535)
    admin_password: str | None = Field(
        default=None, description="Password of the bootstrap user 'admin'", repr=False
    )
    node_id: str = Field(default_factory=lambda: os.uname().nodename)
    max_upload_bytes: int = Field(default=100 * 1024 * 1024, ge=1, description="Attachment limit")
    max_body_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1, description="Limit of a JSON request body"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Addresses whose X-Forwarded-* headers are trusted"
    )

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'pressroom.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        return self.home / "attachments"
