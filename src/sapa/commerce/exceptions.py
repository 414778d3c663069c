from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapa.commerce.models import OrderStatus
from sapa.core.exceptions import Conflict, InvalidInput, NotFound


class ShipmentBelongsToAnotherOrder(Conflict):
    code = "shipment_of_another_order"
    default_message = gettext_lazy("This tracking number belongs to another order.")


class InvalidOrderTransition(Conflict):
    """An order status change the state machine forbids (sapa.commerce.states)."""

    code = "invalid_order_transition"
    field = "status"

    def __init__(self, *, current: OrderStatus, target: OrderStatus) -> None:
        self.current = current
        self.target = target
        super().__init__(
            _("An order cannot go from “%(current)s” to “%(target)s”.")
            % {"current": current.label, "target": target.label}
        )

    def body(self) -> dict[str, Any]:
        """The JSON answer: the sentence, the code, the field and both statuses."""
        return {
            "detail": str(self.message),
            "code": self.code,
            "loc": ["body", self.field],
            "from": self.current.value,
            "to": self.target.value,
        }


class ShipmentNotFound(NotFound):
    code = "shipment_not_found"
    default_message = gettext_lazy("No shipment has this tracking number.")


class AmbiguousTrackingNumber(Conflict):
    code = "ambiguous_tracking_number"
    default_message = gettext_lazy(
        "Several carriers have a shipment with this tracking number; say which carrier."
    )


class OrderImportNotFound(NotFound):
    code = "order_import_not_found"
    default_message = gettext_lazy("No such import.")


class OrderImportAlreadyConfirmed(Conflict):
    code = "order_import_confirmed"
    default_message = gettext_lazy("This file has already been imported.")


class InvalidImportFile(InvalidInput):
    """The uploaded file as a whole cannot be read (size, encoding, columns, rows)."""

    code = "invalid_import_file"
    default_loc = ("file",)
