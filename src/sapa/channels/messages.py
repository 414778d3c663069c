"""The plain dataclasses that cross the boundary between channel adapters and Sapa.

Adapters build an InboundMessage from a provider's format and hand it to
`conversations.actions.receive_inbound`; the delivery task hands an OutboundMessage to an
adapter's `deliver` and records the DeliveryResult.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sapa.channels.kinds import IdentityKind


@dataclass(frozen=True)
class Address:
    """A normalised customer address (see sapa.customers.addresses)."""

    kind: IdentityKind
    value: str


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Participant:
    """Someone else the message was addressed to (an email's Cc), who joins the ticket."""

    address: Address
    name: str = ""


@dataclass(frozen=True)
class InboundMessage:
    channel: str
    external_id: str
    # The sender's addresses, the one the message came from first.
    addresses: tuple[Address, ...]
    text: str
    sender_name: str = ""
    subject: str = ""
    html: str = ""
    ticket_id: int | None = None
    in_reply_to: str = ""
    sent_at: datetime | None = None
    attachments: tuple[InboundAttachment, ...] = field(default_factory=tuple)
    # Earlier provider ids this message refers to (email References), newest last; tried
    # after in_reply_to.
    references: tuple[str, ...] = ()
    # A ticket number the sender quoted (the "[#1234]" token of an email subject): the
    # fallback when no reference matches.
    ticket_number: int | None = None
    # False for channels that thread by headers only (email): a message with no reference
    # then opens a new ticket instead of joining the customer's recent one.
    thread_by_recency: bool = True
    # The folded part of the text (quoted history, signature).
    quoted_text: str = ""
    # Why this is machine-written (out-of-office, bulk); "" when a person wrote it.
    auto_reply: str = ""
    participants: tuple[Participant, ...] = ()
    # The team a new ticket goes to (the mailbox's team).
    team_id: int | None = None
    # Channel details kept on the message (see Message.meta).
    meta: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class InboundResult:
    ticket_id: int
    ticket_number: int
    message_id: int
    customer_id: int
    created: bool


@dataclass(frozen=True)
class OutboundAttachment:
    filename: str
    content_type: str
    path: str


@dataclass(frozen=True)
class OutboundMessage:
    message_id: int
    channel: str
    to_address: str
    text: str
    html: str = ""
    subject: str = ""
    ticket_number: int = 0
    attachments: tuple[OutboundAttachment, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    external_id: str = ""
    error: str = ""
    # A temporary failure (timeout, rate limit) is retried with backoff; a permanent one is not.
    temporary: bool = False
