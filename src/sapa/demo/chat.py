"""The demo shop's chat: a widget for its site (try it at /chat/demo/), the bot on, its
hand-offs to the shipping team, and the default menu."""

from sapa.accounts.models import Team
from sapa.bot.config import BotSettingsChanges, ensure_default_menu, get_settings, save_settings
from sapa.channels.chat.config import WidgetSettings, save_widget
from sapa.channels.chat.models import ChatWidget
from sapa.channels.kinds import Channel
from sapa.core.actors import Actor
from sapa.demo.bookshop import SHIPPING_TEAM

HOURS = "mon-fri 08:00-17:00; sat 08:00-12:00"


def load_chat(actor: Actor) -> ChatWidget:
    team = Team.objects.get(slug=SHIPPING_TEAM)
    current = get_settings()
    save_settings(
        BotSettingsChanges(
            enabled=True,
            channels=(Channel.CHAT,),
            handoff_team_id=team.pk,
            vip_tag=current.vip_tag,
            business_hours=HOURS,
            reply_minutes=15,
        ),
        actor=actor,
    )
    ensure_default_menu("chat")
    return save_widget(
        WidgetSettings(
            name="Situs Toko Buku Sapa",
            title="Toko Buku Sapa",
            title_en="Toko Buku Sapa",
            team_id=team.pk,
            prechat_fields=("name", "email"),
            business_hours=HOURS,
        ),
        actor=actor,
    )
