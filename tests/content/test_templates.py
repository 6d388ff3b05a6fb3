"""The template store: validation, files on disk, permissions, and resolve_template."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from pressroom.auth.identity import Identity
from pressroom.auth.models import SpacePermission, User
from pressroom.auth.passwords import hash_password
from pressroom.clock import utcnow
from pressroom.config import Settings
from pressroom.content.models import Space
from pressroom.content.template_models import WordTemplate
from pressroom.content.templates import (
    TemplateFiles,
    TemplateLimits,
    TemplateStore,
    TemplateUpload,
    resolve_template,
)
from pressroom.db import Database
from pressroom.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooLarge,
)
from pressroom.export.docx import TEMPLATE_ID

DOCUMENT = "word/document.xml"


def template_docx(*paragraphs: str, header: str | None = None) -> bytes:
    """A real Word document made with python-docx, holding ``paragraphs``."""
    document = docx.Document()
    for text in paragraphs or ("$scroll.title", "$scroll.content"):
        document.add_paragraph(text)
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_document_xml(data: bytes, document_xml: bytes) -> bytes:
    """``data`` with its word/document.xml replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            payload = document_xml if entry.filename == DOCUMENT else source.read(entry)
            target.writestr(entry.filename, payload)
    return out.getvalue()


def zip_bomb(unpacked_bytes: int) -> bytes:
    """A .docx whose document.xml inflates to ``unpacked_bytes`` (a few KB packed)."""
    padding = b" " * unpacked_bytes
    xml = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    return with_document_xml(template_docx(), xml + padding + b"</w:document>")


def lying_zip(unpacked_bytes: int) -> bytes:
    """A zip bomb whose headers claim document.xml is 100 bytes."""
    data = bytearray(zip_bomb(unpacked_bytes))
    entry = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(DOCUMENT)
    struct.pack_into("<I", data, entry.header_offset + 22, 100)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + length] == DOCUMENT.encode():
            struct.pack_into("<I", data, central + 24, 100)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def add_user(db: Database, username: str, *, admin: bool = False) -> Identity:
    with db.write() as session:
        user = User(
            username=username,
            full_name=username.title(),
            email=f"{username}@example.com",
            password_hash=hash_password(f"{username}-secret"),
            is_admin=admin,
        )
        session.add(user)
        session.flush()
        return Identity.of(user)


def add_space(db: Database, key: str, *admins: str) -> None:
    """A space whose ``admins`` may view it and manage its templates."""
    with db.write() as session:
        space = Space(key=key, name=f"{key} space")
        for name in admins:
            space.permissions += [
                SpacePermission(subject_type="user", subject_name=name, permission=grant)
                for grant in ("view", "admin")
            ]
        session.add(space)


def stored_files(home: Path) -> list[str]:
    """Every file under home/templates except the built-in ones."""
    root = home / "templates"
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_file())


@pytest.fixture
def store(db: Database, settings: Settings) -> TemplateStore:
    return TemplateStore(db, settings)


@pytest.fixture
def admin(db: Database) -> Identity:
    return add_user(db, "boss", admin=True)


@pytest.fixture
def writer(db: Database) -> Identity:
    return add_user(db, "writer")


def upload(data: bytes | None = None, **fields: str) -> TemplateUpload:
    content = template_docx() if data is None else data
    return TemplateUpload(data=content, file_name="Company.docx", **fields)


def test_upload_keeps_the_file_under_its_uuid(store: TemplateStore, admin: Identity) -> None:
    data = template_docx()
    saved = store.upload(admin, upload(data, name="Company", description="Our look"))
    assert saved.warnings == []
    assert saved.info.name == "Company"
    assert saved.info.creator == "boss"
    assert saved.info.space_key is None
    assert saved.info.file_size == len(data)
    assert (store.files.root / f"{saved.info.id}.docx").read_bytes() == data
    assert stored_files(store.home) == [f"{saved.info.id}.docx"]


def test_name_defaults_to_the_file_name(store: TemplateStore, admin: Identity) -> None:
    saved = store.upload(admin, TemplateUpload(data=template_docx(), file_name="../x/Brand.docx"))
    assert saved.info.name == "Brand"
    assert saved.info.file_name == "Brand.docx"


def test_sha256_and_file_name_are_recorded(
    store: TemplateStore, admin: Identity, db: Database
) -> None:
    data = template_docx()
    saved = store.upload(admin, upload(data))
    with db.read() as session:
        row = session.get(WordTemplate, saved.info.id)
        assert row is not None
        assert len(row.sha256) == 64
        assert row.file_name == "Company.docx"
        assert row.exporter == "word"


def test_placeholder_problems_are_warnings(store: TemplateStore, admin: Identity) -> None:
    data = template_docx("$scroll.title", "{% for x in %}", "$scroll.nosuchthing")
    saved = store.upload(admin, upload(data))
    assert any("Jinja syntax error" in w for w in saved.warnings)
    assert any("$scroll.nosuchthing" in w for w in saved.warnings)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK but not really a zip", "not a zip"),
        (b"", "empty"),
        (zip_bomb(11 * 1024 * 1024), "unpacks to more than"),
        (lying_zip(3 * 1024 * 1024), "damaged"),
        (with_document_xml(template_docx(), b"<w:document"), "not well-formed"),
    ],
)
def test_unusable_files_are_refused_and_leave_nothing(
    store: TemplateStore, admin: Identity, settings: Settings, data: bytes, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        store.upload(admin, upload(data))
    assert stored_files(settings.home) == []


def test_oversize_file_is_too_large(db: Database, settings: Settings, admin: Identity) -> None:
    store = TemplateStore(db, settings, TemplateLimits(max_bytes=1000, max_uncompressed=10_000))
    with pytest.raises(TooLarge, match="limit is 1000 bytes"):
        store.upload(admin, upload())
    assert stored_files(settings.home) == []


def test_limits_follow_the_upload_limit(settings: Settings) -> None:
    limits = TemplateLimits.of(settings)
    assert limits.max_bytes == settings.max_upload_bytes
    assert limits.max_uncompressed == 10 * settings.max_upload_bytes


def test_failed_insert_removes_the_file(store: TemplateStore, settings: Settings) -> None:
    ghost = Identity(user_id=999_999, username="ghost", is_admin=True)
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        store.upload(ghost, upload())
    assert stored_files(settings.home) == []


def test_failure_after_the_file_is_in_place_removes_it(
    store: TemplateStore, admin: Identity, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish = TemplateFiles.publish

    def publish_then_fail(files: TemplateFiles, staged: Path, template_id: str) -> None:
        publish(files, staged, template_id)
        raise OSError("the disk went away")

    monkeypatch.setattr(TemplateFiles, "publish", publish_then_fail)
    with pytest.raises(OSError, match="disk went away"):
        store.upload(admin, upload())
    assert stored_files(settings.home) == []
    assert [t.name for t in store.available(admin)] == ["Default Word template"]


def test_replace_keeps_the_id_and_swaps_the_file(store: TemplateStore, admin: Identity) -> None:
    first = store.upload(admin, upload(template_docx("v1 $scroll.content"), name="Brand")).info
    new_data = template_docx("v2 $scroll.content")
    replaced = store.replace(admin, first.id, TemplateUpload(new_data, "Brand 2.docx")).info
    assert replaced.id == first.id
    assert replaced.name == "Brand"
    assert replaced.file_name == "Brand 2.docx"
    assert (store.files.root / f"{first.id}.docx").read_bytes() == new_data


def test_failed_replace_keeps_the_old_file(
    store: TemplateStore, admin: Identity, settings: Settings
) -> None:
    data = template_docx()
    template_id = store.upload(admin, upload(data)).info.id
    with pytest.raises(InvalidInput):
        store.replace(admin, template_id, upload(b"not a zip"))
    assert (store.files.root / f"{template_id}.docx").read_bytes() == data
    assert stored_files(settings.home) == [f"{template_id}.docx"]


def test_delete_removes_row_and_file(
    store: TemplateStore, admin: Identity, settings: Settings
) -> None:
    template_id = store.upload(admin, upload()).info.id
    store.delete(admin, template_id)
    assert stored_files(settings.home) == []
    with pytest.raises(NotFound, match=f"No template with id {template_id} exists"):
        store.get(admin, template_id)


def test_builtin_cannot_be_replaced_or_deleted(store: TemplateStore, admin: Identity) -> None:
    with pytest.raises(Conflict, match="built-in"):
        store.delete(admin, TEMPLATE_ID)
    with pytest.raises(Conflict, match="built-in"):
        store.replace(admin, TEMPLATE_ID, upload())


def test_list_has_builtin_global_and_visible_space_templates(
    store: TemplateStore, db: Database, admin: Identity, writer: Identity
) -> None:
    add_space(db, "DOC", "writer")
    add_space(db, "SECRET")
    store.upload(admin, upload(name="Global"))
    store.upload(writer, upload(name="Doc look", space_key="DOC"))
    store.upload(admin, upload(name="Secret look", space_key="SECRET"))
    names = [t.name for t in store.available(writer)]
    assert names[0] == "Default Word template"
    assert set(names[1:]) == {"Global", "Doc look"}
    assert [t.name for t in store.available(admin, "SECRET")][1:] == ["Global", "Secret look"]
    with pytest.raises(NotFound):
        store.available(writer, "SECRET")


def test_anonymous_must_log_in(store: TemplateStore) -> None:
    with pytest.raises(NotAuthenticated):
        store.available(Identity())
    with pytest.raises(NotAuthenticated):
        store.get(Identity(), TEMPLATE_ID)


def test_global_templates_are_for_administrators(
    store: TemplateStore, admin: Identity, writer: Identity, db: Database
) -> None:
    with pytest.raises(PermissionDenied, match="administrators"):
        store.upload(writer, upload())
    template_id = store.upload(admin, upload()).info.id
    with pytest.raises(PermissionDenied):
        store.delete(writer, template_id)
    with pytest.raises(PermissionDenied):
        store.replace(writer, template_id, upload())
    assert store.get(writer, template_id).id == template_id


def test_space_templates_are_hidden_outside_the_space(
    store: TemplateStore, admin: Identity, writer: Identity, db: Database
) -> None:
    add_space(db, "SECRET")
    template_id = store.upload(admin, upload(space_key="SECRET")).info.id
    for action in (store.get, store.download, store.delete):
        with pytest.raises(NotFound):
            action(writer, template_id)
    with db.read() as session, pytest.raises(NotFound):
        resolve_template(session, template_id, home=store.home, identity=writer)


def test_resolve_builtin_materialises_the_default_template(
    db: Database, settings: Settings
) -> None:
    with db.read() as session:
        ref = resolve_template(session, TEMPLATE_ID, home=settings.home)
    assert ref.path == settings.home / "templates" / "builtin" / f"{TEMPLATE_ID}.docx"
    assert ref.name == "Default Word template"
    assert "$scroll.content" in "".join(p.text for p in docx.Document(ref.path).paragraphs)


def test_resolve_uploaded_template(store: TemplateStore, admin: Identity, db: Database) -> None:
    data = template_docx()
    info = store.upload(admin, upload(data, name="Brand")).info
    with db.read() as session:
        ref = resolve_template(session, info.id, home=store.home)
    assert (ref.id, ref.name, ref.path.read_bytes()) == (info.id, "Brand", data)


def test_resolve_unknown_template(db: Database, settings: Settings) -> None:
    with db.read() as session, pytest.raises(NotFound, match=r"No template with id nope exists\."):
        resolve_template(session, "nope", home=settings.home)


def test_resolve_pdf_does_not_find_word_templates(db: Database, settings: Settings) -> None:
    with db.read() as session, pytest.raises(NotFound):
        resolve_template(session, TEMPLATE_ID, home=settings.home, exporter="pdf")


def test_a_lost_file_is_reported(store: TemplateStore, admin: Identity, db: Database) -> None:
    template_id = store.upload(admin, upload()).info.id
    (store.files.root / f"{template_id}.docx").unlink()
    with pytest.raises(NotFound, match="missing on the server"):
        store.download(admin, template_id)
    with db.read() as session, pytest.raises(NotFound, match="missing on the server"):
        resolve_template(session, template_id, home=store.home)


def test_sweep_removes_files_of_deleted_spaces(
    store: TemplateStore, admin: Identity, db: Database, settings: Settings
) -> None:
    add_space(db, "GONE")
    kept = store.upload(admin, upload()).info.id
    gone = store.upload(admin, upload(space_key="GONE")).info.id
    with db.write() as session:
        session.delete(session.scalar(select(Space).where(Space.key == "GONE")))
    (store.files.root / ".upload-abandoned.tmp").write_bytes(b"half")
    assert store.sweep_orphans(utcnow()) == 0
    assert store.sweep_orphans(utcnow() + timedelta(hours=2)) == 2
    assert stored_files(settings.home) == [f"{kept}.docx"]
    assert gone != kept
