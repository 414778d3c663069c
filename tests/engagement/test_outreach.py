"""The outreach queue: planned once, sent when due, and never against the customer's word."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from sapa.channels.email.delivery import build_email
from sapa.channels.kinds import Channel
from sapa.channels.messages import OutboundMessage
from sapa.conversations.actions.proactive import open_ticket_for
from sapa.conversations.models import Direction, Message, Ticket, TicketStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.customers.models import Customer
from sapa.engagement.consent import may_contact, set_consent, unsubscribe_token
from sapa.engagement.models import Consent, Outreach, OutreachStatus, Purpose
from sapa.engagement.outreach import cancel_outreach, plan_outreach, quiet_until, send_due
from tests.builders import inbound
from tests.factories import CustomerFactory

WIB = ZoneInfo("Asia/Jakarta")
DAYTIME = datetime(2026, 11, 24, 10, 0, tzinfo=WIB)
ROBOT = Actor.automation("test")

pytestmark = pytest.mark.django_db


def _customer():  # type: ignore[no-untyped-def]
    with clock.frozen_at(DAYTIME):
        result = inbound("halo min", email="sari@example.com", name="Sari")
    return Customer.objects.get(pk=result.customer_id)


def _plan(customer, key="thank_you:order:1", purpose=Purpose.MARKETING, **extra):  # type: ignore[no-untyped-def]
    with clock.frozen_at(DAYTIME):
        return plan_outreach(
            customer,
            kind="thank_you",
            purpose=purpose,
            dedupe_key=key,
            text="Terima kasih sudah belanja, Kak Sari!",
            subject="Terima kasih",
            actor=ROBOT,
            **extra,
        )


def test_a_planned_message_goes_out_once_on_a_solved_ticket_of_its_own() -> None:
    customer = _customer()
    first, created = _plan(customer)
    again, created_again = _plan(customer)
    assert created
    assert not created_again
    assert again.pk == first.pk
    with clock.frozen_at(DAYTIME):
        assert send_due() == 1
        assert send_due() == 0
    first.refresh_from_db()
    assert first.status == OutreachStatus.SENT
    assert first.channel == Channel.EMAIL
    message = Message.objects.get(pk=first.message_id)
    assert message.direction == Direction.OUTBOUND
    assert message.to_address == "sari@example.com"
    assert message.text.startswith("Terima kasih sudah belanja")
    assert "/u/" in message.text  # the unsubscribe line
    ticket = Ticket.objects.get(pk=message.ticket_id)
    assert ticket.status == TicketStatus.SOLVED
    assert ticket.subject == "Terima kasih"
    assert Event.objects.filter(verb="ticket.started", subject_id=ticket.pk).exists()
    assert not Event.objects.filter(verb="ticket.created", subject_id=ticket.pk).exists()


def test_the_email_carries_one_click_unsubscribe_headers() -> None:
    customer = _customer()
    outreach, _created = _plan(customer)
    with clock.frozen_at(DAYTIME):
        send_due()
    outreach.refresh_from_db()
    stored = Message.objects.get(pk=outreach.message_id)
    outbound = OutboundMessage(
        message_id=stored.pk,
        channel=stored.channel,
        to_address=stored.to_address,
        text=stored.text,
    )
    email, _message_id = build_email(stored, outbound, None)
    assert email.extra_headers["List-Unsubscribe"] == f"<{stored.meta['list_unsubscribe']}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_unsubscribed_customer_receives_nothing_further() -> None:
    customer = _customer()
    planned, _created = _plan(customer, key="review_request:order:1")
    token = unsubscribe_token(customer, channel=Channel.EMAIL, purpose=Purpose.MARKETING)
    page = Client().get(f"/u/{token}/")
    assert page.status_code == 200
    # Opening the link alone (a mail scanner does) changes nothing.
    assert may_contact(customer, channel=Channel.EMAIL, purpose=Purpose.MARKETING)[0]
    done = Client().post(f"/u/{token}/", {})
    assert done.status_code == 200
    consent = Consent.objects.get(customer=customer, channel=Channel.EMAIL)
    assert not consent.granted
    assert consent.source == "unsubscribe_link"
    with clock.frozen_at(DAYTIME):
        send_due()
    planned.refresh_from_db()
    assert planned.status == OutreachStatus.SKIPPED
    assert "refused" in planned.reason
    assert planned.message_id is None
    # A message about their order still reaches them; surveys are a separate choice.
    service, _created = _plan(customer, key="delivery_delay:1", purpose=Purpose.SERVICE)
    with clock.frozen_at(DAYTIME):
        send_due()
    service.refresh_from_db()
    assert service.status == OutreachStatus.SENT
    assert Event.objects.filter(verb="consent.withdrawn", subject_id=customer.pk).count() == 1


def test_the_mail_clients_one_click_post_and_everywhere() -> None:
    customer = _customer()
    token = unsubscribe_token(customer, channel=Channel.EMAIL, purpose=Purpose.MARKETING)
    response = Client(enforce_csrf_checks=True).post(
        f"/u/{token}/", {"List-Unsubscribe": "One-Click", "everywhere": "on"}
    )
    assert response.status_code == 200
    for channel in (Channel.EMAIL, Channel.WHATSAPP):
        assert not may_contact(customer, channel=channel, purpose=Purpose.MARKETING)[0]
    assert may_contact(customer, channel=Channel.EMAIL, purpose=Purpose.FEEDBACK)[0]
    assert Consent.objects.get(customer=customer, channel="all").source == "list_unsubscribe"


def test_a_forged_link_is_refused_without_saying_whose() -> None:
    customer = _customer()
    token = unsubscribe_token(customer, channel=Channel.EMAIL, purpose=Purpose.MARKETING)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = Client().post(f"/u/{forged}/", {})
    assert response.status_code == 404
    assert "sari" not in response.content.decode().lower()
    assert not Consent.objects.exists()


def test_opt_in_mode_needs_a_recorded_yes(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAPA_MARKETING_CONSENT = "opt_in"
    customer = _customer()
    assert not may_contact(customer, channel=Channel.EMAIL, purpose=Purpose.MARKETING)[0]
    set_consent(
        customer,
        channel=Channel.EMAIL,
        purpose=Purpose.MARKETING,
        granted=True,
        source="agent",
        actor=ROBOT,
    )
    assert may_contact(customer, channel=Channel.EMAIL, purpose=Purpose.MARKETING)[0]
    assert not may_contact(customer, channel=Channel.WHATSAPP, purpose=Purpose.MARKETING)[0]


def test_quiet_hours_postpone_until_morning() -> None:
    customer = _customer()
    night = datetime(2026, 11, 24, 22, 30, tzinfo=WIB)
    with clock.frozen_at(night):
        outreach, _created = plan_outreach(
            customer,
            kind="win_back",
            purpose=Purpose.MARKETING,
            dedupe_key="win_back:1",
            text="Kangen nih!",
            actor=ROBOT,
        )
        assert send_due() == 0
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.PLANNED
    assert outreach.send_after == datetime(2026, 11, 25, 8, 0, tzinfo=WIB)
    with clock.frozen_at(datetime(2026, 11, 25, 8, 1, tzinfo=WIB)):
        assert send_due() == 1
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.SENT
    assert quiet_until(datetime(2026, 11, 25, 3, 0, tzinfo=WIB)) == datetime(
        2026, 11, 25, 8, 0, tzinfo=WIB
    )
    assert quiet_until(datetime(2026, 11, 25, 12, 0, tzinfo=WIB)) is None


def test_the_weekly_cap_skips_the_fourth_promotion(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAPA_OUTREACH_PER_CUSTOMER_PER_WEEK = 3
    customer = _customer()
    rows = [_plan(customer, key=f"promo:{n}")[0] for n in range(4)]
    with clock.frozen_at(DAYTIME):
        send_due()
    statuses = [Outreach.objects.get(pk=row.pk).status for row in rows]
    assert statuses == [OutreachStatus.SENT] * 3 + [OutreachStatus.SKIPPED]


def test_about_a_ticket_it_is_a_reply_on_that_ticket() -> None:
    with clock.frozen_at(DAYTIME):
        result = inbound("pesanan blm sampe", email="tono@example.com", name="Tono")
    ticket = Ticket.objects.get(pk=result.ticket_id)
    outreach, _created = _plan(
        ticket.customer,
        key=f"survey_csat:ticket:{ticket.pk}",
        purpose=Purpose.FEEDBACK,
        ticket=ticket,
    )
    with clock.frozen_at(DAYTIME):
        send_due()
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.SENT
    assert Message.objects.get(pk=outreach.message_id).ticket_id == ticket.pk
    assert Ticket.objects.filter(customer=ticket.customer).count() == 1


def test_a_cancelled_message_is_not_sent() -> None:
    customer = _customer()
    outreach, _created = _plan(customer, key="thank_you:order:9")
    assert cancel_outreach("thank_you:order:9", reason="order returned")
    assert not cancel_outreach("thank_you:order:9", reason="again")
    with clock.frozen_at(DAYTIME):
        assert send_due() == 0
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.CANCELLED
    assert outreach.message_id is None


def test_no_address_is_recorded_not_raised() -> None:
    customer = CustomerFactory(name="Tanpa Alamat")
    outreach, _created = _plan(customer, key="thank_you:order:77", channel=Channel.EMAIL)
    with clock.frozen_at(DAYTIME):
        send_due()
    outreach.refresh_from_db()
    assert outreach.status == OutreachStatus.SKIPPED
    assert outreach.reason == "no address to write to"


def test_an_alert_ticket_is_routed_with_its_note() -> None:
    customer = _customer()
    with clock.frozen_at(DAYTIME):
        ticket = open_ticket_for(
            customer,
            subject="Paket JNE tidak bergerak 5 hari",
            channel=Channel.EMAIL,
            actor=Actor.automation("delay"),
            note="JNE 123: tidak ada kabar sejak 19 Nov",
        )
    assert ticket.status == TicketStatus.NEW
    assert Event.objects.filter(verb="ticket.created", subject_id=ticket.pk).exists()
    note = Message.objects.get(ticket=ticket)
    assert note.direction == Direction.NOTE
    assert "JNE 123" in note.text
