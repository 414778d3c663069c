from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import NotFound


class AgentNotFound(NotFound):
    code = "agent_not_found"
    default_message = _("No such agent.")
