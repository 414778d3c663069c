"""The walk-in screen: find the customer, see their latest tickets, log the visit in one
form (two clicks for the common case). And the Stores and kiosks page for admins."""

import re

import pytest
from django.utils import translation

from sapa.accounts.models import Role
from sapa.channels.walkin.models import KioskDevice, StoreLocation, Visit
from sapa.conversations.models import Message, TicketStatus
from tests.builders import inbound
from tests.channels.walkin.conftest import signed_in
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def visit_form(client, query: str = "", **params: str):
    path = "/walkin/visit/"
    if params:
        path += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    page = client.get(path)
    key = re.search(r'name="visit_key" value="([^"]+)"', page.content.decode())
    assert key, page.content.decode()[:2000]
    return page, key.group(1)


def test_the_search_finds_the_customer_by_phone_with_their_latest_tickets(store, clerk_client):
    earlier = inbound("pesanan INV-9 belum sampai", email="budi@example.com", phone="081234567890")
    page = clerk_client.get("/walkin/", {"q": "0812 3456 7890"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Budi Santoso" in html
    assert "pesanan INV-9 belum sampai" in html
    assert f"?customer={earlier.customer_id}" in html
    # a clerk sees the ticket's number, not a link into the inbox
    assert f"/tickets/{earlier.ticket_id}/" not in html


def test_two_clicks_log_a_resolved_visit_of_a_found_customer(store, clerk, clerk_client):
    earlier = inbound("halo", email="budi@example.com")
    # click one: "Log visit" on the match
    page, key = visit_form(clerk_client, customer=str(earlier.customer_id))
    assert page.status_code == 200
    # click two: "Save visit" with what they asked (the location and outcome are preset)
    response = clerk_client.post(
        "/walkin/visit/",
        {
            "visit_key": key,
            "customer": earlier.customer_id,
            "location": store.pk,
            "text": "Ambil pesanan, sudah diterima",
            "outcome": "resolved",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/walkin/"
    visit = Visit.objects.get()
    assert (visit.customer_id, visit.logged_by_id) == (earlier.customer_id, clerk.pk)
    assert visit.ticket.status == TicketStatus.SOLVED
    # the next form preselects the store used last
    _page, _key = visit_form(clerk_client, customer=str(earlier.customer_id))
    assert f'value="{store.pk}" selected' in _page.content.decode()


def test_a_new_customer_is_taken_from_the_search_text(store, clerk_client):
    page, key = visit_form(clerk_client, q="081311112222")
    assert 'value="+6281311112222"' in page.content.decode()
    response = clerk_client.post(
        "/walkin/visit/",
        {
            "visit_key": key,
            "name": "Sari",
            "phone": "081311112222",
            "location": store.pk,
            "text": "Tanya jam buka",
            "outcome": "resolved",
        },
    )
    assert response.status_code == 302
    assert Visit.objects.get().customer.name == "Sari"


def test_bad_input_comes_back_on_the_form_and_writes_nothing(store, clerk_client):
    _page, key = visit_form(clerk_client)
    with translation.override("en"):
        response = clerk_client.post(
            "/walkin/visit/",
            {
                "visit_key": key,
                "name": "Tanpa Kontak",
                "phone": "12",
                "location": store.pk,
                "text": "x",
                "outcome": "resolved",
                "promise_due": "kapan-kapan",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 422
    form = response.context["form"]
    assert "promise_due" in form.errors
    assert Message.objects.count() == 0


def test_a_double_submit_logs_one_visit(store, clerk_client):
    _page, key = visit_form(clerk_client)
    data = {
        "visit_key": key,
        "phone": "081234567890",
        "location": store.pk,
        "text": "Tanya stok",
        "outcome": "follow_up",
    }
    clerk_client.post("/walkin/visit/", data)
    clerk_client.post("/walkin/visit/", data)
    assert Visit.objects.count() == 1


def test_admins_set_up_locations_and_kiosks_and_see_a_token_once():
    admin = signed_in(AgentFactory(username="boss", role=Role.ADMIN))
    response = admin.post(
        "/manage/walkin/new/",
        {"code": "bdg-02", "name": "Toko Bandung", "kind": "store", "is_active": "on"},
    )
    location = StoreLocation.objects.get()
    assert response.status_code == 302
    assert location.code == "BDG-02"
    page = admin.post(f"/manage/walkin/{location.pk}/kiosks/", {"name": "Tablet kasir"})
    token = re.search(r'value="(sapa_kiosk_[^"]+)"', page.content.decode())
    assert token
    kiosk = KioskDevice.objects.get()
    assert kiosk.token_hash != token.group(1)
    assert token.group(1) not in admin.get(f"/manage/walkin/{location.pk}/").content.decode()
    admin.post(f"/manage/walkin/kiosks/{kiosk.pk}/revoke/")
    kiosk.refresh_from_db()
    assert kiosk.revoked_at is not None


def test_agents_cannot_set_up_locations(store):
    agent = signed_in(AgentFactory(username="ani"))
    assert agent.get("/manage/walkin/").status_code == 403
    response = agent.post("/manage/walkin/new/", {"code": "X1", "name": "X", "kind": "store"})
    assert response.status_code == 403
    assert StoreLocation.objects.count() == 1
