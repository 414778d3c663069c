from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import Conflict, NotFound


class CustomerNotFound(NotFound):
    code = "customer_not_found"
    default_message = _("No such customer.")


class CannotMerge(Conflict):
    code = "cannot_merge"
    default_message = _("These customers cannot be merged.")
