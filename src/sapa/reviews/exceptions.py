"""What can go wrong with reviews, in words a customer or a shop understands (mapped to
HTTP by sapa.api.errors and by the public pages)."""

from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import Conflict, InvalidInput, NotFound, SapaError


class ReviewNotFound(NotFound):
    code = "review_not_found"
    default_message = _("No such review.")


class ReviewLinkInvalid(NotFound):
    code = "review_link_invalid"
    default_message = _("This review link is not valid. Please use the link from your message.")


class ReviewLinkExpired(SapaError):
    code = "review_link_expired"
    status = 410
    default_message = _("This review link has expired.")


class OrderNotDelivered(Conflict):
    code = "order_not_delivered"
    default_message = _(
        "This order has not been delivered yet; it can be reviewed once it arrives."
    )


class ReviewExists(Conflict):
    code = "review_exists"
    default_message = _("This order has been reviewed already.")


class ReviewLocked(Conflict):
    code = "review_locked"
    default_message = _(
        "This review can no longer be changed: it was checked by our team or is too old."
    )


class WrongReviewStatus(Conflict):
    code = "wrong_review_status"
    default_message = _("This review is not in a state that allows this.")


class UnknownOrder(InvalidInput):
    code = "unknown_order"
    default_loc = ("body", "order_number")
    default_message = _("No order with this number.")


class TooManyReviewAttempts(SapaError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many attempts. Please wait a while and try again.")
