from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import NotFound


class LocationNotFound(NotFound):
    code = "location_not_found"
    default_message = _("No such store or kiosk.")
