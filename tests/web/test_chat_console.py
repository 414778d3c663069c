"""The chat and the bot in the console: admins set widgets and the bot's menu up; a chat
ticket shows its visitor and what the bot knows, marks the bot's messages and what it
understood, and lets knowledge-base editors keep a customer's words as an article example.
Through the test client with real models; every change through an action."""

import re

import pytest

from sapa.accounts.models import Role
from sapa.bot.config import ensure_default_menu
from sapa.bot.models import BotConversation, BotSettings, BotState, MenuAction, MenuNode
from sapa.channels.chat.config import WidgetSettings, save_widget
from sapa.channels.chat.models import ChatVisitor, ChatWidget
from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.messages import Address, InboundMessage
from sapa.conversations.actions import receive_inbound
from sapa.conversations.actions.replies import reply
from sapa.conversations.models import Message, Ticket
from sapa.core.actors import Actor
from sapa.core.models import ActorKind, Event
from sapa.kb import actions as kb
from sapa.kb.models import ArticleStatus, ArticleVersion
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")
BOT = Actor(kind=ActorKind.BOT, label="bot")


# The agents work in English here (their choice); test_translations holds the catalogue.
@pytest.fixture
def admin():
    return AgentFactory(username="ayu", first_name="Ayu", role=Role.ADMIN, language="en")


@pytest.fixture
def supervisor():
    return AgentFactory(username="sari", first_name="Sari", role=Role.SUPERVISOR, language="en")


@pytest.fixture
def agent():
    return AgentFactory(username="dewi", first_name="Dewi", role=Role.AGENT, language="en")


@pytest.fixture
def widget():
    return save_widget(
        WidgetSettings(name="Toko Buku", allowed_origins="https://tokobuku.example"), actor=SYSTEM
    )


def _chat(
    widget, text="min paket sy blm sampe", *, page_url="https://tokobuku.example/pesanan", **meta
):
    """A visitor who filled the pre-chat form and wrote `text`: their chat ticket."""
    visitor = ChatVisitor.objects.create(
        widget=widget,
        name="Rina",
        email="rina@example.com",
        phone="+6281234567890",
        page_url=page_url,
        page_title="Pesanan saya",
    )
    result = receive_inbound(
        InboundMessage(
            channel=Channel.CHAT,
            external_id=f"chat:{visitor.public_id}:1",
            addresses=(Address(IdentityKind.CHAT_VISITOR, visitor.public_id),),
            text=text,
            sender_name="Rina",
            meta=meta,
        )
    )
    ChatVisitor.objects.filter(pk=visitor.pk).update(
        current_ticket_id=result.ticket_id, customer_id=result.customer_id
    )
    return Ticket.objects.get(pk=result.ticket_id), visitor


# --- chat widgets ---------------------------------------------------------------------


def test_admin_creates_a_widget_and_sees_its_embed_snippet(client, admin, settings):
    # given
    settings.SAPA_BASE_URL = "https://sapa.tokobuku.example"
    team = TeamFactory(slug="cs", name="CS")
    client.force_login(admin)
    # when
    response = client.post(
        "/manage/chat/widgets/new/",
        {
            "name": "Toko Buku",
            "allowed_origins": "https://tokobuku.example/",
            "team": team.pk,
            "colour": "#0f766e",
            "prechat_fields": ["name", "whatsapp"],
            "business_hours": "mon-fri 08:00-17:00",
            "bot_enabled": "on",
            "max_upload_megabytes": "5",
            "is_active": "on",
        },
    )
    # then
    widget = ChatWidget.objects.get()
    assert response.status_code == 302
    assert response.url == f"/manage/chat/widgets/{widget.pk}/"
    assert (widget.allowed_origins, widget.team_id, widget.max_upload_bytes) == (
        "https://tokobuku.example",
        team.pk,
        5 * 1024 * 1024,
    )
    assert widget.prechat_fields == ["name", "whatsapp"]
    page = client.get(response.url).text
    snippet = (
        "&lt;script src=&quot;https://sapa.tokobuku.example/chat/widget.js&quot; "
        f"data-sapa-key=&quot;{widget.key}&quot; async&gt;&lt;/script&gt;"
    )
    assert snippet in page
    assert 'data-copy="embed-snippet"' in page
    assert Event.objects.filter(verb="chat_widget.created", actor_agent=admin).exists()


def test_a_bad_origin_is_shown_on_its_field_and_nothing_is_saved(client, admin):
    client.force_login(admin)
    response = client.post(
        "/manage/chat/widgets/new/",
        {
            "name": "Toko",
            "allowed_origins": "https://tokobuku.example/toko",
            "colour": "#0f766e",
            "max_upload_megabytes": "10",
        },
    )
    assert response.status_code == 422
    assert "is not an origin" in response.text
    assert not ChatWidget.objects.exists()


def test_editing_keeps_the_key_and_deactivating_switches_the_widget_off(client, admin, widget):
    client.force_login(admin)
    key = widget.key
    response = client.post(
        f"/manage/chat/widgets/{widget.pk}/",
        {
            "name": "Toko Buku Sapa",
            "colour": "#112233",
            "max_upload_megabytes": "10",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    widget.refresh_from_db()
    assert (widget.key, widget.name, widget.colour, widget.bot_enabled) == (
        key,
        "Toko Buku Sapa",
        "#112233",
        False,
    )
    listing = client.get("/manage/chat/widgets/").text
    assert "Toko Buku Sapa" in listing
    assert key in listing
    assert client.post(f"/manage/chat/widgets/{widget.pk}/deactivate/").status_code == 302
    widget.refresh_from_db()
    assert widget.is_active is False


def test_only_admins_reach_the_chat_and_bot_settings(client, supervisor, widget):
    """A supervisor gets 403 on every page and post, and nothing changes."""
    client.force_login(supervisor)
    for path in (
        "/manage/chat/widgets/",
        "/manage/chat/widgets/new/",
        f"/manage/chat/widgets/{widget.pk}/",
        "/manage/bot/",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/manage/chat/widgets/{widget.pk}/deactivate/").status_code == 403
    assert client.post("/manage/bot/menu/").status_code == 403
    widget.refresh_from_db()
    assert widget.is_active is True
    assert not MenuNode.objects.exists()
    assert "Chat widgets" not in client.get("/manage/agents/").text


def test_the_settings_navigation_links_the_new_pages_for_admins(client, admin):
    client.force_login(admin)
    page = client.get("/manage/agents/").text
    assert 'href="/manage/chat/widgets/"' in page
    assert 'href="/manage/bot/"' in page


# --- the bot --------------------------------------------------------------------------


def test_admin_saves_the_bot_settings(client, admin):
    team = TeamFactory(slug="cs", name="CS")
    client.force_login(admin)
    response = client.post(
        "/manage/bot/",
        {
            "enabled": "on",
            "channels": ["chat", "whatsapp"],
            "handoff_team": team.pk,
            "vip_tag": "vip",
            "business_hours": "sen-jum 08:00-17:00",
            "reply_minutes": "30",
            "greeting": "Halo! Ada yang bisa kami bantu?",
        },
    )
    assert response.status_code == 302
    saved = BotSettings.objects.get(pk=1)
    assert (saved.channels, saved.handoff_team_id, saved.reply_minutes) == (
        ["chat", "whatsapp"],
        team.pk,
        30,
    )


def test_unreadable_opening_hours_are_shown_on_the_field(client, admin):
    client.force_login(admin)
    response = client.post(
        "/manage/bot/",
        {
            "enabled": "on",
            "channels": ["chat"],
            "business_hours": "tiap hari",
            "reply_minutes": "15",
        },
    )
    assert response.status_code == 422
    assert "Cannot read the opening hours" in response.text
    assert BotSettings.objects.get(pk=1).business_hours == "mon-fri 08:00-17:00; sat 08:00-12:00"


def test_the_default_menu_is_created_on_request_and_shown_as_a_tree(client, admin):
    client.force_login(admin)
    assert "Create the default menu" in client.get("/manage/bot/").text
    assert client.post("/manage/bot/menu/").status_code == 302
    page = client.get("/manage/bot/").text
    for label in (
        "Cek status pesanan",
        "Retur &amp; refund",
        "Pembayaran",
        "Tanya produk",
        "Bicara dengan agen",
    ):
        assert label in page
    assert "Create the default menu" not in page


def test_admin_adds_edits_moves_and_deletes_menu_entries(client, admin):
    # given
    client.force_login(admin)
    root = ensure_default_menu()
    # when: a sub-menu under the root, then an answer under it
    response = client.post(
        f"/manage/bot/nodes/{root.pk}/add/",
        {
            "key": "5",
            "label": "Promo",
            "label_en": "Deals",
            "action": "menu",
            "text": "Pilih promo:",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    sub = MenuNode.objects.get(label="Promo")
    client.post(
        f"/manage/bot/nodes/{sub.pk}/add/",
        {
            "key": "1",
            "label": "Kode promo",
            "action": "answer",
            "text": "Pakai kode HEMAT10.",
            "is_active": "on",
        },
    )
    # then
    assert (sub.parent_id, sub.position, sub.label_en) == (root.pk, 5, "Deals")
    assert MenuNode.objects.get(label="Kode promo").parent_id == sub.pk
    # a key taken by a sibling is refused on the form
    taken = client.post(
        f"/manage/bot/nodes/{root.pk}/add/", {"key": "1", "label": "Lagi", "action": "handoff"}
    )
    assert taken.status_code == 422
    assert "Another entry of this menu has this key." in taken.text
    # editing
    node = MenuNode.objects.get(parent=root, key="3")
    client.post(
        f"/manage/bot/nodes/{node.pk}/",
        {
            "key": "3",
            "label": "Cara bayar",
            "action": "answer",
            "text": "Transfer atau e-wallet.",
            "is_active": "on",
        },
    )
    node.refresh_from_db()
    assert (node.label, node.text) == ("Cara bayar", "Transfer atau e-wallet.")
    # moving up
    client.post(f"/manage/bot/nodes/{node.pk}/move/", {"direction": "up"})
    keys = list(
        MenuNode.objects.filter(parent=root).order_by("position").values_list("key", flat=True)
    )
    assert keys == ["1", "3", "2", "4", "0", "5"]
    # deleting the sub-menu deletes its entries
    client.post(f"/manage/bot/nodes/{sub.pk}/delete/")
    assert not MenuNode.objects.filter(label__in=["Promo", "Kode promo"]).exists()
    # the root's prompt is edited without a key or an action
    form = client.get(f"/manage/bot/nodes/{root.pk}/").text
    assert 'name="key"' not in form
    client.post(
        f"/manage/bot/nodes/{root.pk}/",
        {"label": "Menu", "text": "Halo! Pilih:", "is_active": "on"},
    )
    root.refresh_from_db()
    assert (root.text, root.action) == ("Halo! Pilih:", MenuAction.MENU)


def test_a_leaf_offers_no_add_entry(client, admin):
    client.force_login(admin)
    root = ensure_default_menu()
    leaf = MenuNode.objects.get(parent=root, key="0")
    assert f"/manage/bot/nodes/{leaf.pk}/add/" not in client.get("/manage/bot/").text
    assert client.get(f"/manage/bot/nodes/{leaf.pk}/add/").status_code == 404


# --- the ticket page of a chat --------------------------------------------------------


def test_a_chat_ticket_shows_the_visitor_marked_unverified_and_the_bot(client, admin, widget):
    # given
    ticket, _visitor = _chat(widget)
    BotConversation.objects.create(
        ticket=ticket,
        state=BotState.HANDED_OFF,
        last_intent="order_status",
        entities={"order_number": "TB-1001"},
        handoff_reason="verification",
    )
    client.force_login(admin)
    # when
    page = client.get(f"/tickets/{ticket.pk}/").text
    # then
    assert 'id="visitor-panel"' in page
    link = (
        '<a href="https://tokobuku.example/pesanan" target="_blank" '
        'rel="noopener noreferrer nofollow">Pesanan saya</a>'
    )
    assert link in page
    assert "Given by the visitor, not verified." in page
    assert "rina@example.com" in page
    assert "+6281234567890" in page
    assert "Toko Buku" in page
    assert "Handed over to a person" in page
    assert "TB-1001" in page
    assert "Order number" in page
    assert "The order could not be verified" in page
    assert 'id="visitor-typing"' in page
    assert 'data-t-visitor-typing="The visitor is typing…"' in page


def test_a_page_address_that_is_not_http_is_never_a_link(client, admin, widget):
    ticket, _visitor = _chat(widget, page_url="javascript:alert(1)")
    client.force_login(admin)
    page = client.get(f"/tickets/{ticket.pk}/").text
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page


def test_an_email_ticket_has_no_chat_panels(client, admin):
    from tests.builders import inbound

    ticket = Ticket.objects.get(pk=inbound("halo").ticket_id)
    client.force_login(admin)
    page = client.get(f"/tickets/{ticket.pk}/").text
    assert 'id="visitor-panel"' not in page
    assert "bot-panel" not in page


def test_bot_messages_are_marked_and_customer_messages_carry_the_intent(client, admin, widget):
    # given
    ticket, _visitor = _chat(
        widget,
        nlu={"intent": "order_status", "confidence": 0.87, "entities": {}, "article_id": None},
    )
    reply(ticket, text="Boleh minta nomor pesanannya?", actor=BOT)
    client.force_login(admin)
    # when
    page = client.get(f"/tickets/{ticket.pk}/").text
    # then
    bot_entry = re.search(
        r'<li class="entry message direction-outbound author-bot[^>]*>.*?</li>', page, re.S
    )
    assert bot_entry is not None
    assert "bot-pill" in bot_entry.group(0)
    customer_entry = re.search(
        r'<li class="entry message direction-inbound author-customer[^>]*>.*?</li>', page, re.S
    )
    assert customer_entry is not None
    assert "Order status" in customer_entry.group(0)
    assert "(87%)" in customer_entry.group(0)


def test_opening_a_chat_marks_the_visitors_messages_read(client, admin, widget):
    ticket, visitor = _chat(widget)
    newest = Message.objects.filter(ticket=ticket).latest("pk").pk
    client.force_login(admin)
    client.get(f"/tickets/{ticket.pk}/")
    visitor.refresh_from_db()
    assert visitor.agent_read_up_to == newest


def test_the_timeline_shows_read_receipts_up_to_what_the_visitor_read(client, admin, widget):
    ticket, visitor = _chat(widget)
    first = reply(ticket, text="Halo Rina!", actor=Actor.for_agent(admin))
    second = reply(ticket, text="Sebentar ya.", actor=Actor.for_agent(admin))
    ChatVisitor.objects.filter(pk=visitor.pk).update(visitor_read_up_to=first.pk)
    client.force_login(admin)
    fragment = client.get(f"/tickets/{ticket.pk}/timeline/").text
    receipts = {}
    for entry in fragment.split('<li class="entry message')[1:]:
        found = re.search(r'data-message-id="(\d+)".*?data-read-receipt( hidden)?>', entry, re.S)
        if found:
            receipts[int(found.group(1))] = found.group(2) is None
    assert receipts == {first.pk: True, second.pk: False}


# --- a customer's words as an article example -----------------------------------------


@pytest.fixture
def article():
    category = kb.save_category(SYSTEM, name="Pengiriman")
    section = kb.save_section(SYSTEM, category, name="Lacak paket")
    return kb.save_article(
        SYSTEM,
        kb.ArticleDraft(
            section=section,
            title="Melacak paket",
            body="Lacak paket lewat menu Pesanan Saya.",
            examples=["paket saya di mana"],
            status=ArticleStatus.PUBLISHED,
        ),
    )


def test_an_editor_adds_a_customer_message_as_an_example(client, supervisor, widget, article):
    # given
    ticket, _visitor = _chat(widget, "min paket sy blm sampe")
    message = Message.objects.get(ticket=ticket)
    client.force_login(supervisor)
    assert (
        f"/tickets/{ticket.pk}/messages/{message.pk}/example/"
        in client.get(f"/tickets/{ticket.pk}/").text
    )
    # when
    response = client.post(
        f"/tickets/{ticket.pk}/messages/{message.pk}/example/", {"article": article.pk}
    )
    # then
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.examples == ["paket saya di mana", "min paket sy blm sampe"]
    version = ArticleVersion.objects.filter(article=article).latest("number")
    assert version.note == f"Example from ticket #{ticket.number}"
    assert version.editor == supervisor
    # adding it again says so and changes nothing
    client.post(f"/tickets/{ticket.pk}/messages/{message.pk}/example/", {"article": article.pk})
    article.refresh_from_db()
    assert len(article.examples) == 2


def test_the_example_picker_finds_articles(client, supervisor, article):
    client.force_login(supervisor)
    fragment = client.get("/kb/examples/1/articles/", {"q": "lacak paket", "lang": "id"}).text
    assert f'name="article" value="{article.pk}"' in fragment


def test_agents_without_kb_rights_cannot_add_examples(client, widget, article):
    """No button for them, and a forged post is refused without a change."""
    team = TeamFactory(slug="cs", name="CS")
    member = AgentFactory(username="dewi", role=Role.AGENT, language="en")
    member.teams.add(team)
    ticket, _visitor = _chat(widget)
    message = Message.objects.get(ticket=ticket)
    client.force_login(member)
    assert "/example/" not in client.get(f"/tickets/{ticket.pk}/").text
    response = client.post(
        f"/tickets/{ticket.pk}/messages/{message.pk}/example/", {"article": article.pk}
    )
    assert response.status_code == 403
    assert client.get("/kb/examples/1/articles/", {"q": "paket"}).status_code == 403
    article.refresh_from_db()
    assert article.examples == ["paket saya di mana"]


def test_an_example_comes_only_from_a_customer_message_of_a_visible_ticket(
    client, supervisor, admin, widget, article
):
    ticket, _visitor = _chat(widget)
    ours = reply(ticket, text="Halo!", actor=Actor.for_agent(admin))
    client.force_login(supervisor)
    assert (
        client.post(
            f"/tickets/{ticket.pk}/messages/{ours.pk}/example/", {"article": article.pk}
        ).status_code
        == 404
    )
    other_team = TeamFactory(slug="lain", name="Lain")
    from sapa.conversations.actions import Change, TicketChanges, change_ticket

    change_ticket(ticket, TicketChanges(team=Change(other_team)), actor=SYSTEM)
    message = Message.objects.filter(ticket=ticket, direction="inbound").get()
    assert (
        client.post(
            f"/tickets/{ticket.pk}/messages/{message.pk}/example/", {"article": article.pk}
        ).status_code
        == 404
    )
    article.refresh_from_db()
    assert article.examples == ["paket saya di mana"]
