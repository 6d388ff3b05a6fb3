"""Where an export's bytes go: a file or stream that refuses to grow past a limit
(``PRESSROOM_MAX_EXPORT_BYTES``), so that an export too large for the server stops
as soon as it passes the limit, not after the whole file is on disk."""

from __future__ import annotations

import io
from typing import IO

from pressroom.errors import TooLarge


class CappedOutput(io.RawIOBase):
    """Writes through to ``target`` while the data written stays within ``limit`` bytes;
    past it, raises :class:`~pressroom.errors.TooLarge`. Seeking (which zip writers do
    to fill in sizes) goes through, and the limit holds for the end of the data."""

    def __init__(self, target: IO[bytes], limit: int) -> None:
        super().__init__()
        self._target = target
        self._limit = limit

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._target.seekable()

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        if self._target.tell() + len(data) > self._limit:
            raise TooLarge(
                f"The exported file is larger than the limit of {self._limit} bytes "
                "(PRESSROOM_MAX_EXPORT_BYTES): export fewer pages or ask for a higher limit."
            )
        return self._target.write(data)

    def tell(self) -> int:
        return self._target.tell()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._target.seek(offset, whence)

    def flush(self) -> None:
        self._target.flush()
