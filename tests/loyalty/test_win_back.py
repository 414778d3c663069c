"""Win-back: customers who bought and then went quiet (no order, no message) for M days
get one message per quiet spell, with a code if the settings say so."""

from dataclasses import replace
from datetime import timedelta

import pytest

from sapa.commerce.models import OrderStatus
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.engagement.models import Outreach, Purpose
from sapa.loyalty.actions import SettingsDraft, plan_win_backs, update_after_sale_settings
from sapa.loyalty.actions.win_back import silent_customers
from sapa.loyalty.models import PromoCode, PromoCodeKind, WinBack
from sapa.loyalty.queries import get_after_sale_settings
from tests.builders import inbound
from tests.loyalty.conftest import NOW, at, push_order

pytestmark = pytest.mark.django_db

DAYS = 90


@pytest.fixture(autouse=True)
def _win_back_on():
    draft = replace(
        SettingsDraft.of(get_after_sale_settings()),
        win_back_enabled=True,
        win_back_after_days=DAYS,
    )
    update_after_sale_settings(draft, actor=Actor.system("test"))


def _order(number, *, days_ago, email="rina@example.com", status=OrderStatus.DELIVERED):
    with at(NOW - timedelta(days=days_ago)):
        return push_order(
            number,
            status,
            email=email,
            placed_at=NOW - timedelta(days=days_ago),
            status_at=NOW - timedelta(days=days_ago),
        )


def _run(**kwargs):
    return plan_win_backs(now=kwargs.pop("now", NOW), limit=kwargs.pop("limit", 100), **kwargs)


def test_quiet_customer_gets_one_win_back_with_a_code():
    # given Rina's last order was 100 days ago and she has not written since
    order = _order("INV-1", days_ago=100)
    # when the daily run comes, twice
    first = _run()
    second = _run()
    # then
    assert (first.planned, first.more_left, second.planned) == (1, False, 0)
    win_back = WinBack.objects.get()
    assert (win_back.customer_id, win_back.last_order_id) == (order.customer_id, order.pk)
    code = PromoCode.objects.get(kind=PromoCodeKind.WIN_BACK)
    assert win_back.promo_code == code
    assert code.source_order_id == order.pk
    (outreach,) = Outreach.objects.filter(kind="win_back")
    assert outreach.dedupe_key == f"win_back:customer:{order.customer_id}:order:{order.pk}"
    assert outreach.purpose == Purpose.MARKETING
    assert outreach.text.startswith("Halo Rina, sudah lama tidak mampir ke Toko Buku Sapa.")
    assert code.code in outreach.text
    assert outreach.subject == "Kami kangen, Rina!"
    assert Event.objects.filter(verb="win_back.planned").count() == 1


def test_who_is_quiet():
    """Only customers with an order, whose last order that was not cancelled and whose
    last message are both older than M days."""
    # given
    quiet = _order("INV-Q", days_ago=100, email="quiet@example.com")
    _order("INV-R", days_ago=30, email="recent@example.com")
    _order("INV-W", days_ago=100, email="wrote@example.com")
    with at(NOW - timedelta(days=10)):
        inbound("halo, ada buku baru?", email="wrote@example.com")
    old = _order("INV-C1", days_ago=120, email="cancelled@example.com")
    with at(NOW - timedelta(days=5)):
        push_order("INV-C2", OrderStatus.PLACED, email="cancelled@example.com")
        push_order("INV-C2", OrderStatus.CANCELLED, email="cancelled@example.com")
    with at(NOW - timedelta(days=200)):
        inbound("tanya saja", email="never-bought@example.com")
    # when
    run = _run()
    # then
    assert run.planned == 2
    assert set(WinBack.objects.values_list("customer_id", "last_order_id")) == {
        (quiet.customer_id, quiet.pk),
        (old.customer_id, old.pk),
    }


def test_a_new_order_starts_a_new_quiet_spell():
    # given a win-back after the first order
    _order("INV-1", days_ago=300)
    with at(NOW - timedelta(days=200)):
        assert _run(now=NOW - timedelta(days=200)).planned == 1
    # when she orders again and goes quiet again
    second = _order("INV-2", days_ago=150)
    assert _run().planned == 1
    # then two win-backs, one per spell
    assert list(WinBack.objects.order_by("pk").values_list("last_order__number", flat=True)) == [
        "INV-1",
        "INV-2",
    ]
    assert Outreach.objects.filter(kind="win_back").count() == 2
    assert WinBack.objects.last().last_order_id == second.pk


def test_the_run_stops_at_its_limit_and_goes_on_next_time():
    for i in range(3):
        _order(f"INV-{i}", days_ago=100, email=f"c{i}@example.com")
    first = _run(limit=2, batch=1)
    assert (first.planned, first.more_left) == (2, True)
    second = _run(limit=2)
    assert (second.planned, second.more_left) == (1, False)
    assert WinBack.objects.count() == 3


def test_switched_off_or_without_code():
    _order("INV-1", days_ago=100)
    config = get_after_sale_settings()
    draft = SettingsDraft.of(config)
    update_after_sale_settings(replace(draft, win_back_enabled=False), actor=Actor.system("t"))
    assert _run().planned == 0
    update_after_sale_settings(replace(draft, win_back_promo=False), actor=Actor.system("t"))
    assert _run().planned == 1
    assert PromoCode.objects.filter(kind=PromoCodeKind.WIN_BACK).count() == 0
    assert "{" not in Outreach.objects.get(kind="win_back").text


def test_selection_is_one_query(django_assert_num_queries):
    for i in range(3):
        _order(f"INV-{i}", days_ago=100, email=f"c{i}@example.com")
    with django_assert_num_queries(1):
        rows = list(silent_customers(cutoff=NOW - timedelta(days=DAYS)).values_list("pk"))
    assert len(rows) == 3
