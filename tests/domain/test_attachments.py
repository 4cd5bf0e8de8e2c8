"""Attachments: the type is proven by the content, the size is capped, the name is ours."""

import io
import random
import re
import zipfile

import pytest

from bureau.domain import DomainError
from bureau.domain.cases import attachments
from bureau.extensions import db
from bureau.models import Attachment, EventKind, Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(content_types_last: bool = False) -> bytes:
    """A minimal Word package; LibreOffice writes [Content_Types].xml last."""
    parts = [
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", b"<w:document>" + b"<w:p>text</w:p>" * 2000 + b"</w:document>"),
        ("word/media/image1.png", random.Random(4).randbytes(6000)),  # incompressible
    ]
    types = ("[Content_Types].xml", b"<Types/>")
    return zip_bytes([*parts, types] if content_types_last else [types, *parts])


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text"
        )  # stored, first: as OpenDocument requires
        archive.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (PDF, "жалба.pdf", "application/pdf"),
        (PDF, "SCAN.PDF", "application/pdf"),
        (PNG, "снимка.png", "image/png"),
        (JPEG, "photo.jpg", "image/jpeg"),
        (JPEG, "photo.jpeg", "image/jpeg"),
        (GIF, "anim.gif", "image/gif"),
        (OLE, "old.doc", "application/msword"),
        (docx(), "писмо.docx", "application/zip"),
        (docx(content_types_last=True), "libreoffice.docx", "application/zip"),
        (odt(), "writer.odt", "application/zip"),
    ],
)
def test_documents_and_images_proven_by_their_content_are_accepted(data, filename, content_type):
    assert attachments.sniff(data, filename) == content_type


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (EXE, "invoice.pdf"),
        (EXE, "setup.exe"),
        (HTML, "picture.png"),
        (HTML, "page.html"),
        (SVG, "logo.png"),
        (PDF, "document.exe"),
        (PDF, "document.html"),
        (PDF, "document"),
        (PNG, "image.pdf"),
        (zip_bytes([("payload.exe", EXE), ("readme.txt", b"hi")]), "report.docx"),
        (zip_bytes([("payload.exe", EXE)]), "archive.zip"),
        (b"PK\x03\x04 but not really a zip", "broken.docx"),
        (b"plain text", "notes.txt"),
    ],
)
def test_files_whose_content_does_not_prove_an_allowed_type_are_refused(data, filename):
    with pytest.raises(DomainError) as refused:
        attachments.sniff(data, filename)
    assert refused.value.field == "file"
    assert "Разрешени са PDF" in str(refused.value.message)


@pytest.fixture
def work(app, tmp_path):
    coordinator = make_coordinator()
    expert = make_expert()
    case = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    return {"case": case, "expert": expert, "folder": tmp_path / "uploads"}


def save(work, data: bytes, filename: str, max_bytes: int = 1024 * 1024):
    return attachments.save(
        work["case"], stream=io.BytesIO(data), filename=filename, folder=str(work["folder"]),
        max_bytes=max_bytes, actor=work["expert"],
    )  # fmt: skip


def test_saved_file_gets_a_random_name_and_keeps_the_bytes(work):
    attachment = save(work, PDF, "жалба до НАП.pdf")
    db.session.commit()
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    assert "жалба" not in attachment.stored_name
    assert (work["folder"] / attachment.stored_name).read_bytes() == PDF
    assert [p.name for p in work["folder"].iterdir()] == [attachment.stored_name]
    assert (attachment.filename, attachment.size, attachment.content_type) == (
        "жалба до НАП.pdf", len(PDF), "application/pdf"
    )  # fmt: skip
    event = work["case"].events[-1]
    assert (event.kind, event.body, event.actor_id) == (
        EventKind.ATTACHMENT, "жалба до НАП.pdf", work["expert"].id
    )  # fmt: skip


def test_same_file_uploaded_twice_is_stored_under_two_names(work):
    first, second = save(work, PDF, "a.pdf"), save(work, PDF, "a.pdf")
    assert first.stored_name != second.stored_name
    assert len(list(work["folder"].iterdir())) == 2


def test_uploaded_name_with_a_path_keeps_only_the_file_name(work):
    attachment = save(work, PDF, "../../etc/passwd.pdf")
    assert attachment.filename == "passwd.pdf"
    assert list(work["folder"].iterdir()) == [work["folder"] / attachment.stored_name]


def test_file_over_the_size_cap_is_refused_and_not_stored(work):
    with pytest.raises(DomainError) as refused:
        save(work, PDF + b"0" * 100, "big.pdf", max_bytes=len(PDF) + 99)
    assert refused.value.field == "file"
    assert "по-голям" in str(refused.value.message)
    assert not work["folder"].exists() or not any(work["folder"].iterdir())
    assert db.session.query(Attachment).count() == 0


def test_file_exactly_at_the_size_cap_is_accepted(work):
    assert save(work, PDF, "exact.pdf", max_bytes=len(PDF)).size == len(PDF)


def test_empty_file_is_refused(work):
    with pytest.raises(DomainError) as refused:
        save(work, b"", "empty.pdf")
    assert refused.value.field == "file"


def test_refused_type_leaves_nothing_on_disk(work):
    with pytest.raises(DomainError):
        save(work, EXE, "invoice.pdf")
    assert not work["folder"].exists() or not any(work["folder"].iterdir())


def test_attachment_is_found_only_through_its_own_case(work):
    attachment = save(work, PDF, "a.pdf")
    other = make_inquiry()
    assert attachments.for_case(work["case"], attachment.id) is attachment
    assert attachments.for_case(other, attachment.id) is None
    assert attachments.for_case(work["case"], 987654) is None
