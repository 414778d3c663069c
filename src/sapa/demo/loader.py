"""Loading the demo: Toko Buku Sapa's story replayed through Sapa's own actions.

Every step runs at the moment it happened (`sapa.core.clock.frozen_at`), in chronological
order across all conversations and orders, so tickets, messages, events and reply windows
look as they would after three weeks of real use. Nothing here writes a model directly.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from functools import partial
from typing import assert_never

from django.db import transaction

from sapa.accounts.actions import add_agent_to_team, create_agent, create_team
from sapa.accounts.models import Agent, Team
from sapa.channels.kinds import HANDLE_KIND, Channel, IdentityKind
from sapa.channels.messages import Address, InboundMessage
from sapa.commerce.actions import OrderData, ShipmentData, TrackingEvent, upsert_order
from sapa.commerce.models import OrderStatus
from sapa.conversations.actions import (
    Change,
    TicketChanges,
    add_note,
    change_ticket,
    receive_inbound,
    reply,
    tag_ticket,
)
from sapa.conversations.models import Ticket
from sapa.core import clock, event_dispatch
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.customers.actions import set_customer_tags, update_customer
from sapa.customers.addresses import normalise_address
from sapa.customers.models import Customer, MergeSuggestion
from sapa.demo.after_sale import load_after_sale
from sapa.demo.bookshop import AGENT_EMAIL_DOMAIN, AGENTS, DEMO_PASSWORD, MARKER_TEAM, ORDERS, TEAMS
from sapa.demo.bookshop_payments import PAYMENT_CONVERSATIONS
from sapa.demo.bookshop_products import PRODUCT_CONVERSATIONS
from sapa.demo.bookshop_shipping import SHIPPING_CONVERSATIONS
from sapa.demo.chat import load_chat
from sapa.demo.help_center import load_help_center, load_help_center_activity
from sapa.demo.stores import load_stores
from sapa.demo.story import (
    SHOP_TIMEZONE,
    Conversation,
    Note,
    OrderStory,
    Person,
    Profile,
    Reply,
    Say,
    Step,
    Update,
    When,
    day,
)
from sapa.journey.replay import replay_journeys
from sapa.sla.actions import ensure_default_policy, start_clocks_for_open_tickets

CONVERSATIONS = (*SHIPPING_CONVERSATIONS, *PAYMENT_CONVERSATIONS, *PRODUCT_CONVERSATIONS)

# The team and its agents exist before the first order of the story.
STAFF_JOINED = day(28, "09:00")
# A walk-in visit is logged under the phone number the visitor leaves at the till.
_FIRST_ADDRESS_KIND = {**HANDLE_KIND, Channel.WALKIN: IdentityKind.PHONE}
# An email answer names the message it answers (In-Reply-To); other channels thread by
# recency, as their adapters do.
_QUOTING_CHANNELS = frozenset({Channel.EMAIL, Channel.WEB})


class DemoStoryError(Exception):
    """The story contradicts itself or Sapa's rules (a mistake in sapa.demo.bookshop*)."""


class DemoConflict(Exception):
    """The database holds something the demo would create (an agent's username)."""


@dataclass(frozen=True)
class AgentLogin:
    username: str
    name: str
    role: str
    teams: tuple[str, ...]


@dataclass(frozen=True)
class DemoSummary:
    already_loaded: bool
    logins: tuple[AgentLogin, ...]
    password: str
    teams: int = 0
    agents: int = 0
    customers: int = 0
    tickets: int = 0
    messages: int = 0
    orders: int = 0
    merge_suggestions: int = 0
    articles: int = 0


def load_demo() -> DemoSummary:
    """Load Toko Buku Sapa unless it is there already (the team MARKER_TEAM exists).

    One transaction: the demo is loaded whole or not at all. Replies queue their delivery
    on commit like any other reply. Raises DemoConflict when an agent username the demo
    needs is taken, DemoStoryError when the story breaks one of Sapa's rules.
    """
    # History must not page agents, message customers or call webhooks: its events reach
    # no handler, and what the present needs (SLA clocks) is started explicitly below.
    with transaction.atomic(), event_dispatch.suppressed():
        if Team.objects.filter(name=MARKER_TEAM).exists():
            return DemoSummary(already_loaded=True, logins=agent_logins(), password=DEMO_PASSWORD)
        replay = _Replay(now=clock.now())
        replay.run()
        with clock.frozen_at(replay.at(STAFF_JOINED)):
            articles = load_help_center(replay.setup_actor)
            load_chat(replay.setup_actor)
            load_stores(replay.setup_actor)
            ensure_default_policy()
        load_help_center_activity()
        # History was replayed without event handlers: open tickets get their SLA clocks here.
        start_clocks_for_open_tickets()
        # Nor did the journey's rules see it: derive each customer's stage history from it,
        # as of the story's last moment (the demo's history stays in the past).
        with clock.frozen_at(Event.objects.latest("at").at):
            replay_journeys(replay.all_customer_ids, actor=replay.setup_actor)
        # The after-sale part of the history: thank-you codes, reviews, CSAT answers.
        load_after_sale(replay.setup_actor)
        return replace(replay.summary(), articles=articles)


def agent_logins() -> tuple[AgentLogin, ...]:
    team_names = {team.slug: team.name for team in TEAMS}
    return tuple(
        AgentLogin(
            username=agent.username,
            name=f"{agent.first_name} {agent.last_name}",
            role=agent.role.value,
            teams=tuple(team_names[slug] for slug in agent.team_slugs),
        )
        for agent in AGENTS
    )


def resolve_when(when: When, *, now: datetime) -> datetime:
    """The aware datetime `when` stands for, seen from `now`."""
    if when.time:
        if when.days_ago < 1:
            raise DemoStoryError(f"{when}: clock times are for past days; use ago() for today")
        local_day = now.astimezone(SHOP_TIMEZONE).date() - timedelta(days=when.days_ago)
        return datetime.combine(local_day, time.fromisoformat(when.time), tzinfo=SHOP_TIMEZONE)
    return now - timedelta(minutes=when.minutes_ago)


@dataclass(frozen=True)
class _Scheduled:
    at: datetime
    sequence: int
    run: Callable[[], None]


class _Replay:
    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.setup_actor = Actor.system("demo")
        self.shop_actor = Actor.system("shop")
        self.automation_actor = Actor.system("auto-close")
        self.agents: dict[str, Agent] = {}
        self.teams: dict[str, Team] = {}
        self.ticket_ids: dict[str, int] = {}
        self.customer_ids: dict[str, int] = {}
        self.last_external_id: dict[str, str] = {}
        self.inbound_counts: dict[str, int] = {}
        self.all_customer_ids: set[int] = set()
        self.order_ids: set[int] = set()
        self.message_count = 0

    def at(self, when: When) -> datetime:
        moment = resolve_when(when, now=self.now)
        if moment >= self.now:
            raise DemoStoryError(f"{when} lies in the future")
        return moment

    def run(self) -> None:
        with clock.frozen_at(self.at(STAFF_JOINED)):
            self._hire_staff()
        sequence = itertools.count()
        schedule = [
            _Scheduled(moment, next(sequence), run)
            for source in (*map(self._order_steps, ORDERS), *map(self._steps, CONVERSATIONS))
            for moment, run in source
        ]
        for item in sorted(schedule, key=lambda item: (item.at, item.sequence)):
            with clock.frozen_at(item.at):
                item.run()

    def summary(self) -> DemoSummary:
        customers = self.all_customer_ids
        suggestions = MergeSuggestion.objects.filter(customer__in=customers, other__in=customers)
        return DemoSummary(
            already_loaded=False,
            logins=agent_logins(),
            password=DEMO_PASSWORD,
            teams=len(self.teams),
            agents=len(self.agents),
            customers=len(customers),
            tickets=len(self.ticket_ids),
            messages=self.message_count,
            orders=len(self.order_ids),
            merge_suggestions=suggestions.count(),
        )

    # --- staff ------------------------------------------------------------------------

    def _hire_staff(self) -> None:
        usernames = [agent.username for agent in AGENTS]
        taken = sorted(
            Agent.objects.filter(username__in=usernames).values_list("username", flat=True)
        )
        if taken:
            raise DemoConflict(f"The demo's agent usernames are taken: {', '.join(taken)}.")
        for team in TEAMS:
            self.teams[team.slug] = create_team(
                team.name, slug=team.slug, description=team.description, actor=self.setup_actor
            )
        for profile in AGENTS:
            agent = create_agent(
                profile.username,
                email=f"{profile.username}@{AGENT_EMAIL_DOMAIN}",
                password=DEMO_PASSWORD,
                role=profile.role,
                actor=self.setup_actor,
                first_name=profile.first_name,
                last_name=profile.last_name,
            )
            for slug in profile.team_slugs:
                add_agent_to_team(agent, self.teams[slug], actor=self.setup_actor)
            self.agents[profile.username] = agent

    # --- orders -----------------------------------------------------------------------

    def _order_steps(self, story: OrderStory) -> list[tuple[datetime, Callable[[], None]]]:
        """One upsert per status change or tracking scan, each with what the shop knew."""
        history = [(self.at(when), status) for when, status in story.history]
        scans = [(self.at(scan.when), scan) for scan in story.scans]
        _require_ordered(story.number, [moment for moment, _ in history])
        _require_ordered(story.number, [moment for moment, _ in scans])
        placed_at = history[0][0]
        if scans and scans[0][0] < placed_at:
            raise DemoStoryError(f"{story.number}: a scan before the order was placed")
        steps: list[tuple[datetime, Callable[[], None]]] = []
        for moment in sorted({moment for moment, _ in [*history, *scans]}):
            status = [status for at, status in history if at <= moment][-1]
            seen = [(at, scan) for at, scan in scans if at <= moment]
            shipments: tuple[ShipmentData, ...] = ()
            if seen:
                events = tuple(
                    TrackingEvent(
                        at=at,
                        status=scan.status,
                        description=scan.description,
                        location=scan.location,
                    )
                    for at, scan in seen
                )
                shipments = (
                    ShipmentData(
                        carrier=story.carrier,
                        tracking_number=story.tracking_number,
                        status=seen[-1][1].status,
                        events=events,
                    ),
                )
            data = OrderData(
                number=story.number,
                customer_addresses=_order_addresses(story.person),
                customer_name=story.person.name,
                status=OrderStatus(status),
                total_minor=_total_minor(story),
                currency="IDR",
                placed_at=placed_at,
                items=_items(story),
                shipments=shipments,
            )
            steps.append((moment, partial(self._upsert_order, data)))
        return steps

    def _upsert_order(self, data: OrderData) -> None:
        order, _created = upsert_order(data, actor=self.shop_actor)
        self.order_ids.add(order.pk)
        self.all_customer_ids.add(order.customer_id)

    # --- conversations ----------------------------------------------------------------

    def _steps(self, conversation: Conversation) -> list[tuple[datetime, Callable[[], None]]]:
        if not isinstance(conversation.steps[0], Say):
            raise DemoStoryError(f"{conversation.key}: a ticket starts with the customer")
        moments = [self.at(step.when) for step in conversation.steps]
        if any(later <= earlier for earlier, later in itertools.pairwise(moments)):
            raise DemoStoryError(f"{conversation.key}: steps are not in chronological order")
        return [
            (moment, partial(self._perform, conversation, step, moment))
            for moment, step in zip(moments, conversation.steps, strict=True)
        ]

    def _perform(self, conversation: Conversation, step: Step, moment: datetime) -> None:
        if isinstance(step, Say):
            self._say(conversation, step, moment)
            return
        ticket = Ticket.objects.get(pk=self.ticket_ids[conversation.key])
        if isinstance(step, Reply):
            reply(
                ticket,
                text=step.text,
                actor=self._actor(step.by),
                channel=step.channel,
                status_after=step.status,
            )
            self.message_count += 1
        elif isinstance(step, Note):
            add_note(ticket, text=step.text, actor=self._actor(step.by))
            self.message_count += 1
        elif isinstance(step, Update):
            self._update(ticket, step)
        elif isinstance(step, Profile):
            self._profile(Customer.objects.get(pk=self.customer_ids[conversation.key]), step)
        else:
            assert_never(step)

    def _say(self, conversation: Conversation, step: Say, moment: datetime) -> None:
        key = conversation.key
        channel = step.channel or conversation.channel
        first = _address(conversation.person, _FIRST_ADDRESS_KIND[channel])
        extra = tuple(normalise_address(kind, raw) for kind, raw in step.extra)
        count = self.inbound_counts[key] = self.inbound_counts.get(key, 0) + 1
        external_id = (
            f"<{key}.{count}@demo.{AGENT_EMAIL_DOMAIN}>"
            if channel in _QUOTING_CHANNELS
            else f"demo-{key}-{count}"
        )
        expected_ticket_id = self.ticket_ids.get(key)
        quoted = expected_ticket_id is not None and channel in _QUOTING_CHANNELS
        result = receive_inbound(
            InboundMessage(
                channel=channel,
                external_id=external_id,
                addresses=(first, *extra),
                text=step.text,
                sender_name=conversation.person.name,
                subject=step.subject,
                in_reply_to=self.last_external_id[key] if quoted else "",
                sent_at=moment,
            )
        )
        if expected_ticket_id is None:
            if result.ticket_id in self.ticket_ids.values():
                raise DemoStoryError(f"{key}: its first message joined another ticket")
            self.ticket_ids[key] = result.ticket_id
            self.customer_ids[key] = result.customer_id
        elif result.ticket_id != expected_ticket_id:
            raise DemoStoryError(f"{key}: message {count} opened a ticket of its own")
        self.last_external_id[key] = external_id
        self.all_customer_ids.add(result.customer_id)
        self.message_count += 1

    def _update(self, ticket: Ticket, step: Update) -> None:
        actor = self._actor(step.by)
        # Tags first: a ticket this step closes takes no more tags.
        if step.tags:
            tag_ticket(ticket, add=list(step.tags), actor=actor)
        changes = TicketChanges(
            status=step.status,
            priority=step.priority,
            assignee=Change(self.agents[step.assignee]) if step.assignee else None,
            team=Change(self.teams[step.team]) if step.team else None,
        )
        if changes != TicketChanges():
            change_ticket(ticket, changes, actor=actor)

    def _profile(self, customer: Customer, step: Profile) -> None:
        actor = self._actor(step.by)
        update_customer(
            customer,
            actor=actor,
            language=step.language,
            is_internal=step.is_internal,
            notes=step.notes,
        )
        if step.tags:
            set_customer_tags(customer, names=sorted(step.tags), actor=actor)

    def _actor(self, username: str | None) -> Actor:
        if username is None:
            return self.automation_actor
        return Actor.for_agent(self.agents[username])


def _require_ordered(label: str, moments: list[datetime]) -> None:
    if any(later < earlier for earlier, later in itertools.pairwise(moments)):
        raise DemoStoryError(f"{label}: times are not in chronological order")


def _address(person: Person, kind: IdentityKind) -> Address:
    raw = {
        IdentityKind.EMAIL: person.email,
        IdentityKind.PHONE: person.phone,
        IdentityKind.WHATSAPP: person.phone,
        IdentityKind.TELEGRAM: person.telegram,
        IdentityKind.CHAT_VISITOR: person.chat_visitor,
    }.get(kind, "")
    if not raw:
        raise DemoStoryError(f"{person.key} has no {kind} address")
    return normalise_address(kind, raw)


def _order_addresses(person: Person) -> tuple[Address, ...]:
    """What a checkout form asks for: an email and a phone number."""
    addresses = []
    if person.email:
        addresses.append(_address(person, IdentityKind.EMAIL))
    if person.phone:
        addresses.append(_address(person, IdentityKind.PHONE))
    return tuple(addresses)


def _items(story: OrderStory) -> list[dict[str, object]]:
    return [
        {
            "sku": line.book.sku,
            "name": f"{line.book.title} — {line.book.author}",
            "quantity": line.quantity,
            "unit_price_minor": line.price_minor,
        }
        for line in story.lines
    ]


def _total_minor(story: OrderStory) -> int:
    return sum(line.quantity * line.price_minor for line in story.lines) + story.shipping_minor
