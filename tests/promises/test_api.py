"""The promises API: made on a ticket, listed per customer, settled; errors as everywhere."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sapa.accounts.models import Role
from sapa.core import clock
from sapa.core.models import Event
from sapa.promises.models import Promise, PromiseStatus
from sapa.promises.when import zone
from tests.conftest import api_client_for
from tests.factories import AgentFactory
from tests.promises.conftest import moment, promise_due_in

pytestmark = pytest.mark.django_db

QUERIES = 4  # the list endpoints


@pytest.fixture
def rina_api(rina):
    return api_client_for(rina)


def test_post_makes_a_promise_from_a_phrase_or_an_iso_time(rina_api, ticket, rina, andi):
    # given
    now = moment()
    due = (now + timedelta(days=2)).astimezone(zone()).replace(hour=10, minute=0)
    # when
    with clock.frozen_at(now):
        by_phrase = rina_api.post_json(
            f"/api/v1/tickets/{ticket.pk}/promises",
            {"text": "Buku dikirim ulang", "due": "lusa 10:00", "follow_up_text": "Sudah sampai?"},
        )
        by_iso = rina_api.post_json(
            f"/api/v1/tickets/{ticket.pk}/promises",
            {"text": "Refund", "due": due.isoformat(), "owner_id": andi.pk},
        )
    # then
    assert by_phrase.status_code == 201, by_phrase.json()
    body = by_phrase.json()
    assert body["text"] == "Buku dikirim ulang"
    assert body["ticket_id"] == ticket.pk
    assert body["customer_id"] == ticket.customer_id
    assert body["status"] == "open"
    assert body["owner"] == {"id": rina.pk, "name": "Rina"}
    assert body["created_by"] == {"id": rina.pk, "name": "Rina"}
    assert body["follow_up_text"] == "Sudah sampai?"
    assert Promise.objects.get(pk=body["id"]).due_at == due
    assert by_iso.status_code == 201
    assert by_iso.json()["owner"]["id"] == andi.pk


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({"text": "Refund", "due": "kapan-kapan"}, ["body", "due"]),
        ({"text": "Refund", "due": "2020-01-01T10:00"}, ["body", "due"]),
        ({"text": "   ", "due": "besok"}, ["body", "text"]),
        ({"text": "Refund", "due": "besok", "owner_id": 999999}, ["body", "owner_id"]),
        ({"due": "besok"}, ["body", "text"]),
    ],
)
def test_bad_promises_are_422_naming_the_field(rina_api, ticket, payload, loc):
    response = rina_api.post_json(f"/api/v1/tickets/{ticket.pk}/promises", payload)
    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [loc]
    assert Promise.objects.count() == 0


def test_a_ticket_the_caller_may_not_see_is_404(ticket, budi):
    response = api_client_for(budi).post_json(
        f"/api/v1/tickets/{ticket.pk}/promises", {"text": "Refund", "due": "besok"}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "ticket_not_found"
    assert Promise.objects.count() == 0


def test_customer_promises_are_listed_soonest_first_and_paged(rina_api, ticket, rina):
    now = moment()
    later = promise_due_in(ticket, rina, at=now, hours=5, text="Nanti")
    sooner = promise_due_in(ticket, rina, at=now, hours=1, text="Segera")
    kept = promise_due_in(ticket, rina, at=now, hours=2, text="Sudah")
    rina_api.post_json(f"/api/v1/promises/{kept.pk}/kept", {})
    url = f"/api/v1/customers/{ticket.customer_id}/promises"
    first = rina_api.get(url, {"limit": 2}).json()
    assert [p["id"] for p in first["items"]] == [sooner.pk, kept.pk]
    second = rina_api.get(url, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [p["id"] for p in second["items"]] == [later.pk]
    assert second["next_cursor"] is None
    open_only = rina_api.get(url, {"status": "open"}).json()
    assert [p["id"] for p in open_only["items"]] == [sooner.pk, later.pk]
    bad = rina_api.get(url, {"status": "maybe"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "status"]


def test_settling_through_the_api(rina_api, ticket, rina, andi):
    """Kept by the owner; the same again is 409; a colleague who neither owns nor made it
    gets 403 and changes nothing; cancel and reschedule work for the owner."""
    promise = promise_due_in(ticket, rina)
    other = promise_due_in(ticket, rina, text="Lain")
    kept = rina_api.post_json(f"/api/v1/promises/{promise.pk}/kept", {"note": "sudah sampai"})
    assert kept.status_code == 200
    assert kept.json()["status"] == "kept"
    assert kept.json()["resolution_note"] == "sudah sampai"
    again = rina_api.post_json(f"/api/v1/promises/{promise.pk}/broken", {})
    assert again.status_code == 409
    assert again.json()["code"] == "promise_not_open"
    denied = api_client_for(andi).post_json(f"/api/v1/promises/{other.pk}/broken", {})
    assert denied.status_code == 403
    other.refresh_from_db()
    assert other.status == PromiseStatus.OPEN
    moved = rina_api.post_json(f"/api/v1/promises/{other.pk}/reschedule", {"due": "3 hari"})
    assert moved.status_code == 200
    local = timezone.localtime(other.created_at, zone())
    assert moved.json()["due_at"].startswith(str(local.date() + timedelta(days=3)))
    cancelled = rina_api.post_json(f"/api/v1/promises/{other.pk}/cancel", {})
    assert cancelled.json()["status"] == "cancelled"
    verbs = list(Event.objects.filter(verb__startswith="promise.").values_list("verb", flat=True))
    assert sorted(verbs) == sorted(
        ["promise.made", "promise.made", "promise.kept", "promise.rescheduled", "promise.cancelled"]
    )


def test_a_supervisor_may_settle_and_an_outsider_sees_nothing(ticket, rina, budi):
    promise = promise_due_in(ticket, rina)
    outsider = api_client_for(budi).post_json(f"/api/v1/promises/{promise.pk}/kept", {})
    assert outsider.status_code == 404
    assert outsider.json()["code"] == "promise_not_found"
    admin = api_client_for(AgentFactory(username="boss", role=Role.ADMIN))
    assert admin.post_json(f"/api/v1/promises/{promise.pk}/broken", {}).status_code == 200


def test_the_customer_list_costs_the_same_queries_for_one_or_many(
    rina_api, ticket, rina, andi, django_assert_num_queries
):
    url = f"/api/v1/customers/{ticket.customer_id}/promises"
    promise_due_in(ticket, rina)
    rina_api.get(url)  # the token lookup is cached after the first request
    with django_assert_num_queries(QUERIES):
        assert len(rina_api.get(url).json()["items"]) == 1
    for i in range(6):
        promise_due_in(ticket, andi if i % 2 else rina, by=rina, text=f"Janji {i}")
    with django_assert_num_queries(QUERIES):
        assert len(rina_api.get(url).json()["items"]) == 7
