"""Promises in the console: the form beside the composer, the Kept / Broken buttons of the
customer panel, and the list of open promises with the kept/broken report."""

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise as StrOrPromise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, has_permission
from sapa.api.pagination import page_limit
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.promises import actions
from sapa.promises.exceptions import PromiseNotFound
from sapa.promises.models import Promise
from sapa.promises.queries import Scope, access_promise, list_open_promises, promise_report
from sapa.web.form_errors import apply_error
from sapa.web.promise_forms import PromiseForm
from sapa.web.requests import request_agent
from sapa.web.views.tickets import _page_context, _ticket_or_404

REPORT_DAYS = 30


@login_required
@require_POST
def make(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Make a promise from the form beside the composer. With htmx a bad form comes back in
    place (status 200, so htmx swaps it); without, the ticket page shows it (422)."""
    agent = request_agent(request)
    found = _ticket_or_404(agent, ticket_id)
    form = PromiseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.make_promise(
                found,
                text=data["text"],
                due_at=form.due_at,
                owner=data["owner"],
                follow_up_text=data["follow_up_text"] if data["follow_up"] else "",
                actor=Actor.for_agent(agent),
            )
        except InvalidInput as error:
            apply_error(form, error)
        except SapaError as error:
            form.add_error(None, str(error.message))
    if not form.errors:
        messages.success(request, _("Promise recorded."))
        url = reverse("web:ticket", args=[found.pk])
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)
    if request.headers.get("HX-Request"):
        context = {
            "ticket": found,
            "promise_form": form,
            "agents": Agent.objects.filter(is_active=True).order_by("first_name", "username"),
        }
        return render(request, "web/tickets/partials/promise_form.html", context)
    context = _page_context(request, agent, found, promise_form=form)
    return render(request, "web/tickets/ticket.html", context, status=422)


_SETTLE: dict[str, tuple[Callable[..., Promise], StrOrPromise]] = {
    "kept": (actions.mark_kept, gettext_lazy("Marked as kept.")),
    "broken": (actions.mark_broken, gettext_lazy("Marked as broken.")),
    "cancel": (actions.cancel_promise, gettext_lazy("Promise cancelled.")),
}


@login_required
@require_POST
def settle(request: HttpRequest, promise_id: int, outcome: str) -> HttpResponse:
    """Kept, broken or cancelled, from the customer panel or the list; back to `next`."""
    agent = request_agent(request)
    if outcome not in _SETTLE:
        raise Http404()
    try:
        promise = access_promise(agent, promise_id)
    except PromiseNotFound as error:
        raise Http404() from error
    action, done = _SETTLE[outcome]
    try:
        action(promise, note=request.POST.get("note", ""), actor=Actor.for_agent(agent))
        messages.success(request, str(done))
    except SapaError as error:
        messages.error(request, str(error.message))
    return redirect(_back(request, promise))


def _back(request: HttpRequest, promise: Promise) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:ticket", args=[promise.ticket_id])


@login_required
@require_GET
def promise_list(request: HttpRequest) -> HttpResponse:
    """Open promises, the earliest due first (overdue ones lead): mine, my teams' or all I
    may see; supervisors also see who kept and broke how many in the last 30 days."""
    agent = request_agent(request)
    try:
        scope = Scope(request.GET.get("scope") or Scope.MINE)
    except ValueError:
        scope = Scope.MINE
    try:
        items, next_cursor = list_open_promises(
            agent, scope=scope, cursor=request.GET.get("cursor") or None, limit=page_limit(None)
        )
    except InvalidInput:
        items, next_cursor = [], None
    now = clock.now()
    report = None
    if has_permission(agent, Permission.VIEW_REPORTS):
        report = promise_report(now - timedelta(days=REPORT_DAYS), now)
    query = request.GET.copy()
    query["cursor"] = next_cursor or ""
    context = {
        "promises": items,
        "scope": scope,
        "scopes": [
            (Scope.MINE, _("Mine")),
            (Scope.TEAM, _("My teams")),
            (Scope.ALL, _("All")),
        ],
        "next_url": f"?{query.urlencode()}" if next_cursor else "",
        "report": report,
        "report_days": REPORT_DAYS,
    }
    return render(request, "web/promises/list.html", context)
