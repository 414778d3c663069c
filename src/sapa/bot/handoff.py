"""Handing a conversation from the bot to people: the right team, an internal note that
spares the agent from asking again (why, what the customer wants, what they told the bot,
the transcript), and a message telling the customer who will answer and roughly when."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sapa.accounts.models import Team
from sapa.bot.config import get_settings
from sapa.bot.models import BotConversation
from sapa.bot.nlu import Understanding
from sapa.channels.chat.queries import agents_online, leave_message_text, opening_hours
from sapa.conversations.actions import add_note, reply, set_priority, set_team, tag_ticket
from sapa.conversations.models import Direction, Message, Priority, Ticket
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import ActorKind

BOT = Actor(kind=ActorKind.BOT, label="bot")
HANDOFF_TAG = "bot-handoff"
TRANSCRIPT_MESSAGES = 12

REASONS = {
    "requested": gettext_lazy("the customer asked for a person"),
    "complaint": gettext_lazy("the customer is unhappy"),
    "misses": gettext_lazy("the bot could not answer twice"),
    "vip": gettext_lazy("VIP customer"),
    "verification": gettext_lazy("the order could not be verified"),
    "menu": gettext_lazy("chosen from the menu"),
}
INTENTS = {
    "order_status": gettext_lazy("order status"),
    "faq": gettext_lazy("question"),
    "human": gettext_lazy("wants a person"),
    "complaint": gettext_lazy("complaint"),
    "greeting": gettext_lazy("greeting"),
    "thanks": gettext_lazy("thanks"),
    "goodbye": gettext_lazy("goodbye"),
    "out_of_scope": gettext_lazy("other"),
}


def _summary(ticket: Ticket, conversation: BotConversation, nlu: Understanding) -> str:
    first = (
        Message.objects.filter(ticket=ticket, direction=Direction.INBOUND)
        .order_by("pk")
        .values_list("text", flat=True)
        .first()
        or ""
    )
    first = " ".join(first.split())
    if len(first) > 140:
        first = first[:140].rsplit(" ", 1)[0] + " …"
    intent = INTENTS.get(conversation.last_intent or nlu.intent, nlu.intent)
    return f"{str(intent).capitalize()}: “{first}”"


def _transcript(ticket: Ticket) -> str:
    rows = list(
        Message.objects.filter(ticket=ticket)
        .exclude(direction=Direction.NOTE)
        .order_by("-pk")[:TRANSCRIPT_MESSAGES]
    )
    lines = []
    for message in reversed(rows):
        who = _("Customer") if message.direction == Direction.INBOUND else _("Bot")
        lines.append(f"{who}: {' '.join(message.text.split())[:300]}")
    return "\n".join(lines)


def _note(ticket: Ticket, conversation: BotConversation, nlu: Understanding, reason: str) -> str:
    entities = {**conversation.entities, **nlu.entities}
    told = ", ".join(f"{key} {value}" for key, value in sorted(entities.items())) or "—"
    return "\n".join(
        [
            _("Handed over by the bot: %(reason)s.") % {"reason": REASONS.get(reason, reason)},
            _("Summary: %(summary)s") % {"summary": _summary(ticket, conversation, nlu)},
            _("Intent: %(intent)s (%(confidence)d%%). Details: %(details)s")
            % {
                "intent": INTENTS.get(nlu.intent, nlu.intent),
                "confidence": round(nlu.confidence * 100),
                "details": told,
            },
            "",
            _("Transcript:"),
            _transcript(ticket),
        ]
    )


def hand_off(
    ticket: Ticket,
    *,
    conversation: BotConversation,
    trigger: Message,
    nlu: Understanding,
    reason: str,
    team_id: int | None = None,
) -> str:
    """Route the ticket to people and write the note; returns what to tell the customer."""
    config = get_settings()
    team_id = team_id or ticket.team_id or config.handoff_team_id
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    if team is not None and ticket.team_id != team.pk:
        ticket = set_team(ticket, team=team, actor=BOT)
    if reason in ("complaint", "vip") and ticket.priority in (Priority.LOW, Priority.NORMAL):
        ticket = set_priority(ticket, priority=Priority.HIGH, actor=BOT)
    ticket = tag_ticket(ticket, add=[HANDOFF_TAG], actor=BOT)
    with translation.override(settings.LANGUAGE_CODE):
        add_note(ticket, text=_note(ticket, conversation, nlu, reason), actor=BOT)
    conversation.handed_off_at = clock.now()
    return when_answered_text(team, lang=translation.get_language() or "id")


def when_answered_text(
    team: Team | None, *, lang: str, connecting: bool = True, hours_of: object = None
) -> str:
    """ "Saya sambungkan ke tim CS. Biasanya dibalas dalam 15 menit." or, outside opening
    hours or with nobody online, when the desk opens again."""
    hours = opening_hours(hours_of)  # type: ignore[arg-type]
    who = team.name if team is not None else _("our customer service team")
    with translation.override(lang):
        intro = _("I'm connecting you with %(who)s; please wait here.") % {"who": who}
        if not connecting:
            intro = ""
        if hours.is_open(clock.now()) and agents_online(team.pk if team else None):
            minutes = get_settings().reply_minutes
            when = ngettext(
                "Someone usually replies within %(count)d minute.",
                "Someone usually replies within %(count)d minutes.",
                minutes,
            ) % {"count": minutes}
        elif hours.is_open(clock.now()):
            when = _("No one is online right now; we will reply here as soon as someone is back.")
        else:
            when = leave_message_text(hours, lang)
    return f"{intro} {when}".strip()


def tell_when_answered(
    ticket: Ticket, *, trigger: Message, team_id: int | None, lang: str, widget: object = None
) -> None:
    """Without the bot: once per ticket, when no one can answer now, say when we will."""
    hours = opening_hours(widget)  # type: ignore[arg-type]
    if hours.is_open(clock.now()) and agents_online(team_id):
        return
    if Message.objects.filter(ticket=ticket, meta__notice="when_answered").exists():
        return
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    reply(
        ticket,
        text=when_answered_text(team, lang=lang, connecting=False, hours_of=widget),
        actor=Actor.system("chat-offline"),
        channel=trigger.channel,
        meta={"notice": "when_answered"},
    )
