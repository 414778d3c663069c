"""The agent console through the Django test client: what each page shows, what each form
changes, and what an agent of another team can never see or do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sapa.accounts.models import Role
from sapa.conversations.actions import Change, TicketChanges, change_ticket
from sapa.conversations.actions.macros import MacroDraft, create_macro
from sapa.conversations.models import Message, Notification, Ticket
from sapa.core.actors import Actor
from sapa.customers.models import Customer, MergeSuggestion
from tests.builders import inbound
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_a():
    return TeamFactory(name="Pesanan", slug="pesanan")


@pytest.fixture
def team_b():
    return TeamFactory(name="Pembayaran", slug="pembayaran")


@pytest.fixture
def rina(team_a):
    agent = AgentFactory(username="rina", first_name="Rina", role=Role.AGENT)
    agent.teams.add(team_a)
    return agent


@pytest.fixture
def andi(team_a):
    agent = AgentFactory(username="andi", first_name="Andi", role=Role.AGENT)
    agent.teams.add(team_a)
    return agent


@pytest.fixture
def outsider(team_b):
    agent = AgentFactory(username="budi", first_name="Budi", role=Role.AGENT)
    agent.teams.add(team_b)
    return agent


def _ticket_in(team, text="paket sy blm sampe", **kwargs):
    result = inbound(text, **kwargs)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    change_ticket(ticket, TicketChanges(team=Change(team)), actor=Actor.system("test"))
    return Ticket.objects.get(pk=result.ticket_id)


def test_console_pages_need_sign_in(client):
    ticket = _ticket_in(None)
    for url in ("/inbox/", f"/tickets/{ticket.pk}/", f"/customers/{ticket.customer_id}/",
                "/notifications/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/login/")


def test_sign_in_and_lock_out_after_repeated_failures(client, rina, settings):
    """Five wrong passwords lock the account, even for the right password afterwards."""
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(3):
        response = client.post("/login/", {"username": "rina", "password": "salah"})
    assert response.status_code in (403, 429)
    locked = client.post("/login/", {"username": "rina", "password": "rahasia-sekali-123"})
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_sign_in_works_and_lands_in_the_inbox(client, rina):
    response = client.post("/login/", {"username": "rina", "password": "rahasia-sekali-123"})
    assert response.status_code == 302
    assert response.url == "/inbox/"
    assert client.get("/inbox/").status_code == 200


def test_inbox_shows_visible_tickets_with_counts(client, rina, team_a, team_b):
    mine = _ticket_in(team_a, "untuk tim A", email="a@example.com")
    _ticket_in(team_b, "untuk tim B", email="b@example.com")
    client.force_login(rina)
    page = client.get("/inbox/?view=open")
    assert page.status_code == 200
    assert f"#{mine.number}" in page.text
    assert "untuk tim B" not in page.text
    counted = client.get("/inbox/views/?view=open")  # loaded after the page
    counts = {view: count for view, _label, count in counted.context["views"]}
    assert counts["open"] == 1


def test_inbox_filters_and_fragment(client, rina, team_a):
    _ticket_in(team_a, "kak udh tf", channel="whatsapp", email=None, phone="081233334444")
    _ticket_in(team_a, "retur buku", email="r@example.com")
    client.force_login(rina)
    rows = client.get("/inbox/?channel=whatsapp&fragment=rows", headers={"HX-Request": "true"})
    assert rows.status_code == 200
    assert "kak udh tf" in rows.text
    assert "retur buku" not in rows.text
    assert "<html" not in rows.text


def test_bulk_action_reports_per_ticket_and_skips_invisible_ones(
    client, rina, andi, team_a, team_b
):
    visible = _ticket_in(team_a, "a", email="a@example.com")
    hidden = _ticket_in(team_b, "b", email="b@example.com")
    client.force_login(rina)
    response = client.post(
        "/inbox/bulk/",
        {"ticket_ids": [visible.pk, hidden.pk], "action": "assign", "assignee": andi.pk},
        follow=True,
    )
    assert response.status_code == 200
    visible.refresh_from_db()
    hidden.refresh_from_db()
    assert visible.assignee_id == andi.pk
    assert hidden.assignee_id is None
    texts = [str(m) for m in response.context["messages"]]
    assert any(f"#{hidden.pk}" in text for text in texts)


def test_ticket_page_shows_conversation_orders_and_other_tickets(client, rina, team_a, admin_api):
    ticket = _ticket_in(team_a, "pesanan INV-9 blm sampe", email="rina.k@example.com")
    inbound("halo min", channel="whatsapp", email="rina.k@example.com", phone="081255556666")
    admin_api.put_json(
        "/api/v1/orders/INV-9",
        {"customer": {"email": "rina.k@example.com"}, "status": "in_transit", "total_minor": 189000,
         "placed_at": "2026-11-10T09:00:00+07:00",
         "items": [{"name": "Laskar Pelangi", "quantity": 1}],
         "shipments": [{"carrier": "JNE", "tracking_number": "JNE77", "status": "in_transit",
                        "events": [{"at": "2026-11-12T08:00:00+07:00", "status": "in_transit",
                                    "description": "Transit di Hub Cakung"}]}]},
    )  # fmt: skip
    client.force_login(rina)
    page = client.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200
    assert "pesanan INV-9 blm sampe" in page.text
    assert "INV-9" in page.text
    assert "Transit di Hub Cakung" in page.text
    assert "Rp189.000" in page.text
    assert "halo min" in page.text  # the WhatsApp ticket, listed under other tickets


def test_another_teams_ticket_is_404_and_unchanged(client, outsider, team_a):
    ticket = _ticket_in(team_a)
    client.force_login(outsider)
    before = Ticket.objects.values().get(pk=ticket.pk)
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 404
    assert client.get(f"/tickets/{ticket.pk}/timeline/").status_code == 404
    assert client.post(f"/tickets/{ticket.pk}/reply/", {"text": "x"}).status_code == 404
    assert client.post(f"/tickets/{ticket.pk}/note/", {"text": "x"}).status_code == 404
    assert client.post(f"/tickets/{ticket.pk}/fields/", {"status": "solved"}).status_code == 404
    assert Ticket.objects.values().get(pk=ticket.pk) == before
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_reply_from_the_composer_goes_out_and_sets_status(client, rina, team_a):
    ticket = _ticket_in(team_a)
    client.force_login(rina)
    seen = Message.objects.filter(ticket=ticket).latest("pk").pk
    response = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {"text": "Halo Kak, kami cek ya.", "status": "pending", "seen_message_id": seen},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    reply = Message.objects.get(ticket=ticket, direction="outbound")
    assert (reply.text, reply.author_agent_id) == ("Halo Kak, kami cek ya.", rina.pk)


def test_reply_warns_when_the_customer_wrote_meanwhile(client, rina, team_a):
    """A customer message that arrived after the agent started writing stops the send once."""
    ticket = _ticket_in(team_a)
    client.force_login(rina)
    seen = Message.objects.filter(ticket=ticket).latest("pk").pk
    inbound("eh sudah sampai ternyata")  # same customer, same channel: same ticket
    warned = client.post(
        f"/tickets/{ticket.pk}/reply/", {"text": "Kami cek ya.", "seen_message_id": seen}
    )
    assert warned.status_code == 409
    assert warned.context["new_message_warning"] is True
    assert "eh sudah sampai ternyata" in warned.text
    assert not Message.objects.filter(ticket=ticket, direction="outbound").exists()
    sent = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {"text": "Syukurlah!", "seen_message_id": seen, "confirm_send": "on"},
    )
    assert sent.status_code == 302
    assert Message.objects.filter(ticket=ticket, direction="outbound").count() == 1


def test_note_with_mention_notifies_only_colleagues_who_may_see_it(
    client, rina, andi, outsider, team_a
):
    ticket = _ticket_in(team_a)
    client.force_login(rina)
    response = client.post(f"/tickets/{ticket.pk}/note/", {"text": "@andi @budi tolong cek ya"})
    assert response.status_code == 302
    assert Notification.objects.filter(agent=andi, kind="mentioned", ticket=ticket).count() == 1
    assert not Notification.objects.filter(agent=outsider).exists()  # team B: may not see it
    client.force_login(andi)
    assert client.get("/notifications/badge/").text == "1"
    client.post("/notifications/read/", {})
    assert client.get("/notifications/badge/").text == ""


def test_assigning_notifies_the_new_assignee(client, rina, andi, team_a):
    ticket = _ticket_in(team_a)
    client.force_login(rina)
    client.post(f"/tickets/{ticket.pk}/fields/", {"assignee": andi.pk})
    ticket.refresh_from_db()
    assert ticket.assignee_id == andi.pk
    assert Notification.objects.filter(agent=andi, kind="assigned").count() == 1


def test_customer_reply_notifies_the_assignee(rina, andi, team_a):
    ticket = _ticket_in(team_a)
    change_ticket(ticket, TicketChanges(assignee=Change(andi)), actor=Actor.for_agent(rina))
    inbound("masih belum sampai kak")
    assert Notification.objects.filter(agent=andi, kind="customer_replied").count() == 1


def test_macro_fills_placeholders(client, rina, team_a):
    ticket = _ticket_in(team_a, name="Rina Kurniawati")
    macro = create_macro(
        MacroDraft(
            name="Salam",
            body="Halo Kak {{ customer.first_name }}, saya {{ agent.name }}. {{ order.number }}",
            language="id",
        ),
        actor=Actor.system("test"),
    )
    client.force_login(rina)
    response = client.get(f"/tickets/{ticket.pk}/macros/{macro.pk}/")
    assert response.status_code == 200
    assert "Halo Kak Rina, saya Rina." in response.text
    assert "{{ order.number }}" in response.text  # no order: left for the agent to fill


def test_hostile_html_is_inert_on_the_ticket_page(client, rina, team_a):
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    ticket = _ticket_in(team_a, payload, html=payload)
    client.force_login(rina)
    page = client.get(f"/tickets/{ticket.pk}/").text
    timeline = page.split('id="timeline"', 1)[1].split('class="composer"', 1)[0]
    assert "<script>alert(2)</script>" not in timeline
    assert "onerror" not in timeline.replace("onerror=alert(1)&gt;", "")


def test_customer_page_edit_and_merge(client, rina, team_a):
    keep = inbound("via email", email="rina@example.com", name="Rina")
    dupe = inbound("via wa", channel="whatsapp", email=None, phone="081277778888")
    inbound("campur", email="rina@example.com", phone="081277778888")
    supervisor = AgentFactory(role=Role.SUPERVISOR)
    client.force_login(rina)
    page = client.get(f"/customers/{keep.customer_id}/")
    assert page.status_code == 200
    assert "via email" in page.text
    saved = client.post(
        f"/customers/{keep.customer_id}/edit/",
        {"name": "Rina K.", "language": "id", "notes": "VIP", "tags": "vip setia"},
    )
    assert saved.status_code == 302
    customer = Customer.objects.get(pk=keep.customer_id)
    assert customer.name == "Rina K."
    assert sorted(customer.tags.values_list("name", flat=True)) == ["setia", "vip"]
    # an agent may not merge
    client.post(f"/customers/{keep.customer_id}/merge/", {"other_id": dupe.customer_id})
    assert Customer.objects.get(pk=dupe.customer_id).merged_into_id is None
    client.force_login(supervisor)
    client.post(f"/customers/{keep.customer_id}/merge/", {"other_id": dupe.customer_id})
    assert Customer.objects.get(pk=dupe.customer_id).merged_into_id == keep.customer_id
    assert MergeSuggestion.objects.get().status == "merged"
    # the old id leads to the surviving record
    assert client.get(f"/customers/{dupe.customer_id}/").url == f"/customers/{keep.customer_id}/"


def test_agent_language_choice_switches_the_console(client, rina):
    client.force_login(rina)
    assert '<html lang="id">' in client.get("/inbox/").text
    client.post("/language/", {"language": "en"})
    assert '<html lang="en">' in client.get("/inbox/").text


def test_inbox_query_count_does_not_grow_with_rows(client, rina, team_a, django_assert_num_queries):
    for i in range(3):
        _ticket_in(team_a, f"t{i}", email=f"q{i}@example.com")
    client.force_login(rina)
    client.get("/inbox/")
    with django_assert_num_queries(8):
        client.get("/inbox/")
    for i in range(20):
        _ticket_in(team_a, f"u{i}", email=f"r{i}@example.com")
    with django_assert_num_queries(8):
        assert client.get("/inbox/").context["tickets"].__len__() == 23


def test_ticket_page_query_count_does_not_grow_with_messages(client, rina, team_a):
    ticket = _ticket_in(team_a)
    client.force_login(rina)
    client.get(f"/tickets/{ticket.pk}/")
    with CaptureQueriesContext(connection) as first:
        client.get(f"/tickets/{ticket.pk}/")
    # The ticket, its timeline, and one or two reads per section of the customer panel
    # (orders, promises, surveys, promo codes, consent, reviews, journey).
    assert len(first.captured_queries) <= 45
    for i in range(15):
        inbound(f"lagi {i}")
    with CaptureQueriesContext(connection) as later:
        assert client.get(f"/tickets/{ticket.pk}/").status_code == 200
    assert len(later.captured_queries) == len(first.captured_queries)


def test_attachments_show_images_inline_and_everything_else_as_download(
    client, rina, outsider, team_a, admin_api
):
    import base64

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    body = {
        "channel": "email", "external_id": "<lampiran@x>", "from": {"email": "l@example.com"},
        "text": "bukti transfer",
        "attachments": [
            {"name": "bukti.png", "content_type": "image/png",
             "content": base64.b64encode(png).decode()},
            {"name": "x.svg", "content_type": "image/svg+xml",
             "content": base64.b64encode(b"<svg onload=alert(1)></svg>").decode()},
        ],
    }  # fmt: skip
    ticket_id = admin_api.post_json("/api/v1/inbound", body).json()["ticket_id"]
    ticket = Ticket.objects.get(pk=ticket_id)
    change_ticket(ticket, TicketChanges(team=Change(team_a)), actor=Actor.system("test"))
    image, svg = ticket.messages.get().attachments.order_by("pk")
    client.force_login(rina)
    page = client.get(f"/tickets/{ticket_id}/").text
    assert f'<img src="/attachments/{image.pk}/"' in page
    assert f'<img src="/attachments/{svg.pk}/"' not in page
    shown = client.get(f"/attachments/{image.pk}/")
    assert (shown.status_code, shown["Content-Type"]) == (200, "image/png")
    assert b"".join(shown.streaming_content) == png
    downloaded = client.get(f"/attachments/{svg.pk}/")
    assert downloaded["Content-Type"] == "application/octet-stream"
    assert downloaded["Content-Disposition"].startswith("attachment")
    client.force_login(outsider)
    assert client.get(f"/attachments/{image.pk}/").status_code == 404


def test_long_conversations_show_the_latest_page_and_earlier_pages_on_request(client, rina, team_a):
    ticket = _ticket_in(team_a, "pesan 0")
    for i in range(1, 60):
        inbound(f"pesan {i}")
    client.force_login(rina)
    page = client.get(f"/tickets/{ticket.pk}/")
    shown = [e.message.text for e in page.context["entries"] if e.message]
    assert shown == [f"pesan {i}" for i in range(10, 60)]
    earlier = client.get(
        f"/tickets/{ticket.pk}/timeline/", {"before": page.context["earlier_cursor"]}
    )
    older = [e.message.text for e in earlier.context["entries"] if e.message]
    assert older == [f"pesan {i}" for i in range(10)]
    assert earlier.context["earlier_cursor"] is None
    assert client.get(f"/tickets/{ticket.pk}/timeline/", {"before": "rusak"}).status_code == 404


def test_console_pages_forbid_outside_scripts_and_images(client, rina):
    client.force_login(rina)
    policy = client.get("/inbox/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "img-src 'self' data:" in policy
    assert "Content-Security-Policy" not in client.get("/admin/login/")
