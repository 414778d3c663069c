"""Telegram bots in the console (admins: MANAGE_CHANNELS): the list, adding a bot by its
token, a bot's settings with its webhook URL, setting the webhook at Telegram, and the
updates it received lately (with those kept aside). Writes go through
sapa.channels.telegram.config."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission
from sapa.channels.telegram.config import add_bot, change_bot, set_webhook, webhook_url
from sapa.channels.telegram.exceptions import TelegramRefused
from sapa.channels.telegram.models import TelegramBot, TelegramUpdate
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.web.form_errors import apply_error
from sapa.web.telegram_forms import TelegramBotForm
from sapa.web.views.access import agent_with, found

RECENT_UPDATES = 20


@login_required
@require_GET
def bots(request: HttpRequest) -> HttpResponse:
    agent_with(request, Permission.MANAGE_CHANNELS)
    rows = TelegramBot.objects.select_related("team").order_by("-is_active", "username")
    return render(request, "web/manage/telegram_bots.html", {"section": "telegram", "bots": rows})


def _bot_page(
    request: HttpRequest, agent: Agent, form: TelegramBotForm, bot: TelegramBot | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        actor = Actor.for_agent(agent)
        try:
            if bot is None:
                saved = add_bot(form.cleaned_data["token"], form.choices(), actor=actor)
            else:
                saved = change_bot(
                    bot, form.choices(), actor=actor, new_token=form.cleaned_data["token"]
                )
        except exceptions.InvalidInput as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Bot @%(name)s was saved.") % {"name": saved.username})
            return redirect("web:manage_telegram_bot", bot_id=saved.pk)
    context: dict[str, object] = {"section": "telegram", "bot": bot, "form": form}
    if bot is not None:
        context["webhook_url"] = webhook_url(bot)
        context["updates"] = (
            TelegramUpdate.objects.filter(bot=bot)
            .select_related("message")
            .defer("raw")
            .order_by("-received_at", "-pk")[:RECENT_UPDATES]
        )
    return render(
        request, "web/manage/telegram_bot.html", context, status=422 if form.errors else 200
    )


@login_required
def bot_new(request: HttpRequest) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    return _bot_page(request, agent, TelegramBotForm(request.POST or None), None)


@login_required
def bot_edit(request: HttpRequest, bot_id: int) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    bot = found(TelegramBot.objects.select_related("team"), bot_id)
    return _bot_page(request, agent, TelegramBotForm(request.POST or None, bot=bot), bot)


@login_required
@require_POST
def bot_webhook(request: HttpRequest, bot_id: int) -> HttpResponse:
    """The "Set webhook" button: Telegram is told to post this bot's updates to Sapa."""
    agent = agent_with(request, Permission.MANAGE_CHANNELS)
    bot = found(TelegramBot.objects.all(), bot_id)
    try:
        set_webhook(bot, actor=Actor.for_agent(agent))
    except TelegramRefused as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Telegram now sends @%(name)s's messages to Sapa.") % {"name": bot.username}
        )
    return redirect("web:manage_telegram_bot", bot_id=bot.pk)
