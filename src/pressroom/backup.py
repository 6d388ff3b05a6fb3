"""``pressroom backup`` and ``pressroom restore``: the database, taken by the database's
own consistent method (SQLite's online backup API; ``pg_dump``/``pg_restore`` for
PostgreSQL), plus the attachments and templates of the home, in one ``.tar.gz``.

Export jobs are not kept: their files live 10 minutes. A restore removes the job rows
it brought, so no restored job points at a file that is not there.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, delete, func, make_url, select

from pressroom import __version__
from pressroom.config import Settings
from pressroom.content.models import Space
from pressroom.db import Database
from pressroom.jobs.models import ExportJob

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
FOLDERS = ("attachments", "templates")


class BackupFailed(Exception):
    """Said to the operator as it is; nothing was changed or left half-written."""


@dataclass(frozen=True, slots=True)
class BackupSummary:
    database: str
    files: int


def create_backup(settings: Settings, out: Path) -> BackupSummary:
    """Write the backup to ``out`` (through a temporary file renamed at the end)."""
    url = make_url(settings.resolved_database_url)
    kind = _kind(url)
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="pressroom-backup-") as scratch:
        dump = Path(scratch) / (SQLITE_FILE if kind == "sqlite" else POSTGRES_FILE)
        if kind == "sqlite":
            _sqlite_copy(Path(str(url.database)), dump)
        else:
            _pg_dump(url, dump)
        manifest = {
            "format": FORMAT,
            "pressroomVersion": __version__,
            "database": kind,
            "created": datetime.now(UTC).isoformat(),
        }
        files = 0
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
                archive.add(dump, arcname=dump.name)
                for folder in FOLDERS:
                    files += _add_folder(archive, settings.home / folder, folder)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return BackupSummary(kind, files)


def restore_backup(settings: Settings, archive_path: Path, replace: bool = False) -> BackupSummary:
    """Put the backup's database and files in place of this home's. The server must be
    stopped. Refused when the database holds spaces already, unless ``replace``."""
    url = make_url(settings.resolved_database_url)
    kind = _kind(url)
    with tempfile.TemporaryDirectory(prefix="pressroom-restore-") as scratch:
        unpacked = Path(scratch)
        manifest = _unpack(archive_path, unpacked)
        if manifest.get("database") != kind:
            raise BackupFailed(
                f"The backup holds a {manifest.get('database')} database; this server uses "
                f"{kind}. Restore it on a server with the same kind of database."
            )
        settings.home.mkdir(parents=True, exist_ok=True)
        if not replace and _has_content(settings):
            raise BackupFailed(
                "The target database holds spaces already; pass --replace to overwrite them."
            )
        if kind == "sqlite":
            _sqlite_copy(unpacked / SQLITE_FILE, Path(str(url.database)))
        else:
            _pg_restore(url, unpacked / POSTGRES_FILE)
        files = sum(_replace_folder(unpacked / name, settings.home / name) for name in FOLDERS)
    _forget_jobs(settings)
    return BackupSummary(kind, files)


def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupFailed(f"Backups support SQLite and PostgreSQL, not {backend}.")
    return backend


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while the server writes."""
    if not source.is_file():
        raise BackupFailed(f"No SQLite database at {source}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq URL (no password: that goes in PGPASSWORD, not in the process list)."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(
            f"{name} was not found: install the PostgreSQL client tools "
            "(Debian: postgresql-client) of your server's major version."
        )
    return found


def _pg_dump(url: URL, target: Path) -> None:
    dsn, env = _libpq(url)
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*command, f"--file={target}", f"--dbname={dsn}"], env)


def _pg_restore(url: URL, dump: Path) -> None:
    dsn, env = _libpq(url)
    command = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges"]
    _run([*command, "--single-transaction", f"--dbname={dsn}", str(dump)], env)


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        tool = Path(command[0]).name
        raise BackupFailed(f"{tool} failed: {done.stderr.strip()[-2000:]}")


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _add_folder(archive: tarfile.TarFile, folder: Path, name: str) -> int:
    count = 0
    if not folder.is_dir():
        return 0
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            archive.add(path, arcname=f"{name}/{path.relative_to(folder).as_posix()}")
            count += 1
    return count


def _unpack(archive_path: Path, target: Path) -> dict[str, object]:
    """Only regular files and folders under the names a backup has; nothing outside."""
    allowed = (MANIFEST, SQLITE_FILE, POSTGRES_FILE, *(f"{folder}/" for folder in FOLDERS))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for member in archive.getmembers():
                if not (member.isfile() or member.isdir()) or not member.name.startswith(allowed):
                    raise BackupFailed(f"{archive_path} is not a Pressroom backup: {member.name}")
            archive.extractall(target, filter="data")
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, tarfile.TarError, ValueError) as exc:
        raise BackupFailed(f"{archive_path} is not a readable Pressroom backup: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupFailed(f"{archive_path} is a backup format this version cannot read.")
    return manifest


def _has_content(settings: Settings) -> bool:
    database = Database(settings.resolved_database_url)
    try:
        database.migrate()
        with database.read() as session:
            return bool(session.scalar(select(func.count()).select_from(Space)))
    finally:
        database.dispose()


def _replace_folder(source: Path, target: Path) -> int:
    shutil.rmtree(target, ignore_errors=True)
    if not source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    shutil.move(source, target)
    return sum(1 for path in target.rglob("*") if path.is_file())


def _forget_jobs(settings: Settings) -> None:
    """Bring the schema up to this version and drop the restored export jobs."""
    database = Database(settings.resolved_database_url)
    try:
        database.migrate()
        with database.write() as session:
            session.execute(delete(ExportJob))
    finally:
        database.dispose()
    shutil.rmtree(settings.exports_dir, ignore_errors=True)
