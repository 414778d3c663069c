"""Orders in the console: the customer panel's orders with parcels and delay flags, the
delayed-shipments list and the carriers' delay policies."""

import pytest

from sapa.accounts.models import Role
from sapa.commerce.actions.delays import flag_delayed_shipments
from sapa.commerce.models import CarrierPolicy, OrderStatus, Shipment
from sapa.core import clock
from sapa.core.models import Event
from tests.commerce.conftest import at, place, shipment
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def delayed_parcel():
    """INV-1 with JNE001 silent since the 11th, flagged on the 20th (with its alert ticket),
    and JNE002 with four scans."""
    with clock.frozen_at(at(0)):
        place(
            status=OrderStatus.SHIPPED,
            items=[{"sku": "", "name": "Laskar Pelangi", "quantity": 2, "unit_price_minor": 1}],
            shipments=(
                shipment((at(1), "picked_up"), tracking="JNE001"),
                shipment(
                    (at(1), "picked_up"),
                    (at(2), "in_transit"),
                    (at(3), "out_for_delivery"),
                    (at(9), "failed_delivery"),
                    tracking="JNE002",
                ),
            ),
        )
    with clock.frozen_at(at(10)):
        flag_delayed_shipments()
    return Shipment.objects.get(tracking_number="JNE001")


def login(client, role=Role.AGENT, username="andi"):
    agent = AgentFactory(role=role, username=username, language="en")
    client.force_login(agent)
    return agent


def test_the_panel_shows_parcels_their_latest_scans_and_the_delay(client, delayed_parcel):
    # given
    login(client, Role.ADMIN, "admin")
    # when: the alert ticket's page
    page = client.get(f"/tickets/{delayed_parcel.delay_ticket_id}/").text
    # then
    section = page[page.index('id="orders-title"') :]
    section = section[: section.index("</section>")]
    assert "INV-1" in section
    assert "2\u00d7 Laskar Pelangi" in section
    assert "JNE001" in section
    assert "JNE002" in section
    assert section.count("overdue-pill") == 2  # the order and the parcel
    assert "Delivery failed" in section
    assert "and 1 earlier update" in section  # JNE002: three scans shown, one more


def test_the_delayed_list(client, delayed_parcel):
    login(client)
    page = client.get("/orders/delayed/")
    assert page.status_code == 200
    table = page.text[page.text.index('id="delayed-shipments"') :]
    assert "JNE001" in table
    assert "JNE002" not in table
    assert f"/tickets/{delayed_parcel.delay_ticket_id}/" in table


def test_the_delayed_list_is_one_query_for_any_number(
    client, delayed_parcel, django_assert_num_queries
):
    login(client)
    client.get("/orders/delayed/")
    with django_assert_num_queries(3):  # session, agent, the list
        client.get("/orders/delayed/")


def test_an_admin_changes_a_carrier_policy_and_it_is_recorded(client):
    login(client, Role.ADMIN, "admin")
    policy = CarrierPolicy.objects.get(code="gosend")
    assert client.get("/orders/carriers/").status_code == 200
    response = client.post(
        f"/orders/carriers/{policy.pk}/",
        {f"p{policy.pk}-days_without_event": "2", f"p{policy.pk}-active": "on"},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.days_without_event, policy.notify_customer, policy.active) == (2, False, True)
    event = Event.objects.get(verb="carrier_policy.updated")
    assert (event.before["days_without_event"], event.after["days_without_event"]) == (1, 2)


def test_a_bad_number_of_days_is_a_form_error(client):
    login(client, Role.ADMIN, "admin")
    policy = CarrierPolicy.objects.get(code="jne")
    response = client.post(
        f"/orders/carriers/{policy.pk}/", {f"p{policy.pk}-days_without_event": "0"}
    )
    assert response.status_code == 422
    assert "field-error" in response.text
    policy.refresh_from_db()
    assert policy.days_without_event == 3


def test_a_policy_for_another_carrier(client):
    login(client, Role.ADMIN, "admin")
    response = client.post(
        "/orders/carriers/new/",
        {"name": "Kurir Toko", "days_without_event": "2", "notify_customer": "on"},
    )
    assert response.status_code == 302
    assert CarrierPolicy.objects.get(code="kurirtoko").days_without_event == 2
    again = client.post("/orders/carriers/new/", {"name": "J&T", "days_without_event": "2"})
    assert again.status_code == 422
    assert "J&amp;T already has a policy (code jnt)." in again.text


def test_only_admins_edit_policies(client):
    login(client, Role.SUPERVISOR, "sari")
    policy = CarrierPolicy.objects.get(code="jne")
    assert client.get("/orders/carriers/").status_code == 403
    response = client.post(
        f"/orders/carriers/{policy.pk}/", {f"p{policy.pk}-days_without_event": "9"}
    )
    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.days_without_event == 3
