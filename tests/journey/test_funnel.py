"""The funnel report over a small shop whose every figure is worked out by hand below."""

from datetime import date

import pytest

from sapa.channels.kinds import Channel
from sapa.commerce.models import OrderStatus
from sapa.core.actors import Actor
from sapa.customers.actions import update_customer
from sapa.customers.models import Customer
from sapa.journey.actions import SignalData, record_signal, set_stage_by_hand
from sapa.journey.funnel import journey_report
from sapa.journey.models import SignalKind
from tests.builders import inbound
from tests.factories import AgentFactory
from tests.journey.conftest import SHOP, jakarta, place_order

pytestmark = pytest.mark.django_db

DAY = 86_400
MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}


@pytest.fixture
def shop(at):
    """Eight customers, all times Jakarta, 2026:

    Ani (WhatsApp)   2 Mar 10:00 asks "stok ... ready?" -> consideration; 4 Mar 10:00 order
                     Rp100.000 -> purchase; 20 Mar 10:00 order Rp150.000 -> repurchase.
    Bayu (email)     3 Mar 09:00 "halo kak" -> awareness; 5 Mar 09:00 cart -> preference;
                     6 Mar 09:00 order Rp200.000 -> purchase.
    Citra (WhatsApp) 5 Mar 12:00 asks "harganya berapa kak?" -> consideration.
    Dodi (chat)      20 Feb 08:00 asks -> consideration (before March); 10 Mar 08:00 order
                     Rp300.000 -> purchase.
    Eka (shop only)  12 Mar 10:00 order Rp50.000 -> purchase; 13 Mar order cancelled.
    Fajar (WhatsApp) a colleague (internal): left out of every figure.
    Gita (WhatsApp)  15 Mar 10:00 "halo"; 16 Mar 10:00 set to preference by an agent.
    Hadi (WhatsApp)  1 Apr 00:10 "halo": after the period (still counted among stages now).
    """
    agent = Actor.for_agent(AgentFactory())
    with at(jakarta(2, 20, 8)):
        inbound("min, buku Filosofi Teras ready?", channel=Channel.CHAT, email="dodi@example.com")
    with at(jakarta(3, 2)):
        inbound("stok buku Bumi Manusia masih ready kak?", channel=Channel.WHATSAPP,
                email=None, phone="0812 0000 0001")  # fmt: skip
        fajar = inbound("halo", channel=Channel.WHATSAPP, email=None, phone="0812 0000 0006")
    update_customer(Customer.objects.get(pk=fajar.customer_id), is_internal=True, actor=agent)
    with at(jakarta(3, 2, 11)):
        inbound("stok kertas A4 di gudang masih ada?", channel=Channel.WHATSAPP, email=None,
                phone="0812 0000 0006")  # fmt: skip
    with at(jakarta(3, 3, 9)):
        bayu = inbound("halo kak", email="bayu@example.com")
    with at(jakarta(3, 4)):
        place_order("INV-A1", phone="0812 0000 0001", total_minor=100_000)
    with at(jakarta(3, 5, 9)):
        cart = SignalData(kind=SignalKind.CART, at=jakarta(3, 5, 9))
        record_signal(Customer.objects.get(pk=bayu.customer_id), cart, actor=SHOP)
    with at(jakarta(3, 5, 12)):
        inbound("harganya berapa kak?", channel=Channel.WHATSAPP, email=None,
                phone="0812 0000 0003")  # fmt: skip
    with at(jakarta(3, 6, 9)):
        place_order("INV-B1", email="bayu@example.com", total_minor=200_000)
    with at(jakarta(3, 10, 8)):
        place_order("INV-D1", email="dodi@example.com", total_minor=300_000)
    with at(jakarta(3, 12)):
        place_order("INV-E1", email="eka@example.com", total_minor=50_000)
    with at(jakarta(3, 13)):
        place_order("INV-E2", email="eka@example.com", total_minor=80_000,
                    status=OrderStatus.CANCELLED)  # fmt: skip
    with at(jakarta(3, 15)):
        gita = inbound("halo", channel=Channel.WHATSAPP, email=None, phone="0812 0000 0007")
    with at(jakarta(3, 16)):
        set_stage_by_hand(Customer.objects.get(pk=gita.customer_id), stage="preference",
                          reason="Asked for a quote by phone", actor=agent)  # fmt: skip
    with at(jakarta(3, 20)):
        place_order("INV-A2", phone="0812 0000 0001", total_minor=150_000,
                    status=OrderStatus.DELIVERED)  # fmt: skip
    with at(jakarta(4, 1, 0, 10)):
        inbound("halo", channel=Channel.WHATSAPP, email=None, phone="0812 0000 0008")


def counts(figures):
    return {row.stage: row.count for row in figures.stage_counts}


def steps(figures):
    return [
        (s.entered, s.converted, s.timed, s.average_seconds, s.median_seconds)
        for s in figures.steps
    ]


def test_totals_worked_out_by_hand(shop, django_assert_max_num_queries):
    """Reached dates (a skipped stage is passed at the later one's time):
    Ani   aware 2 Mar 10:00, consid. 2 Mar 10:00, pref. = purchase 4 Mar 10:00, repurchase 20 Mar
    Bayu  aware 3 Mar 09:00, consid. = pref. 5 Mar 09:00, purchase 6 Mar 09:00
    Citra aware = consid. 5 Mar 12:00
    Dodi  aware = consid. 20 Feb 08:00, pref. = purchase 10 Mar 08:00
    Eka   aware = consid. = pref. = purchase 12 Mar 10:00 (the cancelled order counts for nothing)
    Gita  aware 15 Mar 10:00, consid. = pref. 16 Mar 10:00
    Hadi  aware 1 Apr 00:10
    Now: awareness Hadi; consideration Citra; preference Gita; purchase Bayu, Dodi, Eka;
    repurchase Ani.
    awareness -> consideration: reached awareness in March: Ani, Bayu, Citra, Eka, Gita = 5
      (Dodi in February, Hadi in April); all 5 reached consideration. Time spent: Bayu 2 days,
      Gita 1 day (the others 0 s, not timed): average = median = 1.5 days.
    consideration -> preference: Ani, Bayu, Citra, Eka, Gita = 5; 4 went on (not Citra).
      Time: Ani 2 days (Bayu, Eka, Gita 0 s).
    preference -> purchase: Ani, Bayu, Dodi, Eka, Gita = 5; 4 bought (not Gita). Time: Bayu
      1 day.
    purchase -> repurchase: Ani, Bayu, Dodi, Eka = 4; 1 came back (Ani) after 16 days.
    Buyers (first order in March): Ani, Bayu, Dodi, Eka = 4; repeat: Ani = 25 %; revenue
    100k + 150k + 200k + 300k + 50k = 800,000 -> 200,000 per buyer.
    """
    with django_assert_max_num_queries(3):
        report = journey_report(**MARCH)
    total = report.total
    assert counts(total) == {
        "awareness": 1, "consideration": 1, "preference": 1, "purchase": 3, "repurchase": 1,
    }  # fmt: skip
    assert total.customers == 7
    assert steps(total) == [
        (5, 5, 2, 1.5 * DAY, 1.5 * DAY),
        (5, 4, 1, 2 * DAY, 2 * DAY),
        (5, 4, 1, 1 * DAY, 1 * DAY),
        (4, 1, 1, 16 * DAY, 16 * DAY),
    ]
    assert [s.rate_percent for s in total.steps] == [100.0, 80.0, 80.0, 25.0]
    assert (total.buyers, total.repeat_buyers, total.repeat_rate_percent) == (4, 1, 25.0)
    assert (total.revenue_minor, total.revenue_per_buyer_minor) == (800_000, 200_000)
    assert report.currency == "IDR"


def test_by_channel_of_first_contact(shop):
    """Ani, Citra, Gita and Hadi first wrote on WhatsApp; Bayu by email; Dodi in the chat;
    Eka only ever ordered (api). WhatsApp: awareness -> consideration Ani, Citra, Gita (3/3,
    Gita timed 1 day); consideration -> preference Ani, Citra, Gita (2/3, Ani 2 days)."""
    report = journey_report(**MARCH)
    by_channel = {row.channel: row for row in report.channels}
    assert list(by_channel) == ["email", "chat", "whatsapp", "api"]
    whatsapp = by_channel["whatsapp"]
    assert counts(whatsapp) == {
        "awareness": 1, "consideration": 1, "preference": 1, "purchase": 0, "repurchase": 1,
    }  # fmt: skip
    assert steps(whatsapp)[:2] == [(3, 3, 1, DAY, DAY), (3, 2, 1, 2 * DAY, 2 * DAY)]
    assert (whatsapp.buyers, whatsapp.repeat_buyers, whatsapp.revenue_minor) == (1, 1, 250_000)
    assert (by_channel["api"].buyers, by_channel["api"].revenue_minor) == (1, 50_000)
    assert by_channel["email"].steps[2].average_seconds == DAY


def test_one_channel(shop):
    """channel=whatsapp: the total is WhatsApp's alone."""
    report = journey_report(**MARCH, channel="whatsapp")
    assert [row.channel for row in report.channels] == ["whatsapp"]
    assert report.total.customers == 4
    assert steps(report.total)[:2] == [(3, 3, 1, DAY, DAY), (3, 2, 1, 2 * DAY, 2 * DAY)]


def test_a_day_is_a_day_in_jakarta(shop):
    """Hadi wrote on 1 April at 00:10 Jakarta (31 March 17:10 UTC): April, not March."""
    report = journey_report(start=date(2026, 4, 1), end=date(2026, 4, 1))
    assert report.total.steps[0].entered == 1
