"""Attachment files for the console, behind the same visibility as their ticket."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from sapa.conversations.models import Attachment
from sapa.conversations.queries import visible_tickets
from sapa.web.requests import request_agent

# Shown in the page; anything else (SVG and HTML included) is only ever downloaded.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@login_required
@require_GET
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    agent = request_agent(request)
    found = Attachment.objects.filter(
        pk=attachment_id, message__ticket__in=visible_tickets(agent)
    ).first()
    if found is None:
        raise Http404()
    inline = found.content_type in INLINE_TYPES
    response = FileResponse(
        found.file.open("rb"), as_attachment=not inline, filename=found.filename
    )
    response["Content-Type"] = found.content_type if inline else "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
