"""The bot's settings and menu tree, as admins change them: validated, recorded, and the
default chat menu created once."""

import pytest

from sapa.accounts.models import Role
from sapa.bot.config import (
    BotSettingsChanges,
    MenuEntry,
    delete_menu_node,
    ensure_default_menu,
    get_settings,
    move_menu_node,
    save_menu_node,
    save_settings,
)
from sapa.bot.models import BotSettings, MenuAction, MenuNode
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, PermissionDenied
from sapa.core.models import Event
from sapa.kb import actions as kb
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


@pytest.fixture
def admin():
    return Actor.for_agent(AgentFactory(username="ayu", role=Role.ADMIN))


@pytest.fixture
def root(admin):
    return save_menu_node(
        MenuEntry(label="Menu utama", action=MenuAction.MENU, text="Pilih:"), actor=admin
    )


def _changes(**fields):
    values = {
        "enabled": True,
        "channels": ("chat",),
        "handoff_team_id": None,
        "vip_tag": "vip",
        "business_hours": "mon-fri 08:00-17:00",
        "reply_minutes": 10,
    }
    values.update(fields)
    return BotSettingsChanges(**values)


def _section():
    category = kb.save_category(SYSTEM, name="Retur")
    return kb.save_section(SYSTEM, category, name="Retur barang")


def test_settings_are_one_row_answering_on_chat_by_default():
    """get_settings creates the single row once, with the chat channel."""
    first = get_settings()
    second = get_settings()
    assert first.pk == second.pk == 1
    assert first.channels == ["chat"]
    assert BotSettings.objects.count() == 1


def test_saving_settings_stores_them_and_records_an_event(admin):
    """An admin's change is stored (tag lower-cased, channels in a fixed order) and audited."""
    # given
    team = TeamFactory(slug="cs", name="CS")
    # when
    saved = save_settings(
        _changes(
            channels=("whatsapp", "chat"),
            handoff_team_id=team.pk,
            vip_tag=" VIP ",
            business_hours="sen-jum 09:00-18:00",
            reply_minutes=20,
            greeting="Halo!",
        ),
        actor=admin,
    )
    # then
    saved.refresh_from_db()
    assert saved.channels == ["chat", "whatsapp"]
    assert (saved.handoff_team_id, saved.vip_tag, saved.reply_minutes) == (team.pk, "vip", 20)
    assert saved.business_hours == "sen-jum 09:00-18:00"
    assert saved.greeting == "Halo!"
    event = Event.objects.get(verb="bot.settings_changed")
    assert event.before["reply_minutes"] == 15
    assert event.after["reply_minutes"] == 20


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"business_hours": "senin pagi"}, None),
        ({"channels": ("email",)}, ["channels"]),
        ({"reply_minutes": 0}, ["reply_minutes"]),
        ({"handoff_team_id": 999}, ["handoff_team"]),
        ({"vip_tag": "dua kata"}, ["vip_tag"]),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(admin, fields, loc):
    """Each bad field raises InvalidInput (naming it) and nothing is written."""
    get_settings()
    with pytest.raises(InvalidInput) as raised:
        save_settings(_changes(**fields), actor=admin)
    if loc:
        assert raised.value.loc == loc
    assert get_settings().reply_minutes == 15
    assert not Event.objects.filter(verb="bot.settings_changed").exists()


def test_only_admins_change_the_bot():
    """A supervisor may not change the bot's settings or menus."""
    supervisor = Actor.for_agent(AgentFactory(username="sari", role=Role.SUPERVISOR))
    with pytest.raises(PermissionDenied):
        save_settings(_changes(), actor=supervisor)
    with pytest.raises(PermissionDenied):
        save_menu_node(MenuEntry(label="Menu", action=MenuAction.MENU), actor=supervisor)
    assert not MenuNode.objects.exists()


def test_entries_go_last_under_their_menu_and_keys_are_unique_among_siblings(admin, root):
    """A new entry goes after its siblings; a key taken by a sibling is refused, while the
    same key under another menu is fine."""
    # when
    first = save_menu_node(
        MenuEntry(key="1", label="Cek pesanan", action=MenuAction.ORDER_STATUS),
        parent=root,
        actor=admin,
    )
    sub = save_menu_node(
        MenuEntry(key="2", label="Lainnya", action=MenuAction.MENU, text="Pilih lagi:"),
        parent=root,
        actor=admin,
    )
    nested = save_menu_node(
        MenuEntry(key="1", label="Jam buka", action=MenuAction.ANSWER, text="08.00-17.00"),
        parent=sub,
        actor=admin,
    )
    # then
    assert (first.position, sub.position, nested.position) == (0, 1, 0)
    assert nested.menu == "chat"
    with pytest.raises(InvalidInput) as raised:
        save_menu_node(
            MenuEntry(key="1", label="Lagi", action=MenuAction.HANDOFF), parent=root, actor=admin
        )
    assert raised.value.loc == ["key"]
    assert MenuNode.objects.filter(parent=root).count() == 2


@pytest.mark.parametrize(
    ("entry", "loc"),
    [
        (MenuEntry(key="1", label="", action=MenuAction.ANSWER, text="x"), ["label"]),
        (MenuEntry(key="", label="Tanpa kunci", action=MenuAction.HANDOFF), ["key"]),
        (MenuEntry(key="12345", label="Panjang", action=MenuAction.HANDOFF), ["key"]),
        (MenuEntry(key="1", label="Jawaban", action=MenuAction.ANSWER), ["text"]),
        (MenuEntry(key="1", label="Artikel", action=MenuAction.ARTICLE), ["article"]),
        (MenuEntry(key="1", label="Tim", action=MenuAction.HANDOFF, team_id=999), ["team"]),
        (MenuEntry(key="1", label="Aneh", action="dance"), ["action"]),
    ],
)
def test_bad_entries_are_refused(admin, root, entry, loc):
    with pytest.raises(InvalidInput) as raised:
        save_menu_node(entry, parent=root, actor=admin)
    assert raised.value.loc == loc
    assert not MenuNode.objects.filter(parent=root).exists()


def test_an_article_entry_needs_an_article_customers_can_read(admin, root):
    """An internal article is refused; a public one is kept on the entry."""
    section = _section()
    internal = kb.save_article(
        SYSTEM, kb.ArticleDraft(section=section, title="Catatan", body="x", internal=True)
    )
    public = kb.save_article(SYSTEM, kb.ArticleDraft(section=section, title="Cara retur", body="x"))
    with pytest.raises(InvalidInput):
        save_menu_node(
            MenuEntry(key="2", label="Retur", action=MenuAction.ARTICLE, article_id=internal.pk),
            parent=root,
            actor=admin,
        )
    saved = save_menu_node(
        MenuEntry(key="2", label="Retur", action=MenuAction.ARTICLE, article_id=public.pk),
        parent=root,
        actor=admin,
    )
    assert saved.article_id == public.pk


def test_entries_go_under_menus_only_and_at_most_four_levels_deep(admin, root):
    leaf = save_menu_node(
        MenuEntry(key="0", label="Agen", action=MenuAction.HANDOFF), parent=root, actor=admin
    )
    with pytest.raises(InvalidInput):
        save_menu_node(
            MenuEntry(key="1", label="x", action=MenuAction.HANDOFF), parent=leaf, actor=admin
        )
    parent = root
    for level in range(4):
        parent = save_menu_node(
            MenuEntry(key="1", label=f"Level {level + 1}", action=MenuAction.MENU),
            parent=parent,
            actor=admin,
        )
    with pytest.raises(InvalidInput) as raised:
        save_menu_node(
            MenuEntry(key="1", label="Too deep", action=MenuAction.MENU), parent=parent, actor=admin
        )
    assert "4" in str(raised.value.message)


def test_a_menu_with_entries_stays_a_menu(admin, root):
    """Turning a sub-menu that has entries into a leaf would strand them: refused."""
    sub = save_menu_node(
        MenuEntry(key="1", label="Sub", action=MenuAction.MENU), parent=root, actor=admin
    )
    save_menu_node(
        MenuEntry(key="1", label="Agen", action=MenuAction.HANDOFF), parent=sub, actor=admin
    )
    with pytest.raises(InvalidInput):
        save_menu_node(
            MenuEntry(key="1", label="Sub", action=MenuAction.HANDOFF), node=sub, actor=admin
        )
    sub.refresh_from_db()
    assert sub.action == MenuAction.MENU


def test_updating_an_entry_keeps_its_place_and_records_before_and_after(admin, root):
    team = TeamFactory(slug="produk", name="Produk")
    node = save_menu_node(
        MenuEntry(key="4", label="Tanya produk", action=MenuAction.HANDOFF),
        parent=root,
        actor=admin,
    )
    updated = save_menu_node(
        MenuEntry(
            key="5",
            label="Tanya buku",
            label_en="Ask about a book",
            action=MenuAction.HANDOFF,
            team_id=team.pk,
        ),
        node=node,
        actor=admin,
    )
    updated.refresh_from_db()
    assert (updated.parent_id, updated.key, updated.label_en, updated.team_id) == (
        root.pk,
        "5",
        "Ask about a book",
        team.pk,
    )
    event = Event.objects.get(verb="bot.menu_node_updated")
    assert (event.before["key"], event.after["key"]) == ("4", "5")


def test_moving_swaps_with_the_neighbour_and_stops_at_the_ends(admin, root):
    a, _b, c = (
        save_menu_node(
            MenuEntry(key=k, label=k, action=MenuAction.HANDOFF), parent=root, actor=admin
        )
        for k in ("1", "2", "3")
    )
    move_menu_node(c, direction="up", actor=admin)
    move_menu_node(a, direction="up", actor=admin)  # already first: nothing changes
    order = list(
        MenuNode.objects.filter(parent=root).order_by("position").values_list("key", flat=True)
    )
    assert order == ["1", "3", "2"]
    assert Event.objects.filter(verb="bot.menu_node_moved").count() == 1


def test_deleting_an_entry_deletes_what_is_under_it_but_a_root_stays(admin, root):
    sub = save_menu_node(
        MenuEntry(key="1", label="Sub", action=MenuAction.MENU), parent=root, actor=admin
    )
    save_menu_node(
        MenuEntry(key="1", label="Agen", action=MenuAction.HANDOFF), parent=sub, actor=admin
    )
    delete_menu_node(sub, actor=admin)
    assert list(MenuNode.objects.values_list("pk", flat=True)) == [root.pk]
    assert Event.objects.filter(verb="bot.menu_node_deleted").count() == 1
    with pytest.raises(InvalidInput):
        delete_menu_node(root, actor=admin)
    assert MenuNode.objects.filter(pk=root.pk).exists()


def test_the_default_chat_menu_is_created_once():
    """Five entries in order, Indonesian and English, product questions to the hand-off team."""
    # given
    team = TeamFactory(slug="cs", name="CS")
    BotSettings.objects.update_or_create(pk=1, defaults={"handoff_team": team})
    # when
    root = ensure_default_menu()
    again = ensure_default_menu()
    # then
    assert again.pk == root.pk
    entries = list(MenuNode.objects.filter(parent=root).order_by("position"))
    assert [(e.key, e.label, e.action) for e in entries] == [
        ("1", "Cek status pesanan", MenuAction.ORDER_STATUS),
        ("2", "Retur & refund", MenuAction.ANSWER),
        ("3", "Pembayaran", MenuAction.ANSWER),
        ("4", "Tanya produk", MenuAction.HANDOFF),
        ("0", "Bicara dengan agen", MenuAction.HANDOFF),
    ]
    assert all(e.label_en for e in entries)
    assert entries[3].team_id == team.pk
    assert entries[4].team_id is None
    assert MenuNode.objects.filter(menu="chat", parent=None).count() == 1
    assert ensure_default_menu("phone").pk != root.pk
