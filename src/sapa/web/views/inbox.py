"""The inbox: saved views with counts, filters, sorting, keyset pages, bulk actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sapa.accounts.models import Agent, Team
from sapa.channels.kinds import Channel
from sapa.conversations import actions
from sapa.conversations.inbox import VIEW_LABELS, combine, view_counts, view_filters
from sapa.conversations.models import Priority, TicketStatus
from sapa.conversations.queries import access_ticket, list_tickets
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.web.forms import SORT_LABELS, BulkActionForm, InboxFilterForm
from sapa.web.requests import request_agent

PAGE_SIZE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    agent = request_agent(request)
    form = InboxFilterForm(request.GET)
    form.is_valid()  # an invalid field is left out (cleaned_data lacks it); the inbox shows
    chosen_view = form.chosen_view()
    filters = combine(view_filters(chosen_view, agent), form.chosen_filters())
    try:
        tickets, next_cursor = list_tickets(
            agent,
            filters,
            cursor=form.cleaned_data.get("cursor") or None,
            limit=PAGE_SIZE,
            sort=form.chosen_sort(),
        )
    except InvalidInput:
        tickets, next_cursor = [], None
    next_query = request.GET.copy()
    next_query["cursor"] = next_cursor or ""
    chosen = form.cleaned_data
    context = {
        "view": chosen_view,
        "view_label": VIEW_LABELS[chosen_view],
        "views": [(v, label, None) for v, label in VIEW_LABELS.items()],
        "tickets": tickets,
        # Said once, not once per row.
        "ticket_base": reverse("web:ticket", args=[0]).removesuffix("0/"),
        "unassigned_label": _("Unassigned"),
        "select_label": _("Select ticket"),
        "no_subject_label": _("(no subject)"),
        "next_url": f"?{next_query.urlencode()}" if next_cursor else "",
        # Plain option lists, built once (rendering form widgets is slow).
        "agents": list(Agent.objects.filter(is_active=True).order_by("first_name", "username")),
        "teams": list(Team.objects.order_by("name")),
        "statuses": TicketStatus.choices,
        "priorities": Priority.choices,
        "channels": Channel.choices,
        "sorts": list(SORT_LABELS.items()),
        "bulk_actions": BulkActionForm.ACTIONS,
        "chosen": {
            "status": chosen.get("status") or "",
            "priority": chosen.get("priority") or "",
            "channel": chosen.get("channel") or "",
            "team": chosen["team"].pk if chosen.get("team") else None,
            "assignee": chosen["assignee"].pk if chosen.get("assignee") else None,
            "tag": chosen.get("tag") or "",
            "q": chosen.get("q") or "",
            "sort": form.chosen_sort().value,
        },
    }
    if request.headers.get("HX-Request") and request.GET.get("fragment") == "rows":
        return render(request, "web/inbox/partials/rows.html", context)
    return render(request, "web/inbox/inbox.html", context)


@login_required
def view_counts_fragment(request: HttpRequest) -> HttpResponse:
    """The saved views with their counts, loaded after the page (one aggregate over every
    visible ticket is the inbox's most expensive query) and again on live changes."""
    agent = request_agent(request)
    view = request.GET.get("view", "")
    counts = view_counts(agent)
    context = {
        "view": view,
        "views": [(v, label, counts[v]) for v, label in VIEW_LABELS.items()],
    }
    return render(request, "web/inbox/partials/views.html", context)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Apply one change to many tickets; each ticket is checked and reported on its own."""
    agent = request_agent(request)
    form = BulkActionForm(request.POST)
    back = redirect(f"{request.path.rsplit('/bulk/', 1)[0]}/?{_return_query(request.POST)}")
    if not form.is_valid():
        messages.error(request, _("Choose tickets and a complete action."))
        return back
    data = form.cleaned_data
    actor = Actor.for_agent(agent)
    done, failed = 0, []
    for ticket_id in data["ticket_ids"]:
        try:
            ticket = access_ticket(agent, ticket_id)
            if data["action"] == "assign":
                actions.assign_ticket(ticket, assignee=data["assignee"], actor=actor)
            elif data["action"] == "status":
                actions.set_status(ticket, status=TicketStatus(data["status"]), actor=actor)
            else:
                actions.tag_ticket(ticket, add=[data["tag"]], actor=actor)
            done += 1
        except SapaError as error:
            failed.append(f"#{ticket_id}: {error.message}")
    if done:
        messages.success(
            request,
            ngettext("%(count)d ticket changed.", "%(count)d tickets changed.", done)
            % {"count": done},
        )
    for failure in failed:
        messages.error(request, failure)
    return back


def _return_query(post: QueryDict) -> str:
    keep = QueryDict(mutable=True)
    for key in ("view", "status", "priority", "channel", "team", "assignee", "tag", "q", "sort"):
        if post.get(f"return_{key}"):
            keep[key] = str(post[f"return_{key}"])
    return keep.urlencode()
