"""Tickets through the API: list, detail, change, reply, note — and who may see what."""

import pytest

from sapa.accounts.models import Role
from sapa.channels.models import LoggedDelivery
from sapa.conversations.models import Message, OutboxItem, Ticket
from sapa.core.models import Event
from tests.builders import inbound
from tests.conftest import api_client_for
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_list_filters_by_status_and_paginates_with_cursor(admin_api):
    # given five tickets from five customers, two of them solved
    results = [inbound(f"pertanyaan {i}", email=f"c{i}@example.com") for i in range(5)]
    for result in results[:2]:
        admin_api.patch_json(f"/api/v1/tickets/{result.ticket_id}", {"status": "solved"})
    # when
    first = admin_api.get("/api/v1/tickets", {"status": "new", "limit": 2}).json()
    second = admin_api.get(
        "/api/v1/tickets", {"status": "new", "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    # then: newest activity first, no overlap, end of list has no cursor
    assert [t["subject"] for t in first["items"]] == ["pertanyaan 4", "pertanyaan 3"]
    assert [t["subject"] for t in second["items"]] == ["pertanyaan 2"]
    assert second["next_cursor"] is None


def test_list_filters(admin_api):
    team = TeamFactory(name="Pembayaran", slug="pembayaran")
    wa = inbound("kak udh tf", channel="whatsapp", email=None, phone="081234567890")
    mail = inbound("pesanan INV-7", email="rina@example.com", name="Rina")
    admin_api.patch_json(
        f"/api/v1/tickets/{wa.ticket_id}",
        {
            "team_id": team.pk,
            "tags": ["Pembayaran"],
            "priority": "high",
            "assignee_id": admin_api.agent.pk,
        },
    )

    def ids(**query):
        response = admin_api.get("/api/v1/tickets", query)
        assert response.status_code == 200, response.content
        return [t["id"] for t in response.json()["items"]]

    assert ids(channel="whatsapp") == [wa.ticket_id]
    assert ids(team=team.pk) == [wa.ticket_id]
    assert ids(tag="pembayaran") == [wa.ticket_id]
    assert ids(priority="high") == [wa.ticket_id]
    assert ids(assignee="me") == [wa.ticket_id]
    assert ids(assignee="none") == [mail.ticket_id]
    assert ids(customer=mail.customer_id) == [mail.ticket_id]
    assert ids(q="rina") == [mail.ticket_id]
    assert ids(q=f"#{wa.ticket_number}") == [wa.ticket_id]
    assert ids(status="new,open") == [wa.ticket_id, mail.ticket_id]  # wa changed last
    assert ids(status="solved") == []


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ({"status": "lost"}, ["query", "status"]),
        ({"cursor": "not-a-cursor"}, ["query", "cursor"]),
        ({"assignee": "someone"}, ["query", "assignee"]),
        ({"limit": 0}, ["query", "limit"]),
        ({"channel": "fax"}, ["query", "channel"]),
    ],
)
def test_list_rejects_bad_query_with_422(admin_api, query, loc):
    response = admin_api.get("/api/v1/tickets", query)
    assert response.status_code == 422
    assert loc in [item["loc"][:2] for item in response.json()["detail"]]


def test_list_query_count_does_not_grow_with_rows(admin_api, django_assert_num_queries):
    """Token, tickets with joins, tags: the same few queries for 3 or 30 tickets."""
    for i in range(3):
        inbound(f"t{i}", email=f"a{i}@example.com")
    admin_api.get("/api/v1/tickets")  # warm-up: caches the token
    with django_assert_num_queries(2):
        admin_api.get("/api/v1/tickets")
    for i in range(30):
        inbound(f"u{i}", email=f"b{i}@example.com")
    with django_assert_num_queries(2):
        response = admin_api.get("/api/v1/tickets")
    assert len(response.json()["items"]) == 33


def test_detail_query_count_does_not_grow_with_messages(admin_api, django_assert_num_queries):
    result = inbound("awal")
    for i in range(2):
        inbound(f"lanjut {i}")
    admin_api.get(f"/api/v1/tickets/{result.ticket_id}")  # warm-up: caches the token
    with django_assert_num_queries(4):
        admin_api.get(f"/api/v1/tickets/{result.ticket_id}")
    for i in range(20):
        inbound(f"lagi {i}")
    with django_assert_num_queries(4):
        response = admin_api.get(f"/api/v1/tickets/{result.ticket_id}")
    assert len(response.json()["messages"]) == 23


def test_detail_shows_messages_oldest_first_with_earlier_cursor(admin_api):
    result = inbound("pesan 0")
    for i in range(1, 105):
        inbound(f"pesan {i}")
    detail = admin_api.get(f"/api/v1/tickets/{result.ticket_id}").json()
    assert detail["messages"][0]["text"] == "pesan 5"
    assert detail["messages"][-1]["text"] == "pesan 104"
    earlier = admin_api.get(
        f"/api/v1/tickets/{result.ticket_id}/messages",
        {"before": detail["earlier_messages_cursor"]},
    ).json()
    assert [m["text"] for m in earlier["items"]] == [f"pesan {i}" for i in range(5)]
    assert earlier["earlier_cursor"] is None


def test_unknown_ticket_is_404(admin_api):
    assert admin_api.get("/api/v1/tickets/424242").status_code == 404
    assert admin_api.patch_json("/api/v1/tickets/424242", {"status": "open"}).status_code == 404


def test_patch_changes_fields_and_records_events(admin_api):
    # given
    result = inbound()
    colleague = AgentFactory(first_name="Rina")
    team = TeamFactory(name="Pesanan & Pengiriman", slug="pesanan")
    # when
    response = admin_api.patch_json(
        f"/api/v1/tickets/{result.ticket_id}",
        {
            "status": "pending",
            "priority": "urgent",
            "assignee_id": colleague.pk,
            "team_id": team.pk,
            "tags": ["Pengiriman", "vip"],
        },
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["priority"]) == ("pending", "urgent")
    assert body["assignee"] == {"id": colleague.pk, "name": colleague.display_name}
    assert body["team"] == {"id": team.pk, "name": "Pesanan & Pengiriman"}
    assert body["tags"] == ["pengiriman", "vip"]
    verbs = set(
        Event.objects.filter(subject_type="ticket", subject_id=result.ticket_id).values_list(
            "verb", flat=True
        )
    )
    assert {
        "ticket.status_changed",
        "ticket.priority_changed",
        "ticket.assigned",
        "ticket.team_changed",
        "ticket.tagged",
    } <= verbs
    # and null unassigns, absent leaves alone
    again = admin_api.patch_json(f"/api/v1/tickets/{result.ticket_id}", {"assignee_id": None})
    assert again.json()["assignee"] is None
    assert again.json()["team"]["id"] == team.pk


def test_patch_with_unknown_assignee_changes_nothing(admin_api):
    result = inbound()
    before = Ticket.objects.values().get(pk=result.ticket_id)
    events = Event.objects.count()
    response = admin_api.patch_json(
        f"/api/v1/tickets/{result.ticket_id}", {"status": "open", "assignee_id": 999999}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "assignee_id"]
    assert Ticket.objects.values().get(pk=result.ticket_id) == before
    assert Event.objects.count() == events


def test_closed_ticket_cannot_change_and_new_is_not_a_target(admin_api):
    result = inbound()
    url = f"/api/v1/tickets/{result.ticket_id}"
    assert admin_api.patch_json(url, {"status": "open"}).status_code == 200
    back_to_new = admin_api.patch_json(url, {"status": "new"})
    assert back_to_new.status_code == 409
    assert admin_api.patch_json(url, {"status": "closed"}).status_code == 200
    reopen = admin_api.patch_json(url, {"status": "open", "priority": "high"})
    assert reopen.status_code == 409
    assert reopen.json()["code"] == "ticket_closed"
    assert Ticket.objects.get(pk=result.ticket_id).priority == "normal"


def test_reply_is_queued_then_delivered_on_the_customers_channel(
    admin_api, django_capture_on_commit_callbacks
):
    """A reply goes out on the channel the customer wrote on, to their address there."""
    # given a customer who wrote on WhatsApp
    result = inbound("halo", channel="whatsapp", email=None, phone="0812 1111 2222")
    # when (the delivery task is enqueued on commit and runs inline)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post_json(
            f"/api/v1/tickets/{result.ticket_id}/replies",
            {"text": "Halo Kak, pesanan sedang kami cek ya.", "status": "pending"},
        )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["direction"], body["channel"], body["to_address"]) == (
        "outbound",
        "whatsapp",
        "+6281211112222",
    )
    message = Message.objects.get(pk=body["id"])
    assert message.delivery_status == "sent"  # the worker ran inline
    assert message.external_id.startswith("log-")
    assert OutboxItem.objects.get(message=message).status == "done"
    logged = LoggedDelivery.objects.get()
    assert (logged.to_address, logged.text) == (
        "+6281211112222",
        "Halo Kak, pesanan sedang kami cek ya.",
    )
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.status == "pending"
    assert ticket.first_response_at is not None


def test_reply_on_a_channel_without_address_is_refused(admin_api):
    result = inbound("halo", email="rudi@example.com")
    response = admin_api.post_json(
        f"/api/v1/tickets/{result.ticket_id}/replies", {"text": "Halo", "channel": "telegram"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "no_address_for_channel"
    assert not Message.objects.filter(direction="outbound").exists()


def test_reply_on_phone_goes_nowhere(admin_api):
    result = inbound("telepon masuk", channel="phone", email=None, phone="0812 3333 4444")
    response = admin_api.post_json(
        f"/api/v1/tickets/{result.ticket_id}/replies", {"text": "Halo", "channel": "phone"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "loc": ["body", "channel"],
        "msg": "Balasan tidak bisa dikirim lewat kanal ini; pilih kanal lain.",
        "type": "channel_cannot_send",
    }


def test_empty_reply_is_422(admin_api):
    result = inbound()
    response = admin_api.post_json(f"/api/v1/tickets/{result.ticket_id}/replies", {"text": "  "})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "text"]


def test_note_is_internal(admin_api):
    result = inbound()
    response = admin_api.post_json(
        f"/api/v1/tickets/{result.ticket_id}/notes",
        {"text": "Sudah dicek ke JNE, paket di Cakung."},
    )
    assert response.status_code == 201
    assert response.json()["direction"] == "note"
    assert response.json()["author"]["id"] == admin_api.agent.pk
    assert not LoggedDelivery.objects.exists()


def test_agent_sees_own_team_and_shared_queue_but_not_other_teams(admin_api):
    """An agent of team A gets 404 for a ticket of team B, and never sees it in lists."""
    # given
    team_a = TeamFactory(slug="a")
    team_b = TeamFactory(slug="b")
    agent = AgentFactory(role=Role.AGENT)
    agent.teams.add(team_a)
    agent_api = api_client_for(agent)
    mine = inbound("untuk tim A", email="a@example.com")
    theirs = inbound("untuk tim B", email="b@example.com")
    shared = inbound("belum ada tim", email="c@example.com")
    admin_api.patch_json(f"/api/v1/tickets/{mine.ticket_id}", {"team_id": team_a.pk})
    admin_api.patch_json(f"/api/v1/tickets/{theirs.ticket_id}", {"team_id": team_b.pk})
    before = Ticket.objects.values().get(pk=theirs.ticket_id)
    # when / then
    listed = {t["id"] for t in agent_api.get("/api/v1/tickets").json()["items"]}
    assert listed == {mine.ticket_id, shared.ticket_id}
    assert agent_api.get(f"/api/v1/tickets/{theirs.ticket_id}").status_code == 404
    assert (
        agent_api.patch_json(
            f"/api/v1/tickets/{theirs.ticket_id}", {"status": "solved"}
        ).status_code
        == 404
    )
    assert (
        agent_api.post_json(
            f"/api/v1/tickets/{theirs.ticket_id}/replies", {"text": "x"}
        ).status_code
        == 404
    )
    assert (
        agent_api.post_json(f"/api/v1/tickets/{theirs.ticket_id}/notes", {"text": "x"}).status_code
        == 404
    )
    assert Ticket.objects.values().get(pk=theirs.ticket_id) == before
    # a ticket assigned to the agent is visible even in another team
    admin_api.patch_json(f"/api/v1/tickets/{theirs.ticket_id}", {"assignee_id": agent.pk})
    assert agent_api.get(f"/api/v1/tickets/{theirs.ticket_id}").status_code == 200


def test_attachment_download_respects_visibility(admin_api):
    import base64

    team_b = TeamFactory(slug="b")
    result = admin_api.post_json(
        "/api/v1/inbound",
        {
            "channel": "email",
            "external_id": "<att@x>",
            "from": {"email": "d@example.com"},
            "text": "bukti",
            "attachments": [{"name": "bukti.txt", "content_type": "text/plain",
                             "content": base64.b64encode(b"isi").decode()}],
        },
    ).json()  # fmt: skip
    detail = admin_api.get(f"/api/v1/tickets/{result['ticket_id']}").json()
    url = detail["messages"][0]["attachments"][0]["url"]
    download = admin_api.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"isi"
    assert download["X-Content-Type-Options"] == "nosniff"
    admin_api.patch_json(f"/api/v1/tickets/{result['ticket_id']}", {"team_id": team_b.pk})
    outsider = api_client_for(AgentFactory(role=Role.AGENT))
    assert outsider.get(url).status_code == 404


@pytest.mark.parametrize("sort", ["activity", "priority", "age"])
def test_every_sort_pages_through_all_tickets_once_in_order(admin_api, sort):
    """Keyset pages in each sort order cover every ticket once, in that order."""
    results = [inbound(f"t{i}", email=f"s{i}@example.com") for i in range(7)]
    for result, priority in zip(
        results, ["low", "urgent", "high", "urgent", "normal", "low", "high"], strict=True
    ):
        admin_api.patch_json(f"/api/v1/tickets/{result.ticket_id}", {"priority": priority})
    seen, cursor = [], None
    while True:
        query = {"sort": sort, "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = admin_api.get("/api/v1/tickets", query).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(t["id"] for t in seen) == sorted(r.ticket_id for r in results)
    rank = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
    if sort == "activity":
        keys = [t["last_activity_at"] for t in seen]
        assert keys == sorted(keys, reverse=True)
    elif sort == "age":
        keys = [t["created_at"] for t in seen]
        assert keys == sorted(keys)
    else:
        ranks = [rank[t["priority"]] for t in seen]
        assert ranks == sorted(ranks)
