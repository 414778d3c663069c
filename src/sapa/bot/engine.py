"""The bot's dialogue: one turn per customer message, on any channel.

`respond(message_id)` reads what the customer wrote (sapa.bot.nlu), moves the ticket's
BotConversation along, and answers through `conversations.actions.reply` like an agent
would. It answers only what it is sure of: an order's status after verifying the asker, a
help article when the search is confident, the menu. Everything else, and anyone who asks,
complains, is a VIP, or got two answers the bot could not give, goes to a person
(sapa.bot.handoff). Once a person is on the ticket the bot says nothing more.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sapa.bot import handoff, menus, orders
from sapa.bot.config import get_settings
from sapa.bot.models import BotConversation, BotState, MenuAction, MenuNode
from sapa.bot.nlu import Understanding, understand
from sapa.conversations.actions import reply
from sapa.conversations.exceptions import TicketClosed
from sapa.conversations.models import AuthorKind, Message, Ticket, TicketStatus
from sapa.core.actors import Actor
from sapa.core.models import ActorKind
from sapa.kb.models import Article

logger = logging.getLogger(__name__)

BOT = Actor(kind=ActorKind.BOT, label="bot")
MAX_MISSES = 2
MAX_VERIFY_TRIES = 2
SUMMARY_CHARS = 280
YES = "yes"
NO = "no"
HUMAN = "human"


@dataclass
class Turn:
    intent: str = ""
    entities: dict[str, str] = field(default_factory=dict)
    article_id: int | None = None
    handed_off: bool = False
    reply_ids: list[int] = field(default_factory=list)
    silent: bool = False


def enabled_on(channel: str) -> bool:
    settings = get_settings()
    return settings.enabled and channel in (settings.channels or [])


def _person_on(ticket: Ticket, conversation: BotConversation) -> bool:
    if conversation.state == BotState.HANDED_OFF or ticket.assignee_id is not None:
        return True
    return Message.objects.filter(ticket=ticket, author_kind=AuthorKind.AGENT).exists()


class _Dialogue:
    """One turn's work: what to say, in the conversation's language."""

    def __init__(self, message: Message, conversation: BotConversation, nlu: Understanding):
        self.message = message
        self.ticket = message.ticket
        self.conv = conversation
        self.nlu = nlu
        self.lang = conversation.lang
        self.turn = Turn(intent=nlu.intent, entities=dict(nlu.entities))

    # --- saying things ---------------------------------------------------------------
    def say(
        self, text: str, *, buttons: list[dict[str, str]] | None = None, **meta: object
    ) -> None:
        data: dict[str, object] = {"bot": {"state": self.conv.state, **meta}}
        if buttons:
            data["buttons"] = buttons
        sent = reply(self.ticket, text=text, actor=BOT, channel=self.message.channel, meta=data)
        self.turn.reply_ids.append(sent.pk)

    def menu_buttons(self, node: MenuNode | None = None) -> list[dict[str, str]]:
        return menus.buttons(node or menus.root(), self.lang)

    # --- the turn --------------------------------------------------------------------
    def run(self, choice: str | None) -> None:
        entities = {**self.conv.entities, **self.nlu.entities}
        self.conv.entities = entities
        if choice and self._choose(choice):
            return
        state = self.conv.state
        if self.nlu.intent in ("human", "complaint") or self.nlu.negative:
            reason = "requested" if self.nlu.intent == "human" else "complaint"
            self.hand_off(reason)
            return
        if self._is_vip():
            self.hand_off("vip")
            return
        if state == BotState.VERIFY and (
            self.nlu.entities.get("email") or self.nlu.entities.get("phone")
        ):
            self.check_order()
            return
        if state == BotState.MENU and self._typed_menu_key():
            return
        if state == BotState.FEEDBACK and self.nlu.intent in ("thanks", "goodbye"):
            self.helped()
            return
        if state in (BotState.ORDER_NUMBER, BotState.VERIFY) and self._has_order_reference():
            self.check_order()
            return
        self.by_intent()

    def by_intent(self) -> None:
        intent = self.nlu.intent
        if intent == "greeting":
            self.greet()
        elif intent == "thanks":
            self.conv.state = BotState.START
            self.say(_("You're welcome! Is there anything else I can help with?"))
        elif intent == "goodbye":
            self.helped(goodbye=True)
        elif intent == "order_status":
            self.check_order()
        elif intent == "faq":
            self.answer_question()
        else:
            self.miss()

    def greet(self) -> None:
        settings = get_settings()
        custom = settings.greeting_en if self.lang == "en" else settings.greeting
        self.conv.state = BotState.MENU
        self.conv.data["menu"] = None
        self.say(
            custom or _("Hi! I'm the virtual assistant. Ask me anything, or choose a topic:"),
            buttons=self.menu_buttons(),
        )

    def helped(self, *, goodbye: bool = False) -> None:
        self.conv.state = BotState.START
        self.conv.misses = 0
        if goodbye:
            self.say(_("Thank you for contacting us. Have a nice day!"))
        else:
            self.say(_("Glad it helped! Anything else, just write here."))
        if self.ticket.assignee_id is None and self.ticket.status in (
            TicketStatus.NEW,
            TicketStatus.OPEN,
        ):
            from sapa.conversations.actions import set_status

            set_status(self.ticket, status=TicketStatus.SOLVED, actor=BOT)

    # --- menu and buttons -----------------------------------------------------------
    def _choose(self, choice: str) -> bool:
        """A button press. Returns False when the value is not one the bot offered."""
        if choice == YES and self.conv.state == BotState.FEEDBACK:
            self.helped()
            return True
        if choice == NO and self.conv.state == BotState.FEEDBACK:
            self.not_helped()
            return True
        if choice == HUMAN:
            self.hand_off("requested")
            return True
        kind, _sep, value = choice.partition(":")
        if kind == "menu" and value.isdigit():
            node = menus.node(int(value))
            if node is not None:
                self.follow(node)
                return True
        if (
            kind == "article"
            and value.isdigit()
            and int(value) in self.conv.data.get("offered", [])
        ):
            article = Article.objects.filter(pk=int(value)).first()
            if article is not None:
                self.give_article(article)
                return True
        return False

    def _typed_menu_key(self) -> bool:
        key = self.message.text.strip().rstrip(".").strip()
        if not key or len(key) > 2:
            return False
        current = menus.node(self.conv.data.get("menu") or 0) or menus.root()
        found = menus.child_with_key(current, key)
        if found is None:
            return False
        self.follow(found)
        return True

    def follow(self, node: MenuNode) -> None:
        self.conv.misses = 0
        if node.action == MenuAction.MENU:
            self.conv.state = BotState.MENU
            self.conv.data["menu"] = node.pk
            self.say(
                node.text_in(self.lang) or node.label_in(self.lang), buttons=self.menu_buttons(node)
            )
        elif node.action == MenuAction.ANSWER:
            self.conv.state = BotState.FEEDBACK
            self.say(node.text_in(self.lang), buttons=self._feedback_buttons(), menu_node=node.pk)
        elif node.action == MenuAction.ARTICLE and node.article is not None:
            self.give_article(node.article)
        elif node.action == MenuAction.ORDER_STATUS:
            self.check_order()
        else:
            self.hand_off("menu", team_id=node.team_id)

    def _feedback_buttons(self) -> list[dict[str, str]]:
        return [{"label": _("Yes"), "value": YES}, {"label": _("No"), "value": NO}]

    # --- orders ----------------------------------------------------------------------
    def _has_order_reference(self) -> bool:
        return bool(
            self.conv.entities.get("order_number") or self.conv.entities.get("tracking_number")
        )

    def check_order(self) -> None:
        entities = self.conv.entities
        if not self._has_order_reference():
            self.conv.state = BotState.ORDER_NUMBER
            self.say(
                _("Sure, I'll check it. What is your order number (e.g. 10045 or INV-2026-00123)?")
            )
            return
        order = orders.find_order(
            order_number=entities.get("order_number", ""),
            tracking_number=entities.get("tracking_number", ""),
        )
        contact_given = bool(entities.get("email") or entities.get("phone"))
        owns = order is not None and orders.asker_owns(
            order,
            customer_id=self.ticket.customer_id,
            email=entities.get("email", ""),
            phone=entities.get("phone", ""),
        )
        if owns and order is not None:
            self.conv.state = BotState.START
            self.conv.data.pop("verify_tries", None)
            self.conv.misses = 0
            self.say(orders.describe(order, self.lang), order=order.number)
            return
        if not contact_given:
            self.conv.state = BotState.VERIFY
            self.say(
                _(
                    "To keep your order safe, please tell me the email address or phone number "
                    "used for this order."
                )
            )
            return
        tries = int(self.conv.data.get("verify_tries", 0)) + 1
        self.conv.data["verify_tries"] = tries
        for key in ("email", "phone"):
            self.conv.entities.pop(key, None)
        if tries >= MAX_VERIFY_TRIES:
            self.hand_off("verification")
            return
        self.conv.state = BotState.VERIFY
        self.say(
            _(
                "I couldn't find an order with that number and those details. Please check the "
                "order number and the email or phone number used for the order."
            )
        )

    # --- questions -------------------------------------------------------------------
    def answer_question(self) -> None:
        nlu = self.nlu
        if nlu.hits and nlu.answer_confident:
            self.give_article(nlu.hits[0].article)
            return
        # A question the search could not settle: offer the likeliest few, never guess.
        close = [hit.article for hit in nlu.hits[:3]]
        if close:
            self.conv.state = BotState.FEEDBACK
            self.conv.data["offered"] = [a.pk for a in close]
            buttons = [{"label": a.title, "value": f"article:{a.pk}"} for a in close]
            buttons.append({"label": _("None of these"), "value": NO})
            self.say(_("Which of these is closest to your question?"), buttons=buttons)
            return
        self.miss()

    def give_article(self, article: Article) -> None:
        from sapa.bot.answers import article_answer

        self.conv.state = BotState.FEEDBACK
        self.conv.data["article"] = article.pk
        self.conv.misses = 0
        self.turn.article_id = article.pk
        text = article_answer(article, self.lang)
        self.say(text, buttons=self._feedback_buttons(), article_id=article.pk)

    def not_helped(self) -> None:
        self.conv.misses += 1
        if self.conv.misses >= MAX_MISSES:
            self.hand_off("misses")
            return
        self.conv.state = BotState.MENU
        self.conv.data["menu"] = None
        buttons = self.menu_buttons()
        self.say(
            _(
                "Sorry about that. Could you say it in other words, choose a topic, or talk "
                "to a person?"
            ),
            buttons=buttons,
        )

    def miss(self) -> None:
        self.conv.misses += 1
        if self.conv.misses >= MAX_MISSES:
            self.hand_off("misses")
            return
        self.conv.state = BotState.MENU
        self.conv.data["menu"] = None
        self.say(
            _("Sorry, I can't answer that yet. Choose a topic below, or talk to a person."),
            buttons=self.menu_buttons(),
        )

    # --- people ------------------------------------------------------------------------
    def _is_vip(self) -> bool:
        tag = get_settings().vip_tag
        return bool(tag) and self.ticket.customer.tags.filter(name=tag).exists()

    def hand_off(self, reason: str, *, team_id: int | None = None) -> None:
        self.conv.state = BotState.HANDED_OFF
        self.conv.handoff_reason = reason
        self.turn.handed_off = True
        text = handoff.hand_off(
            self.ticket,
            conversation=self.conv,
            trigger=self.message,
            nlu=self.nlu,
            reason=reason,
            team_id=team_id,
        )
        self.say(text, handoff=reason)


def respond(message_id: int, *, choice: str | None = None) -> Turn:
    """The bot's turn after the customer's message `message_id`."""
    message = Message.objects.select_related("ticket", "ticket__customer").get(pk=message_id)
    ticket = message.ticket
    conversation = BotConversation.objects.filter(ticket=ticket).first()
    if conversation is not None and _person_on(ticket, conversation):
        return Turn(silent=True)
    if conversation is None and ticket.assignee_id is not None:
        return Turn(silent=True)
    nlu = understand(message.text, lang=None)
    with transaction.atomic():
        conversation, _created = BotConversation.objects.select_for_update().get_or_create(
            ticket=ticket, defaults={"lang": nlu.lang}
        )
        if conversation.state == BotState.HANDED_OFF:
            return Turn(silent=True)
        if conversation.turns == 0 or len(message.text.split()) >= 3:
            conversation.lang = nlu.lang
        Message.objects.filter(pk=message.pk).update(meta={**message.meta, "nlu": _nlu_meta(nlu)})
        dialogue = _Dialogue(message, conversation, nlu)
        with translation.override(conversation.lang):
            try:
                dialogue.run(choice)
            except TicketClosed:
                return Turn(silent=True)
        conversation.turns += 1
        conversation.last_intent = nlu.intent
        conversation.save()
    return dialogue.turn


def _nlu_meta(nlu: Understanding) -> dict[str, object]:
    return {
        "intent": nlu.intent,
        "confidence": round(nlu.confidence, 3),
        "entities": nlu.entities,
        "article_id": nlu.hits[0].article.pk if nlu.hits and nlu.answer_confident else None,
    }


def tell_when_answered(
    ticket: Ticket, *, trigger: Message, team_id: int | None, lang: str, widget: object = None
) -> None:
    """Without the bot: tell the customer once per ticket when a person will answer, if no
    one can now."""
    handoff.tell_when_answered(ticket, trigger=trigger, team_id=team_id, lang=lang, widget=widget)
