"""Team settings for supervisors and admins: agents, teams, macros, tags.

Every page needs MANAGE_TEAM (anyone else gets 403); what a supervisor may not change
(roles, supervisors' and admins' accounts) is refused again by the actions.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapa.accounts import actions as accounts
from sapa.accounts.models import Agent, AgentSkill, Role, Skill, Team
from sapa.accounts.permissions import Permission, has_permission
from sapa.channels.kinds import Channel
from sapa.commerce.models import Order, OrderStatus
from sapa.conversations import actions as conversations
from sapa.conversations.models import Macro, Ticket
from sapa.conversations.placeholders import PLACEHOLDERS, PlaceholderContext, fill_placeholders
from sapa.core import actions as core
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.core.cursors import decode_cursor, encode_cursor
from sapa.core.models import Tag
from sapa.customers.models import Customer
from sapa.web.form_errors import apply_error
from sapa.web.manage_forms import (
    AgentForm,
    InviteForm,
    MacroForm,
    MacroPreviewForm,
    TagRenameForm,
    TeamForm,
)
from sapa.web.views.access import agent_with
from sapa.web.views.access import found as _found

PAGE_SIZE = 50
# The set-password link of an invitation, kept in the session until the next page shows it.
LINK_SESSION_KEY = "sapa_manage_password_link"


def _manager(request: HttpRequest) -> Agent:
    return agent_with(request, Permission.MANAGE_TEAM)


def _keyset_page(
    queryset: QuerySet[Any], *, order: tuple[str, ...], cursor: str
) -> tuple[list[Any], str]:
    """One page of `queryset` ordered by the text fields `order` (unique together), and the
    cursor of the next page ("" on the last)."""
    queryset = queryset.order_by(*order)
    if cursor:
        try:
            last = decode_cursor(cursor, shape=(str,) * len(order))
        except exceptions.InvalidInput:
            last = []
        after = Q()
        for index, name in enumerate(order[: len(last)]):
            equal = {field: last[i] for i, field in enumerate(order[:index])}
            after |= Q(**equal, **{f"{name}__gt": last[index]})
        queryset = queryset.filter(after)
    rows = list(queryset[: PAGE_SIZE + 1])
    if len(rows) <= PAGE_SIZE:
        return rows, ""
    rows = rows[:PAGE_SIZE]
    return rows, encode_cursor(*(getattr(rows[-1], name) for name in order))


def _keep_link(request: HttpRequest, agent: Agent, link: accounts.PasswordLink) -> None:
    url = reverse("web:set_password", args=[link.uidb64, link.token])
    request.session[LINK_SESSION_KEY] = {
        "name": agent.display_name,
        "url": request.build_absolute_uri(url),
    }


def _link_context(request: HttpRequest) -> dict[str, Any]:
    """The password link to show once (then forgotten), with how long it works."""
    return {
        "password_link": request.session.pop(LINK_SESSION_KEY, None),
        "link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }


# --- agents -------------------------------------------------------------------------


@login_required
def agents(request: HttpRequest) -> HttpResponse:
    """The agents with their role, teams, skills and capacity; inviting a new one."""
    manager = _manager(request)
    can_manage_roles = has_permission(manager, Permission.MANAGE_ROLES)
    form = InviteForm(request.POST or None, can_manage_roles=can_manage_roles)
    if request.method == "POST" and form.is_valid():
        try:
            invited, link = accounts.invite_agent(form.invitation(), actor=Actor.for_agent(manager))
        except exceptions.SapaError as error:
            apply_error(form, error)
        else:
            _keep_link(request, invited, link)
            messages.success(request, _("%(name)s was invited.") % {"name": invited.display_name})
            return redirect("web:manage_agents")
    skills = AgentSkill.objects.select_related("skill").order_by("skill__name")
    queryset = Agent.objects.prefetch_related("teams", Prefetch("skills", queryset=skills))
    rows, next_cursor = _keyset_page(
        queryset, order=("username",), cursor=request.GET.get("cursor", "")
    )
    channel_labels = dict(Channel.choices)
    context = {
        "section": "agents",
        # Each agent with their capacity as (channel name, limit) pairs.
        "agents": [
            (row, [(channel_labels.get(key, key), limit) for key, limit in row.capacity.items()])
            for row in rows
        ],
        "next_cursor": next_cursor,
        "form": form,
        **_link_context(request),
    }
    return render(request, "web/manage/agents.html", context, status=422 if form.errors else 200)


@login_required
def agent_edit(request: HttpRequest, agent_id: int) -> HttpResponse:
    manager = _manager(request)
    agent = _found(Agent.objects.prefetch_related("teams", "skills"), agent_id)
    can_manage_roles = has_permission(manager, Permission.MANAGE_ROLES)
    form = AgentForm(
        request.POST or None,
        agent=agent,
        skills=list(Skill.objects.order_by("name")),
        can_manage_roles=can_manage_roles,
    )
    if request.method == "POST" and form.is_valid():
        try:
            accounts.update_agent(agent, form.changes(), actor=Actor.for_agent(manager))
        except exceptions.SapaError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": agent.display_name})
            return redirect("web:manage_agent", agent_id=agent.pk)
    context = {
        "section": "agents",
        "agent": agent,
        "form": form,
        "can_issue_link": agent.is_active and (can_manage_roles or agent.role == Role.AGENT),
        **_link_context(request),
    }
    return render(request, "web/manage/agent.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def agent_link(request: HttpRequest, agent_id: int) -> HttpResponse:
    """A new set-password link for an agent (a lost invitation, a forgotten password)."""
    manager = _manager(request)
    agent = _found(Agent.objects.all(), agent_id)
    try:
        link = accounts.issue_password_link(agent, actor=Actor.for_agent(manager))
    except exceptions.PermissionDenied as error:
        raise PermissionDenied() from error
    except exceptions.SapaError as error:
        messages.error(request, str(error.message))
    else:
        _keep_link(request, agent, link)
    return redirect("web:manage_agent", agent_id=agent.pk)


# --- teams --------------------------------------------------------------------------


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    """The teams with their members; creating a team."""
    manager = _manager(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = accounts.add_team(form.cleaned_data["name"], actor=Actor.for_agent(manager))
        except exceptions.SapaError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Team %(name)s was created.") % {"name": team.name})
            return redirect("web:manage_teams")
    members = Agent.objects.filter(is_active=True).order_by("first_name", "username")
    rows = (
        Team.objects.order_by("name")
        .select_related("routing")
        .prefetch_related(Prefetch("agents", queryset=members))
    )
    context = {"section": "teams", "teams": rows, "form": form}
    return render(request, "web/manage/teams.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def team_rename(request: HttpRequest, team_id: int) -> HttpResponse:
    manager = _manager(request)
    team = _found(Team.objects.all(), team_id)
    form = TeamForm(request.POST)
    try:
        if not form.is_valid():
            raise exceptions.InvalidInput(_("Give the team a name."))
        accounts.rename_team(team, name=form.cleaned_data["name"], actor=Actor.for_agent(manager))
    except exceptions.PermissionDenied as error:
        raise PermissionDenied() from error
    except exceptions.SapaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Team renamed to %(name)s.") % {"name": team.name})
    return redirect("web:manage_teams")


# --- macros -------------------------------------------------------------------------


@login_required
def macros(request: HttpRequest) -> HttpResponse:
    """The macro library, active and inactive, optionally filtered by name."""
    _manager(request)
    query = request.GET.get("q", "").strip()
    queryset = Macro.objects.select_related("team")
    if query:
        queryset = queryset.filter(name__icontains=query)
    rows, next_cursor = _keyset_page(
        queryset, order=("name", "language"), cursor=request.GET.get("cursor", "")
    )
    context = {"section": "macros", "macros": rows, "next_cursor": next_cursor, "q": query}
    return render(request, "web/manage/macros.html", context)


SAMPLE_CUSTOMER = "Rina Kurniawati"
SAMPLE_ORDER = "TB-2026-0042"


def _sample_text(body: str, agent: Agent) -> str:
    """`body` filled for a made-up customer, ticket and order, to show how it reads."""
    customer = Customer(name=SAMPLE_CUSTOMER)
    ticket = Ticket(number=1042, subject=_("My parcel has not arrived yet"), customer=customer)
    order = Order(number=SAMPLE_ORDER, status=OrderStatus.SHIPPED)
    return fill_placeholders(body, PlaceholderContext(ticket=ticket, agent=agent, order=order))


def _macro_page(
    request: HttpRequest, manager: Agent, form: MacroForm, macro: Macro | None
) -> HttpResponse:
    body = form["body"].value() or ""
    context = {
        "section": "macros",
        "macro": macro,
        "form": form,
        "placeholders": PLACEHOLDERS,
        "preview": _sample_text(body, manager),
        "sample": {"customer": SAMPLE_CUSTOMER, "order": SAMPLE_ORDER},
    }
    return render(request, "web/manage/macro.html", context, status=422 if form.errors else 200)


@login_required
def macro_new(request: HttpRequest) -> HttpResponse:
    manager = _manager(request)
    form = MacroForm(request.POST or None, initial={"language": "id", "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            macro = conversations.create_macro(form.draft(), actor=Actor.for_agent(manager))
        except exceptions.SapaError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Macro %(name)s was created.") % {"name": macro.name})
            return redirect("web:manage_macros")
    return _macro_page(request, manager, form, None)


@login_required
def macro_edit(request: HttpRequest, macro_id: int) -> HttpResponse:
    manager = _manager(request)
    macro = _found(Macro.objects.all(), macro_id)
    form = MacroForm(request.POST) if request.method == "POST" else MacroForm.for_macro(macro)
    if request.method == "POST" and form.is_valid():
        try:
            macro = conversations.update_macro(macro, form.draft(), actor=Actor.for_agent(manager))
        except exceptions.SapaError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Macro %(name)s was saved.") % {"name": macro.name})
            return redirect("web:manage_macros")
    return _macro_page(request, manager, form, macro)


@login_required
@require_POST
def macro_deactivate(request: HttpRequest, macro_id: int) -> HttpResponse:
    manager = _manager(request)
    macro = _found(Macro.objects.all(), macro_id)
    conversations.deactivate_macro(macro, actor=Actor.for_agent(manager))
    messages.success(request, _("Macro %(name)s was deactivated.") % {"name": macro.name})
    return redirect("web:manage_macros")


@login_required
@require_POST
def macro_preview(request: HttpRequest) -> HttpResponse:
    """The preview fragment, refreshed while the supervisor types."""
    manager = _manager(request)
    form = MacroPreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    context = {"preview": _sample_text(body, manager)}
    return render(request, "web/manage/partials/macro_preview.html", context)


# --- tags ---------------------------------------------------------------------------


def _usage_count(relation: Any) -> Coalesce:
    """How many rows of the many-to-many `relation` (e.g. Ticket.tags) carry each tag."""
    through: type[Model] = relation.through
    counts = (
        through._default_manager.filter(tag=OuterRef("pk"))
        .order_by()
        .values("tag")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


@login_required
def tags(request: HttpRequest) -> HttpResponse:
    """Every tag with how many tickets and customers carry it; renaming and deleting."""
    _manager(request)
    query = request.GET.get("q", "").strip().lower()
    queryset = Tag.objects.annotate(
        ticket_count=_usage_count(Ticket.tags), customer_count=_usage_count(Customer.tags)
    )
    if query:
        queryset = queryset.filter(name__contains=query)
    rows, next_cursor = _keyset_page(
        queryset, order=("name",), cursor=request.GET.get("cursor", "")
    )
    context = {"section": "tags", "tags": rows, "next_cursor": next_cursor, "q": query}
    return render(request, "web/manage/tags.html", context)


@login_required
@require_POST
def tag_rename(request: HttpRequest, tag_id: int) -> HttpResponse:
    manager = _manager(request)
    tag = _found(Tag.objects.all(), tag_id)
    form = TagRenameForm(request.POST)
    old_name = tag.name
    try:
        if not form.is_valid():
            raise exceptions.InvalidInput(_("Give the tag a new name."))
        kept = core.rename_tag(tag, name=form.cleaned_data["name"], actor=Actor.for_agent(manager))
    except exceptions.PermissionDenied as error:
        raise PermissionDenied() from error
    except exceptions.SapaError as error:
        messages.error(request, str(error.message))
    else:
        names = {"old": old_name, "new": kept.name}
        messages.success(request, _("Tag %(old)s is now %(new)s.") % names)
    return redirect("web:manage_tags")


@login_required
@require_POST
def tag_delete(request: HttpRequest, tag_id: int) -> HttpResponse:
    manager = _manager(request)
    tag = _found(Tag.objects.all(), tag_id)
    name = tag.name
    core.delete_tag(tag, actor=Actor.for_agent(manager))
    messages.success(request, _("Tag %(name)s was deleted.") % {"name": name})
    return redirect("web:manage_tags")
