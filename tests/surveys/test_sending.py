"""Asking: one CSAT per solved ticket, on the ticket's channel, and NPS for customers who
bought. Through the real event road (handlers after commit, the outreach queue)."""

from datetime import timedelta

import pytest

from sapa.commerce.models import Order, OrderStatus
from sapa.conversations.actions import set_status, tag_ticket
from sapa.conversations.actions.proactive import open_ticket_for
from sapa.conversations.models import Direction, Message, TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.customers.models import Customer
from sapa.engagement.models import Outreach, OutreachStatus
from sapa.engagement.outreach import send_due
from sapa.surveys import actions
from sapa.surveys.links import survey_url
from sapa.surveys.models import SurveyKind, SurveyResponse
from tests.builders import inbound
from tests.factories import CustomerFactory
from tests.surveys.conftest import MORNING, csat_of, later, open_ticket, solve

pytestmark = pytest.mark.django_db(transaction=True)


def _survey_messages(ticket):
    return list(
        Message.objects.filter(
            ticket=ticket, direction=Direction.OUTBOUND, meta__outreach_kind="survey_csat"
        )
    )


def test_solving_a_ticket_asks_one_csat_on_its_channel_with_the_link(ticket, rina):
    """The survey goes out as a reply on the email ticket, with the signed link; the
    response row remembers the assignee and the channel."""
    # when
    solve(ticket, rina)
    # then
    response = csat_of(ticket)
    assert (response.agent_id, response.channel, response.customer_id) == (
        rina.pk,
        "email",
        ticket.customer_id,
    )
    [outreach] = Outreach.objects.filter(kind="survey_csat")
    assert outreach.dedupe_key == f"survey_csat:ticket:{ticket.pk}"
    assert outreach.status == OutreachStatus.SENT
    assert outreach.ticket_id == ticket.pk
    [message] = _survey_messages(ticket)
    assert message.channel == "email"
    assert message.to_address == "budi@example.com"
    assert survey_url(response) in message.text
    assert Message.objects.get(pk=message.pk).ticket.status == TicketStatus.SOLVED


def test_solve_reopen_solve_again_still_one_csat(ticket, rina):
    """Solved, re-opened by the customer after the survey went out, solved again: one
    survey, one message."""
    solve(ticket, rina)
    with later(hours=1):
        inbound("eh masih belum sampai ternyata", ticket_id=ticket.pk)
    with later(hours=2):
        solve(ticket, rina)
    assert SurveyResponse.objects.filter(ticket=ticket).count() == 1
    assert Outreach.objects.filter(kind="survey_csat").count() == 1
    assert len(_survey_messages(ticket)) == 1


def test_a_ticket_reopened_before_its_survey_went_out_is_asked_after_the_next_solve(
    ticket, rina, settings
):
    """With a delay, re-opening withdraws the planned survey; solving again plans it anew:
    still one survey row, and one message in the end."""
    settings.SAPA_CSAT_DELAY_MINUTES = 60
    solve(ticket, rina)
    with later(hours=0.5):
        set_status(ticket, status=TicketStatus.OPEN, actor=Actor.for_agent(rina))
    with later(hours=0.75):
        solve(ticket, rina)
    with later(hours=3):
        send_due()
    statuses = dict(Outreach.objects.values_list("dedupe_key", "status"))
    assert statuses == {
        f"survey_csat:ticket:{ticket.pk}": OutreachStatus.CANCELLED,
        f"survey_csat:ticket:{ticket.pk}:2": OutreachStatus.SENT,
    }
    assert SurveyResponse.objects.filter(ticket=ticket).count() == 1
    assert csat_of(ticket).outreach_key == f"survey_csat:ticket:{ticket.pk}:2"
    assert len(_survey_messages(ticket)) == 1


def test_internal_customers_spam_and_tickets_nobody_wrote_on_get_no_survey(team, rina):
    """Colleagues, tickets tagged spam, and tickets Sapa opened itself are not surveyed."""
    # given
    colleague = open_ticket(team, rina, email="gudang@toko.test", name="Gudang")
    Customer.objects.filter(pk=colleague.customer_id).update(is_internal=True)
    spam = open_ticket(team, rina, email="promo@spam.test", name="Promo")
    tag_ticket(spam, add=["spam"], actor=Actor.for_agent(rina))
    customer = CustomerFactory()
    alert = open_ticket_for(
        customer, subject="Paket tertahan", channel="email", actor=Actor.system("test")
    )
    # when
    for ticket in (colleague, spam, alert):
        solve(ticket, rina)
    # then
    assert not SurveyResponse.objects.exists()
    assert not Outreach.objects.exists()


def test_the_sweep_plans_the_csat_a_lost_event_missed(ticket, rina):
    """A solved ticket without its survey (the event never reached the handler) gets it
    from the hourly sweep, once."""
    from sapa.core.event_dispatch import suppressed

    with suppressed():
        solve(ticket, rina)
    assert not SurveyResponse.objects.exists()
    assert actions.plan_missed_csats(actor=Actor.system("test")) == 1
    assert actions.plan_missed_csats(actor=Actor.system("test")) == 0
    assert csat_of(ticket).agent_id == rina.pk


def _buyer(email: str, *, status: str = OrderStatus.DELIVERED) -> Customer:
    result = inbound("halo", email=email, name=email.split("@")[0].title())
    customer = Customer.objects.get(pk=result.customer_id)
    Order.objects.create(
        number=f"INV-{customer.pk}",
        customer=customer,
        status=status,
        total_minor=150_000_00,
        placed_at=clock.now() - timedelta(days=20),
    )
    return customer


def test_nps_goes_to_buyers_without_a_recent_survey_once_per_period():
    """Customers who bought get an NPS question (a marketing message); a cancelled order,
    a colleague, a recent survey, or an NPS within the interval keep a customer out."""
    # given
    ani = _buyer("ani@example.com")
    _cancelled = _buyer("cici@example.com", status=OrderStatus.CANCELLED)
    colleague = _buyer("gudang@toko.test")
    Customer.objects.filter(pk=colleague.pk).update(is_internal=True)
    recently_asked = _buyer("dodi@example.com")
    SurveyResponse.objects.create(
        kind=SurveyKind.NPS,
        customer=recently_asked,
        period="2026-09-01",
        created_at=MORNING - timedelta(days=60),
    )
    _never_bought = CustomerFactory()
    # when
    planned = actions.plan_nps_batch(actor=Actor.system("test"))
    again = actions.plan_nps_batch(actor=Actor.system("test"))
    # then
    assert (planned, again) == (1, 0)
    [response] = SurveyResponse.objects.filter(kind=SurveyKind.NPS, customer=ani)
    [outreach] = Outreach.objects.filter(kind="survey_nps")
    assert outreach.purpose == "marketing"
    assert outreach.dedupe_key == f"survey_nps:customer:{ani.pk}:{response.period}"
    assert outreach.status == OutreachStatus.SENT
    message = Message.objects.get(pk=outreach.message_id)
    assert survey_url(response) in message.text
    # and after the interval the customer is due again
    with later(days=91):
        assert actions.plan_nps_batch(actor=Actor.system("test")) == 2
    assert SurveyResponse.objects.filter(kind=SurveyKind.NPS, customer=ani).count() == 2
