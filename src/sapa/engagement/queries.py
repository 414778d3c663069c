"""Named reads for the console and the API: where a customer stands on consent."""

from dataclasses import dataclass
from datetime import datetime

from sapa.conversations.reply_routing import customer_reply_options
from sapa.customers.models import Customer
from sapa.engagement.consent import ALL_CHANNELS, decide
from sapa.engagement.models import Consent, Outreach, Purpose

ASKED_PURPOSES = (Purpose.MARKETING, Purpose.FEEDBACK)


@dataclass(frozen=True)
class ConsentLine:
    channel: str
    purpose: str
    allowed: bool
    # What the customer said (None: the default applies), how, and when.
    said: bool | None
    source: str
    changed_at: datetime | None


def consent_lines(customer: Customer) -> list[ConsentLine]:
    """For each channel the customer can be written on (and any channel they answered for),
    whether promotions and surveys may go there. Three queries."""
    recorded = {(c.channel, c.purpose): c for c in Consent.objects.filter(customer=customer)}
    channels = [option.channel for option in customer_reply_options(customer.pk)]
    channels += [channel for channel, _purpose in recorded if channel not in channels]
    lines = []
    for channel in channels:
        for purpose in ASKED_PURPOSES:
            consent = recorded.get((channel, purpose))
            said = {c: row.granted for (c, p), row in recorded.items() if p == purpose}
            allowed = (
                decide(customer, channel=channel, purpose=purpose, said=said)[0]
                if channel != ALL_CHANNELS
                else bool(consent and consent.granted)
            )
            lines.append(
                ConsentLine(
                    channel=channel,
                    purpose=purpose,
                    allowed=allowed,
                    said=consent.granted if consent else None,
                    source=consent.source if consent else "",
                    changed_at=consent.changed_at if consent else None,
                )
            )
    return lines


def recent_outreach(customer: Customer, *, limit: int = 5) -> list[Outreach]:
    return list(Outreach.objects.filter(customer=customer).order_by("-created_at", "-pk")[:limit])
