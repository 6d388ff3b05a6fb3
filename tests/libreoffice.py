"""LibreOffice headless, our stand-in for Word: every .docx we make must open in it."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class LibreOffice:
    binary: str
    profile: Path

    def convert(self, source: Path, target_format: str = "pdf", timeout: int = 180) -> Path:
        [result] = self.convert_all([source], target_format, timeout)
        return result

    def convert_all(
        self, sources: list[Path], target_format: str = "pdf", timeout: int = 600
    ) -> list[Path]:
        """Convert several files in one LibreOffice start (much faster than one each)."""
        outdir = sources[0].parent / f"converted-{uuid.uuid4().hex[:6]}"
        outdir.mkdir()
        subprocess.run(
            [
                self.binary,
                f"-env:UserInstallation=file://{self.profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                target_format,
                "--outdir",
                str(outdir),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        results = [outdir / f"{source.stem}.{target_format}" for source in sources]
        missing = [r.name for r in results if not r.exists()]
        if missing:
            raise AssertionError(f"LibreOffice did not produce {', '.join(missing)}")
        return results


def find_libreoffice(profile: Path) -> LibreOffice:
    """LibreOffice with a private profile. Skips where it is not installed, except in CI,
    where a missing LibreOffice is a failure."""
    binary = shutil.which("soffice") or (
        "/usr/bin/soffice" if Path("/usr/bin/soffice").exists() else None
    )
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required in CI but is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    return LibreOffice(binary, profile)
