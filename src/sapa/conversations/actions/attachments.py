"""Recording files already in storage as a message's attachments (inside the caller's
transaction; the files are written before it, content-addressed)."""

from collections.abc import Sequence

from sapa.conversations.attachment_files import StoredFile
from sapa.conversations.models import Attachment, Message


def attach_stored(message: Message, stored: Sequence[StoredFile]) -> None:
    if not stored:
        return
    Attachment.objects.bulk_create(
        Attachment(
            message=message,
            file=f.path,
            filename=f.filename,
            content_type=f.content_type,
            size_bytes=f.size_bytes,
            sha256=f.sha256,
        )
        for f in stored
    )
