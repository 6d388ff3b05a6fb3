"""The browser pages: Jinja2 templates (autoescaped), our stylesheet and script, and the
vendored htmx (``vendor/``, pinned, with its licence)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi.templating import Jinja2Templates

WEB_DIR: Final = Path(__file__).parent
TEMPLATES_DIR: Final = WEB_DIR / "templates"
VENDOR_DIR: Final = WEB_DIR / "vendor"
HTMX_VERSION: Final = "2.0.11"
AXE_CORE_FILE: Final = VENDOR_DIR / "axe-core-4.14.1.min.js"  # tests only, never served

# What /static/{name} serves: these files and nothing else.
STATIC_FILES: Final[dict[str, tuple[Path, str]]] = {
    "pressroom.css": (WEB_DIR / "static" / "pressroom.css", "text/css"),
    "pressroom.js": (WEB_DIR / "static" / "pressroom.js", "text/javascript"),
    "htmx.min.js": (VENDOR_DIR / f"htmx-{HTMX_VERSION}.min.js", "text/javascript"),
}

templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.autoescape = True
