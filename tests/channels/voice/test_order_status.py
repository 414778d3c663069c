"""Order status by keypad: told only when the order's customer has the number the call
comes from; another customer's order gets the same answer as an unknown one."""

from datetime import datetime, timedelta

import pytest

from sapa.bot.config import ensure_default_menu
from sapa.channels.kinds import IdentityKind
from sapa.channels.messages import Address
from sapa.channels.voice.models import CallOutcome, CallRecord
from sapa.commerce.actions import OrderData, ShipmentData, TrackingEvent, upsert_order
from sapa.core.actors import Actor
from sapa.core.business_hours import JAKARTA
from sapa.core.clock import frozen_at
from tests.channels.voice.helpers import (
    CALLER,
    OPEN,
    call_params,
    hook_path,
    make_department,
    make_line,
    new_call_sid,
    post_signed,
    said,
    twiml,
)

pytestmark = pytest.mark.django_db

PLACED = datetime(2026, 11, 18, 10, 0, tzinfo=JAKARTA)


def _order(number: str, phone: str, email: str) -> None:
    upsert_order(
        OrderData(
            number=number,
            customer_addresses=(
                Address(IdentityKind.EMAIL, email),
                Address(IdentityKind.PHONE, phone),
            ),
            customer_name="Pembeli",
            status="shipped",
            total_minor=150000,
            currency="IDR",
            placed_at=PLACED,
            shipments=(
                ShipmentData(
                    carrier="jne",
                    tracking_number=f"JP{number}",
                    status="in_transit",
                    events=(
                        TrackingEvent(
                            at=PLACED + timedelta(days=2),
                            status="in_transit",
                            description="Paket diterima di gudang transit",
                            location="Jakarta",
                        ),
                    ),
                ),
            ),
        ),
        actor=Actor.system("test"),
    )


@pytest.fixture
def orders():
    _order("10045", CALLER, "rina.kusuma@gmail.com")
    _order("20077", "+6289912345678", "someone.else@gmail.com")


def _ask(client, line, sid):
    root = ensure_default_menu("phone")
    post_signed(client, hook_path(line, "incoming"), call_params(sid))
    menu = hook_path(line, "menu", root.pk)
    return twiml(post_signed(client, menu, call_params(sid, Digits="1")))


def test_pressing_1_asks_for_the_order_number_on_the_keypad(client, orders):
    """Up to 12 digits, ended by #."""
    # given
    line = make_line()
    # when
    with frozen_at(OPEN):
        root = _ask(client, line, new_call_sid())
    # then
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("numDigits") == "12"
    assert gather.get("finishOnKey") == "#"
    assert gather.get("action", "").endswith(f"/hooks/voice/{line.key}/order?tries=0")


def test_the_callers_own_order_is_told_in_words(client, orders):
    """The order of the caller's number: its status, latest update and courier."""
    # given
    line = make_line(language="en-US")
    sid = new_call_sid()
    with frozen_at(OPEN):
        action = _ask(client, line, sid).find("Gather").get("action")  # type: ignore[union-attr]
        # when
        root = twiml(post_signed(client, action, call_params(sid, Digits="10045#")))
    # then
    text = said(root)
    assert text.startswith(
        "Order 1 0 0 4 5 is shipped. Latest update, 20 November: Paket diterima di gudang "
        "transit, Jakarta. Courier JNE."
    )
    assert "JP10045" not in text
    record = CallRecord.objects.get(call_sid=sid)
    assert record.ivr_path == ["1"]
    assert record.outcome == CallOutcome.ANSWERED
    assert root.find("Gather") is not None  # back to the main menu


def test_an_indonesian_line_says_the_status_in_indonesian(client, orders):
    """The status word comes in the call's language."""
    # given
    line = make_line()
    sid = new_call_sid()
    with frozen_at(OPEN):
        action = _ask(client, line, sid).find("Gather").get("action")  # type: ignore[union-attr]
        # when
        root = twiml(post_signed(client, action, call_params(sid, Digits="10045")))
    # then
    says = list(root.iter("Say"))
    assert says[0].get("language") == "id-ID"
    assert "1 0 0 4 5" in (says[0].text or "")
    assert "dikirim" in (says[0].text or "")


def test_another_customers_order_is_never_told(client, orders):
    """Order 20077 belongs to another number: refused like an unknown one, asked again,
    then a person takes the call."""
    # given
    desk = make_department("Layanan", phone_number="+622150009999")
    line = make_line(language="en-US", default_department_id=desk.pk)
    sid = new_call_sid()
    with frozen_at(OPEN):
        action = _ask(client, line, sid).find("Gather").get("action")  # type: ignore[union-attr]
        # when
        refused = twiml(post_signed(client, action, call_params(sid, Digits="20077")))
        unknown = twiml(
            post_signed(
                client,
                refused.find("Gather").get("action"),  # type: ignore[union-attr]
                call_params(sid, Digits="99999"),
            )
        )
    # then
    assert said(refused).startswith("We cannot find that order for this number.")
    assert "2 0 0 7 7" not in said(refused)
    assert "shipped" not in said(refused)
    assert refused.find("Gather").get("action", "").endswith("?tries=1")  # type: ignore[union-attr]
    assert said(unknown).startswith("We cannot find that order for this number.")
    assert unknown.find("Dial") is not None
    assert CallRecord.objects.get(call_sid=sid).outcome != CallOutcome.ANSWERED


def test_a_hidden_number_cannot_ask_for_an_order(client, orders):
    """Without the caller's number nothing can be verified: a person takes the call."""
    # given
    line = make_line(language="en-US")
    sid = new_call_sid()
    root_node = ensure_default_menu("phone")
    with frozen_at(OPEN):
        post_signed(client, hook_path(line, "incoming"), call_params(sid, caller="anonymous"))
        # when
        root = twiml(
            post_signed(
                client,
                hook_path(line, "menu", root_node.pk),
                call_params(sid, caller="anonymous", Digits="1"),
            )
        )
    # then
    assert said(root).startswith("We can only look up orders for calls from a number")
    assert root.find("Gather") is None
    assert root.find("Record") is not None
