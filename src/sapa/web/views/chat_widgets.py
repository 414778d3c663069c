"""Chat widgets in the console (admins: MANAGE_CHANNELS): the list, a widget's settings
with the snippet that embeds it, and switching one off. Writes go through
sapa.channels.chat.config."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission
from sapa.channels.chat.config import deactivate_widget, save_widget
from sapa.channels.chat.models import ChatWidget
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.web.chat_forms import WidgetForm
from sapa.web.form_errors import apply_error
from sapa.web.views.access import agent_with, found


def embed_snippet(widget: ChatWidget) -> str:
    """The script tag a shop puts on its pages."""
    return (
        f'<script src="{settings.SAPA_BASE_URL}/chat/widget.js" '
        f'data-sapa-key="{widget.key}" async></script>'
    )


@login_required
@require_GET
def widgets(request: HttpRequest) -> HttpResponse:
    agent_with(request, Permission.MANAGE_CHANNELS)
    rows = ChatWidget.objects.select_related("team").order_by("-is_active", "name", "pk")
    return render(
        request, "web/manage/chat_widgets.html", {"section": "chat_widgets", "widgets": rows}
    )


def _widget_page(
    request: HttpRequest, agent: Agent, form: WidgetForm, widget: ChatWidget | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_widget(form.settings(), actor=Actor.for_agent(agent), widget=widget)
        except exceptions.InvalidInput as error:
            apply_error(form, error, renames={"max_upload_bytes": "max_upload_megabytes"})
        else:
            messages.success(request, _("Chat widget %(name)s was saved.") % {"name": saved.name})
            return redirect("web:manage_chat_widget", widget_id=saved.pk)
    context = {
        "section": "chat_widgets",
        "widget": widget,
        "form": form,
        "snippet": embed_snippet(widget) if widget else "",
    }
    return render(
        request, "web/manage/chat_widget.html", context, status=422 if form.errors else 200
    )


@login_required
def widget_new(request: HttpRequest) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    return _widget_page(request, agent, WidgetForm(request.POST or None), None)


@login_required
def widget_edit(request: HttpRequest, widget_id: int) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    widget = found(ChatWidget.objects.select_related("team"), widget_id)
    return _widget_page(request, agent, WidgetForm(request.POST or None, widget=widget), widget)


@login_required
@require_POST
def widget_deactivate(request: HttpRequest, widget_id: int) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    widget = found(ChatWidget.objects.all(), widget_id)
    deactivate_widget(widget, actor=Actor.for_agent(agent))
    messages.success(request, _("Chat widget %(name)s was switched off.") % {"name": widget.name})
    return redirect("web:manage_chat_widgets")
