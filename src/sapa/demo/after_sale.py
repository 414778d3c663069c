"""After the sale in the demo: what the worker would have done for Toko Buku Sapa's history,
done through the same actions, at the moments it would have happened: the delivered orders'
thank-you codes, reviews, and a few CSAT answers on solved tickets.

The demo replays its history with event handlers switched off (no message may reach a
customer), so nothing here is sent: the CSAT questions count as asked and answered in the
past, and no outreach is left waiting.
"""

from dataclasses import dataclass
from datetime import timedelta

from sapa.commerce.models import Order, OrderStatus
from sapa.conversations.models import Ticket, TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.engagement.outreach import cancel_outreach
from sapa.loyalty.actions.codes import Discount, issue_code_for_order
from sapa.loyalty.models import PromoCodeKind
from sapa.loyalty.queries import get_after_sale_settings
from sapa.reviews.demo import load_demo_reviews
from sapa.surveys.actions.answers import Answer, answer_survey
from sapa.surveys.actions.sending import plan_csat


@dataclass(frozen=True)
class DemoAnswer:
    score: int
    comment: str


# Given to the solved tickets, oldest first.
CSAT_ANSWERS = (
    DemoAnswer(5, "Cepat banget balasnya, makasih kak!"),
    DemoAnswer(4, "Sudah beres, cuma nunggu agak lama di awal."),
    DemoAnswer(5, "Mantap, admin ramah dan jelas."),
    DemoAnswer(3, ""),
)


def load_after_sale(actor: Actor) -> None:
    _thank_you_codes(actor)
    _csat_answers(actor)
    load_demo_reviews()


def _thank_you_codes(actor: Actor) -> None:
    config = get_after_sale_settings()
    for order in Order.objects.filter(status=OrderStatus.DELIVERED).order_by("placed_at"):
        delivered_at = order.status_changed_at or order.updated_at
        with clock.frozen_at(delivered_at):
            issue_code_for_order(
                order,
                kind=PromoCodeKind.THANK_YOU,
                discount=Discount.of(config),
                prefix=config.code_prefix,
                actor=actor,
            )


def _csat_answers(actor: Actor) -> None:
    solved = Ticket.objects.filter(
        status__in=(TicketStatus.SOLVED, TicketStatus.CLOSED), solved_at__isnull=False
    ).order_by("solved_at")
    given = 0
    now = clock.now()
    for ticket in solved:
        if given == len(CSAT_ANSWERS):
            return
        assert ticket.solved_at is not None
        with clock.frozen_at(ticket.solved_at):
            response = plan_csat(ticket, agent_id=ticket.assignee_id, actor=actor)
        if response is None:
            continue
        cancel_outreach(response.outreach_key, reason="demo history: asked in the past")
        answer = CSAT_ANSWERS[given]
        answered_at = min(ticket.solved_at + timedelta(hours=2), now - timedelta(minutes=5))
        with clock.frozen_at(answered_at):
            answer_survey(
                response,
                Answer(score=answer.score, comment=answer.comment),
                actor=Actor.customer("survey"),
            )
        given += 1
