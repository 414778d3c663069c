"""Two workers or two checkouts at the same moment, each in its own thread with its own
database connection and transactions: one code is redeemed once, one delivery gets one code
and one thank-you, one silence one win-back.

The races are real on PostgreSQL (row locks, unique indexes under READ COMMITTED); on SQLite
writers take turns (BEGIN IMMEDIATE), and the same assertions must hold there too."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from sapa.commerce.models import Order, OrderStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.engagement.models import Outreach
from sapa.loyalty.actions import (
    Discount,
    issue_manual_code,
    plan_win_backs,
    redeem_promo_code,
    start_after_sale,
)
from sapa.loyalty.exceptions import PromoCodeAlreadyRedeemed
from sapa.loyalty.models import AfterSaleSettings, PromoCode, PromoCodeStatus, WinBack
from sapa.loyalty.queries import get_after_sale_settings
from tests.factories import CustomerFactory
from tests.loyalty.conftest import NOW, push_order

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 2


def _at_once(work: Callable[[int], Any], workers: int = WORKERS) -> list[Any]:
    """Run work(i) in `workers` threads released together; exceptions are returned."""
    start = threading.Barrier(workers)

    def worker(index: int) -> Any:
        try:
            with clock.frozen_at(NOW):
                start.wait(timeout=10)
                return work(index)
        except Exception as error:  # the test looks at which one lost, and how
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(worker, range(workers)))


@pytest.mark.parametrize("rounds", [5])
def test_two_checkouts_redeem_one_code_exactly_once(rounds):
    customer = CustomerFactory(name="Rina")
    shop = Actor.system("shop")
    for round_number in range(rounds):
        # given an active code
        code = issue_manual_code(
            customer,
            discount=Discount(percent=10, amount_minor=None),
            note="",
            prefix="",
            actor=Actor.system("test"),
        )
        # when two orders redeem it at the same moment
        results = _at_once(
            lambda i, code=code, n=round_number: redeem_promo_code(
                code,
                order_number=f"INV-{n}-{i}",
                order_total_minor=100000,
                currency="IDR",
                actor=shop,
            )
        )
        # then exactly one won, the other was told which order did
        wins = [r for r in results if not isinstance(r, Exception)]
        losses = [r for r in results if isinstance(r, Exception)]
        assert len(wins) == 1, results
        assert len(losses) == 1
        assert isinstance(losses[0], PromoCodeAlreadyRedeemed), losses
        code.refresh_from_db()
        assert code.status == PromoCodeStatus.REDEEMED
        assert losses[0].order_number == code.redeemed_order_number == wins[0].order_number


def test_two_checkouts_of_the_same_order_both_get_the_discount_once():
    customer = CustomerFactory(name="Rina")
    code = issue_manual_code(
        customer,
        discount=Discount(percent=None, amount_minor=20000),
        note="",
        prefix="",
        actor=Actor.system("test"),
    )
    results = _at_once(
        lambda i: redeem_promo_code(
            code,
            order_number="INV-1",
            order_total_minor=100000,
            currency="IDR",
            actor=Actor.system("shop"),
        )
    )
    assert [r.discount_minor for r in results] == [20000, 20000], results
    assert sorted(r.repeated for r in results) == [False, True]


def test_two_workers_handling_one_delivery_make_one_code_and_one_thank_you():
    # given a delivered order (its own handler already ran once, after commit)
    order = push_order("INV-1", OrderStatus.DELIVERED, status_at=NOW)
    PromoCode.objects.all().delete()
    Outreach.objects.all().delete()
    # when two workers run the delivery at once, twice
    for _round in range(2):
        results = _at_once(
            lambda i: start_after_sale(
                Order.objects.select_related("customer").get(pk=order.pk),
                delivered_at=NOW,
                actor=Actor.system("after-sale"),
            )
        )
        assert not [r for r in results if isinstance(r, Exception)], results
    # then
    assert PromoCode.objects.filter(source_order=order).count() == 1
    assert Outreach.objects.filter(kind="thank_you").count() == 1
    assert Outreach.objects.filter(kind="review_request").count() == 1
    code = PromoCode.objects.get()
    assert code.code in Outreach.objects.get(kind="thank_you").text


def test_two_win_back_runs_at_once_plan_one_per_customer():
    # given five customers whose last order was 100 days ago
    AfterSaleSettings.objects.filter(pk=get_after_sale_settings().pk).update(win_back_enabled=True)
    with clock.frozen_at(NOW - timedelta(days=100)):
        for i in range(5):
            push_order(f"INV-{i}", OrderStatus.PLACED, email=f"c{i}@example.com")
    # when two workers run the daily job at once
    results = _at_once(lambda i: plan_win_backs(now=NOW, limit=100, batch=2))
    # then
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.planned for r in results) == 5
    assert WinBack.objects.count() == 5
    assert Outreach.objects.filter(kind="win_back").count() == 5
    assert PromoCode.objects.filter(kind="win_back").count() == 5
