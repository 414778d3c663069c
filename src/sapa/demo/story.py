"""The vocabulary the demo's story is written in: moments relative to loading, people,
orders as the shop reports them, and the steps of a conversation.

Plain data; `sapa.demo.loader` turns each step into a call of one of Sapa's actions.
"""

from dataclasses import dataclass, field
from textwrap import dedent
from zoneinfo import ZoneInfo

from sapa.accounts.models import Role
from sapa.channels.kinds import Channel, IdentityKind
from sapa.commerce.models import OrderStatus, ShipmentStatus
from sapa.conversations.models import Priority, TicketStatus

SHOP_TIMEZONE = ZoneInfo("Asia/Jakarta")
# Shorthands for the conversation modules.
SOLVED = TicketStatus.SOLVED
PENDING = TicketStatus.PENDING


@dataclass(frozen=True)
class When:
    """A moment of the story: `days_ago` at `time` ("HH:MM", shop time), or, for today,
    `minutes_ago` before the demo is loaded (a clock time today might still lie ahead)."""

    days_ago: int = 0
    time: str = ""
    minutes_ago: int = 0


def day(days_ago: int, time: str) -> When:
    return When(days_ago=days_ago, time=time)


def ago(minutes: int) -> When:
    return When(minutes_ago=minutes)


@dataclass(frozen=True)
class TeamProfile:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class AgentProfile:
    username: str
    first_name: str
    last_name: str
    role: Role
    team_slugs: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    """A customer as the shop knows them; raw addresses, normalised by the loader."""

    key: str
    name: str
    email: str = ""
    phone: str = ""
    telegram: str = ""
    chat_visitor: str = ""


@dataclass(frozen=True)
class Book:
    sku: str
    title: str
    author: str
    price_minor: int


@dataclass(frozen=True)
class Line:
    book: Book
    quantity: int = 1
    # A negotiated price (a bulk discount); the catalogue price otherwise.
    unit_price_minor: int | None = None

    @property
    def price_minor(self) -> int:
        return self.book.price_minor if self.unit_price_minor is None else self.unit_price_minor


@dataclass(frozen=True)
class Scan:
    """One tracking event from the carrier."""

    when: When
    status: ShipmentStatus
    description: str
    location: str = ""


@dataclass(frozen=True)
class OrderStory:
    """An order as the shop reports it over time: each entry of `history` and each scan is
    sent to Sapa when it happens, as the shop's webhook would."""

    number: str
    person: Person
    lines: tuple[Line, ...]
    shipping_minor: int
    history: tuple[tuple[When, OrderStatus], ...]
    carrier: str = ""
    tracking_number: str = ""
    scans: tuple[Scan, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Say:
    """The customer writes (or calls, or visits). `channel` overrides the conversation's
    (an email answer to a web-form ticket); `extra` adds addresses the message carries."""

    when: When
    text: str
    subject: str = ""
    channel: Channel | None = None
    extra: tuple[tuple[IdentityKind, str], ...] = ()


@dataclass(frozen=True)
class Reply:
    when: When
    by: str
    text: str
    status: TicketStatus | None = None
    channel: Channel | None = None


@dataclass(frozen=True)
class Note:
    when: When
    by: str
    text: str


@dataclass(frozen=True)
class Update:
    """Triage: `by` None is Sapa's own automation (closing solved tickets)."""

    when: When
    by: str | None
    status: TicketStatus | None = None
    priority: Priority | None = None
    assignee: str | None = None
    team: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """An agent edits the customer's profile."""

    when: When
    by: str
    language: str | None = None
    is_internal: bool | None = None
    notes: str | None = None
    tags: tuple[str, ...] = ()


Step = Say | Reply | Note | Update | Profile


@dataclass(frozen=True)
class Conversation:
    """One ticket's story; `key` names it for the loader's own bookkeeping."""

    key: str
    person: Person
    channel: Channel
    steps: tuple[Step, ...]


def letter(text: str) -> str:
    """An email body written as an indented triple-quoted string."""
    return dedent(text).strip()
