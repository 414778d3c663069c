"""The bot's settings and menus, as an admin sets them (the console's Bot page).

Menus are trees of MenuNode. A menu's root (no parent) holds its prompt; each entry under
it is chosen by its key ("1".."9", "0") and either opens a sub-menu or is a leaf: a fixed
answer, a help article, the order-status flow or a hand-off to a team. Labels and texts
are the shop's own content, in Indonesian with an optional English version, not UI strings.
"""

import re
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sapa.accounts.models import Team
from sapa.accounts.permissions import Permission, require
from sapa.bot.models import BotSettings, MenuAction, MenuNode
from sapa.channels.kinds import Channel
from sapa.core.actions import pending_event, record_events
from sapa.core.actors import Actor
from sapa.core.business_hours import parse_hours
from sapa.core.exceptions import InvalidInput
from sapa.kb.models import Article

# Channels the bot can answer on (it is channel-agnostic; these have a conversation).
BOT_CHANNELS = (Channel.CHAT, Channel.WHATSAPP, Channel.TELEGRAM)
MENUS = ("chat", "phone")
# Levels of entries under a menu's root: deeper trees lose the customer.
MAX_DEPTH = 4
MAX_REPLY_MINUTES = 7 * 24 * 60
_KEY = re.compile(r"^[0-9*#]{1,4}$")


def get_settings() -> BotSettings:
    found, _created = BotSettings.objects.get_or_create(pk=1, defaults={"channels": [Channel.CHAT]})
    return found


# --- settings -------------------------------------------------------------------------


@dataclass(frozen=True)
class BotSettingsChanges:
    """Everything the Bot page's settings form sets, at once."""

    enabled: bool
    channels: tuple[str, ...]
    handoff_team_id: int | None
    vip_tag: str
    business_hours: str
    reply_minutes: int
    greeting: str = ""
    greeting_en: str = ""


def _settings_summary(found: BotSettings) -> dict[str, Any]:
    return {
        "enabled": found.enabled,
        "channels": list(found.channels),
        "handoff_team_id": found.handoff_team_id,
        "vip_tag": found.vip_tag,
        "business_hours": found.business_hours,
        "reply_minutes": found.reply_minutes,
        "greeting": found.greeting,
        "greeting_en": found.greeting_en,
    }


def save_settings(wanted: BotSettingsChanges, *, actor: Actor) -> BotSettings:
    """Store the bot's settings. Raises PermissionDenied (admins only) or InvalidInput
    naming the field (channels, handoff_team, business_hours, reply_minutes, vip_tag)."""
    require(actor, Permission.MANAGE_CHANNELS)
    unknown = [c for c in wanted.channels if c not in BOT_CHANNELS]
    if unknown:
        raise InvalidInput(_("The bot cannot answer on this channel."), loc=["channels"])
    hours = wanted.business_hours.strip()
    parse_hours(hours)  # raises InvalidInput with the part it could not read
    if not 0 < wanted.reply_minutes <= MAX_REPLY_MINUTES:
        raise InvalidInput(
            _("Give the reply time in minutes, at most a week."), loc=["reply_minutes"]
        )
    if (
        wanted.handoff_team_id is not None
        and not Team.objects.filter(pk=wanted.handoff_team_id).exists()
    ):
        raise InvalidInput(_("Choose an existing team."), loc=["handoff_team"])
    vip_tag = wanted.vip_tag.strip().lower()
    if len(vip_tag) > 50 or " " in vip_tag:
        raise InvalidInput(_("A tag is one word of at most 50 characters."), loc=["vip_tag"])
    with transaction.atomic():
        found = BotSettings.objects.select_for_update().filter(pk=1).first() or get_settings()
        before = _settings_summary(found)
        found.enabled = wanted.enabled
        found.channels = [str(c) for c in BOT_CHANNELS if c in wanted.channels]
        found.handoff_team_id = wanted.handoff_team_id
        found.vip_tag = vip_tag
        found.business_hours = hours
        found.reply_minutes = wanted.reply_minutes
        found.greeting = wanted.greeting.strip()
        found.greeting_en = wanted.greeting_en.strip()
        found.save()
        after = _settings_summary(found)
        record_events(
            actor, [pending_event("bot.settings_changed", found, before=before, after=after)]
        )
    return found


# --- menus ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuEntry:
    """One menu entry as the admin writes it (labels and texts: Indonesian, then English)."""

    label: str
    action: str
    key: str = ""
    label_en: str = ""
    text: str = ""
    text_en: str = ""
    article_id: int | None = None
    team_id: int | None = None
    is_active: bool = True


def depth_of(node: MenuNode) -> int:
    """How many levels under its menu's root `node` is (the root itself: 0)."""
    depth, parent_id = 0, node.parent_id
    while parent_id is not None:
        depth += 1
        parent_id = (
            MenuNode.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
        )
    return depth


def _check_entry(entry: MenuEntry, *, parent: MenuNode | None, node: MenuNode | None) -> None:
    if not entry.label.strip():
        raise InvalidInput(_("Give the entry a label."), loc=["label"])
    if entry.action not in MenuAction.values:
        raise InvalidInput(_("Choose what the entry does."), loc=["action"])
    if parent is None:
        if entry.action != MenuAction.MENU:
            raise InvalidInput(_("A menu's top entry must be a menu."), loc=["action"])
    else:
        if parent.action != MenuAction.MENU:
            raise InvalidInput(_("Entries can only be added under a menu."), loc=["action"])
        if not _KEY.match(entry.key.strip()):
            raise InvalidInput(
                _("The key is what the customer types: a digit such as 1 or 0."), loc=["key"]
            )
        siblings = MenuNode.objects.filter(parent=parent, key=entry.key.strip())
        if node is not None:
            siblings = siblings.exclude(pk=node.pk)
        if siblings.exists():
            raise InvalidInput(_("Another entry of this menu has this key."), loc=["key"])
        if depth_of(parent) + 1 > MAX_DEPTH:
            raise InvalidInput(
                _("Menus can be at most %(levels)d levels deep.") % {"levels": MAX_DEPTH},
                loc=["action"],
            )
    if node is not None and entry.action != MenuAction.MENU and node.children.exists():
        raise InvalidInput(
            _("This entry has entries under it: delete them first, or keep it a menu."),
            loc=["action"],
        )
    if entry.action == MenuAction.ANSWER and not entry.text.strip():
        raise InvalidInput(_("Write the answer."), loc=["text"])
    if entry.action == MenuAction.ARTICLE:
        article = Article.objects.filter(pk=entry.article_id).first() if entry.article_id else None
        if article is None:
            raise InvalidInput(_("Choose the article to show."), loc=["article"])
        if article.internal:
            raise InvalidInput(
                _("This article is for agents only; customers cannot read it."), loc=["article"]
            )
    if entry.team_id is not None and not Team.objects.filter(pk=entry.team_id).exists():
        raise InvalidInput(_("Choose an existing team."), loc=["team"])


def _node_summary(node: MenuNode) -> dict[str, Any]:
    return {
        "menu": node.menu,
        "parent_id": node.parent_id,
        "key": node.key,
        "label": node.label,
        "action": node.action,
        "article_id": node.article_id,
        "team_id": node.team_id,
        "active": node.is_active,
    }


def save_menu_node(
    entry: MenuEntry,
    *,
    actor: Actor,
    parent: MenuNode | None = None,
    node: MenuNode | None = None,
    menu: str = "chat",
) -> MenuNode:
    """Create an entry under `parent` (None: a menu's root, named by `menu`), or update
    `node` (it stays where it is). A new entry goes last among its siblings. Raises
    PermissionDenied (admins only) or InvalidInput naming the field."""
    require(actor, Permission.MANAGE_CHANNELS)
    if node is not None:
        parent = node.parent
        menu = node.menu
    elif parent is not None:
        menu = parent.menu
    if menu not in MENUS:
        raise InvalidInput(_("Unknown menu."), loc=["menu"])
    if node is None and parent is None and MenuNode.objects.filter(menu=menu, parent=None).exists():
        raise InvalidInput(_("This menu already exists."), loc=["menu"])
    _check_entry(entry, parent=parent, node=node)
    with transaction.atomic():
        target = node or MenuNode(menu=menu, parent=parent)
        before = _node_summary(target) if node else {}
        if node is None:
            last = MenuNode.objects.filter(menu=menu, parent=parent).aggregate(last=Max("position"))
            target.position = (last["last"] + 1) if last["last"] is not None else 0
        target.key = entry.key.strip() if parent is not None else ""
        target.label = entry.label.strip()[:120]
        target.label_en = entry.label_en.strip()[:120]
        target.action = entry.action
        target.text = entry.text.strip()
        target.text_en = entry.text_en.strip()
        target.article_id = entry.article_id if entry.action == MenuAction.ARTICLE else None
        target.team_id = entry.team_id if entry.action == MenuAction.HANDOFF else None
        target.is_active = entry.is_active
        target.save()
        verb = "bot.menu_node_updated" if node else "bot.menu_node_created"
        record_events(
            actor, [pending_event(verb, target, before=before, after=_node_summary(target))]
        )
    return target


def delete_menu_node(node: MenuNode, *, actor: Actor) -> None:
    """Delete an entry and every entry under it. A menu's root is kept (a menu needs one).
    Raises PermissionDenied or InvalidInput."""
    require(actor, Permission.MANAGE_CHANNELS)
    if node.parent_id is None:
        raise InvalidInput(_("A menu's top entry cannot be deleted."), loc=["menu"])
    with transaction.atomic():
        record_events(
            actor, [pending_event("bot.menu_node_deleted", node, before=_node_summary(node))]
        )
        node.delete()


def move_menu_node(node: MenuNode, *, direction: Literal["up", "down"], actor: Actor) -> MenuNode:
    """Swap `node` with the sibling before ("up") or after it ("down"); at either end
    nothing changes. Siblings are renumbered 0, 1, 2... on the way."""
    require(actor, Permission.MANAGE_CHANNELS)
    with transaction.atomic():
        siblings = list(
            MenuNode.objects.select_for_update()
            .filter(menu=node.menu, parent_id=node.parent_id)
            .order_by("position", "pk")
        )
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == node.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            return node
        before = index
        siblings[index], siblings[other] = siblings[other], siblings[index]
        changed = []
        for position, sibling in enumerate(siblings):
            if sibling.position != position:
                sibling.position = position
                changed.append(sibling)
        MenuNode.objects.bulk_update(changed, ["position"])
        node.position = other
        record_events(
            actor,
            [
                pending_event(
                    "bot.menu_node_moved", node, before={"index": before}, after={"index": other}
                )
            ],
        )
    return node


def menu_root(menu: str = "chat") -> MenuNode | None:
    return MenuNode.objects.filter(menu=menu, parent=None).order_by("pk").first()


def ensure_default_menu(menu: str = "chat") -> MenuNode:
    """The menu's root; when the menu does not exist yet, first create the default one:
    order status, returns, payment, product questions (to the hand-off team) and a person."""
    root = menu_root(menu)
    if root is not None:
        return root
    actor = Actor.system("default menu")
    with transaction.atomic():
        # The settings row is the lock: two first chats create one menu between them.
        team_id = BotSettings.objects.select_for_update().get(pk=get_settings().pk).handoff_team_id
        root = menu_root(menu)
        if root is not None:
            return root
        root = MenuNode.objects.create(
            menu=menu,
            action=MenuAction.MENU,
            label="Menu utama",
            label_en="Main menu",
            text="Ada yang bisa kami bantu? Pilih salah satu:",
            text_en="How can we help? Choose one:",
        )
        entries = [
            MenuNode(
                key="1",
                label="Cek status pesanan",
                label_en="Check my order status",
                action=MenuAction.ORDER_STATUS,
            ),
            MenuNode(
                key="2",
                label="Retur & refund",
                label_en="Returns & refunds",
                action=MenuAction.ANSWER,
                text=(
                    "Untuk retur atau refund, kirim nomor pesanan, alasan, dan foto produknya "
                    "di sini. Tim kami akan memeriksa dan membalas secepatnya."
                ),
                text_en=(
                    "For a return or refund, send your order number, the reason and a photo "
                    "of the product here. Our team will check it and reply as soon as it can."
                ),
            ),
            MenuNode(
                key="3",
                label="Pembayaran",
                label_en="Payment",
                action=MenuAction.ANSWER,
                text=(
                    "Cara pembayaran yang tersedia tampil di halaman checkout. Sudah bayar "
                    "tetapi status pesanan belum berubah? Kirim nomor pesanan dan bukti "
                    "pembayarannya di sini."
                ),
                text_en=(
                    "The ways to pay are shown at checkout. Paid but your order has not "
                    "changed? Send the order number and your proof of payment here."
                ),
            ),
            MenuNode(
                key="4",
                label="Tanya produk",
                label_en="Ask about a product",
                action=MenuAction.HANDOFF,
                team_id=team_id,
            ),
            MenuNode(
                key="0",
                label="Bicara dengan agen",
                label_en="Talk to a person",
                action=MenuAction.HANDOFF,
            ),
        ]
        if menu == "phone":
            entries = default_phone_entries()
        for position, entry in enumerate(entries):
            entry.menu, entry.parent, entry.position = menu, root, position
        MenuNode.objects.bulk_create(entries)
        record_events(
            actor, [pending_event("bot.menu_node_created", root, after=_node_summary(root))]
        )
    return root


def default_phone_entries() -> list[MenuNode]:
    """The phone menu's first entries, made to be heard: order status by keypad, then
    payment, returns and a person, each put through (see sapa.channels.voice)."""
    return [
        MenuNode(
            key="1",
            label="Status pesanan",
            label_en="Order status",
            action=MenuAction.ORDER_STATUS,
        ),
        MenuNode(key="2", label="Pembayaran", label_en="Payment", action=MenuAction.HANDOFF),
        MenuNode(key="3", label="Retur", label_en="Returns", action=MenuAction.HANDOFF),
        MenuNode(
            key="0",
            label="Berbicara dengan agen",
            label_en="Talking to an agent",
            action=MenuAction.HANDOFF,
        ),
    ]
