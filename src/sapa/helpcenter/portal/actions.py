"""What the portal changes: sign-in links, customers' replies and new requests.

Messages enter through `conversations.actions.receive_inbound` like every channel's, on the
"web" channel, so routing, SLA clocks and automations treat them the same.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language

from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.messages import Address, InboundAttachment, InboundMessage, InboundResult
from sapa.conversations.actions import receive_inbound
from sapa.conversations.models import Ticket
from sapa.core import clock, rate_limits
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.customers.addresses import InvalidAddress, normalise_email
from sapa.customers.models import Customer, Identity
from sapa.helpcenter.models import PortalLink
from sapa.helpcenter.portal.exceptions import InvalidSignInLink, TooManyAttempts
from sapa.helpcenter.portal.mail import send_sign_in_link
from sapa.kb.actions import record_request_submitted

logger = logging.getLogger(__name__)

LINKS_PER_EMAIL_PER_HOUR = 5
LINKS_PER_IP_PER_HOUR = 20


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _find_customer_by_email(email: str) -> Customer | None:
    identity = (
        Identity.objects.select_related("customer")
        .filter(kind=IdentityKind.EMAIL, value=email, customer__merged_into__isnull=True)
        .first()
    )
    return identity.customer if identity else None


def request_sign_in_link(raw_email: str, *, ip: str) -> None:
    """Mail a single-use sign-in link to `raw_email` if a customer has that address.

    Behaves the same whether or not the address is known, so the answer tells nobody which
    addresses are customers'. Counts attempts per address and per IP; raises TooManyAttempts
    past the limits. The mail is sent after commit; a failure to send is logged.
    """
    try:
        email = normalise_email(raw_email)
    except InvalidAddress:
        return
    if not rate_limits.allow("link-ip", ip, limit=LINKS_PER_IP_PER_HOUR):
        raise TooManyAttempts
    if not rate_limits.allow("link-email", email, limit=LINKS_PER_EMAIL_PER_HOUR):
        raise TooManyAttempts
    customer = _find_customer_by_email(email)
    if customer is None:
        return
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        link = PortalLink.objects.create(
            customer=customer,
            email=email,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + timedelta(minutes=settings.SAPA_PORTAL_LINK_MINUTES),
        )
        record_event(
            Actor.customer(label=email),
            "customer.portal_link_sent",
            customer,
            after={"link": link.pk},
        )
        language = get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: send_sign_in_link(email=email, token=token, language=language)
        )


def find_valid_link(token: str) -> PortalLink | None:
    """The unused, unexpired link for `token`, without using it up."""
    return (
        PortalLink.objects.select_related("customer")
        .filter(token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=clock.now())
        .first()
    )


def redeem_sign_in_link(token: str) -> PortalLink:
    """Use up the link for `token`: it signs in once. Raises InvalidSignInLink when it is
    unknown, expired or already used (one error for all three)."""
    now = clock.now()
    with transaction.atomic():
        link = (
            PortalLink.objects.select_for_update()
            .select_related("customer")
            .filter(token_hash=_token_hash(token))
            .first()
        )
        if link is None or link.used_at is not None or link.expires_at <= now:
            raise InvalidSignInLink
        link.used_at = now
        link.save(update_fields=["used_at"])
        record_event(
            Actor.customer(label=link.email),
            "customer.portal_signed_in",
            link.customer,
            after={"link": link.pk},
        )
    return link


def reply_from_portal(
    ticket: Ticket,
    *,
    email: str,
    text: str,
    attachments: tuple[InboundAttachment, ...] = (),
) -> InboundResult:
    """The signed-in customer's reply on their ticket (a closed one gets a follow-up).

    The caller has checked the ticket is theirs (`queries.access_customer_ticket`).
    """
    return receive_inbound(
        InboundMessage(
            channel=Channel.WEB,
            external_id=f"portal-{secrets.token_hex(16)}",
            addresses=(Address(IdentityKind.EMAIL, email),),
            text=text,
            ticket_id=ticket.pk,
            attachments=attachments,
        )
    )


@dataclass(frozen=True)
class Request:
    """What the request form sends."""

    name: str
    email: str
    subject: str
    message: str
    form_token: str
    attachments: tuple[InboundAttachment, ...] = ()


def submit_request(request: Request, *, ip: str) -> InboundResult:
    """Open a web ticket for the request's sender (found or created by email identity)
    and count the request for the deflection report.

    Idempotent per form: the same form sent twice (a double click) returns the first ticket.
    Raises TooManyAttempts past SAPA_PORTAL_REQUESTS_PER_HOUR per IP or per address.
    """
    email = normalise_email(request.email)
    limit = settings.SAPA_PORTAL_REQUESTS_PER_HOUR
    if not rate_limits.allow("request-ip", ip, limit=limit):
        raise TooManyAttempts
    if not rate_limits.allow("request-email", email, limit=limit):
        raise TooManyAttempts
    # The form token comes from the browser: keyed with the secret and the address, one
    # person's token never finds another's ticket.
    key = hmac.new(
        settings.SECRET_KEY.encode(), f"{request.form_token}:{email}".encode(), "sha256"
    ).hexdigest()[:40]
    result = receive_inbound(
        InboundMessage(
            channel=Channel.WEB,
            external_id=f"portal-request-{key}",
            addresses=(Address(IdentityKind.EMAIL, email),),
            text=request.message,
            sender_name=request.name,
            subject=request.subject,
            attachments=request.attachments,
            # Every request is a new conversation, not a continuation of a recent one.
            thread_by_recency=False,
        )
    )
    if result.created:
        record_request_submitted(session=request.form_token)
    return result


# Sign-in links are kept a day past their expiry (for support questions like "the link
# did not work"), then deleted.
LINK_RETENTION = timedelta(days=1)


def delete_old_sign_in_links() -> int:
    """Delete sign-in links that expired more than LINK_RETENTION ago; returns how many."""
    cutoff = clock.now() - LINK_RETENTION
    deleted, _kinds = PortalLink.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
