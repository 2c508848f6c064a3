"""Checking evidence uploads before they are stored: size, type (by content) and name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from opendps.core.errors import RuleViolation

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 100

# Extension → (content type, the bytes such a file starts with). Office formats are zips.
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
}

FILE_EMPTY = _("The file %(name)s is empty.")
FILE_TOO_LARGE = _("The file %(name)s is larger than 10 MB.")
FILE_TYPE_NOT_ALLOWED = _(
    "The file %(name)s must be a PDF, Word, OpenDocument, Excel, PNG or JPEG file."
)
FILE_CONTENT_MISMATCH = _("The file %(name)s is not a valid %(kind)s file.")
FILE_NAME_INVALID = _(
    "The file name %(name)s is not allowed: use letters, numbers, dashes and dots."
)


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def upload_check(upload: UploadedFile) -> CheckedUpload:
    """Refuse anything but a modest, well-named file whose bytes match its type."""
    raw_name = PurePath(str(upload.name or "").replace("\\", "/")).name
    shown = raw_name[:60] or "(no name)"
    size = upload.size or 0
    if size == 0:
        raise RuleViolation(FILE_EMPTY, code="file_empty", name=shown)
    if size > MAX_UPLOAD_BYTES:
        raise RuleViolation(FILE_TOO_LARGE, code="file_too_large", name=shown)
    name = get_valid_filename(raw_name) if raw_name else ""
    if not name or name.startswith(".") or len(name) > MAX_NAME_LENGTH:
        raise RuleViolation(FILE_NAME_INVALID, code="file_name_invalid", name=shown)
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise RuleViolation(FILE_TYPE_NOT_ALLOWED, code="file_type", name=shown)
    content_type, signatures = ALLOWED_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    if not any(head.startswith(signature) for signature in signatures):
        raise RuleViolation(
            FILE_CONTENT_MISMATCH, code="file_content", name=shown, kind=extension[1:].upper()
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name=name, content_type=content_type, size=size, sha256=digest.hexdigest())
