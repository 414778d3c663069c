from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import SapaError


class AgentNotFound(SapaError):
    code = "agent_not_found"
    status = 404
    default_message = _("No such agent.")
