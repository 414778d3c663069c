"""The phone in the console: lines, departments and the phone menu's destinations
(admins: MANAGE_CHANNELS), and "Log a call" on a ticket (anyone who may reply). Writes go
through sapa.channels.voice.actions; the menu's entries are edited on the Bot pages."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission
from sapa.bot.config import MAX_DEPTH, ensure_default_menu
from sapa.bot.models import MenuAction, MenuNode
from sapa.channels.voice import actions, queries
from sapa.channels.voice.models import Department, MenuRoute, RouteKind, VoiceLine
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.web.form_errors import apply_error
from sapa.web.requests import request_agent
from sapa.web.views.access import agent_with, found
from sapa.web.views.bot import TreeItem, menu_tree
from sapa.web.views.tickets import _page_context, _ticket_or_404
from sapa.web.voice_forms import CallLogForm, DepartmentForm, LineForm, RouteForm

PHONE_MENU = "phone"


def _admin(request: HttpRequest) -> Agent:
    return agent_with(request, Permission.MANAGE_CHANNELS)


@dataclass
class PhoneTreeItem:
    """A phone menu entry as the Phone page shows it: with where a hand-off goes."""

    item: TreeItem
    route: MenuRoute | None
    children: list["PhoneTreeItem"] = field(default_factory=list)

    @property
    def node(self) -> MenuNode:
        return self.item.node

    @property
    def department_id(self) -> int | None:
        """The department chosen for the entry (None: none chosen, or voicemail)."""
        if self.route is None or self.route.kind != RouteKind.DIAL:
            return None
        return self.route.department_id

    @property
    def is_voicemail(self) -> bool:
        return self.route is not None and self.route.kind == RouteKind.VOICEMAIL


def _phone_tree() -> PhoneTreeItem | None:
    tree = menu_tree(PHONE_MENU)
    if tree is None:
        return None
    nodes: list[MenuNode] = []

    def collect(item: TreeItem) -> None:
        nodes.append(item.node)
        for child in item.children:
            collect(child)

    collect(tree)
    routes = queries.routes_by_node(nodes)

    def wrap(item: TreeItem) -> PhoneTreeItem:
        return PhoneTreeItem(
            item=item,
            route=routes.get(item.node.pk),
            children=[wrap(child) for child in item.children],
        )

    return wrap(tree)


def hook_urls(line: VoiceLine) -> dict[str, str]:
    """The addresses to paste into the provider's console for the line's number."""
    return {
        name: settings.SAPA_BASE_URL + reverse(f"voice:{name}", args=[line.key])
        for name in ("incoming", "status")
    }


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Lines, departments and the phone menu with each hand-off entry's destination."""
    _admin(request)
    context = {
        "section": "voice",
        "lines": list(queries.list_lines()),
        "departments": list(queries.list_departments()),
        "tree": _phone_tree(),
        "max_depth": MAX_DEPTH,
    }
    return render(request, "web/manage/voice.html", context)


@login_required
@require_POST
def menu_create(request: HttpRequest) -> HttpResponse:
    """Create the default phone menu (when there is none yet)."""
    _admin(request)
    ensure_default_menu(PHONE_MENU)
    messages.success(request, _("The default phone menu was created. Change it as you like."))
    return redirect("web:manage_voice")


@login_required
@require_POST
def route_set(request: HttpRequest, node_id: int) -> HttpResponse:
    """Where a hand-off entry of the phone menu puts callers through to."""
    agent = _admin(request)
    node = found(MenuNode.objects.filter(menu=PHONE_MENU, action=MenuAction.HANDOFF), node_id)
    form = RouteForm(request.POST)
    if form.is_valid():
        kind, department_id = form.route()
        try:
            actions.set_menu_route(
                node, kind=kind, department_id=department_id, actor=Actor.for_agent(agent)
            )
        except InvalidInput as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request, _("Callers choosing “%(label)s” now go there.") % {"label": node.label}
            )
    return redirect(reverse("web:manage_voice") + f"#node-{node.pk}")


def _line_page(
    request: HttpRequest, agent: Agent, form: LineForm, line: VoiceLine | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_line(form.settings(), actor=Actor.for_agent(agent), line=line)
        except InvalidInput as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Line %(name)s was saved.") % {"name": saved.name})
            return redirect("web:manage_voice_line", saved.pk)
    context = {
        "section": "voice",
        "line": line,
        "form": form,
        "hook_urls": hook_urls(line) if line else {},
        "token_hint": line.auth_token[-4:] if line and line.auth_token else "",
    }
    status = 422 if form.errors else 200
    return render(request, "web/manage/voice_line.html", context, status=status)


@login_required
def line_new(request: HttpRequest) -> HttpResponse:
    agent = _admin(request)
    return _line_page(request, agent, LineForm(request.POST or None), None)


@login_required
def line_edit(request: HttpRequest, line_id: int) -> HttpResponse:
    agent = _admin(request)
    line = found(VoiceLine.objects.all(), line_id)
    return _line_page(request, agent, LineForm(request.POST or None, line=line), line)


def _department_page(
    request: HttpRequest, agent: Agent, form: DepartmentForm, department: Department | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_department(
                form.settings(), actor=Actor.for_agent(agent), department=department
            )
        except InvalidInput as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Department %(name)s was saved.") % {"name": saved.name})
            return redirect("web:manage_voice")
    context = {"section": "voice", "department": department, "form": form}
    status = 422 if form.errors else 200
    return render(request, "web/manage/voice_department.html", context, status=status)


@login_required
def department_new(request: HttpRequest) -> HttpResponse:
    agent = _admin(request)
    return _department_page(request, agent, DepartmentForm(request.POST or None), None)


@login_required
def department_edit(request: HttpRequest, department_id: int) -> HttpResponse:
    agent = _admin(request)
    department = found(Department.objects.all(), department_id)
    form = DepartmentForm(request.POST or None, department=department)
    return _department_page(request, agent, form, department)


@login_required
@require_POST
def log_call(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """ "Log a call" beside the composer. With htmx a bad form comes back in place (200,
    so htmx swaps it); without, the ticket page shows it (422)."""
    agent = request_agent(request)
    ticket = _ticket_or_404(agent, ticket_id)
    form = CallLogForm(request.POST)
    if form.is_valid():
        try:
            actions.log_call(ticket, call=form.call(), actor=Actor.for_agent(agent))
        except InvalidInput as error:
            apply_error(form, error, renames={"due": "promise_due", "text": "promise_text"})
        except SapaError as error:
            form.add_error(None, str(error.message))
    if not form.errors:
        messages.success(request, _("The call was logged."))
        url = reverse("web:ticket", args=[ticket.pk])
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)
    if request.headers.get("HX-Request"):
        context = {"ticket": ticket, "call_form": form}
        return render(request, "web/tickets/partials/call_log_form.html", context)
    context = _page_context(request, agent, ticket, call_form=form)
    return render(request, "web/tickets/ticket.html", context, status=422)
