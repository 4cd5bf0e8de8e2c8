"""Attachments: type checked by content, stored under a generated name, size capped."""

import io
import secrets
import unicodedata
import zipfile
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bureau.domain import DomainError, audit
from bureau.domain.text import one_line
from bureau.extensions import db
from bureau.models import Attachment, Event, EventKind, Inquiry, User

# What a file's first bytes say it is → (content type, allowed extensions).
SIGNATURES = [
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
    (b"GIF87a", "image/gif", {".gif"}),
    (b"GIF89a", "image/gif", {".gif"}),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword", {".doc", ".xls", ".ppt"}),
    (b"PK\x03\x04", "application/zip", {".docx", ".xlsx", ".pptx", ".odt", ".ods"}),
]
OFFICE_ZIP_MARKERS = (b"[Content_Types].xml", b"mimetypeapplication/vnd.oasis.opendocument")


def _is_office_zip(data: bytes) -> bool:
    """An OOXML or OpenDocument package. The archive's directory is read, because only
    Microsoft Office puts [Content_Types].xml first; LibreOffice writes it last."""
    if any(marker in data[:4096] for marker in OFFICE_ZIP_MARKERS):
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as mimetype:  # read a little: no zip bomb
                    return mimetype.read(100).startswith(b"application/vnd.oasis.opendocument")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, ValueError, EOFError, OSError):
        return False  # not a zip we can read (damaged, encrypted, unsupported)
    return "[Content_Types].xml" in names


def sniff(data: bytes, filename: str) -> str:
    """The content type the bytes prove, if the extension agrees; else a DomainError."""
    extension = Path(filename).suffix.lower()
    for signature, content_type, extensions in SIGNATURES:
        if data.startswith(signature) and extension in extensions:
            if signature == b"PK\x03\x04" and not _is_office_zip(data):
                break  # a zip archive that is not an office document
            return content_type
    raise DomainError(
        _l("Разрешени са PDF, изображения (PNG, JPEG, GIF) и офис документи."), "file"
    )


def save(
    case: Inquiry, *, stream, filename: str, folder: str, max_bytes: int, actor: User
) -> Attachment:
    """Store an uploaded file for the case; refuse what is too big or not what it claims."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DomainError(
            _l("Файлът е по-голям от %(mb)d MB.", mb=max_bytes // (1024 * 1024)), "file"
        )
    if not data:
        raise DomainError(_l("Файлът е празен."), "file")
    content_type = sniff(data, filename)
    stored_name = secrets.token_hex(16)
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    (path / stored_name).write_bytes(data)
    attachment = Attachment(
        inquiry_id=case.id,
        filename=display_name(filename),
        stored_name=stored_name,
        content_type=content_type,
        size=len(data),
        uploaded_by_id=actor.id,
    )
    db.session.add(attachment)
    db.session.add(
        Event(
            inquiry=case,
            actor=actor,
            kind=EventKind.ATTACHMENT,
            body=attachment.filename,
            data={"size": len(data)},
        )
    )
    audit.case_changed(case, "upload", actor)
    db.session.flush()
    return attachment


def display_name(filename: str) -> str:
    """The name a file is shown and downloaded under: its last part, without control
    characters (a terminal escape or a line break has no place in a header or a page)."""
    name = "".join(" " if unicodedata.category(c) == "Cc" else c for c in Path(filename).name)
    return one_line(name)[:255] or "file"


def for_case(case: Inquiry, attachment_id: int) -> Attachment | None:
    attachment = db.session.get(Attachment, attachment_id)
    return attachment if attachment and attachment.inquiry_id == case.id else None


def of_case(case: Inquiry) -> list[Attachment]:
    """The case's files, oldest first."""
    return list(
        db.session.scalars(
            select(Attachment).where(Attachment.inquiry_id == case.id).order_by(Attachment.id)
        )
    )
