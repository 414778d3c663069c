"""Storing attachment bytes: content-addressed, so the same file sent twice is kept once.

Files are written before the database transaction that references them; a file whose
transaction rolled back is an orphan that takes space but is never shown.
"""

import hashlib
import mimetypes
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse

_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class StoredFile:
    path: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


def safe_filename(filename: str) -> str:
    """The name without directories or odd characters, never empty, at most 200 characters."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._") or "attachment"
    return cleaned[-200:]


def store_file(content: bytes, *, filename: str, content_type: str) -> StoredFile:
    digest = hashlib.sha256(content).hexdigest()
    name = safe_filename(filename)
    path = f"attachments/{digest[:2]}/{digest}/{name}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(content))
    guessed = content_type.strip() or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return StoredFile(
        path=path,
        filename=filename[:255] or name,
        content_type=guessed[:255],
        size_bytes=len(content),
        sha256=digest,
    )


_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
}


def looks_like(content: bytes, content_type: str) -> bool:
    """The bytes start the way the declared type's files do (an .exe named .png does not)."""
    if content_type == "image/webp":
        return content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    if content_type == "text/plain":
        return b"\x00" not in content[:4096]
    return content.startswith(_SIGNATURES.get(content_type, (b"",)))


# Shown in the page; anything else (SVG and HTML included) is only ever downloaded.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def file_response(
    file: FieldFile, *, filename: str, content_type: str, cache_seconds: int = 0
) -> FileResponse:
    """A stored file for the browser: safe images inline, everything else as a download
    of type octet-stream, never sniffed, in a sandbox."""
    inline = content_type in INLINE_TYPES
    response = FileResponse(file.open("rb"), as_attachment=not inline, filename=filename)
    response["Content-Type"] = content_type if inline else "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if cache_seconds:
        response["Cache-Control"] = f"public, max-age={cache_seconds}"
    return response
