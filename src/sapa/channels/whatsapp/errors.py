"""What a Cloud API error means for a message: a sentence for the agent, and whether
trying again later can help (rate limits, Meta's own trouble, the network) or not (the
24-hour window closed, an undeliverable number, a token that no longer works).

Codes from Meta's Cloud API error reference; an unknown code is permanent for a 4xx answer
and temporary for a 5xx one.
"""

from django.utils.translation import gettext as _

from sapa.channels.messages import DeliveryResult
from sapa.channels.whatsapp.graph import GraphError

RE_ENGAGEMENT = 131047
UNDELIVERABLE = 131026
INVALID_TOKEN = 190
# Throughput, pair and spam rate limits, Meta's temporary trouble, the app's call limits.
TEMPORARY_CODES = frozenset(
    {1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
)
TOKEN_CODES = frozenset({INVALID_TOKEN, 102})
PERMISSION_CODES = frozenset({3, 10, 200, 131005})
TEMPLATE_CODES = frozenset({132000, 132001, 132005, 132007, 132012, 132015, 132016, 132018})


def explain(code: int | None, title: str = "", details: str = "") -> str:
    """The agent's sentence for a Cloud API error code (with Meta's own words after it)."""
    own = " ".join(part for part in (title, details) if part).strip()
    if code == RE_ENGAGEMENT:
        sentence = _(
            "More than 24 hours have passed since the customer last wrote, so WhatsApp only "
            "takes an approved template now. Send a template from the composer instead."
        )
    elif code == UNDELIVERABLE:
        sentence = _(
            "WhatsApp could not deliver the message: the number may not use WhatsApp, or "
            "has not accepted WhatsApp's latest terms."
        )
    elif code in TOKEN_CODES:
        sentence = _(
            "The WhatsApp access token is not valid any more (expired or revoked). An admin "
            "must paste a new one on the WhatsApp page of the settings."
        )
    elif code in PERMISSION_CODES:
        sentence = _(
            "The WhatsApp access token lacks a permission for this number. An admin must "
            "check the system user's permissions in Meta's Business settings."
        )
    elif code in TEMPLATE_CODES:
        sentence = _("WhatsApp refused the template (its parameters or its approval).")
    elif code in TEMPORARY_CODES:
        sentence = _("WhatsApp is limiting how fast we send; it will be tried again.")
    else:
        sentence = _("WhatsApp refused the message.")
    label = f"WhatsApp {code}" if code is not None else "WhatsApp"
    return f"{sentence} ({label}: {own})" if own else f"{sentence} ({label})"


def is_temporary(error: GraphError) -> bool:
    if error.code in TEMPORARY_CODES:
        return True
    if error.code in TOKEN_CODES or error.code in PERMISSION_CODES:
        return False
    return error.status is None or error.status == 429 or error.status >= 500


def delivery_result(error: GraphError) -> DeliveryResult:
    """The DeliveryResult for a send that failed with `error`."""
    if error.status is None:
        return DeliveryResult(
            ok=False,
            error=_("WhatsApp could not be reached: %(reason)s") % {"reason": error.message},
            temporary=True,
        )
    code = error.code
    if code is None and error.status == 401:
        code = INVALID_TOKEN
    text = explain(code, error.message, error.details)
    return DeliveryResult(ok=False, error=text, temporary=is_temporary(error))
