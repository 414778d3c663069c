"""The bot in the console (admins: MANAGE_CHANNELS): its settings and the chat menu tree
(add an entry under a menu, edit, delete, move up or down). Writes go through
sapa.bot.config."""

from dataclasses import dataclass, field
from typing import Literal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission
from sapa.bot import config
from sapa.bot.models import MenuAction, MenuNode
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.web.chat_forms import BotSettingsForm, MenuEntryForm
from sapa.web.views.access import agent_with, found

MENU = "chat"


@dataclass
class TreeItem:
    """A menu entry with the entries under it, as the tree editor shows them."""

    node: MenuNode
    depth: int
    first: bool = False
    last: bool = False
    children: list["TreeItem"] = field(default_factory=list)

    @property
    def can_have_children(self) -> bool:
        return self.node.action == MenuAction.MENU and self.depth < config.MAX_DEPTH


def menu_tree(menu: str) -> TreeItem | None:
    """The menu's root with every entry under it, in order; two queries."""
    nodes = list(
        MenuNode.objects.filter(menu=menu)
        .select_related("article", "team")
        .order_by("position", "pk")
    )
    children: dict[int | None, list[MenuNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    def build(node: MenuNode, depth: int) -> TreeItem:
        item = TreeItem(node=node, depth=depth)
        below = children.get(node.pk, [])
        item.children = [build(child, depth + 1) for child in below]
        if item.children:
            item.children[0].first = True
            item.children[-1].last = True
        return item

    roots = children.get(None, [])
    return build(roots[0], 0) if roots else None


def _admin(request: HttpRequest) -> Agent:
    return agent_with(request, Permission.MANAGE_CHANNELS)


def _form_error(form: BotSettingsForm | MenuEntryForm, error: exceptions.SapaError) -> None:
    loc = getattr(error, "loc", [])
    name = str(loc[-1]) if loc else ""
    form.add_error(name if name in form.fields else None, str(error.message))


@login_required
def bot(request: HttpRequest) -> HttpResponse:
    """The bot's settings (saved with the form) and its chat menu."""
    agent = _admin(request)
    current = config.get_settings()
    form = BotSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            config.save_settings(form.changes(), actor=Actor.for_agent(agent))
        except exceptions.InvalidInput as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The bot's settings were saved."))
            return redirect("web:manage_bot")
    context = {
        "section": "bot",
        "form": form,
        "tree": menu_tree(MENU),
        "max_depth": config.MAX_DEPTH,
    }
    return render(request, "web/manage/bot.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def menu_create(request: HttpRequest) -> HttpResponse:
    """Create the default chat menu (when there is none yet)."""
    _admin(request)
    config.ensure_default_menu(MENU)
    messages.success(request, _("The default menu was created. Change it as you like."))
    return redirect("web:manage_bot")


def _node_page(
    request: HttpRequest,
    agent: Agent,
    *,
    parent: MenuNode | None,
    node: MenuNode | None,
) -> HttpResponse:
    is_root = node is not None and node.parent_id is None
    form = MenuEntryForm(request.POST or None, node=node, is_root=is_root)
    if request.method == "POST" and form.is_valid():
        try:
            config.save_menu_node(
                form.entry(), actor=Actor.for_agent(agent), parent=parent, node=node
            )
        except exceptions.InvalidInput as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The menu entry was saved."))
            return redirect("web:manage_bot")
    context = {
        "section": "bot",
        "form": form,
        "node": node,
        "parent": parent,
        "is_root": is_root,
    }
    return render(request, "web/manage/bot_node.html", context, status=422 if form.errors else 200)


@login_required
def node_add(request: HttpRequest, parent_id: int) -> HttpResponse:
    """A new entry under the menu `parent_id`."""
    agent = _admin(request)
    parent = found(MenuNode.objects.all(), parent_id)
    if parent.action != MenuAction.MENU:
        raise Http404()
    return _node_page(request, agent, parent=parent, node=None)


@login_required
def node_edit(request: HttpRequest, node_id: int) -> HttpResponse:
    agent = _admin(request)
    node = found(MenuNode.objects.select_related("parent"), node_id)
    return _node_page(request, agent, parent=node.parent, node=node)


@login_required
@require_POST
def node_delete(request: HttpRequest, node_id: int) -> HttpResponse:
    agent = _admin(request)
    node = found(MenuNode.objects.all(), node_id)
    try:
        config.delete_menu_node(node, actor=Actor.for_agent(agent))
    except exceptions.InvalidInput as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The menu entry %(label)s was deleted.") % {"label": node.label}
        )
    return redirect("web:manage_bot")


@login_required
@require_POST
def node_move(request: HttpRequest, node_id: int) -> HttpResponse:
    agent = _admin(request)
    node = found(MenuNode.objects.all(), node_id)
    wanted = request.POST.get("direction")
    direction: Literal["up", "down"] = "up" if wanted == "up" else "down"
    config.move_menu_node(node, direction=direction, actor=Actor.for_agent(agent))
    return redirect(reverse("web:manage_bot") + f"#node-{node.pk}")
