"""Where a downloaded export lands on disk.

The file name comes from the server (the last segment of ``downloadUrl``, or the
``Content-Disposition`` of a sync export), so it is treated as untrusted: it may name
a file in the chosen directory and nothing else.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from email.message import Message
from email.utils import collapse_rfc2231_value
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pressroom.client.errors import ExportError

# Most file systems limit a name to 255 bytes.
MAX_NAME_BYTES = 255


def name_from_download_url(url: str) -> str:
    """The URL-decoded last path segment of ``url``, made safe as a local file name."""
    segment = urlsplit(url).path.rsplit("/", 1)[-1]
    return safe_file_name(unquote(segment))


def name_from_disposition(header: str | None, fallback: str) -> str:
    """The file name of a ``Content-Disposition`` header (``filename*`` preferred)."""
    message = Message()
    message["content-disposition"] = header or ""
    names = [
        value
        for key, value in message.get_params([], header="content-disposition")
        if key == "filename"
    ]
    # RFC 6266: the extended ``filename*`` (parsed into a tuple) wins over ``filename``
    extended = [collapse_rfc2231_value(value) for value in names if isinstance(value, tuple)]
    plain = [value for value in names if isinstance(value, str)]
    return safe_file_name(next(iter(extended + plain), "") or fallback)


def safe_file_name(name: str) -> str:
    """``name`` without path separators or control characters; '..' and empty names are
    refused, since they would leave the target directory."""
    cleaned = "".join("_" if char in "/\\" else char for char in name if char.isprintable()).strip()
    if cleaned in ("", ".", ".."):
        raise ExportError(None, f"The server offered an unusable file name: {name!r}.")
    return _shorten(cleaned)


def _shorten(name: str) -> str:
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, suffix = name, ""
    tail = f".{suffix}" if suffix else ""
    room = MAX_NAME_BYTES - len(tail.encode())
    return stem.encode()[:room].decode(errors="ignore") + tail


def resolve_target(target: str | os.PathLike[str], server_name: str) -> Path:
    """``server_name`` inside ``target`` when that is a directory (existing, or written
    with a trailing separator), else ``target`` itself."""
    path = Path(target)
    names_directory = os.fspath(target).endswith(("/", os.sep))
    return path / server_name if names_directory or path.is_dir() else path


def write_atomically(path: Path, chunks: Iterable[bytes]) -> Path:
    """Writes ``chunks`` next to ``path`` and renames at the end, so an interrupted
    download never leaves a truncated file under the final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # open(..., "xb") rather than mkstemp: the file gets the umask's mode, not 0600
    partial = path.with_name(f".{uuid.uuid4().hex}.part")
    try:
        with partial.open("xb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path
