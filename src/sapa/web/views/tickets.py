"""The ticket page: the conversation as one timeline, the composer, the sidebar, and the
customer panel (the single customer view). A chat ticket also shows its visitor (the page
they are on, what they gave in the pre-chat form) and what the bot knows."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent, Team
from sapa.accounts.queries import team_ids_of
from sapa.bot.config import BOT_CHANNELS
from sapa.bot.models import BotConversation
from sapa.channels.chat.actions import mark_read_by_agent
from sapa.channels.chat.models import ChatVisitor
from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.messages import InboundAttachment
from sapa.channels.whatsapp.queries import composer_templates
from sapa.commerce.queries import latest_order, recent_orders
from sapa.conversations import actions
from sapa.conversations.exceptions import TicketNotFound
from sapa.conversations.models import Direction, Macro, Message, Ticket, TicketStatus
from sapa.conversations.placeholders import PlaceholderContext, fill_placeholders
from sapa.conversations.queries import access_ticket, visible_tickets
from sapa.conversations.reply_routing import reply_options
from sapa.conversations.ticket_timeline import ticket_timeline
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.customers.models import Customer, Identity
from sapa.customers.queries import open_merge_suggestions
from sapa.web.customer_panel import after_sale_context
from sapa.web.forms import NoteForm, ReplyForm, TicketFieldsForm
from sapa.web.requests import request_agent
from sapa.web.views.attachments import INLINE_TYPES

OTHER_TICKETS = 10


def _ticket_or_404(agent: Agent, ticket_id: int) -> Ticket:
    try:
        return access_ticket(agent, ticket_id)
    except TicketNotFound as error:
        raise Http404() from error


def _latest_inbound_id(ticket: Ticket) -> int:
    return (
        Message.objects.filter(ticket=ticket, direction=Direction.INBOUND)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


def _macros_for(agent: Agent, *, language: str = "") -> list[Macro]:
    """The macros `agent` may use, those in `language` (the customer's) first."""
    macros = list(
        Macro.objects.filter(is_active=True)
        .filter(Q(team__isnull=True) | Q(team_id__in=team_ids_of(agent)))
        .order_by("name")
    )
    return sorted(macros, key=lambda macro: macro.language != language)


@dataclass(frozen=True)
class ChatDetails:
    """What the ticket page shows of a chat: the visitor, the bot's state, and the newest
    of our messages the visitor has read (0: none, or not a chat)."""

    visitor: ChatVisitor | None = None
    bot: BotConversation | None = None
    read_up_to: int = 0


def _chat_visitor(ticket: Ticket) -> ChatVisitor | None:
    """The visitor whose conversation this is, else the customer's latest chat visitor."""
    visitors = ChatVisitor.objects.select_related("widget").order_by("-last_seen_at", "-pk")
    current = visitors.filter(current_ticket=ticket).first()
    if current is not None:
        return current
    public_ids = Identity.objects.filter(
        customer_id=ticket.customer_id, kind=IdentityKind.CHAT_VISITOR
    ).values("value")
    return visitors.filter(public_id__in=public_ids).first()


def _chat_details(ticket: Ticket) -> ChatDetails:
    """No queries for a ticket that did not start on a channel the bot or the chat use."""
    if ticket.origin_channel not in BOT_CHANNELS:
        return ChatDetails()
    visitor = _chat_visitor(ticket) if ticket.origin_channel == Channel.CHAT else None
    bot = BotConversation.objects.filter(ticket=ticket).first()
    read_up_to = 0
    if visitor is not None and visitor.current_ticket_id == ticket.pk:
        read_up_to = visitor.visitor_read_up_to
    return ChatDetails(visitor=visitor, bot=bot, read_up_to=read_up_to)


def _mark_chat_read(ticket: Ticket, agent: Agent) -> None:
    """The agent has the chat in front of them: the visitor sees their messages as read."""
    if ticket.origin_channel == Channel.CHAT:
        mark_read_by_agent(ticket, agent)


def _sidebar_form(ticket: Ticket) -> TicketFieldsForm:
    return TicketFieldsForm(
        initial={
            "status": ticket.status,
            "priority": ticket.priority,
            "assignee": ticket.assignee_id,
            "team": ticket.team_id,
            "tags": " ".join(sorted(t.name for t in ticket.tags.all())),
        }
    )


def _page_context(
    request: HttpRequest, agent: Agent, ticket: Ticket, **extra: Any
) -> dict[str, Any]:
    entries, earlier = ticket_timeline(ticket)
    customer = Customer.objects.prefetch_related("identities", "tags").get(pk=ticket.customer_id)
    options = reply_options(ticket)
    chat = _chat_details(ticket)
    context = {
        "ticket": ticket,
        "chat": chat,
        "inline_types": INLINE_TYPES,
        "entries": entries,
        "earlier_cursor": earlier,
        "customer": customer,
        "identities": sorted(customer.identities.all(), key=lambda i: (i.kind, i.value)),
        "customer_tags": [tag.name for tag in customer.tags.all()],
        "teams": list(Team.objects.order_by("name")),
        "orders": recent_orders(customer),
        "other_tickets": list(
            visible_tickets(agent)
            .filter(customer=customer)
            .exclude(pk=ticket.pk)
            .order_by("-last_activity_at")[:OTHER_TICKETS]
        ),
        "suggestions": open_merge_suggestions(customer),
        # Others the ticket's email was copied to (Cc): replies go to them too.
        "participants": list(ticket.participants.select_related("customer").order_by("address")),
        "reply_options": options,
        "whatsapp": composer_templates(ticket, channels=[o.channel for o in options]),
        "reply_form": extra.pop("reply_form", None)
        or ReplyForm(initial={"seen_message_id": _latest_inbound_id(ticket)}),
        "note_form": extra.pop("note_form", None) or NoteForm(),
        "fields_form": _sidebar_form(ticket),
        "macros": _macros_for(agent, language=customer.language),
        "statuses": TicketStatus.choices,
        "agents": Agent.objects.filter(is_active=True).order_by("first_name", "username"),
    }
    context.update(after_sale_context(customer))
    context.update(extra)
    return context


@login_required
@require_GET
def ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    agent = request_agent(request)
    found = _ticket_or_404(agent, ticket_id)
    _mark_chat_read(found, agent)
    return render(request, "web/tickets/ticket.html", _page_context(request, agent, found))


@login_required
@require_GET
def timeline(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The timeline fragment: the latest page (re-fetched when the websocket says the ticket
    changed: on a chat, the agent has now seen the visitor's new message), or with `before`
    the page of earlier messages."""
    agent = request_agent(request)
    found = _ticket_or_404(agent, ticket_id)
    before = request.GET.get("before") or None
    try:
        entries, earlier = ticket_timeline(found, before=before)
    except InvalidInput as error:
        raise Http404() from error
    if before is None:
        _mark_chat_read(found, agent)
    return render(
        request,
        "web/tickets/partials/timeline.html",
        {
            "ticket": found,
            "entries": entries,
            "earlier_cursor": earlier,
            "inline_types": INLINE_TYPES,
            "chat": _chat_details(found),
        },
    )


@login_required
@require_POST
def reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    agent = request_agent(request)
    found = _ticket_or_404(agent, ticket_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        context = _page_context(request, agent, found, reply_form=form)
        return render(request, "web/tickets/ticket.html", context, status=422)
    data = form.cleaned_data
    newest = _latest_inbound_id(found)
    if newest > (data.get("seen_message_id") or 0) and not data.get("confirm_send"):
        # The customer wrote while the agent was composing: show it, ask before sending.
        bound = ReplyForm({**request.POST.dict(), "confirm_send": "on", "seen_message_id": newest})
        bound.is_valid()
        if request.FILES:
            # A browser cannot send the chosen files back with the re-shown form.
            bound.add_error(None, _("Attach your files again before sending."))
        context = _page_context(
            request,
            agent,
            found,
            reply_form=bound,
            new_message_warning=True,
            new_since=data.get("seen_message_id") or 0,
        )
        return render(request, "web/tickets/ticket.html", context, status=409)
    try:
        actions.reply(
            found,
            text=data["text"],
            channel=data.get("channel") or None,
            status_after=TicketStatus(data["status"]) if data.get("status") else None,
            actor=Actor.for_agent(agent),
            attachments=tuple(
                InboundAttachment(
                    filename=upload.name or "attachment",
                    content_type=upload.content_type or "application/octet-stream",
                    content=upload.read(),
                )
                for upload in request.FILES.getlist("attachments")
            ),
        )
    except SapaError as error:
        form.add_error(None, str(error.message))
        context = _page_context(request, agent, found, reply_form=form)
        return render(request, "web/tickets/ticket.html", context, status=422)
    messages.success(request, _("Reply sent."))
    return redirect("web:ticket", ticket_id=found.pk)


@login_required
@require_POST
def note(request: HttpRequest, ticket_id: int) -> HttpResponse:
    agent = request_agent(request)
    found = _ticket_or_404(agent, ticket_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            actions.add_note(found, text=form.cleaned_data["text"], actor=Actor.for_agent(agent))
        except SapaError as error:
            form.add_error(None, str(error.message))
    if form.errors:
        context = _page_context(request, agent, found, note_form=form, active_tab="note")
        return render(request, "web/tickets/ticket.html", context, status=422)
    messages.success(request, _("Note added."))
    return redirect("web:ticket", ticket_id=found.pk)


@login_required
@require_POST
def fields(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Change status, priority, assignee, team or tags from the sidebar (only the fields
    sent are changed)."""
    agent = request_agent(request)
    found = _ticket_or_404(agent, ticket_id)
    form = TicketFieldsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("web:ticket", ticket_id=found.pk)
    data, sent = form.cleaned_data, set(request.POST)
    changes = actions.TicketChanges(
        status=TicketStatus(data["status"]) if "status" in sent and data["status"] else None,
        priority=data["priority"] if "priority" in sent and data["priority"] else None,
        assignee=actions.Change(data["assignee"]) if "assignee" in sent else None,
        team=actions.Change(data["team"]) if "team" in sent else None,
        tags=data["tags"] if "tags" in sent else None,
    )
    try:
        actions.change_ticket(found, changes, actor=Actor.for_agent(agent))
        messages.success(request, _("Ticket updated."))
    except SapaError as error:
        messages.error(request, str(error.message))
    return redirect("web:ticket", ticket_id=found.pk)


@login_required
@require_GET
def macro_text(request: HttpRequest, ticket_id: int, macro_id: int) -> HttpResponse:
    """The reply textarea, filled with the macro for this ticket (editable before sending)."""
    agent = request_agent(request)
    found = _ticket_or_404(agent, ticket_id)
    macro = next((m for m in _macros_for(agent) if m.pk == macro_id), None)
    if macro is None:
        raise Http404()
    text = fill_placeholders(
        macro.body,
        PlaceholderContext(ticket=found, agent=agent, order=latest_order(found.customer)),
    )
    return render(request, "web/tickets/partials/reply_text.html", {"text": text})
