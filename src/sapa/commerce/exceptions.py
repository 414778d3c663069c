from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import Conflict


class ShipmentBelongsToAnotherOrder(Conflict):
    code = "shipment_of_another_order"
    default_message = _("This tracking number belongs to another order.")
