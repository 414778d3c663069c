"""Background work for the chat: transcripts by email."""

from huey.contrib.djhuey import db_task

from sapa.channels.chat.transcripts import deliver_transcript
from sapa.conversations.models import Ticket


@db_task()
def send_transcript(ticket_id: int, to: str, lang: str) -> None:
    ticket = Ticket.objects.filter(pk=ticket_id).select_related("customer").first()
    if ticket is not None:
        deliver_transcript(ticket, to=to, lang=lang)
