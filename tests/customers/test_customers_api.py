"""Customers through the API: search, the single view, the timeline, merging."""

import pytest

from sapa.accounts.models import Role
from sapa.customers.models import Customer, Identity, MergeSuggestion
from tests.builders import inbound
from tests.conftest import api_client_for
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db

ORDER = {
    "customer": {"name": "Rina", "email": "rina@example.com"},
    "status": "in_transit",
    "total_minor": 150000,
    "placed_at": "2026-11-10T09:00:00+07:00",
    "shipments": [
        {"carrier": "SiCepat", "tracking_number": "SC001", "status": "in_transit",
         "events": [{"at": "2026-11-11T08:00:00+07:00", "status": "in_transit",
                     "description": "Transit Hub Cakung"}]}
    ],
}  # fmt: skip


def test_search_by_name_email_and_phone(admin_api):
    rina = inbound("halo", email="rina.w@example.com", name="Rina Wulandari")
    budi = inbound("halo", channel="whatsapp", email=None, phone="081233334444", name="Budi")

    def found(q):
        return [c["id"] for c in admin_api.get("/api/v1/customers", {"q": q}).json()["items"]]

    assert found("wulan") == [rina.customer_id]
    assert found("RINA.W@") == [rina.customer_id]
    assert found("0812-3333-4444") == [budi.customer_id]
    assert found("") == [budi.customer_id, rina.customer_id]


def test_customer_list_paginates(admin_api):
    for i in range(5):
        inbound("x", email=f"p{i}@example.com")
    first = admin_api.get("/api/v1/customers", {"limit": 3}).json()
    rest = admin_api.get("/api/v1/customers", {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 3
    assert len(rest["items"]) == 2
    assert rest["next_cursor"] is None


def test_detail_has_identities_counts_and_orders(admin_api):
    result = inbound("paket blm sampe", email="rina@example.com", name="Rina")
    inbound(
        "ini sy yg tadi email", channel="whatsapp", email="rina@example.com", phone="0812 5555 6666"
    )
    admin_api.put_json("/api/v1/orders/INV-1", ORDER)
    body = admin_api.get(f"/api/v1/customers/{result.customer_id}").json()
    assert body["name"] == "Rina"
    assert body["lifecycle_stage"] == "purchase"
    assert {(i["kind"], i["value"]) for i in body["identities"]} == {
        ("email", "rina@example.com"),
        ("whatsapp", "+6281255556666"),
    }
    assert (body["open_ticket_count"], body["ticket_count"]) == (2, 2)
    assert body["orders"]["count"] == 1
    assert body["orders"]["totals"] == [
        {"currency": "IDR", "order_count": 1, "total_minor": 150000}
    ]


def test_detail_query_count_is_constant(admin_api, django_assert_num_queries):
    result = inbound("a", email="q@example.com")
    admin_api.get(f"/api/v1/customers/{result.customer_id}")  # warm-up: caches the token
    with django_assert_num_queries(6):
        admin_api.get(f"/api/v1/customers/{result.customer_id}")
    for i in range(10):
        inbound(f"b{i}", email="q@example.com", channel="chat" if i % 2 else "email")
    with django_assert_num_queries(6):
        assert admin_api.get(f"/api/v1/customers/{result.customer_id}").status_code == 200


def test_list_query_count_is_constant(admin_api, django_assert_num_queries):
    inbound("a", email="q0@example.com")
    admin_api.get("/api/v1/customers")  # warm-up: caches the token
    with django_assert_num_queries(3):
        admin_api.get("/api/v1/customers")
    for i in range(10):
        inbound("b", email=f"q{i + 1}@example.com", phone=f"0812000000{i:02d}")
    with django_assert_num_queries(3):
        assert len(admin_api.get("/api/v1/customers").json()["items"]) == 11


def test_timeline_merges_channels_orders_and_shipments_newest_first(admin_api):
    mail = inbound("paket saya mana", email="rina@example.com")
    inbound("halo min", channel="whatsapp", email="rina@example.com", phone="0812 5555 6666")
    admin_api.put_json("/api/v1/orders/INV-1", ORDER)
    items = admin_api.get(f"/api/v1/customers/{mail.customer_id}/timeline").json()["items"]
    kinds = [item["kind"] for item in items]
    assert sorted(kinds) == sorted(
        ["message", "message", "ticket", "ticket", "order", "shipment_event"]
    )
    times = [item["at"] for item in items]
    assert times == sorted(times, reverse=True)
    assert {item["data"].get("channel") for item in items if item["kind"] == "message"} == {
        "email",
        "whatsapp",
    }


def test_timeline_pages_cover_everything_once(admin_api):
    result = inbound("m0", email="t@example.com")
    for i in range(1, 12):
        inbound(f"m{i}", email="t@example.com")
    admin_api.put_json("/api/v1/orders/INV-1", {**ORDER, "customer": {"email": "t@example.com"}})
    seen, cursor = [], None
    while True:
        query = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = admin_api.get(f"/api/v1/customers/{result.customer_id}/timeline", query).json()
        seen += [(item["kind"], item["id"]) for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 12 + 1 + 1 + 1


def test_timeline_hides_tickets_the_agent_may_not_see(admin_api):
    result = inbound("rahasia tim B", email="t@example.com")
    team_b = TeamFactory(slug="b")
    admin_api.patch_json(f"/api/v1/tickets/{result.ticket_id}", {"team_id": team_b.pk})
    outsider = api_client_for(AgentFactory(role=Role.AGENT))
    items = outsider.get(f"/api/v1/customers/{result.customer_id}/timeline").json()["items"]
    assert items == []
    detail = outsider.get(f"/api/v1/customers/{result.customer_id}").json()
    assert detail["ticket_count"] == 0


def test_one_message_naming_two_customers_suggests_a_merge_without_merging(admin_api):
    rina = inbound("via email", email="rina@example.com")
    other = inbound("via wa", channel="whatsapp", email=None, phone="081277778888")
    mixed = inbound("email + hp", email="rina@example.com", phone="081277778888")
    assert mixed.customer_id == rina.customer_id
    assert Customer.objects.count() == 2
    suggestion = MergeSuggestion.objects.get()
    assert {suggestion.customer_id, suggestion.other_id} == {rina.customer_id, other.customer_id}
    body = admin_api.get(f"/api/v1/customers/{rina.customer_id}").json()
    assert body["merge_suggestions"][0]["other_customer_id"] == other.customer_id


def test_merge_moves_everything_and_old_id_follows(supervisor_api, admin_api):
    # given
    keep = inbound("via email", email="rina@example.com", name="Rina")
    dupe = inbound("via wa", channel="whatsapp", email=None, phone="081277778888")
    admin_api.put_json("/api/v1/orders/INV-1", {**ORDER, "customer": {"phone": "081277778888"}})
    # when
    response = supervisor_api.post_json(
        "/api/v1/customers/merge", {"source_id": dupe.customer_id, "target_id": keep.customer_id}
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == keep.customer_id
    assert body["ticket_count"] == 2
    assert body["orders"]["count"] == 1
    assert set(Identity.objects.values_list("customer_id", flat=True)) == {keep.customer_id}
    followed = supervisor_api.get(f"/api/v1/customers/{dupe.customer_id}").json()
    assert followed["id"] == keep.customer_id
    listed = [c["id"] for c in supervisor_api.get("/api/v1/customers").json()["items"]]
    assert listed == [keep.customer_id]


def test_merge_errors(supervisor_api, agent_api):
    a = inbound("a", email="a@example.com")
    b = inbound("b", email="b@example.com")
    same = supervisor_api.post_json(
        "/api/v1/customers/merge", {"source_id": a.customer_id, "target_id": a.customer_id}
    )
    assert same.status_code == 409
    missing = supervisor_api.post_json(
        "/api/v1/customers/merge", {"source_id": 999999, "target_id": a.customer_id}
    )
    assert missing.status_code == 404
    forbidden = agent_api.post_json(
        "/api/v1/customers/merge", {"source_id": b.customer_id, "target_id": a.customer_id}
    )
    assert forbidden.status_code == 403
    assert Customer.objects.filter(merged_into__isnull=False).count() == 0


def test_timeline_query_count_is_constant(admin_api, django_assert_num_queries):
    result = inbound("a", email="tl@example.com")
    url = f"/api/v1/customers/{result.customer_id}/timeline"
    admin_api.get(url)  # warm-up: caches the token
    with django_assert_num_queries(7):
        admin_api.get(url)
    for i in range(8):
        inbound(f"b{i}", email="tl@example.com", channel="chat" if i % 2 else "email")
    admin_api.put_json("/api/v1/orders/INV-1", {**ORDER, "customer": {"email": "tl@example.com"}})
    with django_assert_num_queries(7):
        assert len(admin_api.get(url).json()["items"]) > 10


def test_ticket_messages_query_count_is_constant(admin_api, django_assert_num_queries):
    result = inbound("a", email="mq@example.com")
    url = f"/api/v1/tickets/{result.ticket_id}/messages"
    admin_api.get(url)  # warm-up: caches the token
    with django_assert_num_queries(4):
        admin_api.get(url)
    for i in range(8):
        inbound(f"b{i}", email="mq@example.com")
    with django_assert_num_queries(4):
        assert len(admin_api.get(url).json()["items"]) == 9


def test_merging_an_already_merged_customer_again_is_a_conflict(supervisor_api):
    a = inbound("a", email="a@example.com")
    b = inbound("b", email="b@example.com")
    c = inbound("c", email="c@example.com")
    merge = "/api/v1/customers/merge"
    supervisor_api.post_json(merge, {"source_id": b.customer_id, "target_id": a.customer_id})
    again = supervisor_api.post_json(
        merge, {"source_id": b.customer_id, "target_id": c.customer_id}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "cannot_merge"
    assert Customer.objects.get(pk=a.customer_id).merged_into_id is None
    assert Customer.objects.get(pk=c.customer_id).merged_into_id is None
