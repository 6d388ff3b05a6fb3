"""File responses: RFC 6266 Content-Disposition with an ASCII fallback and filename*."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote


def content_disposition(file_name: str, disposition: str = "attachment") -> str:
    ascii_name = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(c if c.isprintable() and c not in '"\\' else "_" for c in ascii_name)
    fallback = fallback.strip() or "download"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
