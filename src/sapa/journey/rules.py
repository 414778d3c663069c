"""The rules that move a customer along the journey, as pure functions of what happened.

Rules only ever move a customer forward (sapa.journey.actions.advance_stage); an agent may
set any stage by hand. Each rule has a name, recorded as the source "rule:<name>" of the
stage transitions it makes. docs/journey.md states them for operators.

- presale_question -> consideration: an inbound message the bot's intent classifier reads
  as a question (its most probable intent, greetings and thanks left aside, is `faq`, or
  `out_of_scope` short of chit-chat), from a customer who has not bought yet. The bot has
  no separate "product question" intent: a question asked before any purchase is a
  pre-sale question (price, stock, shipping cost, payment options, comparisons).
- presale_tag -> consideration: a ticket of the customer gets a tag listed in
  SAPA_JOURNEY_PRESALE_TAGS.
- purchase_intent -> preference: an inbound message with an explicit buying phrase
  (SAPA_JOURNEY_INTENT_PHRASES: "mau beli", "checkout", "want to order", ...).
- shop_signal -> preference: the shop reports a cart, a quote or a stated intent
  (POST /api/v1/customers/{id}/signals).
- first_order -> purchase, repeat_order -> repurchase: the count of the customer's orders
  that are not cancelled (any other status, "placed" included, counts: the shop only sends
  an order once the customer checked out).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.translation import gettext_lazy

from sapa.customers.models import LifecycleStage
from sapa.customers.stages import is_later, stage_for_order_count
from sapa.textid import expand_slang, normalise, tokenise

PRESALE_QUESTION = "presale_question"
PRESALE_TAG = "presale_tag"
PURCHASE_INTENT = "purchase_intent"
SHOP_SIGNAL = "shop_signal"
FIRST_ORDER = "first_order"
REPEAT_ORDER = "repeat_order"

DEFAULT_PRESALE_TAGS = ("pre-sale", "presale", "pra-penjualan", "tanya-produk", "product-question")
# Phrases, as words after slang expansion ("sy mw order" reads "saya mau order").
DEFAULT_INTENT_PHRASES = (
    "mau beli", "mau membeli", "mau pesan", "mau memesan", "mau order", "mau ambil",
    "ingin beli", "ingin membeli", "ingin pesan", "ingin memesan", "ingin order",
    "jadi beli", "jadi membeli", "jadi pesan", "jadi memesan", "jadi order", "saya ambil",
    "checkout", "check out", "want to buy", "want to order", "like to buy", "like to order",
    "place an order", "i will take", "i'll take",
)  # fmt: skip

# Intents the classifier gives to questions, and those that are social only (a greeting
# may come with the question: "halo kak, ada buku X?").
_QUESTION_INTENTS = ("faq", "out_of_scope")
_SOCIAL_INTENTS = ("greeting", "thanks", "goodbye")


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired: the stage it leads to, its name and a short reason."""

    stage: LifecycleStage
    rule: str
    reason: str

    @property
    def source(self) -> str:
        return f"rule:{self.rule}"


def presale_tags() -> frozenset[str]:
    return frozenset(getattr(settings, "SAPA_JOURNEY_PRESALE_TAGS", DEFAULT_PRESALE_TAGS))


@cache
def _phrases(raw: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(expand_slang(tokenise(normalise(p)))) for p in raw if p.strip())


def intent_phrases() -> tuple[tuple[str, ...], ...]:
    raw = getattr(settings, "SAPA_JOURNEY_INTENT_PHRASES", DEFAULT_INTENT_PHRASES)
    return _phrases(tuple(raw))


def _excerpt(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 80 else line[:79] + "…"


def has_intent_phrase(text: str) -> bool:
    words = expand_slang(tokenise(normalise(text)))
    for phrase in intent_phrases():
        size = len(phrase)
        if any(tuple(words[i : i + size]) == phrase for i in range(len(words) - size + 1)):
            return True
    return False


def is_question(text: str) -> bool:
    """The bot's classifier reads `text` as a question (see the module docstring)."""
    from sapa.bot.nlu.intents import get_classifier
    from sapa.bot.nlu.understanding import CHIT_CHAT_PROBABILITY

    probabilities = get_classifier().probabilities(text)
    if probabilities.get("out_of_scope", 0.0) >= CHIT_CHAT_PROBABILITY:
        return False
    top = max(probabilities, key=lambda name: probabilities[name])
    if top in _QUESTION_INTENTS:
        return True
    if top not in _SOCIAL_INTENTS or "?" not in text:
        return False
    business = {k: p for k, p in probabilities.items() if k not in _SOCIAL_INTENTS}
    return max(business, key=lambda name: business[name]) in _QUESTION_INTENTS


def message_hit(text: str, *, current: str, ticket_number: int) -> RuleHit | None:
    """What an inbound message with `text` on ticket `ticket_number`, from a customer at
    stage `current`, leads to. Reads the classifier only when the message could still move
    them."""
    if not text.strip() or not is_later(LifecycleStage.PREFERENCE, than=current):
        return None
    if has_intent_phrase(text):
        return RuleHit(
            LifecycleStage.PREFERENCE, PURCHASE_INTENT, f"#{ticket_number}: {_excerpt(text)}"
        )
    if is_later(LifecycleStage.CONSIDERATION, than=current) and is_question(text):
        return RuleHit(
            LifecycleStage.CONSIDERATION, PRESALE_QUESTION, f"#{ticket_number}: {_excerpt(text)}"
        )
    return None


def tag_hit(added_tags: Iterable[str], *, ticket_number: int) -> RuleHit | None:
    matched = sorted(set(added_tags) & presale_tags())
    if not matched:
        return None
    reason = f"#{ticket_number}: {', '.join(matched)}"
    return RuleHit(LifecycleStage.CONSIDERATION, PRESALE_TAG, reason)


def signal_hit(kind: str, *, note: str = "") -> RuleHit:
    return RuleHit(LifecycleStage.PREFERENCE, SHOP_SIGNAL, _excerpt(f"{kind} {note}".strip()))


def order_hit(order_count: int) -> RuleHit | None:
    """The stage `order_count` orders that were not cancelled lead to."""
    reached = stage_for_order_count(order_count)
    if reached is None:
        return None
    rule = REPEAT_ORDER if reached == LifecycleStage.REPURCHASE else FIRST_ORDER
    return RuleHit(LifecycleStage(reached), rule, f"orders: {order_count}")


RULE_LABELS = {
    PRESALE_QUESTION: gettext_lazy("Pre-sale question"),
    PRESALE_TAG: gettext_lazy("Pre-sale tag"),
    PURCHASE_INTENT: gettext_lazy("Said they would buy"),
    SHOP_SIGNAL: gettext_lazy("Signal from the shop"),
    FIRST_ORDER: gettext_lazy("First order"),
    REPEAT_ORDER: gettext_lazy("Repeat order"),
}
