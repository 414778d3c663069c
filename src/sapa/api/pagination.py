"""Page sizes for every list endpoint."""

from django.conf import settings
from django.utils.translation import gettext as _

from sapa.core.exceptions import InvalidInput

MAX_PAGE_SIZE = 200


def page_limit(limit: int | None) -> int:
    """The requested page size, or SAPA_PAGE_SIZE when none was asked for (read per call).

    Raises InvalidInput outside 1..MAX_PAGE_SIZE.
    """
    if limit is None:
        return int(settings.SAPA_PAGE_SIZE)
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(
            _("limit is between 1 and %(maximum)d.") % {"maximum": MAX_PAGE_SIZE},
            loc=["query", "limit"],
        )
    return limit
