"""May Sapa write to this customer, on this channel, for this purpose? And the signed
unsubscribe links that change the answer (docs/consent.md).

Service messages (a late parcel) need no consent. Surveys and promotions do: what the
customer said per channel wins, then what they said for all channels, then the default of
SAPA_MARKETING_CONSENT for promotions ("soft_opt_in": customers who bought may get them until
they say stop; "opt_in": only after a recorded yes) — surveys are allowed until refused.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.customers.models import Customer
from sapa.engagement.models import Consent, Purpose

ALL_CHANNELS = "all"
_SALT = "sapa.engagement.unsubscribe"


def may_contact(customer: Customer, *, channel: str, purpose: str) -> tuple[bool, str]:
    """(allowed, why not). One query at most."""
    if purpose == Purpose.SERVICE:
        return True, ""
    said = dict(
        Consent.objects.filter(
            customer=customer, purpose=purpose, channel__in=(channel, ALL_CHANNELS)
        ).values_list("channel", "granted")
    )
    return decide(customer, channel=channel, purpose=purpose, said=said)


def decide(
    customer: Customer, *, channel: str, purpose: str, said: dict[str, bool]
) -> tuple[bool, str]:
    """may_contact's rule on what the customer said for `purpose`, by channel ("all" too)."""
    if purpose == Purpose.SERVICE:
        return True, ""
    if customer.merged_into_id is not None:
        return False, "the customer was merged into another"
    if customer.is_internal and purpose == Purpose.MARKETING:
        return False, "an internal contact gets no promotions"
    for scope in (channel, ALL_CHANNELS):
        if scope in said:
            if said[scope]:
                return True, ""
            where = channel if scope == channel else "any channel"
            return False, f"the customer refused {purpose} messages on {where}"
    if purpose == Purpose.MARKETING and settings.SAPA_MARKETING_CONSENT == "opt_in":
        return False, "no recorded consent to promotions (SAPA_MARKETING_CONSENT=opt_in)"
    return True, ""


def set_consent(
    customer: Customer,
    *,
    channel: str,
    purpose: str,
    granted: bool,
    source: str,
    actor: Actor,
) -> Consent:
    """Record what the customer said, effective at once. Saying no for all channels also
    overrides what they said per channel. A "consent.granted" or "consent.withdrawn" Event on
    the customer keeps who recorded it and how (UU PDP asks to be able to show it). Raises
    PermissionDenied, ValueError for a service purpose (those need no consent)."""
    require(actor, Permission.UPDATE_TICKET)
    if purpose not in (Purpose.FEEDBACK, Purpose.MARKETING):
        raise ValueError(f"consent is not asked for {purpose!r} messages")
    now = clock.now()
    for attempt in range(2):
        try:
            with transaction.atomic():
                consent, _created = Consent.objects.select_for_update().get_or_create(
                    customer=customer,
                    channel=channel,
                    purpose=purpose,
                    defaults={"granted": granted, "source": source, "changed_at": now},
                )
                before = None if _created else consent.granted
                if not _created:
                    consent.granted, consent.source, consent.changed_at = granted, source, now
                    consent.save(update_fields=["granted", "source", "changed_at"])
                if channel == ALL_CHANNELS and not granted:
                    Consent.objects.filter(customer=customer, purpose=purpose).exclude(
                        channel=ALL_CHANNELS
                    ).update(granted=False, source=source, changed_at=now)
                if before != granted:
                    record_event(
                        actor,
                        "consent.granted" if granted else "consent.withdrawn",
                        customer,
                        before={"granted": before},
                        after={
                            "channel": channel,
                            "purpose": purpose,
                            "granted": granted,
                            "source": source,
                        },
                    )
                return consent
        except IntegrityError:
            # Two clicks on the same link at once: the second finds the first one's row.
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class UnsubscribeRequest:
    customer: Customer
    channel: str
    purpose: str


def unsubscribe_token(customer: Customer, *, channel: str, purpose: str) -> str:
    return signing.dumps({"c": customer.pk, "ch": channel, "p": purpose}, salt=_SALT, compress=True)


def unsubscribe_url(customer: Customer, *, channel: str, purpose: str) -> str:
    """The absolute, signed link that stops `purpose` messages on `channel`. It never
    expires: an old newsletter's link must still work."""
    token = unsubscribe_token(customer, channel=channel, purpose=purpose)
    return settings.SAPA_BASE_URL + reverse("engagement:unsubscribe", args=[token])


def read_unsubscribe_token(token: str) -> UnsubscribeRequest | None:
    """What a token asks for, or None when it is forged or names no customer any more."""
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    purpose, channel = payload.get("p"), payload.get("ch")
    if purpose not in (Purpose.FEEDBACK, Purpose.MARKETING) or not isinstance(channel, str):
        return None
    customer_id = payload.get("c")
    if not isinstance(customer_id, int):
        return None
    customer = Customer.objects.filter(pk=customer_id).first()
    while customer is not None and customer.merged_into_id is not None:
        customer = customer.merged_into
    if customer is None:
        return None
    return UnsubscribeRequest(customer=customer, channel=channel, purpose=purpose)


def unsubscribe(request: UnsubscribeRequest, *, everywhere: bool, source: str) -> Consent:
    """The customer said stop, through a link or their mail client's unsubscribe button."""
    return set_consent(
        request.customer,
        channel=ALL_CHANNELS if everywhere else request.channel,
        purpose=request.purpose,
        granted=False,
        source=source,
        actor=Actor.customer(source),
    )


def purpose_label(purpose: str) -> str:
    labels: dict[str, str] = {
        Purpose.FEEDBACK: _("surveys"),
        Purpose.MARKETING: _("promotions and offers"),
    }
    return str(labels.get(purpose, purpose))
