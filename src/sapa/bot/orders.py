"""Order status for the bot: finding the order a customer names, checking that the asker is
its buyer, and saying where it is in plain words.

Nothing about an order is told before the asker is verified: either the conversation's
customer is the order's customer, or the asker gave an email or phone number that belongs
to the order's customer. An unknown order number and a wrong email get the same answer, so
the bot cannot be used to learn which order numbers exist.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import formats, translation
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from sapa.channels.kinds import PHONE_KINDS, IdentityKind
from sapa.commerce.models import Order, OrderStatus, Shipment, ShipmentEvent
from sapa.customers.models import Identity


@dataclass(frozen=True)
class Lookup:
    order: Order | None
    verified: bool


def find_order(*, order_number: str = "", tracking_number: str = "") -> Order | None:
    if order_number:
        found = Order.objects.filter(number__iexact=order_number).order_by("pk").first()
        if found is None and order_number.isdigit():
            # "10112" for a shop whose numbers read "INV-10112": only when one order fits.
            fits = list(
                Order.objects.filter(
                    Q(number__iexact=f"#{order_number}") | Q(number__iendswith=f"-{order_number}")
                )[:2]
            )
            found = fits[0] if len(fits) == 1 else None
        if found is not None:
            return found
    if tracking_number:
        shipment = (
            Shipment.objects.filter(tracking_number__iexact=tracking_number)
            .select_related("order")
            .first()
        )
        if shipment is not None:
            return shipment.order
    return None


def asker_owns(order: Order, *, customer_id: int | None, email: str = "", phone: str = "") -> bool:
    """The conversation's customer is the buyer, or the given contact is one of theirs."""
    if customer_id is not None and order.customer_id == customer_id:
        return True
    identities = Identity.objects.filter(customer_id=order.customer_id)
    if email and identities.filter(kind=IdentityKind.EMAIL, value=email.lower()).exists():
        return True
    return bool(phone) and identities.filter(kind__in=list(PHONE_KINDS), value=phone).exists()


def latest_event(order: Order) -> tuple[Shipment | None, ShipmentEvent | None]:
    shipment = order.shipments.order_by("-created_at", "-pk").first()
    if shipment is None:
        return None, None
    return shipment, shipment.events.order_by("-at", "-pk").first()


def _when(moment: object) -> str:
    return formats.date_format(localtime(moment), "j M Y, H:i")  # type: ignore[arg-type]


def describe(order: Order, lang: str) -> str:
    """ "Pesanan 10045 sedang dalam perjalanan. Kabar terakhir (21 Nov 2026, 14:05 WIB):
    Paket diterima di gudang Jakarta. JNE, resi JP1234567890." in the customer's language."""
    shipment, event = latest_event(order)
    with translation.override(lang):
        lines = [
            _("Order %(number)s (placed %(date)s): %(status)s.")
            % {
                "number": order.number,
                "date": formats.date_format(localtime(order.placed_at), "j M Y"),
                "status": str(OrderStatus(order.status).label).lower(),
            }
        ]
        if event is not None:
            place = f" ({event.location})" if event.location else ""
            lines.append(
                _("Latest update %(when)s WIB: %(what)s%(place)s.")
                % {
                    "when": _when(event.at),
                    "what": (event.description or event.get_status_display()).rstrip("."),
                    "place": place,
                }
            )
        if shipment is not None:
            lines.append(
                _("Courier %(carrier)s, tracking number %(tracking)s.")
                % {"carrier": shipment.carrier.upper(), "tracking": shipment.tracking_number}
            )
        elif order.status in (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.PACKED):
            lines.append(_("It has not been handed to the courier yet."))
        return " ".join(lines)
