"""Promo codes: their format and entropy, issuing by hand, redeeming once, expiry."""

import math
import re
from datetime import timedelta

import pytest

from sapa.accounts.models import Role
from sapa.channels.kinds import IdentityKind
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, PermissionDenied
from sapa.core.models import Event
from sapa.customers.actions import merge_customers
from sapa.customers.addresses import normalise_address
from sapa.loyalty.actions import (
    Discount,
    expire_promo_codes,
    issue_manual_code,
    redeem_promo_code,
    void_promo_code,
)
from sapa.loyalty.codes import ALPHABET, ENTROPY_BITS, generate_code, normalise_code
from sapa.loyalty.exceptions import (
    BelowMinimumOrder,
    CurrencyMismatch,
    PromoCodeAlreadyRedeemed,
    PromoCodeGone,
    PromoCodeNotFound,
)
from sapa.loyalty.models import PromoCode, PromoCodeStatus
from sapa.loyalty.queries import effective_status, get_promo_code, panel_promo_codes
from tests.factories import AgentFactory, CustomerFactory
from tests.loyalty.conftest import NOW, at

SHOP = Actor.system("shop")


def test_codes_have_no_look_alikes_and_at_least_fifty_bits():
    # then
    assert not set("0O1IL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31
    assert ENTROPY_BITS >= 50
    codes = {generate_code("SAPA") for _ in range(2000)}
    assert len(codes) == 2000
    pattern = re.compile(rf"^SAPA-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")
    assert all(pattern.match(code) for code in codes)
    assert re.fullmatch(rf"[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{2}}", generate_code())


def test_random_part_is_spread_over_the_alphabet():
    """Every symbol turns up at every position: no position is fixed or biased to a few."""
    codes = [generate_code().replace("-", "") for _ in range(3000)]
    for position in range(12):
        assert len({code[position] for code in codes}) == len(ALPHABET)
    assert 12 * math.log2(len(ALPHABET)) == pytest.approx(ENTROPY_BITS)


def test_typed_codes_are_normalised():
    assert normalise_code(" sapa-7kq9-xm4t-p2wc ") == "SAPA-7KQ9-XM4T-P2WC"
    assert normalise_code("SAPA 7KQ9") == "SAPA7KQ9"
    assert normalise_code("x" * 41) is None
    assert normalise_code("SAPA-'; DROP") is None
    assert normalise_code("") is None


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Rina Wulandari")


@pytest.fixture
def supervisor(db):
    return AgentFactory(username="sari", role=Role.SUPERVISOR)


def _code(customer, actor, **discount):
    values = {"percent": 10, "amount_minor": None, "min_order_minor": 0, "valid_days": 30}
    values.update(discount)
    return issue_manual_code(
        customer, discount=Discount(**values), note="maaf, paket telat", prefix="", actor=actor
    )


def test_supervisor_issues_a_code_by_hand(customer, supervisor):
    # when
    code = _code(customer, Actor.for_agent(supervisor))
    # then
    assert code.kind == "manual"
    assert code.created_by == supervisor
    assert code.note == "maaf, paket telat"
    assert code.expires_at == NOW + timedelta(days=30)
    assert panel_promo_codes(customer) == [code]
    event = Event.objects.get(verb="promo_code.issued")
    assert event.after["code"] == code.code


def test_agent_may_not_issue_a_code(customer, db):
    agent = AgentFactory(username="andi", role=Role.AGENT)
    with pytest.raises(PermissionDenied):
        _code(customer, Actor.for_agent(agent))
    assert PromoCode.objects.count() == 0


@pytest.mark.parametrize(
    ("discount", "loc"),
    [
        ({"percent": 0}, "discount_percent"),
        ({"percent": 101}, "discount_percent"),
        ({"percent": None, "amount_minor": 0}, "discount_minor"),
        ({"percent": 10, "amount_minor": 5000}, "discount_percent"),
        ({"min_order_minor": -1}, "min_order_minor"),
        ({"valid_days": 0}, "valid_days"),
    ],
)
def test_bad_discounts_are_refused(customer, supervisor, discount, loc):
    with pytest.raises(InvalidInput) as error:
        _code(customer, Actor.for_agent(supervisor), **discount)
    assert error.value.loc == [loc]
    assert PromoCode.objects.count() == 0


def test_redeem_marks_the_code_used_with_the_discount(customer, supervisor):
    # given
    code = _code(customer, Actor.for_agent(supervisor), percent=15)
    # when
    redemption = redeem_promo_code(
        code, order_number="INV-77", order_total_minor=200001, currency="IDR", actor=SHOP
    )
    # then
    assert (redemption.discount_minor, redemption.total_after_discount_minor) == (30000, 170001)
    assert not redemption.repeated
    code.refresh_from_db()
    assert code.status == PromoCodeStatus.REDEEMED
    assert (code.redeemed_at, code.redeemed_order_number) == (NOW, "INV-77")
    assert (code.redeemed_order_total_minor, code.redeemed_amount_minor) == (200001, 30000)
    event = Event.objects.get(verb="promo_code.redeemed")
    assert event.subject_id == code.pk
    assert event.after["order_number"] == "INV-77"
    assert panel_promo_codes(customer) == []


def test_redeeming_again_for_the_same_order_gives_the_same_answer(customer, supervisor):
    code = _code(customer, Actor.for_agent(supervisor))
    first = redeem_promo_code(
        code, order_number="INV-77", order_total_minor=100000, currency="IDR", actor=SHOP
    )
    # when the shop retries, even with another total
    again = redeem_promo_code(
        code, order_number="INV-77", order_total_minor=999999, currency="IDR", actor=SHOP
    )
    # then
    assert again.repeated
    assert (again.discount_minor, again.order_total_minor) == (first.discount_minor, 100000)
    assert Event.objects.filter(verb="promo_code.redeemed").count() == 1


def test_a_second_order_may_not_use_the_code(customer, supervisor):
    code = _code(customer, Actor.for_agent(supervisor))
    redeem_promo_code(
        code, order_number="INV-77", order_total_minor=100000, currency="IDR", actor=SHOP
    )
    with pytest.raises(PromoCodeAlreadyRedeemed) as error:
        redeem_promo_code(
            code, order_number="INV-78", order_total_minor=100000, currency="IDR", actor=SHOP
        )
    assert (error.value.order_number, error.value.redeemed_at) == ("INV-77", NOW)
    code.refresh_from_db()
    assert code.redeemed_order_number == "INV-77"


def test_fixed_amount_never_exceeds_the_order(customer, supervisor):
    code = _code(customer, Actor.for_agent(supervisor), percent=None, amount_minor=50000)
    redemption = redeem_promo_code(
        code, order_number="INV-1", order_total_minor=30000, currency="IDR", actor=SHOP
    )
    assert (redemption.discount_minor, redemption.total_after_discount_minor) == (30000, 0)


def test_minimum_order_and_currency_are_enforced(customer, supervisor):
    code = _code(customer, Actor.for_agent(supervisor), min_order_minor=100000)
    with pytest.raises(BelowMinimumOrder) as error:
        redeem_promo_code(
            code, order_number="INV-1", order_total_minor=99999, currency="IDR", actor=SHOP
        )
    assert error.value.loc == ["body", "order_total_minor"]
    with pytest.raises(CurrencyMismatch):
        redeem_promo_code(
            code, order_number="INV-1", order_total_minor=100000, currency="USD", actor=SHOP
        )
    code.refresh_from_db()
    assert code.status == PromoCodeStatus.ACTIVE
    redeem_promo_code(
        code, order_number="INV-1", order_total_minor=100000, currency="IDR", actor=SHOP
    )


def test_expired_code_is_refused_before_and_after_the_sweep(customer, supervisor):
    # given a code valid for 30 days
    code = _code(customer, Actor.for_agent(supervisor))
    later = NOW + timedelta(days=30)
    with at(later):
        # then at its expiry it reads expired before any sweep
        assert effective_status(code) == PromoCodeStatus.EXPIRED
        with pytest.raises(PromoCodeGone) as error:
            redeem_promo_code(
                code, order_number="INV-1", order_total_minor=100000, currency="IDR", actor=SHOP
            )
        assert (error.value.status, error.value.code) == (410, "promo_code_expired")
        assert panel_promo_codes(customer) == []
        # when the sweep runs
        assert expire_promo_codes(now=later) == 1
        assert expire_promo_codes(now=later) == 0
    code.refresh_from_db()
    assert code.status == PromoCodeStatus.EXPIRED
    assert Event.objects.filter(verb="promo_code.expired", subject_id=code.pk).count() == 1


def test_sweep_leaves_codes_still_valid(customer, supervisor):
    code = _code(customer, Actor.for_agent(supervisor))
    assert expire_promo_codes(now=NOW + timedelta(days=29, hours=23)) == 0
    code.refresh_from_db()
    assert code.status == PromoCodeStatus.ACTIVE


def test_void_code_is_refused(customer, supervisor):
    code = _code(customer, Actor.for_agent(supervisor))
    assert void_promo_code(code, reason="salah kirim", actor=Actor.for_agent(supervisor))
    assert not void_promo_code(code, reason="lagi", actor=Actor.for_agent(supervisor))
    with pytest.raises(PromoCodeGone) as error:
        redeem_promo_code(
            code, order_number="INV-1", order_total_minor=100000, currency="IDR", actor=SHOP
        )
    assert error.value.code == "promo_code_void"


def test_lookup_is_the_same_for_unknown_malformed_and_someone_elses(customer, supervisor):
    code = _code(customer, Actor.for_agent(supervisor))
    someone = (normalise_address(IdentityKind.EMAIL, "andi@example.com"),)
    assert get_promo_code(code.code.lower()) == code
    for raw, addresses in [("SAPA-XXXX", ()), ("!!", ()), (code.code, someone)]:
        with pytest.raises(PromoCodeNotFound) as error:
            get_promo_code(raw, customer_addresses=addresses)
        assert error.value.code == "promo_code_not_found"


def test_codes_follow_a_customer_merge(customer, supervisor, django_capture_on_commit_callbacks):
    # given a code of a customer who turns out to be a duplicate
    code = _code(customer, Actor.for_agent(supervisor))
    survivor = CustomerFactory(name="Rina W.")
    # when the two become one
    with django_capture_on_commit_callbacks(execute=True):
        merge_customers(customer, into=survivor, actor=Actor.system("test"))
    # then the code is the survivor's
    code.refresh_from_db()
    assert code.customer == survivor
    assert panel_promo_codes(survivor) == [code]
