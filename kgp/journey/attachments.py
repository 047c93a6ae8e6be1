"""Attachments of activities: PDF and Office files only, size-limited, stored outside the web root.

The file type is decided by the extension *and* the file's first bytes (a renamed executable or HTML
page is refused), never by the browser's content type; the name on disk is random, the original name
is kept in the database for the download. See access.attachment_for_staff for who may download.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from kgp.core.errors import ServiceError

PDF = "application/pdf"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
# extension → (content type served, container the bytes must be)
ALLOWED: dict[str, tuple[str, str]] = {
    ".pdf": (PDF, "pdf"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml"),
    ".doc": ("application/msword", "ole"),
    ".xls": ("application/vnd.ms-excel", "ole"),
    ".ppt": ("application/vnd.ms-powerpoint", "ole"),
    ".odt": ("application/vnd.oasis.opendocument.text", "odf"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    ".odp": ("application/vnd.oasis.opendocument.presentation", "odf"),
}
MAX_FILES_PER_UPLOAD = 5
MAX_NAME = 200


def clean_name(name: str) -> str:
    """The original file name without any path, control or format characters, at most 200 characters
    (the extension is kept)."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > MAX_NAME:
        suffix = PurePath(base).suffix[:10]
        base = base[: MAX_NAME - len(suffix)] + suffix
    return base


def _is_zip_with(data: bytes, member: str) -> zipfile.ZipFile | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        archive.getinfo(member)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None
    return archive


def _matches(container: str, content_type: str, data: bytes) -> bool:
    if container == "pdf":
        return data[:1024].lstrip().startswith(b"%PDF-")
    if container == "ole":
        return data.startswith(OLE_MAGIC)
    if container == "ooxml":
        return _is_zip_with(data, "[Content_Types].xml") is not None
    if container == "odf":
        archive = _is_zip_with(data, "mimetype")
        if archive is None:
            return False
        try:
            return archive.read("mimetype").strip() == content_type.encode()
        except (KeyError, zipfile.BadZipFile, OSError, RuntimeError):
            return False
    return False  # pragma: no cover


def inspect_upload(upload: UploadedFile) -> tuple[str, str, bytes, str]:
    """Check an upload; return (original name, content type, bytes, sha256) or raise ServiceError."""
    name = clean_name(getattr(upload, "name", "") or "")
    limit = settings.ATTACHMENT_MAX_BYTES
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise ServiceError(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": f"{limit / (1024 * 1024):.0f}"},
            field="attachments",
            code="too_large",
        )
    extension = PurePath(name).suffix.lower()
    if not name or extension not in ALLOWED:
        raise ServiceError(
            _("“%(name)s” cannot be attached: only PDF and Office files (Word, Excel, PowerPoint, OpenDocument) are allowed.")
            % {"name": name or "?"},
            field="attachments",
            code="file_type",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": f"{limit / (1024 * 1024):.0f}"},
            field="attachments",
            code="too_large",
        )
    if not data:
        raise ServiceError(_("“%(name)s” is empty.") % {"name": name}, field="attachments", code="empty")
    content_type, container = ALLOWED[extension]
    if not _matches(container, content_type, data):
        raise ServiceError(
            _("“%(name)s” is not a valid %(ext)s file (its content does not match its name).")
            % {"name": name, "ext": extension[1:].upper()},
            field="attachments",
            code="file_content",
        )
    return name, content_type, data, hashlib.sha256(data).hexdigest()
