"""API schemas for inbound messages, tickets and messages."""

import base64
import binascii
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from ninja import Field, Schema
from pydantic import AwareDatetime, field_validator

from sapa.api.schemas import Ref
from sapa.channels.kinds import Channel
from sapa.conversations.models import Attachment, Message, Priority, Ticket, TicketStatus


class SenderIn(Schema):
    name: str = Field("", max_length=200)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=40)
    handle: str | None = Field(None, max_length=320, description="The sender's id on the channel")


class AttachmentIn(Schema):
    name: str = Field(min_length=1, max_length=255)
    content_type: str = Field("application/octet-stream", max_length=255)
    content: str = Field(description="The file, base64-encoded")

    @field_validator("content")
    @classmethod
    def _base64(cls, value: str) -> str:
        compact = "".join(value.split())
        try:
            decoded = base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("content is not valid base64") from error
        if len(decoded) > settings.SAPA_MAX_ATTACHMENT_BYTES:
            raise ValueError(f"the file is larger than {settings.SAPA_MAX_ATTACHMENT_BYTES} bytes")
        return compact

    def decoded(self) -> bytes:
        return base64.b64decode(self.content)


class InboundIn(Schema):
    channel: Channel
    external_id: str = Field(min_length=1, max_length=500)
    sender: SenderIn = Field(alias="from")
    subject: str = Field("", max_length=300)
    text: str = ""
    html: str = ""
    ticket_id: int | None = None
    in_reply_to: str = Field("", max_length=500)
    sent_at: AwareDatetime | None = None
    attachments: list[AttachmentIn] = []

    @field_validator("text", "html")
    @classmethod
    def _length(cls, value: str) -> str:
        if len(value) > settings.SAPA_MAX_MESSAGE_CHARS:
            raise ValueError(f"longer than {settings.SAPA_MAX_MESSAGE_CHARS} characters")
        return value

    @field_validator("attachments")
    @classmethod
    def _count(cls, value: list[AttachmentIn]) -> list[AttachmentIn]:
        if len(value) > settings.SAPA_MAX_ATTACHMENTS:
            raise ValueError(f"at most {settings.SAPA_MAX_ATTACHMENTS} attachments")
        return value


class InboundOut(Schema):
    ticket_id: int
    ticket_number: int
    message_id: int
    customer_id: int
    created: bool


class TicketOut(Schema):
    id: int
    number: int
    subject: str
    status: TicketStatus
    priority: Priority
    channel: Channel
    customer: Ref
    team: Ref | None
    assignee: Ref | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    last_customer_message_at: datetime | None
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_channel(ticket: Ticket) -> str:
        return ticket.origin_channel

    @staticmethod
    def resolve_customer(ticket: Ticket) -> dict[str, object]:
        return {"id": ticket.customer_id, "name": str(ticket.customer)}

    @staticmethod
    def resolve_team(ticket: Ticket) -> dict[str, object] | None:
        return {"id": ticket.team.pk, "name": ticket.team.name} if ticket.team else None

    @staticmethod
    def resolve_assignee(ticket: Ticket) -> dict[str, object] | None:
        if ticket.assignee is None:
            return None
        return {"id": ticket.assignee.pk, "name": ticket.assignee.display_name}

    @staticmethod
    def resolve_tags(ticket: Ticket) -> list[str]:
        return sorted(tag.name for tag in ticket.tags.all())


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    url: str

    @staticmethod
    def resolve_url(attachment: Attachment) -> str:
        return reverse("api-v1:attachment_content", kwargs={"attachment_id": attachment.pk})


class AuthorOut(Schema):
    kind: str
    id: int | None
    name: str


class MessageOut(Schema):
    id: int
    direction: str
    channel: str
    author: AuthorOut
    text: str
    html: str
    external_id: str | None
    to_address: str
    delivery_status: str
    delivery_error: str
    sent_at: datetime | None
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author(message: Message) -> dict[str, object]:
        if message.author_agent is not None:
            agent = message.author_agent
            return {"kind": message.author_kind, "id": agent.pk, "name": agent.display_name}
        if message.author_customer is not None:
            customer = message.author_customer
            return {"kind": message.author_kind, "id": customer.pk, "name": str(customer)}
        return {"kind": message.author_kind, "id": None, "name": ""}

    @staticmethod
    def resolve_attachments(message: Message) -> list[Attachment]:
        return list(message.attachments.all())


class TicketDetailOut(TicketOut):
    """Built from a Ticket carrying `recent_messages` and `earlier_messages_cursor`
    attributes (set by the endpoint from queries.message_page)."""

    custom_fields: dict[str, object]
    follow_up_of: int | None
    messages: list[MessageOut]
    earlier_messages_cursor: str | None

    @staticmethod
    def resolve_follow_up_of(ticket: Ticket) -> int | None:
        return ticket.follow_up_of_id

    @staticmethod
    def resolve_messages(ticket: Ticket) -> list[Message]:
        return ticket.recent_messages  # type: ignore[attr-defined]


class MessagePageOut(Schema):
    items: list[MessageOut]
    earlier_cursor: str | None


class TicketPatchIn(Schema):
    status: TicketStatus | None = None
    priority: Priority | None = None
    assignee_id: int | None = None
    team_id: int | None = None
    tags: list[str] | None = Field(None, max_length=50)


class ReplyIn(Schema):
    text: str = ""
    html: str = ""
    channel: Channel | None = None
    status: TicketStatus | None = Field(None, description="Set the ticket to this status on send")
    attachments: list[AttachmentIn] = []

    @field_validator("attachments")
    @classmethod
    def _count(cls, value: list[AttachmentIn]) -> list[AttachmentIn]:
        if len(value) > settings.SAPA_MAX_ATTACHMENTS:
            raise ValueError(f"at most {settings.SAPA_MAX_ATTACHMENTS} attachments")
        return value


class NoteIn(Schema):
    text: str = ""
    html: str = ""
