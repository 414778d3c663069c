"""What the phone says, as text for the provider's text-to-speech, in the active language:
the menu's choices, an order's status, the hours. Menu labels and answers are the shop's
own content (the bot's menu tree); the words around them are translated UI strings."""

import re
from datetime import datetime

from django.utils import formats
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from sapa.bot.models import MenuNode
from sapa.bot.orders import latest_event
from sapa.commerce.models import Order, OrderStatus

_DIGITS = re.compile(r"\d+")
_SEPARATORS = re.compile(r"[^0-9A-Za-z]+")


def spoken_key(key: str) -> str:
    return {"*": _("star"), "#": _("hash")}.get(key, key)


def _spoken_label(label: str) -> str:
    """ "Status pesanan" -> "status pesanan" inside a sentence; "JNE" stays as it is."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def menu_prompt(node: MenuNode, options: list[MenuNode], lang: str) -> str:
    """The menu's own text, then "Press 1 for order status." for each choice."""
    lines = [node.text_in(lang).strip()]
    for option in options:
        lines.append(
            _("Press %(key)s for %(label)s.")
            % {"key": spoken_key(option.key), "label": _spoken_label(option.label_in(lang))}
        )
    return " ".join(line for line in lines if line)


def spelled_out(number: str) -> str:
    """An order number as it is read out: digit by digit ("INV-10045" -> "INV 1 0 0 4 5")."""
    text = _DIGITS.sub(lambda match: " ".join(match.group()), number)
    return _SEPARATORS.sub(" ", text).strip()


def order_status(order: Order) -> str:
    """ "Order 1 0 0 4 5 is in transit. Latest update, 20 November: Paket diterima di
    gudang transit, Jakarta. Courier JNE." Only what the caller needs by ear: no tracking
    number, no amounts."""
    lines = [
        _("Order %(number)s is %(status)s.")
        % {
            "number": spelled_out(order.number),
            "status": str(OrderStatus(order.status).label).lower(),
        }
    ]
    shipment, event = latest_event(order)
    if event is not None:
        what = (event.description or event.get_status_display()).rstrip(".")
        if event.location:
            what = f"{what}, {event.location}"
        lines.append(
            _("Latest update, %(date)s: %(what)s.")
            % {"date": formats.date_format(localtime(event.at), "j F"), "what": what}
        )
    if shipment is not None:
        lines.append(_("Courier %(carrier)s.") % {"carrier": shipment.carrier.upper()})
    elif order.status in (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.PACKED):
        lines.append(_("It has not been handed to the courier yet."))
    return " ".join(lines)


def opening_time(moment: datetime) -> str:
    """ "We are open again on Monday at 08:00." in the active language."""
    return _("We are open again on %(day)s at %(time)s.") % {
        "day": formats.date_format(moment, "l"),
        "time": formats.time_format(moment, "H:i"),
    }
