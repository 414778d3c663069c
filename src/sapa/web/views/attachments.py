"""Attachment files for the console, behind the same visibility as their ticket."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from sapa.conversations.attachment_files import INLINE_TYPES, file_response
from sapa.conversations.models import Attachment
from sapa.conversations.queries import visible_tickets
from sapa.web.requests import request_agent

__all__ = ["INLINE_TYPES", "attachment"]


@login_required
@require_GET
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    agent = request_agent(request)
    found = Attachment.objects.filter(
        pk=attachment_id, message__ticket__in=visible_tickets(agent)
    ).first()
    if found is None:
        raise Http404()
    return file_response(found.file, filename=found.filename, content_type=found.content_type)
