"""Reading the menu trees (chat now, the phone's IVR later): a root per menu, whose active
children are the options, each chosen by its key."""

from django.utils.translation import gettext as _

from sapa.bot.models import MenuNode


def root(menu: str = "chat") -> MenuNode | None:
    """The menu's root, the default menu when none was made yet; None when switched off."""
    from sapa.bot.config import ensure_default_menu

    found = ensure_default_menu(menu)
    return found if found.is_active else None


def node(pk: int) -> MenuNode | None:
    if not pk:
        return None
    return MenuNode.objects.filter(pk=pk, is_active=True).select_related("article").first()


def options(parent: MenuNode) -> list[MenuNode]:
    return list(parent.children.filter(is_active=True).order_by("position", "pk"))


def child_with_key(parent: MenuNode | None, key: str) -> MenuNode | None:
    if parent is None:
        return None
    return parent.children.filter(is_active=True, key=key).select_related("article").first()


def buttons(parent: MenuNode | None, lang: str) -> list[dict[str, str]]:
    """Quick replies for a menu's options ("1. Cek status pesanan"); without a menu, the way
    to a person."""
    if parent is None:
        return [{"label": _("Talk to a person"), "value": "human"}]
    return [
        {
            "label": f"{option.key}. {option.label_in(lang)}"
            if option.key
            else option.label_in(lang),
            "value": f"menu:{option.pk}",
        }
        for option in options(parent)
    ]
