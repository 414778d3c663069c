"""A customer's message as an example of a help article, in one click from the ticket:
the article picker and the add itself (editors of the knowledge base: EDIT_ARTICLES).
Search and the bot learn from the examples; the article gets a new version with a note
naming the ticket."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.permissions import Permission
from sapa.conversations.exceptions import TicketNotFound
from sapa.conversations.models import Direction, Message
from sapa.conversations.queries import access_ticket
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.kb import actions
from sapa.kb.models import LANGUAGES, Article
from sapa.kb.search import Audience, search
from sapa.web.views.access import agent_with

PICK_LIMIT = 8


@login_required
@require_GET
def example_articles(request: HttpRequest, message_id: int) -> HttpResponse:
    """The picker's results: articles matching `q` (internal ones too: agents' search
    learns from them), each a button that adds message `message_id` to it."""
    agent_with(request, Permission.EDIT_ARTICLES)
    query = request.GET.get("q", "").strip()[:200]
    lang = request.GET.get("lang", "")
    if lang not in {code for code, _name in LANGUAGES}:
        lang = "id"
    hits = []
    if query:
        result = search(
            query, lang=lang, audience=Audience.AGENTS, limit=PICK_LIMIT, semantic=False
        )
        hits = list(result.hits)
    context = {"query": query, "hits": hits, "message_id": message_id}
    return render(request, "web/tickets/partials/example_results.html", context)


@login_required
@require_POST
def add_example(request: HttpRequest, ticket_id: int, message_id: int) -> HttpResponse:
    """Add the customer's message `message_id` (of ticket `ticket_id`) to the examples of
    the article posted as `article`."""
    agent = agent_with(request, Permission.EDIT_ARTICLES)
    try:
        ticket = access_ticket(agent, ticket_id)
    except TicketNotFound as error:
        raise Http404() from error
    message = Message.objects.filter(
        pk=message_id, ticket=ticket, direction=Direction.INBOUND
    ).first()
    if message is None:
        raise Http404()
    wanted = request.POST.get("article", "")
    article = Article.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if article is None:
        messages.error(request, _("Choose the article this message asks about."))
        return redirect("web:ticket", ticket_id=ticket.pk)
    note = _("Example from ticket #%(number)s") % {"number": ticket.number}
    try:
        actions.add_example(Actor.for_agent(agent), article, text=message.text, note=note)
    except exceptions.PermissionDenied as error:
        raise PermissionDenied() from error
    except exceptions.InvalidInput as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Added as an example to “%(title)s”.") % {"title": article.title},
        )
    return redirect("web:ticket", ticket_id=ticket.pk)
