"""Errors of the SLA domain."""

from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import Conflict


class HolidayFromPackage(Conflict):
    code = "holiday_from_package"
    default_message = _(
        "This holiday comes from the official list; switch it off instead of removing it."
    )


class HolidayExists(Conflict):
    code = "holiday_exists"
    default_message = _("This calendar already has a holiday on that date.")
